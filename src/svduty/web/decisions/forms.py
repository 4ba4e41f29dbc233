"""Forms for drafting a decision record, officer approval and the PCC's decision."""

from __future__ import annotations

from django import forms
from django.utils import timezone

from svduty.web.core.forms import DateInput, GovukMessages, YesNoField

from .models import DecisionRecord
from .options import Outcome


class DecisionRecordForm(GovukMessages, forms.ModelForm):
    class Meta:
        model = DecisionRecord
        fields = [
            "title",
            "background",
            "recommendation",
            "financial_implications",
            "legal_implications",
            "equalities_implications",
            "section_b",
            "section_b_published",
            "section_b_reason",
            "publication_deferred",
            "deferral_reason",
            "deferred_until",
        ]
        widgets = {"deferred_until": DateInput()}
        labels = {
            "section_b_published": "Publish the Section B report",
            "publication_deferred": "Defer publication of this decision",
            "deferred_until": "Publish on",
        }
        help_texts = {
            "section_b_reason": "Required when Section B is not published, e.g. commercially sensitive",
            "deferral_reason": "Required when publication is deferred",
        }

    def clean(self):
        data = super().clean()
        if not data.get("section_b_published") and not (data.get("section_b_reason") or "").strip():
            self.add_error("section_b_reason", "Give the reason Section B is not published")
        if data.get("publication_deferred"):
            if not (data.get("deferral_reason") or "").strip():
                self.add_error("deferral_reason", "Give the reason publication is deferred")
            if not data.get("deferred_until"):
                self.add_error("deferred_until", "Enter the date the decision will be published")
        return data


class OfficerApprovalForm(GovukMessages, forms.Form):
    officer_name = forms.CharField(label="Your name and title", max_length=200)
    financial_advice_taken = forms.BooleanField(label="Financial advice has been taken into account")
    legal_advice_taken = forms.BooleanField(label="Legal advice has been taken into account")
    equalities_advice_taken = forms.BooleanField(label="Equalities advice has been taken into account")
    note = forms.CharField(label="Note for the record", required=False, widget=forms.Textarea(attrs={"rows": 2}))


class PCCDecisionForm(GovukMessages, forms.Form):
    decision = forms.ChoiceField(label="Decision", choices=Outcome.choices, widget=forms.RadioSelect)
    decision_text = forms.CharField(
        label="Decision wording",
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="e.g. I approve the recommendation",
    )
    pcc_has_interest = YesNoField(label="Do you have any personal or prejudicial interest in this decision?")
    pcc_interest_details = forms.CharField(
        label="Details of the interest", required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    pcc_signature = forms.CharField(label="Signature (type your full name)", max_length=200)
    decided_on = forms.DateField(label="Date", widget=DateInput(), initial=timezone.localdate)

    def __init__(self, *args, record=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.record = record

    def clean(self):
        data = super().clean()
        approved_at = getattr(self.record, "officer_approved_at", None)
        if data.get("decided_on") and approved_at is not None:
            approved_on = timezone.localdate(approved_at)
            if data["decided_on"] < approved_on:
                # The PCC decides on a record the Chief Executive has already approved, so it cannot be earlier.
                self.add_error(
                    "decided_on",
                    f"The date of the decision cannot be before the Chief Executive's approval on "
                    f"{approved_on:%-d %B %Y}",
                )
        if data.get("pcc_has_interest") and not (data.get("pcc_interest_details") or "").strip():
            self.add_error("pcc_interest_details", "Describe the interest you are declaring")
        if data.get("decided_on") and data["decided_on"] > timezone.localdate():
            self.add_error("decided_on", "The date of the decision cannot be in the future")
        return data
