"""Invite someone; accept an invitation (name and password); password reset sent through ``notify``."""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.contrib.auth import get_user_model, password_validation
from django.contrib.auth.forms import PasswordResetForm, SetPasswordForm
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from svduty.web.core.forms import GovukMessages
from svduty.web.core.options import Role
from svduty.web.core.permissions import organisation_of, role_of
from svduty.web.notifications.service import absolute, notify
from svduty.web.partnership.models import Organisation

from .models import Invitation
from .permissions import invitable_roles

NEEDS_ORGANISATION = {Role.PROVIDER}


class InvitationForm(GovukMessages, forms.ModelForm):
    class Meta:
        model = Invitation
        fields = ["email", "role", "organisation", "job_title"]
        labels = {"email": _("E-mail address"), "job_title": _("Job title")}
        help_texts = {
            "organisation": _("Required for a provider; for partner staff, the partner organisation they work for"),
        }

    show_optional = True

    def __init__(self, *args, inviter, **kwargs):
        super().__init__(*args, **kwargs)
        self.inviter = inviter
        roles = invitable_roles(inviter)
        self.fields["role"].choices = [(v, label) for v, label in Role.choices if v in roles]
        self.fields["organisation"].queryset = Organisation.objects.order_by("name")
        if role_of(inviter) == Role.PROVIDER:
            # a provider lead invites colleagues to its own organisation, as providers
            del self.fields["role"]
            del self.fields["organisation"]

    def clean_email(self):
        email = self.cleaned_data["email"].strip().lower()
        if get_user_model().objects.filter(email__iexact=email, is_active=True).exists():
            raise forms.ValidationError(_("Someone with this e-mail address already has an account"))
        return email

    def clean(self):
        data = super().clean()
        if role_of(self.inviter) == Role.PROVIDER:
            return data
        if data.get("role") in NEEDS_ORGANISATION and not data.get("organisation"):
            self.add_error("organisation", _("Select the provider organisation the person will apply for"))
        return data

    def save(self, commit=True):
        invitation = super().save(commit=False)
        if role_of(self.inviter) == Role.PROVIDER:
            invitation.role = Role.PROVIDER
            invitation.organisation = organisation_of(self.inviter)
        invitation.invited_by = self.inviter
        if commit:
            invitation.save()
        return invitation


class AcceptInvitationForm(GovukMessages, forms.Form):
    first_name = forms.CharField(label=_("First name"), max_length=150)
    last_name = forms.CharField(label=_("Last name"), max_length=150)
    password1 = forms.CharField(
        label=_("Choose a password"),
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=_("At least 12 characters; not a common password"),
        strip=False,
    )
    password2 = forms.CharField(
        label=_("Type the password again"),
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        strip=False,
    )

    def __init__(self, *args, invitation, **kwargs):
        super().__init__(*args, **kwargs)
        self.invitation = invitation
        self.fields["password1"].error_messages["required"] = _("Enter a password")
        self.fields["password2"].error_messages["required"] = _("Enter the password again")

    def clean(self):
        data = super().clean()
        p1, p2 = data.get("password1"), data.get("password2")
        if p1 and p2 and p1 != p2:
            self.add_error("password2", _("The two passwords do not match"))
        elif p1:
            candidate = get_user_model()(
                username=self.invitation.email,
                email=self.invitation.email,
                first_name=data.get("first_name", ""),
                last_name=data.get("last_name", ""),
            )
            try:
                password_validation.validate_password(p1, candidate)
            except forms.ValidationError as exc:
                self.add_error("password1", exc)
        return data


class NotifyPasswordResetForm(GovukMessages, PasswordResetForm):
    """Django's reset form, with the e-mail sent (and recorded) by ``notify``, the link built from the reset view."""

    def save(self, *args, request=None, **kwargs):
        self._request = request
        return super().save(*args, request=request, **kwargs)

    def send_mail(
        self, subject_template_name, email_template_name, context, from_email, to_email, html_email_template_name=None
    ):
        user = context["user"]
        path = reverse("accounts:password_reset_confirm", kwargs={"uidb64": context["uid"], "token": context["token"]})
        request = getattr(self, "_request", None)
        url = absolute(path, request) if request is not None else f"{context['protocol']}://{context['domain']}{path}"
        notify(
            "password_reset",
            to=[user],
            context={"user": user, "username": user.get_username(), "reset_url": url, "link": url},
            request=request,
        )


class GovukSetPasswordForm(GovukMessages, SetPasswordForm):
    pass


class LanguageForm(GovukMessages, forms.Form):
    language = forms.ChoiceField(
        label=_("Which language do you want to use?"),
        choices=settings.LANGUAGES,
        widget=forms.RadioSelect,
        help_text=_("Pages you see when signed in, and the e-mails and notifications the service sends you"),
    )
