"""Permission-matrix rows for notifications, accounts (password reset, invitations) and in-app administration
(issue 17), used by test_permission_matrix.matrix() and by test_administration's POST-only checks."""

from __future__ import annotations

from datetime import timedelta

from django.contrib.auth import get_user_model
from django.urls import reverse as u
from django.utils import timezone

ALL = {"admin", "officer", "assessor", "chief_executive", "pcc", "provider", "public"}
SIGNED_IN = ALL - {"public"}
STAFF = {"admin", "officer"}


def invitation(role="assessor", organisation=None, email=None):
    from svduty.web.accounts.models import Invitation
    from svduty.web.accounts.tokens import new_nonce

    n = Invitation.objects.count()
    return Invitation.objects.create(
        email=email or f"invitee{n}@example.org",
        role=role,
        organisation=organisation,
        invited_by=get_user_model().objects.get(username="admin"),
        nonce=new_nonce(),
        expires_at=timezone.now() + timedelta(days=7),
    )


def message():
    from svduty.web.notifications.service import notify

    return notify("award_letter", to=["matrix@example.org"], context={"reference": "EOI-1", "amount": "£1"})[0]


def admin_matrix(w):
    """(url name, url, roles allowed to GET it) for every page issue 17's administration added."""
    from svduty.web.accounts.tokens import make_token

    assessor = get_user_model().objects.get(username="assessor")
    return [
        ("notifications:inbox", u("notifications:inbox"), SIGNED_IN),
        # every signed-in person's own account page (their language)
        ("accounts:account", u("accounts:account"), SIGNED_IN),
        ("notifications:message_log", u("notifications:message_log"), STAFF),
        ("notifications:message_detail", u("notifications:message_detail", args=[message().pk]), STAFF),
        # providers see their organisation's colleagues (the lead also invites); partner staff other than officers
        # and administrators invite nobody
        ("accounts:invitations", u("accounts:invitations"), STAFF | {"provider"}),
        # an invitation link is for the person invited, who has no account yet
        ("accounts:accept", u("accounts:accept", args=[make_token(invitation())]), {"public"}),
        ("accounts:password_reset", u("accounts:password_reset"), ALL),
        ("accounts:password_reset_done", u("accounts:password_reset_done"), ALL),
        # an invalid link shows "this link cannot be used" to anyone
        ("accounts:password_reset_confirm", u("accounts:password_reset_confirm", args=["MQ", "bad-token"]), ALL),
        ("accounts:password_reset_complete", u("accounts:password_reset_complete"), ALL),
        ("administration:home", u("administration:home"), STAFF),
        ("administration:streams", u("administration:streams"), STAFF),
        ("administration:stream_new", u("administration:stream_new"), STAFF),
        ("administration:stream_edit", u("administration:stream_edit", args=[w.stream.pk]), STAFF),
        ("administration:organisations", u("administration:organisations"), STAFF),
        ("administration:organisation_new", u("administration:organisation_new"), STAFF),
        (
            "administration:organisation_edit",
            u("administration:organisation_edit", args=[w.other_app.organisation_id]),
            STAFF,
        ),
        ("administration:partnership", u("administration:partnership"), STAFF),
        ("administration:users", u("administration:users"), STAFF),
        ("administration:user_edit", u("administration:user_edit", args=[assessor.pk]), STAFF),
        # an officer cannot edit an administrator's account
        (
            "administration:user_edit",
            u("administration:user_edit", args=[get_user_model().objects.get(username="admin").pk]),
            set(),
        ),
        ("administration:applications", u("administration:applications"), STAFF),
        ("administration:applications_export", u("administration:applications_export", args=["csv"]), STAFF),
        (
            "administration:applications_export",
            u("administration:applications_export", args=["xlsx"]) + "?kind=finance",
            STAFF,
        ),
    ]


def admin_post_matrix(w):
    """POST-only URLs as factories (a fresh object per role); allowed roles are redirected onwards."""
    from svduty.web.notifications.service import notify

    def own_notification(role_user):
        return notify(
            "eoi_submitted", to=[role_user], context={"reference": "R", "application": w.draft, "round": w.open_round}
        )[0].notification.pk

    return [
        (
            "notifications:mark_read",
            lambda user: u("notifications:mark_read", args=[own_notification(user)]),
            SIGNED_IN,
        ),
        ("notifications:mark_all_read", lambda user: u("notifications:mark_all_read"), SIGNED_IN),
        ("accounts:invitation_resend", lambda user: u("accounts:invitation_resend", args=[invitation().pk]), STAFF),
        ("accounts:invitation_revoke", lambda user: u("accounts:invitation_revoke", args=[invitation().pk]), STAFF),
        # the provider's lead manages its own organisation's provider invitations
        (
            "accounts:invitation_revoke",
            lambda user: u("accounts:invitation_revoke", args=[invitation("provider", w.awarded_app.organisation).pk]),
            STAFF | {"provider"},
        ),
    ]
