"""Who may see and do what with programmes and returns. Views and the API call these same functions."""

from __future__ import annotations

from svduty.web.core.options import Role
from svduty.web.core.permissions import is_staff_role, organisation_of, role_of

from .options import ProgrammeStatus, ReturnStatus

LEADERSHIP = (Role.ADMIN, Role.OFFICER, Role.CHIEF_EXECUTIVE, Role.PCC)


def can_list_programmes(user) -> bool:
    return role_of(user) in (*LEADERSHIP, Role.PROVIDER)


def is_own_programme(user, programme) -> bool:
    org = organisation_of(user)
    return role_of(user) == Role.PROVIDER and org is not None and programme.organisation_id == org.pk


def can_view_programme(user, programme) -> bool:
    """Leadership see every programme; a provider sees only its own organisation's."""
    return role_of(user) in LEADERSHIP or is_own_programme(user, programme)


def visible_programmes(user, queryset):
    """The queryset narrowed to what ``can_view_programme`` allows (same rule, for lists)."""
    role = role_of(user)
    if role in LEADERSHIP:
        return queryset
    if role == Role.PROVIDER and organisation_of(user) is not None:
        return queryset.filter(organisation=organisation_of(user))
    return queryset.none()


def can_manage_programme(user, programme=None) -> bool:
    return is_staff_role(user)


def can_create_programme(user, award) -> bool:
    """An award becomes a programme once the PCC has approved it, and only once."""
    record = award.decision_record
    return (
        is_staff_role(user)
        and record is not None
        and record.decision == "approved"
        and not type(award).objects.filter(pk=award.pk, programme__isnull=False).exists()
    )


def can_view_return(user, monitoring_return) -> bool:
    return can_view_programme(user, monitoring_return.programme)


def visible_returns(user, queryset):
    role = role_of(user)
    if role in LEADERSHIP:
        return queryset
    if role == Role.PROVIDER and organisation_of(user) is not None:
        return queryset.filter(programme__organisation=organisation_of(user))
    return queryset.none()


def can_edit_return(user, monitoring_return) -> bool:
    """The provider fills its own return while it is not submitted (or after it was returned)."""
    return (
        is_own_programme(user, monitoring_return.programme)
        and monitoring_return.status in (ReturnStatus.DRAFT, ReturnStatus.RETURNED)
        and monitoring_return.programme.status != ProgrammeStatus.CLOSED
    )


def can_submit_return(user, monitoring_return) -> bool:
    return can_edit_return(user, monitoring_return)


def can_review_return(user, monitoring_return) -> bool:
    return is_staff_role(user) and monitoring_return.status == ReturnStatus.SUBMITTED


def can_view_return_queue(user) -> bool:
    return role_of(user) in (*LEADERSHIP, Role.PROVIDER)


def can_view_dashboard(user) -> bool:
    """The board dashboard: officers, the Chief Executive and the PCC (and administrators)."""
    return role_of(user) in LEADERSHIP
