"""Forms for the in-app administration pages. Money through ``PoundsField``; totals through ``funding.ledger``."""

from __future__ import annotations

from django import forms
from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _

from svduty.web.core.forms import GovukMessages, PoundsField
from svduty.web.core.options import Role
from svduty.web.core.permissions import role_of
from svduty.web.partnership.models import Organisation, Partnership

from .permissions import assignable_roles


class StreamForm(GovukMessages, forms.Form):
    name = forms.CharField(
        label=_("Name"), max_length=200, help_text=_("For example Serious Violence Duty grant 2025-26")
    )
    funder = forms.ModelChoiceField(label=_("Funder"), queryset=Organisation.objects.order_by("name"))
    total = PoundsField(label=_("Total"), min_pence=0, help_text=_("The whole grant, in pounds"))
    conditions = forms.CharField(label=_("Grant conditions"), widget=forms.Textarea(attrs={"rows": 5}), required=False)


class OrganisationForm(GovukMessages, forms.ModelForm):
    website = forms.URLField(label=_("Website"), required=False, assume_scheme="https")

    class Meta:
        model = Organisation
        fields = [
            "name",
            "kind",
            "charity_number",
            "company_number",
            "org_identifier",
            "address_locality",
            "postcode",
            "geo_code",
            "website",
        ]
        labels = {
            "name": _("Name"),
            "kind": _("Type"),
            "charity_number": _("Charity number"),
            "company_number": _("Company number"),
            "org_identifier": _("Organisation identifier"),
            "address_locality": _("Town or city"),
            "postcode": _("Postcode"),
            "geo_code": _("ONS code of its local authority"),
            "website": _("Website"),
        }


class PartnershipForm(GovukMessages, forms.ModelForm):
    class Meta:
        model = Partnership
        fields = ["name", "area", "lead_convenor", "strategy_period", "members"]
        labels = {
            "name": _("Name"),
            "area": _("Area"),
            "lead_convenor": _("Lead convenor"),
            "strategy_period": _("Strategy period"),
            "members": _("Member organisations"),
        }
        widgets = {"members": forms.CheckboxSelectMultiple}


class UserForm(GovukMessages, forms.Form):
    first_name = forms.CharField(label=_("First name"), max_length=150)
    last_name = forms.CharField(label=_("Last name"), max_length=150)
    email = forms.EmailField(label=_("E-mail address"), required=False)
    role = forms.ChoiceField(label=_("Role"))
    organisation = forms.ModelChoiceField(
        label=_("Organisation"), queryset=Organisation.objects.order_by("name"), required=False
    )
    job_title = forms.CharField(label=_("Job title"), max_length=100, required=False)
    is_lead = forms.BooleanField(label=_("Leads the provider organisation (may invite colleagues)"), required=False)
    is_active = forms.BooleanField(label=_("The account can sign in"), required=False)

    def __init__(self, *args, editor, account, **kwargs):
        super().__init__(*args, **kwargs)
        self.account = account
        self.fields["role"].choices = [(v, label) for v, label in Role.choices if v in assignable_roles(editor)]
        if role_of(editor) != Role.ADMIN:
            # The address receives password-reset links: an officer who could change it could take over the account.
            self.fields["email"].disabled = True
            self.fields["email"].help_text = _("Only an administrator can change an e-mail address")

    def clean_email(self):
        email = self.cleaned_data["email"].strip()
        others = get_user_model().objects.filter(email__iexact=email).exclude(pk=self.account.pk)
        if email and others.exists():
            raise forms.ValidationError(_("Another account already has this e-mail address"))
        return email

    def clean(self):
        data = super().clean()
        if data.get("role") == Role.PROVIDER and not data.get("organisation"):
            self.add_error("organisation", _("Select the organisation a provider account belongs to"))
        if data.get("is_lead") and data.get("role") != Role.PROVIDER:
            self.add_error("is_lead", _("Only a provider account can lead a provider organisation"))
        return data
