"""Signed, expiring invitation links: ``signing.dumps`` of (id, nonce), checked for age, nonce and state."""

from __future__ import annotations

from django.conf import settings
from django.core import signing
from django.utils.crypto import get_random_string

from .models import Invitation

SALT = "svduty.accounts.invitation"


def invitation_days() -> int:
    return int(getattr(settings, "SVDUTY_INVITATION_DAYS", 7))


def new_nonce() -> str:
    return get_random_string(32)


def make_token(invitation: Invitation) -> str:
    return signing.dumps([invitation.pk, invitation.nonce], salt=SALT, compress=True)


class InvalidInvitation(Exception):
    """Why a link cannot be used; the message is shown to the person who followed it."""


def read_token(token: str, *, for_update: bool = False) -> Invitation:
    from django.utils.translation import gettext as _

    try:
        pk, nonce = signing.loads(token, salt=SALT, max_age=invitation_days() * 86400)
    except signing.SignatureExpired as exc:
        raise InvalidInvitation(
            _("This invitation link has expired. Ask the person who invited you to send it again.")
        ) from exc
    except (signing.BadSignature, ValueError, TypeError) as exc:
        raise InvalidInvitation(
            _("This invitation link is not valid. Check you copied the whole link from the e-mail.")
        ) from exc
    qs = Invitation.objects.select_for_update() if for_update else Invitation.objects
    invitation = qs.filter(pk=pk).first()
    if invitation is None or invitation.nonce != nonce:
        raise InvalidInvitation(_("This invitation link is no longer valid: a newer invitation may have been sent."))
    state = invitation.state
    if state == "accepted":
        raise InvalidInvitation(
            _("This invitation has already been accepted. Sign in with your username and password.")
        )
    if state == "revoked":
        raise InvalidInvitation(_("This invitation has been withdrawn."))
    if state == "expired":
        raise InvalidInvitation(_("This invitation link has expired. Ask the person who invited you to send it again."))
    return invitation
