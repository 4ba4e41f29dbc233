"""Access rules for PCC decision records: officers draft, the Chief Executive (or nominee) gives officer approval,
the PCC decides, officers or the PCC publish. The public sees records only through ``svduty.web.public``."""

from __future__ import annotations

from svduty.web.core.options import Role
from svduty.web.core.permissions import role_of

from .options import State

OFFICER_ROLES = (Role.ADMIN, Role.OFFICER)


def can_view_decisions(user) -> bool:
    return role_of(user) in (Role.ADMIN, Role.OFFICER, Role.CHIEF_EXECUTIVE, Role.PCC)


def can_create_decision(user) -> bool:
    return role_of(user) in OFFICER_ROLES


def can_edit_decision(user, record) -> bool:
    """Only a draft can be edited; once the Chief Executive has approved it the text is fixed."""
    return role_of(user) in OFFICER_ROLES and record.state == State.DRAFT


def missing_for_approval(record) -> list[str]:
    """What a draft still lacks before the Chief Executive can approve it."""
    missing = [
        label
        for field, label in (
            ("background", "background"),
            ("recommendation", "recommendation"),
            ("financial_implications", "financial implications"),
            ("legal_implications", "legal implications"),
            ("equalities_implications", "equalities implications"),
        )
        if not getattr(record, field).strip()
    ]
    if not record.section_b_published and not record.section_b_reason.strip():
        missing.append("the reason Section B is not published")
    if record.publication_deferred and (not record.deferral_reason.strip() or record.deferred_until is None):
        missing.append("the reason and date publication is deferred to")
    return missing


def can_officer_approve(user, record) -> bool:
    return role_of(user) == Role.CHIEF_EXECUTIVE and record.state == State.DRAFT and not missing_for_approval(record)


def can_decide(user, record) -> bool:
    """The PCC decides only after officer approval."""
    return role_of(user) == Role.PCC and record.state == State.OFFICER_APPROVED


def may_publish_decisions(user) -> bool:
    """The roles that publish decided records (whether this record can be published now is ``can_publish``)."""
    return role_of(user) in (Role.ADMIN, Role.OFFICER, Role.PCC)


def can_publish(user, record) -> bool:
    return may_publish_decisions(user) and record.state == State.DECIDED


def can_download_pdf(user, record) -> bool:
    return can_view_decisions(user)
