"""Access rules for the partnership pages."""

from svduty.web.core.permissions import is_partner_role, is_staff_role


def can_view_partnership(user) -> bool:
    return is_partner_role(user)


def can_manage_board(user) -> bool:
    return is_staff_role(user)
