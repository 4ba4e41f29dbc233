"""Who may do what with the data-sharing agreements register. Plain functions, used by views and tests."""

from __future__ import annotations

from svduty.web.core.options import Role
from svduty.web.core.permissions import is_partner_role, is_staff_role, role_of


def can_view_agreements(user) -> bool:
    """Everyone working for the partnership sees under what agreement each dataset is shared."""
    return is_partner_role(user)


def can_manage_agreements(user) -> bool:
    """Partnership/VRU officers (and administrators) keep the register and upload signed copies."""
    return is_staff_role(user)


def can_export_agreements(user) -> bool:
    """The machine-readable export feeds the analysts' workspace (``svduty agreements load``)."""
    return is_staff_role(user)


def can_download_signed_copy(user, copy) -> bool:
    """Signed copies carry signatories' names and signatures: officers and the signing leadership only."""
    return role_of(user) in (Role.ADMIN, Role.OFFICER, Role.CHIEF_EXECUTIVE, Role.PCC)
