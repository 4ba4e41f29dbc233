"""Forms: programme settings, the delivery plan (indicators, quarterly targets), the provider's return, review."""

from __future__ import annotations

import re

from django import forms
from django.utils.translation import gettext_lazy as _

from svduty.web.core.forms import GovukMessages, PoundsField

from .models import Indicator, Programme, geo_code_type
from .options import AGE_BANDS, CASE_SOURCES, ETHNIC_GROUPS, SEXES

ONS_AREA = re.compile(r"^[EW]0[125-9][0-9]{6}$")


class ProgrammeForm(GovukMessages, forms.ModelForm):
    class Meta:
        model = Programme
        fields = [
            "title",
            "status",
            "status_reason",
            "report_due_days",
            "approaches",
            "beneficiary_geo_code",
        ]
        widgets = {"approaches": forms.CheckboxSelectMultiple, "status": forms.RadioSelect}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["approaches"].required = False

    def clean_beneficiary_geo_code(self):
        code = self.cleaned_data["beneficiary_geo_code"].strip().upper()
        if code and not (ONS_AREA.match(code) and geo_code_type(code)):
            raise forms.ValidationError(
                _("Enter the ONS code of a local authority or LSOA, like E06000015 or E01013456")
            )
        return code


class IndicatorForm(GovukMessages, forms.ModelForm):
    class Meta:
        model = Indicator
        fields = ["name", "kind", "unit", "order", "case_source"]
        widgets = {"kind": forms.RadioSelect(attrs={"data-inline": "1"})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["case_source"].choices = [("", _("Reported by the provider")), *CASE_SOURCES]


class CaseSourcesForm(forms.Form):
    """Staff choose, per existing indicator, whether its actual is counted from case records."""

    show_optional = False

    def __init__(self, *args, programme: Programme, **kwargs):
        super().__init__(*args, **kwargs)
        self.indicators = list(programme.indicators.all())
        for indicator in self.indicators:
            self.fields[f"src_{indicator.pk}"] = forms.ChoiceField(
                label=_("Source of “%(name)s”") % {"name": indicator.name},
                choices=[("", _("Reported by the provider")), *CASE_SOURCES],
                required=False,
                initial=indicator.case_source,
            )

    def rows(self):
        return [(i, self[f"src_{i.pk}"]) for i in self.indicators]


class TargetsForm(forms.Form):
    """One whole-number target per indicator and quarter of each funded year."""

    def __init__(self, *args, programme: Programme, **kwargs):
        super().__init__(*args, **kwargs)
        self.programme = programme
        current = {}
        for indicator in programme.indicators.all():
            for t in indicator.targets.all():
                current[(indicator.pk, t.financial_year, t.quarter)] = t.value
        self.cells = []
        for indicator in programme.indicators.all():
            for year in programme.years:
                for quarter in (1, 2, 3, 4):
                    name = f"t_{indicator.pk}_{year}_{quarter}"
                    self.fields[name] = forms.IntegerField(
                        label=_("%(ind)s, %(year)s Q%(q)s") % {"ind": indicator.name, "year": year, "q": quarter},
                        min_value=0,
                        required=False,
                        initial=current.get((indicator.pk, year, quarter)),
                        error_messages={
                            "min_value": _("A target cannot be negative"),
                            "invalid": _("Enter a whole number"),
                        },
                    )
                    self.cells.append((indicator, year, quarter, name))

    def rows(self):
        out = []
        for indicator in self.programme.indicators.all():
            for year in self.programme.years:
                out.append(
                    {
                        "indicator": indicator,
                        "year": year,
                        "fields": [self[f"t_{indicator.pk}_{year}_{q}"] for q in (1, 2, 3, 4)],
                    }
                )
        return out


def _count_field(label):
    return forms.IntegerField(
        label=label,
        min_value=0,
        required=False,
        error_messages={"min_value": _("A count cannot be negative"), "invalid": _("Enter a whole number, like 12")},
    )


class ReturnForm(GovukMessages, forms.Form):
    """The provider's quarterly return. Drafts may be partial; every value is checked whenever it is given."""

    show_optional = False

    total_reached = _count_field(_("People reached this quarter"))
    spend_to_date = PoundsField(
        label=_("Spend to date"),
        required=False,
        help_text=_("Everything spent on the programme since it began, in pounds and pence, for example 12,345.67"),
    )
    narrative = forms.CharField(label=_("What was delivered"), widget=forms.Textarea(attrs={"rows": 5}), required=False)
    risks = forms.CharField(label=_("Risks and issues"), widget=forms.Textarea(attrs={"rows": 3}), required=False)
    case_studies = forms.CharField(
        label=_("Case studies"),
        widget=forms.Textarea(attrs={"rows": 4}),
        required=False,
        help_text=_("Anonymised: no names or details that identify a young person"),
    )
    areas = forms.CharField(
        label=_("Reach by area"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        help_text=_(
            "Where known: one area a line, the ONS code of the local authority or LSOA, then the count, "
            "e.g. E06000015 40"
        ),
    )

    def __init__(self, *args, monitoring_return, **kwargs):
        super().__init__(*args, **kwargs)
        self.monitoring_return = monitoring_return
        self.indicators = list(monitoring_return.programme.indicators.all())
        values = {v.indicator_id: v.actual for v in monitoring_return.values.all()}
        reach = {(r.dimension, r.category): r.count for r in monitoring_return.reach.all()}
        sources = dict(CASE_SOURCES)
        for indicator in self.indicators:
            field = _count_field(f"{indicator.name} ({indicator.unit})")
            field.initial = values.get(indicator.pk)
            if indicator.case_source:
                # Counted from case records: disabled, so a posted value is ignored (Django keeps the initial).
                field.disabled = True
                field.help_text = _("From case records: %(source)s. Counted by svduty, not entered.") % {
                    "source": sources[indicator.case_source]
                }
            self.fields[f"ind_{indicator.pk}"] = field
        for band, band_label in AGE_BANDS:
            for sex, sex_label in SEXES:
                name = f"age_{band}_{sex}"
                self.fields[name] = _count_field(f"{band_label}, {sex_label}")
                self.fields[name].initial = reach.get(("age_sex", f"{band}|{sex}"))
        for group, label in ETHNIC_GROUPS:
            self.fields[f"eth_{group}"] = _count_field(label)
            self.fields[f"eth_{group}"].initial = reach.get(("ethnicity", group))
        r = monitoring_return
        self.fields["total_reached"].initial = r.total_reached
        self.fields["spend_to_date"].initial = r.spend_to_date_pence
        for name in ("narrative", "risks", "case_studies"):
            self.fields[name].initial = getattr(r, name)
        self.fields["areas"].initial = "\n".join(
            f"{cat} {n}" for (dim, cat), n in sorted(reach.items()) if dim == "area"
        )

    def indicator_fields(self):
        return [self[f"ind_{i.pk}"] for i in self.indicators]

    def age_rows(self):
        return [
            {"label": label, "fields": [self[f"age_{band}_{sex}"] for sex, _s in SEXES]} for band, label in AGE_BANDS
        ]

    def sex_labels(self):
        return [label for _v, label in SEXES]

    def ethnicity_fields(self):
        return [self[f"eth_{g}"] for g, _l in ETHNIC_GROUPS]

    def clean_areas(self):
        out = {}
        for number, line in enumerate(self.cleaned_data["areas"].splitlines(), start=1):
            parts = line.split()
            if not parts:
                continue
            if len(parts) != 2 or not parts[1].isdigit():
                raise forms.ValidationError(
                    _("Line %(n)s: write the area code then the number, like E06000015 40") % {"n": number}
                )
            code = parts[0].upper()
            if not ONS_AREA.match(code):
                raise forms.ValidationError(
                    _("Line %(n)s: %(code)s is not an ONS local authority or LSOA code")
                    % {"n": number, "code": parts[0]}
                )
            if code in out:
                raise forms.ValidationError(_("Line %(n)s: %(code)s is listed twice") % {"n": number, "code": code})
            out[code] = int(parts[1])
        return out

    def clean(self):
        data = super().clean()
        total = data.get("total_reached")
        sums = {
            _("age and sex"): sum(data.get(f"age_{b}_{s}") or 0 for b, _l in AGE_BANDS for s, _x in SEXES),
            _("ethnicity"): sum(data.get(f"eth_{g}") or 0 for g, _l in ETHNIC_GROUPS),
            _("area"): sum((data.get("areas") or {}).values()),
        }
        for name, value in sums.items():
            if value and total is None:
                self.add_error("total_reached", _("Enter the number of people reached before breaking it down"))
                break
            if total is not None and value > total:
                self.add_error(
                    None,
                    _("Reach by %(what)s adds up to %(sum)s, more than the %(total)s people reached")
                    % {"what": name, "sum": value, "total": total},
                )
        return data

    def values(self) -> dict:
        data = self.cleaned_data
        reach = {}
        for band, _l in AGE_BANDS:
            for sex, _s in SEXES:
                reach[("age_sex", f"{band}|{sex}")] = data.get(f"age_{band}_{sex}") or 0
        for group, _l in ETHNIC_GROUPS:
            reach[("ethnicity", group)] = data.get(f"eth_{group}") or 0
        for code, n in (data.get("areas") or {}).items():
            reach[("area", code)] = n
        return {
            "total_reached": data.get("total_reached"),
            "spend_to_date_pence": data.get("spend_to_date"),
            "narrative": data.get("narrative", ""),
            "risks": data.get("risks", ""),
            "case_studies": data.get("case_studies", ""),
            "values": {i.pk: data.get(f"ind_{i.pk}") for i in self.indicators if not i.case_source},
            "reach": reach,
        }


class ReviewForm(GovukMessages, forms.Form):
    conditional_reveals = {"decision": {"return": ("comment",)}}
    decision = forms.ChoiceField(
        label=_("Your decision"),
        choices=[("accept", _("Accept the return")), ("return", _("Return it to the provider for changes"))],
        widget=forms.RadioSelect,
    )
    comment = forms.CharField(
        label=_("Comments for the provider"),
        widget=forms.Textarea(attrs={"rows": 4}),
        required=False,
        help_text=_("Say what needs to change"),
    )
    comment.error_messages["required"] = _("Say what the provider needs to change")
    comment.explicit_required_message = True


class CreateProgrammeForm(GovukMessages, forms.Form):
    report_due_days = forms.IntegerField(
        label=_("Returns due (days after each quarter ends)"), min_value=1, max_value=120, initial=30
    )
