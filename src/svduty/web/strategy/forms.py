"""Forms: the local definition (as rule fields or a TOML file), an SNA version upload, the strategy and its parts."""

from __future__ import annotations

import tomllib

from django import forms
from django.utils.translation import gettext_lazy as _

from svduty.data.schema import POLICE_UK_CRIME_TYPES, SV_PROXY_CRIME_TYPES
from svduty.data.sv_definition import DefinitionError, parse_document
from svduty.web.core.forms import GovukDates
from svduty.web.partnership.models import BoardMeeting

from .models import MeasureValue, Objective, Obligation, SnaVersion, Strategy, StrategyPriority, SuccessMeasure
from .options import MAX_PDF_BYTES

EXTRA_TYPES = [t for t in POLICE_UK_CRIME_TYPES if t not in SV_PROXY_CRIME_TYPES and t != "Anti-social behaviour"]


def _split(text: str) -> list[str]:
    return [x.strip() for x in text.replace(",", "\n").splitlines() if x.strip()]


class DefinitionForm(forms.Form):
    """The common shapes of a local definition as fields; a TOML file for anything else."""

    name = forms.CharField(label=_("Name"), max_length=200)
    classified = forms.BooleanField(
        label=_("Include what ingest classifies as serious violence (police.uk proxy; RMS mapping categories)"),
        required=False,
        initial=True,
    )
    crime_types = forms.MultipleChoiceField(
        label=_("Also include these crime types"),
        choices=[(t, t) for t in EXTRA_TYPES],
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    offence_codes = forms.CharField(
        label=_("Also include these Home Office offence codes"),
        help_text=_("Separated by commas; a trailing * is a prefix, e.g. 8N, 105A*. Police record extracts only."),
        required=False,
    )
    knife_any = forms.BooleanField(
        label=_("Also include any knife- or sharp-object-enabled offence (record-level data only)"), required=False
    )
    domestic_violence = forms.BooleanField(
        label=_("Also include domestic-flagged violence against the person (record-level data only)"),
        required=False,
    )
    exclude_types = forms.MultipleChoiceField(
        label=_("Leave out these proxy crime types"),
        choices=[(t, t) for t in SV_PROXY_CRIME_TYPES],
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    toml_file = forms.FileField(
        label=_("Or upload a definition file (TOML)"),
        help_text=_("Replaces the fields above; the format is described by svduty definition set --help"),
        required=False,
    )
    rationale = forms.CharField(label=_("Why the partnership defines it so"), widget=forms.Textarea, required=False)

    def clean(self):
        data = super().clean()
        upload = data.get("toml_file")
        if upload:
            try:
                doc = tomllib.loads(upload.read().decode("utf-8"))
            except (UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
                raise forms.ValidationError(
                    _("%(file)s is not a TOML file: %(error)s") % {"file": upload.name, "error": exc}
                ) from None
            doc.setdefault("name", data.get("name") or "")
            where = upload.name
        else:
            include: list[dict] = []
            if data.get("classified"):
                include.append({"classified": True})
            if data.get("crime_types"):
                include.append({"crime_types": list(data["crime_types"])})
            codes = _split(data.get("offence_codes") or "")
            if codes:
                include.append({"offence_codes": codes})
            if data.get("knife_any"):
                include.append({"knife": True})
            if data.get("domestic_violence"):
                include.append(
                    {"domestic": True, "crime_types": ["Violence and sexual offences", "Violence against the person"]}
                )
            doc = {"name": data.get("name") or "", "include": include}
            if data.get("exclude_types"):
                doc["exclude"] = [{"crime_types": list(data["exclude_types"])}]
            where = _("the definition")
        try:
            self.definition = parse_document(doc, str(where))
        except DefinitionError as exc:
            raise forms.ValidationError(str(exc)) from None
        return data

    @staticmethod
    def initial_from(rules: dict) -> dict:
        """Field values for an existing rule document (those the fields can show)."""
        initial: dict = {"name": rules.get("name", ""), "classified": False}
        for rule in rules.get("include", []):
            if rule == {"classified": True}:
                initial["classified"] = True
            elif set(rule) == {"crime_types"}:
                initial["crime_types"] = rule["crime_types"]
            elif set(rule) == {"offence_codes"}:
                initial["offence_codes"] = ", ".join(rule["offence_codes"])
            elif rule == {"knife": True}:
                initial["knife_any"] = True
            elif rule.get("domestic") is True:
                initial["domestic_violence"] = True
        for rule in rules.get("exclude", []):
            if set(rule) == {"crime_types"}:
                initial["exclude_types"] = rule["crime_types"]
        return initial


class SnaUploadForm(forms.Form):
    report_zip = forms.FileField(
        label=_("sna-report.zip"), help_text=_("The zip svduty sna writes beside the report: summary.json, tables, PDF")
    )
    label = forms.CharField(
        label=_("Label"),
        max_length=200,
        required=False,
        help_text=_("For example: SNA 2024 refresh (default: the area and period)"),
    )

    def clean_report_zip(self):
        upload = self.cleaned_data["report_zip"]
        if upload.size > MAX_PDF_BYTES * 2:
            raise forms.ValidationError(_("The zip is larger than 100 MB"))
        return upload


class CompareForm(forms.Form):
    old = forms.ModelChoiceField(label=_("Earlier version"), queryset=SnaVersion.objects.none())
    new = forms.ModelChoiceField(label=_("Later version"), queryset=SnaVersion.objects.none())

    def __init__(self, *args, versions=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["old"].queryset = versions
        self.fields["new"].queryset = versions


class StrategyForm(GovukDates, forms.ModelForm):
    class Meta:
        model = Strategy
        fields = ["title", "period", "starts_on", "ends_on", "vision", "principles", "sna_version", "definition"]

    def __init__(self, *args, partnership=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["sna_version"].queryset = SnaVersion.objects.filter(partnership=partnership)
        self.fields["definition"].queryset = self.fields["definition"].queryset.filter(partnership=partnership)


class PriorityForm(forms.ModelForm):
    sna_tables = forms.MultipleChoiceField(
        label=_("SNA tables cited"), required=False, widget=forms.CheckboxSelectMultiple
    )
    sna_priority = forms.ChoiceField(label=_("Derived priority in the SNA"), required=False)
    objectives_text = forms.CharField(
        label=_("Objectives"),
        help_text=_("One objective a line"),
        widget=forms.Textarea(attrs={"rows": 4}),
        required=False,
    )

    class Meta:
        model = StrategyPriority
        fields = [
            "order",
            "title",
            "description",
            "target_kind",
            "target",
            "sna_version",
            "sna_priority",
            "sna_tables",
            "evidence_note",
            "objectives_text",
            "funding_priority",
            "programmes",
            "pathways",
        ]
        widgets = {"programmes": forms.CheckboxSelectMultiple, "pathways": forms.CheckboxSelectMultiple}

    def __init__(self, *args, strategy: Strategy, **kwargs):
        super().__init__(*args, **kwargs)
        from svduty.web.programmes.models import Programme

        versions = SnaVersion.objects.filter(partnership=strategy.partnership)
        self.fields["sna_version"].queryset = versions
        self.fields["funding_priority"].queryset = strategy.partnership.priorities.all()
        self.fields["programmes"].queryset = Programme.objects.select_related("organisation").order_by("title")
        version = self.instance.sna_version if self.instance.pk else None
        version = version or strategy.sna_version
        names, tables = [], []
        for v in versions:
            names += [p["name"] for p in v.priorities]
            tables += list(v.tables.values_list("name", flat=True))
        chosen_v = version
        ranked = [(p["name"], f"{p['rank']}. {p['name']}") for p in chosen_v.priorities] if chosen_v else []
        others = [(n, n) for n in dict.fromkeys(names) if n not in dict(ranked)]
        self.fields["sna_priority"].choices = [("", _("None")), *ranked, *others]
        self.fields["sna_tables"].choices = [(t, t) for t in sorted(set(tables))]

    def clean(self):
        data = super().clean()
        version = data.get("sna_version")
        if version and data.get("sna_priority") and version.priority_rank(data["sna_priority"]) is None:
            self.add_error("sna_priority", _("That derived priority is not in the SNA version chosen"))
        if version:
            held = set(version.tables.values_list("name", flat=True))
            missing = [t for t in data.get("sna_tables") or [] if t not in held]
            if missing:
                self.add_error("sna_tables", _("Not in the SNA version chosen: %(t)s") % {"t": ", ".join(missing)})
        return data


class ObjectiveForm(forms.ModelForm):
    class Meta:
        model = Objective
        fields = ["order", "text"]
        widgets = {"text": forms.Textarea(attrs={"rows": 2})}


class MeasureForm(forms.ModelForm):
    class Meta:
        model = SuccessMeasure
        fields = [
            "kind",
            "national_key",
            "name",
            "unit",
            "direction",
            "baseline_value",
            "baseline_period",
            "target_value",
            "target_period",
            "source",
            "sna_figure",
        ]

    def clean(self):
        data = super().clean()
        if data.get("kind") == "national" and data.get("national_key") and not data.get("name"):
            data["name"] = dict(self.fields["national_key"].choices)[data["national_key"]]
        return data


class MeasureValueForm(GovukDates, forms.ModelForm):
    class Meta:
        model = MeasureValue
        fields = ["period", "period_end", "value", "source"]


class AgreeForm(GovukDates, forms.Form):
    agreed_on = forms.DateField(label=_("Date the board agreed it"))
    meeting = forms.ModelChoiceField(label=_("Board meeting"), queryset=BoardMeeting.objects.none(), required=False)
    note = forms.CharField(label=_("Note for the record"), widget=forms.Textarea(attrs={"rows": 2}), required=False)

    def __init__(self, *args, partnership=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["meeting"].queryset = BoardMeeting.objects.filter(partnership=partnership)


class ObligationForm(GovukDates, forms.ModelForm):
    class Meta:
        model = Obligation
        fields = ["kind", "title", "due_on", "recurrence", "owner", "note"]
