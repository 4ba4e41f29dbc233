"""Who may see and run the Serious Violence Board's records: partner staff read meetings and the action log;
leadership (officers, the Chief Executive, the PCC, administrators) read the risk log and the board packs;
officers and administrators edit. Called by the pages and the API alike."""

from __future__ import annotations

from svduty.web.core.options import Role
from svduty.web.core.permissions import is_partner_role, is_staff_role, role_of
from svduty.web.partnership.options import ACTION_LIVE

LEADERSHIP = {Role.ADMIN, Role.OFFICER, Role.CHIEF_EXECUTIVE, Role.PCC}


def can_view_board(user) -> bool:
    return is_partner_role(user)


def can_manage_board(user) -> bool:
    return is_staff_role(user)


def can_download_paper(user, paper) -> bool:
    return can_view_board(user)


def can_view_risks(user) -> bool:
    return role_of(user) in LEADERSHIP


def can_manage_risks(user) -> bool:
    return is_staff_role(user)


def can_view_packs(user) -> bool:
    return role_of(user) in LEADERSHIP


def can_make_pack(user) -> bool:
    return is_staff_role(user)


def can_edit_action(user, action) -> bool:
    """A carried-forward action is closed on its old meeting: its successor is the one to edit."""
    return is_staff_role(user) and action.status != "carried"


def can_carry_forward(user, action, later_meeting) -> bool:
    return is_staff_role(user) and action.status in ACTION_LIVE and later_meeting is not None
