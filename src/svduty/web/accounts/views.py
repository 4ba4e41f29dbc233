"""Invitations (list, send, resend, revoke, accept) and GOV.UK-styled password reset on Django's auth views."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import get_user_model, login
from django.contrib.auth import views as auth_views
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse, reverse_lazy
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from svduty.web.core.forms_register import new_username
from svduty.web.core.language import language_of, remember_language, save_preference
from svduty.web.core.options import Role
from svduty.web.core.pagination import paginate
from svduty.web.core.permissions import organisation_of, role_of
from svduty.web.core.views import check, require
from svduty.web.notifications.service import absolute, notify
from svduty.web.partnership.models import Profile

from . import permissions as perms
from .forms import AcceptInvitationForm, GovukSetPasswordForm, InvitationForm, LanguageForm, NotifyPasswordResetForm
from .models import Invitation
from .tokens import InvalidInvitation, invitation_days, make_token, new_nonce, read_token


@require(perms.can_view_account)
def account(request):
    """The signed-in person's own account: who they are, and the language the service writes to them in."""
    current = language_of(request.user) or translation.get_language() or settings.LANGUAGE_CODE
    current = "cy" if current.startswith("cy") else "en-gb"
    form = LanguageForm(request.POST or None, initial={"language": current})
    if request.method == "POST" and form.is_valid():
        code = form.cleaned_data["language"]
        save_preference(request.user, code)
        translation.activate(code)
        messages.success(request, _("Your language is saved"))
        response = redirect("accounts:account")
        remember_language(response, code)
        return response
    return render(request, "accounts/account.html", {"form": form})


def send_invitation(invitation: Invitation, request) -> None:
    """(Re)issue the link: a new nonce and expiry, then the e-mail through ``notify``."""
    invitation.nonce = new_nonce()
    invitation.expires_at = timezone.now() + timedelta(days=invitation_days())
    invitation.sent_count += 1
    invitation.last_sent_at = timezone.now()
    invitation.save()
    url = absolute(reverse("accounts:accept", args=[make_token(invitation)]), request)
    notify(
        "colleague_invited",
        to=[invitation.email],
        context={
            "invitation": invitation,
            "accept_url": url,
            "link": url,
            "invited_by": invitation.invited_by,
            "role_label": invitation.get_role_display(),
            "organisation": invitation.organisation,
            "expires_at": timezone.localtime(invitation.expires_at),
        },
        obj=invitation,
        request=request,
    )


def _colleagues(user):
    if role_of(user) != Role.PROVIDER:
        return []
    return (
        get_user_model()
        .objects.filter(profile__organisation=organisation_of(user), is_active=True)
        .order_by("last_name", "first_name")
    )


def _visible_invitations(user):
    qs = Invitation.objects.select_related("organisation", "invited_by", "accepted_user")
    if role_of(user) == Role.PROVIDER:
        return qs.filter(organisation=organisation_of(user), role=Role.PROVIDER)
    return qs.filter(role__in=perms.invitable_roles(user))


@require(perms.can_view_invitations)
def invitation_list(request):
    can_invite = perms.can_invite(request.user)
    if request.method == "POST" and not can_invite:
        raise PermissionDenied
    form = InvitationForm(request.POST or None, inviter=request.user) if can_invite else None
    if request.method == "POST" and form.is_valid():
        with transaction.atomic():
            invitation = form.save(commit=False)
            invitation.nonce = new_nonce()
            invitation.expires_at = timezone.now()
            invitation.save()
            send_invitation(invitation, request)
        messages.success(request, _("Invitation sent to %(email)s") % {"email": invitation.email})
        return redirect("accounts:invitations")
    return render(
        request,
        "accounts/invitations.html",
        {
            "form": form,
            "is_provider": role_of(request.user) == Role.PROVIDER,
            "can_invite": can_invite,
            "colleagues": _colleagues(request.user),
            "lead": perms.lead_of(organisation_of(request.user)) if role_of(request.user) == Role.PROVIDER else None,
            "invitation_days": invitation_days(),
            **paginate(request, _visible_invitations(request.user)),
        },
    )


@require_POST
@require(perms.can_invite)
def invitation_resend(request, pk):
    invitation = get_object_or_404(Invitation, pk=pk)
    if (denied := check(request, perms.can_manage_invitation(request.user, invitation))) is not None:
        return denied
    if invitation.accepted_at or invitation.revoked_at:
        messages.error(request, _("That invitation has already been accepted or revoked"))
    else:
        send_invitation(invitation, request)
        messages.success(
            request,
            _("Invitation sent again to %(email)s; the earlier link no longer works") % {"email": invitation.email},
        )
    return redirect("accounts:invitations")


@require_POST
@require(perms.can_invite)
def invitation_revoke(request, pk):
    invitation = get_object_or_404(Invitation, pk=pk)
    if (denied := check(request, perms.can_manage_invitation(request.user, invitation))) is not None:
        return denied
    if invitation.accepted_at or invitation.revoked_at:
        messages.error(request, _("That invitation has already been accepted or revoked"))
    else:
        invitation.revoked_at = timezone.now()
        invitation.revoked_by = request.user
        invitation.save()
        messages.success(
            request, _("Invitation to %(email)s revoked: its link no longer works") % {"email": invitation.email}
        )
    return redirect("accounts:invitations")


def accept(request, token):
    """Anyone holding a valid link: choose a name and password; the account gets the invitation's role."""
    if request.user.is_authenticated:
        raise PermissionDenied(_("You are signed in: sign out first to accept an invitation"))
    try:
        invitation = read_token(token)
    except InvalidInvitation as exc:
        return render(request, "accounts/invitation_invalid.html", {"reason": str(exc)}, status=410)
    form = AcceptInvitationForm(request.POST or None, invitation=invitation)
    if request.method == "POST" and form.is_valid():
        with transaction.atomic():
            try:
                invitation = read_token(token, for_update=True)  # the losing request of two at once is refused
            except InvalidInvitation as exc:
                return render(request, "accounts/invitation_invalid.html", {"reason": str(exc)}, status=410)
            data = form.cleaned_data
            user = get_user_model().objects.create_user(
                username=new_username(data["first_name"], data["last_name"]),
                email=invitation.email,
                password=data["password1"],
                first_name=data["first_name"],
                last_name=data["last_name"],
            )
            Profile.objects.create(
                user=user, role=invitation.role, organisation=invitation.organisation, job_title=invitation.job_title
            )
            invitation.accepted_at = timezone.now()
            invitation.accepted_user = user
            invitation.save()
        login(request, user, backend="svduty.web.core.backends.ProfileModelBackend")
        messages.success(
            request,
            _(
                "Welcome. Your account is ready. Your username is %(username)s — keep it: you sign in with it "
                "and your password."
            )
            % {"username": user.username},
        )
        return redirect("core:home")
    return render(request, "accounts/accept.html", {"form": form, "invitation": invitation})


class PasswordResetView(auth_views.PasswordResetView):
    form_class = NotifyPasswordResetForm
    template_name = "accounts/password_reset.html"
    success_url = reverse_lazy("accounts:password_reset_done")


class PasswordResetDoneView(auth_views.PasswordResetDoneView):
    template_name = "accounts/password_reset_done.html"


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    form_class = GovukSetPasswordForm
    template_name = "accounts/password_reset_confirm.html"
    success_url = reverse_lazy("accounts:password_reset_complete")


class PasswordResetCompleteView(auth_views.PasswordResetCompleteView):
    template_name = "accounts/password_reset_complete.html"
