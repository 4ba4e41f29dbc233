"""Who may invite whom. Administrators invite anyone; officers invite the partnership's roles and providers; a
provider organisation's lead account invites colleagues to its own organisation only."""

from __future__ import annotations

from svduty.web.core.options import Role
from svduty.web.core.permissions import organisation_of, role_of

OFFICER_INVITES = (Role.OFFICER, Role.ASSESSOR, Role.CHIEF_EXECUTIVE, Role.PCC, Role.PROVIDER)


def lead_of(organisation):
    """The organisation's lead provider account: the one named, else the earliest active provider account."""
    from django.contrib.auth import get_user_model

    from .models import ProviderLead

    named = ProviderLead.objects.filter(organisation=organisation).select_related("user").first()
    if named is not None and named.user.is_active:
        return named.user
    return (
        get_user_model()
        .objects.filter(is_active=True, profile__role=Role.PROVIDER, profile__organisation=organisation)
        .order_by("date_joined", "pk")
        .first()
    )


def is_provider_lead(user) -> bool:
    if role_of(user) != Role.PROVIDER:
        return False
    organisation = organisation_of(user)
    return organisation is not None and lead_of(organisation) == user


def invitable_roles(user) -> tuple[str, ...]:
    role = role_of(user)
    if role == Role.ADMIN:
        return tuple(Role.values)
    if role == Role.OFFICER:
        return tuple(OFFICER_INVITES)
    if is_provider_lead(user):
        return (Role.PROVIDER,)
    return ()


def can_invite(user) -> bool:
    return bool(invitable_roles(user))


def can_manage_invitation(user, invitation) -> bool:
    """Resend or revoke: staff for invitations of roles they may give; a provider lead for its own organisation's."""
    if invitation.role not in invitable_roles(user):
        return False
    if role_of(user) == Role.PROVIDER:
        return invitation.organisation_id == getattr(organisation_of(user), "pk", None)
    return True


def can_view_invitations(user) -> bool:
    """Inviters see the invitations they may manage; any provider sees its organisation's colleagues."""
    return can_invite(user) or role_of(user) == Role.PROVIDER


def can_view_account(user) -> bool:
    """Every signed-in person has their own account page."""
    return user is not None and user.is_authenticated
