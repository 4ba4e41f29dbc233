"""Forms for cases and referrals (GOV.UK wording via ``GovukMessages``)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from svduty.web.core.forms import ConditionalReveals, GovukMessages

from .identity import default_namespace
from .models import Service
from .options import CloseOutcome, ConsentKind, ConsentStatus, DoneReason, LawfulBasis

EVENT_LABELS = {
    "attended_at": _("Arrived at the emergency department"),
    "arrest_notified_at": _("Arrest notified to the youth justice service (or custody record opened)"),
    "released_at": _("Released from custody"),
}


class DateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%Y-%m-%dT%H:%M")


def _datetime_field(label, required):
    return forms.DateTimeField(
        label=label, required=required, widget=DateTimeInput(), input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"]
    )


def _required(field: forms.Field, message) -> forms.Field:
    """A field nested under an answer (a conditional reveal) with its own "required" wording."""
    field.error_messages["required"] = message
    field.explicit_required_message = True
    return field


class ConsentFields(ConditionalReveals, forms.Form):
    conditional_reveals = {"consent": {ConsentStatus.OVERRIDDEN.value: ("lawful_basis", "consent_reason")}}
    consent = forms.ChoiceField(
        label=_("Consent to share information and receive services"),
        choices=ConsentStatus.choices,
        widget=forms.RadioSelect,
        initial=ConsentStatus.NOT_ASKED,
        help_text=_("Without consent given (or overridden with a lawful basis) nothing can be referred on"),
    )
    lawful_basis = _required(
        forms.ChoiceField(
            label=_("Lawful basis for an override"), choices=[("", ""), *LawfulBasis.choices], required=False
        ),
        _("Select the lawful basis for sharing without consent"),
    )
    consent_reason = _required(
        forms.CharField(
            label=_("Reason"),
            required=False,
            widget=forms.Textarea(attrs={"rows": 3}),
            help_text=_("e.g. the safeguarding concern"),
        ),
        _("Enter the reason consent is overridden"),
    )


class CaseForm(GovukMessages, ConsentFields):
    given_name = forms.CharField(label=_("Given name"), max_length=100)
    family_name = forms.CharField(label=_("Family name"), max_length=100)
    date_of_birth = forms.DateField(label=_("Date of birth"))
    source_ref = forms.CharField(
        label=_("Source identifier"),
        max_length=100,
        help_text=_("The person's number in the source system (police person number or NHS number)"),
    )
    person_namespace = forms.CharField(
        label=_("Source system"),
        max_length=100,
        help_text=_("The RMS person namespace, so the pseudonym links to police records"),
    )
    contact = forms.CharField(
        label=_("Contact details"), required=False, widget=forms.Textarea(attrs={"rows": 3}), max_length=1000
    )
    incident_date = forms.DateField(label=_("Date of the incident"))

    field_order = [
        "given_name",
        "family_name",
        "date_of_birth",
        "source_ref",
        "person_namespace",
        "contact",
        "incident_date",
    ]

    def __init__(self, *args, pathway, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["person_namespace"].initial = default_namespace()
        spec = pathway.spec
        steps_events = {s.from_event for t in spec.tracks for s in t.steps if s.from_event}
        for event in ("attended_at", "arrest_notified_at", "released_at"):
            if event in spec.required_events or event in steps_events:
                self.fields[event] = _datetime_field(EVENT_LABELS[event], event in spec.required_events)
        self.order_fields([*self.field_order, "attended_at", "arrest_notified_at", "released_at", "consent"])
        for field in self.fields.values():
            if field.required:
                from svduty.web.core.forms import required_message

                field.error_messages["required"] = required_message(field)


class ConsentForm(GovukMessages, forms.Form):
    conditional_reveals = {"status": {ConsentStatus.OVERRIDDEN.value: ("lawful_basis", "reason")}}
    kind = forms.ChoiceField(label=_("Consent to"), choices=ConsentKind.choices, widget=forms.RadioSelect)
    status = forms.ChoiceField(label=_("Decision"), choices=ConsentStatus.choices[1:], widget=forms.RadioSelect)
    lawful_basis = _required(
        forms.ChoiceField(
            label=_("Lawful basis for an override"), choices=[("", ""), *LawfulBasis.choices], required=False
        ),
        _("Select the lawful basis for sharing without consent"),
    )
    reason = _required(
        forms.CharField(label=_("Reason"), required=False, widget=forms.Textarea(attrs={"rows": 3})),
        _("Enter the reason consent is overridden"),
    )


class CloseForm(GovukMessages, forms.Form):
    outcome = forms.ChoiceField(label=_("Outcome"), choices=CloseOutcome.choices, widget=forms.RadioSelect)
    note = forms.CharField(label=_("Closing note"), required=False, widget=forms.Textarea(attrs={"rows": 3}))


class NoteForm(forms.Form):
    note = forms.CharField(label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 3}))


class ReleaseForm(GovukMessages, forms.Form):
    released_at = _datetime_field(EVENT_LABELS["released_at"], True)


class DeadlineDoneForm(GovukMessages, forms.Form):
    done_at = _datetime_field(_("Done at"), False)
    note = forms.CharField(label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, outcomes=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["done_at"].help_text = _("Leave blank for now")
        if outcomes:
            self.fields["outcome"] = forms.ChoiceField(
                label=_("Decision"), choices=[(o, o[0].upper() + o[1:]) for o in outcomes], widget=forms.RadioSelect
            )
            self.order_fields(["outcome", "done_at", "note"])
            self.fields["outcome"].error_messages["required"] = _("Select the decision")


class ReferForm(GovukMessages, forms.Form):
    service = forms.ModelChoiceField(label=_("Service"), queryset=Service.objects.none(), widget=forms.RadioSelect)
    note = forms.CharField(
        label=_("What the service needs to know"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Share only what the service needs (data minimisation)"),
    )

    def __init__(self, *args, services, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["service"].queryset = services
        self.fields["service"].label_from_instance = lambda s: f"{s.name} – {s.organisation.name} ({s.area})"


class RespondForm(GovukMessages, forms.Form):
    conditional_reveals = {"decision": {"reject": ("reason",)}}
    decision = forms.ChoiceField(
        label=_("Your decision"), choices=[("accept", _("Accept")), ("reject", _("Reject"))], widget=forms.RadioSelect
    )
    reason = _required(
        forms.CharField(label=_("Reason for rejecting"), required=False, widget=forms.Textarea(attrs={"rows": 3})),
        _("Enter the reason for rejecting the referral"),
    )


class DoneForm(GovukMessages, forms.Form):
    conditional_reveals = {"successful": {"no": ("reason",)}}
    successful = forms.ChoiceField(
        label=_("Was the referral successful?"),
        choices=[("yes", _("Yes")), ("no", _("No"))],
        widget=forms.RadioSelect(attrs={"data-inline": "1"}),
    )
    reason = _required(
        forms.ChoiceField(label=_("Reason"), choices=[("", ""), *DoneReason.choices], required=False),
        _("Select why the referral did not succeed"),
    )
    note = forms.CharField(label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 3}))


class IdentityReasonForm(GovukMessages, forms.Form):
    reason = forms.CharField(
        label=_("Why do you need this person's details?"),
        max_length=300,
        help_text=_("Recorded in the access log the data protection officer reviews"),
    )


class ComparisonForm(GovukMessages, forms.Form):
    comparison_label = forms.CharField(label=_("Comparison figure"), max_length=200)
    comparison_percent = forms.FloatField(label=_("Rate (%)"), min_value=0, max_value=100)
    comparison_source = forms.CharField(label=_("Source"), max_length=300)
