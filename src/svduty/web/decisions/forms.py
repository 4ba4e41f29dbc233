"""Forms for drafting a decision record, officer approval and the PCC's decision."""

from __future__ import annotations

from django import forms
from django.utils import timezone
from django.utils.translation import gettext as _t
from django.utils.translation import gettext_lazy as _

from svduty.web.core.forms import GovukDateField, GovukMessages, YesNoField

from .models import DecisionRecord
from .options import Outcome


class DecisionRecordForm(GovukMessages, forms.ModelForm):
    required_if = ("section_b_reason",)
    conditional_reveals = {"publication_deferred": {"on": ("deferral_reason", "deferred_until")}}
    deferred_until = GovukDateField(label=_("Publish on"), required=False)

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
        labels = {
            "title": _("Title"),
            "background": _("Background"),
            "recommendation": _("Recommendation"),
            "financial_implications": _("Financial implications"),
            "legal_implications": _("Legal implications"),
            "equalities_implications": _("Equalities implications"),
            "section_b": _("Section B report"),
            "section_b_published": _("Publish the Section B report"),
            "section_b_reason": _("Reason Section B is not published"),
            "publication_deferred": _("Defer publication of this decision"),
            "deferral_reason": _("Reason publication is deferred"),
        }
        help_texts = {
            "section_b": _("Leave empty if the decision has no Section B report"),
            "section_b_reason": _(
                "Needed when there is a Section B report that is not published, e.g. commercially sensitive"
            ),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name, message in (
            ("deferral_reason", _("Give the reason publication is deferred")),
            ("deferred_until", _("Enter the date the decision will be published")),
        ):
            self.fields[name].error_messages["required"] = message

    def clean(self):
        data = super().clean()
        has_b = bool((data.get("section_b") or "").strip())
        if has_b and not data.get("section_b_published") and not (data.get("section_b_reason") or "").strip():
            self.add_error("section_b_reason", _t("Give the reason Section B is not published"))
        return data


class OfficerApprovalForm(GovukMessages, forms.Form):
    officer_name = forms.CharField(label=_("Your name and title"), max_length=200)
    financial_advice_taken = forms.BooleanField(label=_("Financial advice has been taken into account"))
    legal_advice_taken = forms.BooleanField(label=_("Legal advice has been taken into account"))
    equalities_advice_taken = forms.BooleanField(label=_("Equalities advice has been taken into account"))
    note = forms.CharField(label=_("Note for the record"), required=False, widget=forms.Textarea(attrs={"rows": 2}))


class ReturnForm(GovukMessages, forms.Form):
    comments = forms.CharField(
        label=_("Your comments for the officers"),
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("What needs to change before you can approve it"),
    )
    comments.error_messages["required"] = _("Enter your comments for the officers")
    comments.explicit_required_message = True


class PCCDecisionForm(GovukMessages, forms.Form):
    conditional_reveals = {"pcc_has_interest": {"yes": ("pcc_interest_details",)}}
    decision = forms.ChoiceField(label=_("Decision"), choices=Outcome.choices, widget=forms.RadioSelect)
    decision_text = forms.CharField(
        label=_("Decision wording"),
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("e.g. I approve the recommendation"),
    )
    pcc_has_interest = YesNoField(label=_("Do you have any personal or prejudicial interest in this decision?"))
    pcc_interest_details = forms.CharField(
        label=_("Details of the interest"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    pcc_interest_details.error_messages["required"] = _("Describe the interest you are declaring")
    pcc_interest_details.explicit_required_message = True
    pcc_signature = forms.CharField(label=_("Signature (type your full name)"), max_length=200)
    decided_on = GovukDateField(label=_("Date of the decision"), initial=timezone.localdate)

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
                    _t("The date of the decision cannot be before the Chief Executive's approval on %(d)s")
                    % {"d": f"{approved_on:%-d %B %Y}"},
                )
        if data.get("decided_on") and data["decided_on"] > timezone.localdate():
            self.add_error("decided_on", _t("The date of the decision cannot be in the future"))
        return data
