"""In-app administration: administrators and partnership/VRU officers run the service from its own pages; Django
admin stays a back office. Officers cannot make or edit administrators, nor give the case-management roles."""

from __future__ import annotations

from svduty.web.core.options import Role
from svduty.web.core.permissions import is_staff_role, role_of
from svduty.web.funding.permissions import can_manage_funding

OFFICER_ASSIGNS = (Role.OFFICER, Role.ASSESSOR, Role.CHIEF_EXECUTIVE, Role.PCC, Role.PROVIDER)

__all__ = ["can_manage_funding"]


def can_administer(user) -> bool:
    return is_staff_role(user)


def can_manage_organisations(user) -> bool:
    return is_staff_role(user)


def can_manage_partnership(user) -> bool:
    return is_staff_role(user)


def can_manage_users(user) -> bool:
    return is_staff_role(user)


def assignable_roles(user) -> tuple[str, ...]:
    role = role_of(user)
    if role == Role.ADMIN:
        return tuple(Role.values)
    if role == Role.OFFICER:
        return OFFICER_ASSIGNS
    return ()


def can_edit_user(user, other) -> bool:
    """An officer edits accounts holding roles it may give (never an administrator's, never a superuser's); nobody
    edits their own role here (so the last administrator cannot demote themself by accident)."""
    if not can_manage_users(user) or other.pk == user.pk:
        return False
    if other.is_superuser and role_of(user) != Role.ADMIN:
        return False
    return role_of(other) in assignable_roles(user) or role_of(other) == "public"


def can_view_applications(user) -> bool:
    """The all-applications list and its exports: the staff who run rounds."""
    return is_staff_role(user)
