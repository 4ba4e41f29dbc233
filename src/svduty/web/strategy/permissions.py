"""Who may see and change the local definition, SNA versions, the strategy and the calendar (pages and API alike)."""

from __future__ import annotations

from svduty.web.core.options import Role
from svduty.web.core.permissions import is_partner_role, is_staff_role, role_of

from .options import DefinitionStatus, StrategyStatus

BOARD_ROLES = (Role.ADMIN, Role.OFFICER, Role.PCC, Role.CHIEF_EXECUTIVE)


def _analysts(user) -> bool:
    return is_staff_role(user) or role_of(user) == Role.ANALYST


def can_view_strategy_area(user) -> bool:
    """Partnership staff, the board's PCC and Chief Executive, assessors and analysts read drafts and evidence."""
    return is_partner_role(user) or role_of(user) == Role.ANALYST


def can_view_strategy(user, strategy=None) -> bool:
    if strategy is not None and strategy.status == StrategyStatus.PUBLISHED:
        return True
    return can_view_strategy_area(user)


def can_create_strategy(user) -> bool:
    return is_staff_role(user)


def can_edit_strategy(user, strategy) -> bool:
    return is_staff_role(user) and strategy.status == StrategyStatus.DRAFT


def can_agree_strategy(user, strategy) -> bool:
    """The board's agreement is recorded by an officer, or by the PCC or Chief Executive who chair it."""
    return role_of(user) in BOARD_ROLES and strategy.status == StrategyStatus.DRAFT


def can_publish_strategy(user, strategy) -> bool:
    return is_staff_role(user) and strategy.status == StrategyStatus.AGREED


def can_revise_strategy(user, strategy) -> bool:
    return is_staff_role(user) and strategy.status in (StrategyStatus.AGREED, StrategyStatus.PUBLISHED)


def can_view_sna_versions(user) -> bool:
    return can_view_strategy_area(user)


def can_register_sna(user) -> bool:
    return _analysts(user)


def can_view_definition(user) -> bool:
    return can_view_strategy_area(user)


def can_edit_definition(user, definition=None) -> bool:
    """Officers and analysts draft versions; an approved version is never edited (a change is a new version)."""
    return _analysts(user) and (definition is None or definition.status == DefinitionStatus.DRAFT)


def can_approve_definition(user, definition) -> bool:
    return is_staff_role(user) and definition.status == DefinitionStatus.DRAFT


def can_view_calendar(user) -> bool:
    return can_view_strategy_area(user)


def can_manage_calendar(user) -> bool:
    return is_staff_role(user)
