"""Forms for the risk index: a new definition version, ALGO-CARE answers, the DPIA, the ATRS record, importing a
run, adopting a threshold, panel decisions and challenges."""

from __future__ import annotations

import json

from django import forms
from django.contrib.auth import get_user_model
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from svduty.web.core.forms import ConditionalReveals, GovukDateField

from . import atrs
from .models import Dpia
from .options import ChallengeRaisedBy, ChallengeStatus, PanelOutcome

MAX_UPLOAD = 50 * 1024 * 1024


class VersionForm(forms.Form):
    """The definition's parameters; gravity weights as JSON (a list of objects, as in the TOML's [[gravity]])."""

    name = forms.CharField(label=_("Name"), max_length=200)
    description = forms.CharField(label=_("Description"), widget=forms.Textarea)
    owner = forms.ModelChoiceField(
        label=_("Named owner"),
        queryset=get_user_model().objects.none(),
        help_text=_("Signs off the ALGO-CARE checklist, adopts the threshold and approves the version"),
    )
    lookback_months = forms.IntegerField(label=_("Look-back window (months)"), min_value=1)
    half_life_months = forms.FloatField(label=_("Recency half-life (months)"), min_value=0.01)
    knife_weight = forms.FloatField(label=_("Knife-flag weight (multiplier)"), min_value=0)
    threshold = forms.FloatField(label=_("Threshold for listing for the panel (harm-days)"), min_value=0)
    offence_groups = forms.CharField(label=_("Offence groups counted (one a line)"), widget=forms.Textarea)
    roles = forms.CharField(label=_("Roles counted (one a line)"), widget=forms.Textarea(attrs={"rows": 2}))
    gravity = forms.CharField(
        label=_("Gravity weights (JSON)"),
        widget=forms.Textarea(attrs={"rows": 12}),
        help_text=_("Each: offence_group, days, offence, guideline, guideline_date, source, status"),
    )
    change_note = forms.CharField(label=_("What changed and why"), widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, owners=None, base: dict | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = owners
        self.fields["owner"].label_from_instance = lambda u: f"{u.get_full_name() or u.username} ({u.username})"
        self.base = base or {}

    @staticmethod
    def initial_from(definition: dict) -> dict:
        return {
            **{k: definition.get(k) for k in ("name", "description", "lookback_months", "half_life_months")},
            "knife_weight": definition.get("knife_weight"),
            "threshold": definition.get("threshold"),
            "offence_groups": "\n".join(definition.get("offence_groups", [])),
            "roles": "\n".join(definition.get("roles", [])),
            "gravity": json.dumps(definition.get("gravity", []), indent=2, ensure_ascii=False),
        }

    def clean_gravity(self):
        try:
            value = json.loads(self.cleaned_data["gravity"])
        except ValueError as exc:
            raise forms.ValidationError(_("Not valid JSON: %(error)s") % {"error": exc}) from None
        if not isinstance(value, list):
            raise forms.ValidationError(_("A list of weights, each an object"))
        return value

    def definition(self) -> dict:
        d = self.cleaned_data
        owner = d["owner"]
        profile = getattr(owner, "profile", None)
        owner_text = owner.get_full_name() or owner.username
        if profile is not None and profile.organisation:
            owner_text += f", {profile.organisation.name}"
        return {
            **self.base,
            "name": d["name"],
            "description": d["description"],
            "owner": owner_text,
            "lookback_months": d["lookback_months"],
            "half_life_months": d["half_life_months"],
            "knife_weight": d["knife_weight"],
            "threshold": d["threshold"],
            "offence_groups": [line.strip() for line in d["offence_groups"].splitlines() if line.strip()],
            "roles": [line.strip() for line in d["roles"].splitlines() if line.strip()],
            "gravity": d["gravity"],
        }


class AlgoCareForm(forms.Form):
    answer = forms.CharField(label=_("Answer"), widget=forms.Textarea(attrs={"rows": 4}))
    evidence = forms.CharField(
        label=_("Evidence"),
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Documents, tests or records that show the answer holds"),
    )


class DpiaForm(forms.ModelForm):
    class Meta:
        model = Dpia
        fields = ["processing", "necessity", "risks", "measures", "consultation", "residual_risk", "dpo_advice"]
        widgets = {f: forms.Textarea(attrs={"rows": 4}) for f in fields}


class SignOffForm(forms.Form):
    confirm = forms.BooleanField(label=_("I have read the record and I sign it off under my name"))


class AtrsForm(forms.Form):
    """Every field of the standard, labelled with its reference and name."""

    def __init__(self, *args, values: dict[str, str], **kwargs):
        super().__init__(*args, **kwargs)
        for f in atrs.FIELDS:
            if f.reference == "0.2":
                continue  # the standard's version is fixed
            long = f.tier == "2" or f.attribute == "description"
            self.fields[f.reference] = forms.CharField(
                label=f"{f.reference} {gettext(f.name)}",
                required=f.required and f.tier == "1",
                initial=values.get(f.reference, ""),
                widget=forms.Textarea(attrs={"rows": 3}) if long else forms.TextInput(),
                help_text=f"{gettext(f.category)} · {f.attribute}",
            )

    def values(self) -> dict[str, str]:
        return {"0.2": atrs.STANDARD_VERSION, **{k: v.strip() for k, v in self.cleaned_data.items()}}


class RunUploadForm(forms.Form):
    label = forms.CharField(label=_("Label"), max_length=200, required=False)
    scores = forms.FileField(label=_("scores.csv"))
    components = forms.FileField(label=_("components.csv"))
    fairness = forms.FileField(label=_("fairness.csv"))
    model_card = forms.FileField(label=_("model_card.md"), required=False)
    fairness_sweep = forms.FileField(label=_("fairness_sweep.csv"), required=False)

    def text(self, name) -> str:
        upload = self.cleaned_data.get(name)
        if not upload:
            return ""
        if upload.size > MAX_UPLOAD:
            raise forms.ValidationError(_("%(file)s: larger than 50 MB") % {"file": upload.name})
        try:
            return upload.read().decode("utf-8-sig")
        except UnicodeDecodeError:
            raise forms.ValidationError(_("%(file)s: not UTF-8 text") % {"file": upload.name}) from None


class AdoptForm(forms.Form):
    acknowledged = forms.BooleanField(
        label=_("I have read the fairness table above for this threshold"), required=False
    )
    justification = forms.CharField(
        label=_("Justification for adopting the threshold despite the four-fifths breaches"),
        widget=forms.Textarea(attrs={"rows": 4}),
        required=False,
    )

    def __init__(self, *args, needs_justification: bool, **kwargs):
        super().__init__(*args, **kwargs)
        if not needs_justification:
            del self.fields["justification"]


class DecisionForm(forms.Form):
    outcome = forms.ChoiceField(label=_("Panel decision"), choices=PanelOutcome.choices, widget=forms.RadioSelect)
    reasons = forms.CharField(label=_("Reasons"), widget=forms.Textarea(attrs={"rows": 4}))
    meeting_date = GovukDateField(label=_("Date of the panel meeting"))
    attendees = forms.ModelMultipleChoiceField(
        label=_("Who attended"), queryset=None, widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args, members, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["attendees"].queryset = members
        self.fields["attendees"].label_from_instance = lambda m: (
            f"{m.user.get_full_name() or m.user.username}, {m.organisation.name} ({m.get_agency_display()})"
        )


class ChallengeForm(forms.Form):
    raised_by = forms.ChoiceField(label=_("Raised by"), choices=ChallengeRaisedBy.choices, widget=forms.RadioSelect)
    raised_on = GovukDateField(label=_("Date raised"))
    what = forms.CharField(label=_("What is challenged"), widget=forms.Textarea(attrs={"rows": 4}))


class ResolveForm(ConditionalReveals, forms.Form):
    conditional_reveals = {"status": {ChallengeStatus.UPHELD.value: ("correction",)}}
    status = forms.ChoiceField(
        label=_("Outcome"),
        choices=[
            (ChallengeStatus.UPHELD, ChallengeStatus.UPHELD.label),
            (ChallengeStatus.NOT_UPHELD, ChallengeStatus.NOT_UPHELD.label),
        ],
        widget=forms.RadioSelect,
    )
    outcome = forms.CharField(label=_("What was found"), widget=forms.Textarea(attrs={"rows": 3}))
    correction = forms.CharField(
        label=_("Correction made to the data"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )
    correction.error_messages["required"] = _("An upheld challenge says what was corrected")
    excluded = forms.ModelMultipleChoiceField(
        label=_("Records excluded from the score (wrongly attributed or wrongly recorded)"),
        queryset=None,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )

    def __init__(self, *args, components, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["excluded"].queryset = components
        self.fields["excluded"].label_from_instance = lambda c: (
            f"{c.month} · {c.offence_group} · {c.incident_id} · {c.contribution:.2f}"
        )

    def clean(self):
        data = super().clean()
        if data.get("status") == ChallengeStatus.NOT_UPHELD and data.get("excluded"):
            self.add_error("excluded", _("A challenge not upheld excludes no records"))
        return data
