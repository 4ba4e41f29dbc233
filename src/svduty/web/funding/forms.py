"""Forms for budgets, commitments and payments (amounts in pounds, stored as pence)."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from svduty.web.core.forms import GovukMessages, PoundsField
from svduty.web.core.money import check_financial_year


class CommitmentForm(GovukMessages, forms.Form):
    financial_year = forms.CharField(label=_("Financial year"), max_length=7, help_text=_("For example 2024-25"))
    amount = PoundsField(label=_("Amount"), min_pence=1)
    description = forms.CharField(label=_("What it is for"), max_length=300, help_text=_("For example VRU staffing"))

    def clean_financial_year(self):
        try:
            return check_financial_year(self.cleaned_data["financial_year"].strip())
        except ValueError as exc:
            raise forms.ValidationError(str(exc)) from None


class BudgetForm(GovukMessages, forms.Form):
    financial_year = forms.CharField(label=_("Financial year"), max_length=7, help_text=_("For example 2025-26"))
    amount = PoundsField(label=_("Budget for the year"), min_pence=0)

    def clean_financial_year(self):
        try:
            return check_financial_year(self.cleaned_data["financial_year"].strip())
        except ValueError as exc:
            raise forms.ValidationError(str(exc)) from None


class SpendForm(GovukMessages, forms.Form):
    amount = PoundsField(label=_("Amount paid"), min_pence=1)
    paid_on = forms.DateField(label=_("Date paid"), initial=timezone.localdate)
    description = forms.CharField(label=_("Description"), max_length=300, help_text=_("For example Q1 grant payment"))
