"""Access rules for funding streams, budgets, commitments and spend."""

from svduty.web.core.options import Role
from svduty.web.core.permissions import is_staff_role, role_of


def can_view_funding(user) -> bool:
    return role_of(user) in (Role.ADMIN, Role.OFFICER, Role.CHIEF_EXECUTIVE, Role.PCC)


def can_manage_funding(user) -> bool:
    return is_staff_role(user)
