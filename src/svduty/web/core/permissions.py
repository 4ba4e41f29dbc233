"""Who is who. Every access rule in svduty is a plain function of (user, object) in an app's ``permissions.py``
(Hypha's pattern), built on ``role_of``; views and templates both call them, and tests call them directly."""

from __future__ import annotations

from .options import PUBLIC, Role


def role_of(user) -> str:
    """The user's one role; superusers are administrators; anonymous visitors are the public."""
    if user is None or not user.is_authenticated:
        return PUBLIC
    if user.is_superuser:
        return Role.ADMIN
    profile = getattr(user, "profile", None)
    return profile.role if profile is not None else PUBLIC


def organisation_of(user):
    profile = getattr(user, "profile", None) if user is not None and user.is_authenticated else None
    return profile.organisation if profile is not None else None


def is_staff_role(user) -> bool:
    """Administrators and partnership/VRU officers run the service."""
    return role_of(user) in (Role.ADMIN, Role.OFFICER)


def is_partner_role(user) -> bool:
    """Anyone working for the partnership (everyone but providers and the public)."""
    return role_of(user) in (Role.ADMIN, Role.OFFICER, Role.ASSESSOR, Role.CHIEF_EXECUTIVE, Role.PCC)
