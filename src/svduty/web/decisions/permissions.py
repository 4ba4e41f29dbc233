"""Access rules for PCC decision records: officers draft, the Chief Executive (or nominee) gives officer approval,
the PCC decides, officers or the PCC publish. The public sees records only through ``svduty.web.public``."""

from __future__ import annotations

from django.utils.translation import gettext as _

from svduty.web.core.options import Role
from svduty.web.core.permissions import role_of

from .options import State

OFFICER_ROLES = (Role.ADMIN, Role.OFFICER)


def can_view_decisions(user) -> bool:
    return role_of(user) in (Role.ADMIN, Role.OFFICER, Role.CHIEF_EXECUTIVE, Role.PCC)


def can_create_decision(user) -> bool:
    return role_of(user) in OFFICER_ROLES


def can_edit_decision(user, record) -> bool:
    """Only a draft can be edited (a record the Chief Executive returned is a draft again); once submitted for
    approval the text is fixed."""
    return role_of(user) in OFFICER_ROLES and record.state == State.DRAFT


def missing_for_approval(record) -> list[str]:
    """What a draft still lacks before it can go to the Chief Executive."""
    missing = [
        label
        for field, label in (
            ("background", _("background")),
            ("recommendation", _("recommendation")),
            ("financial_implications", _("financial implications")),
            ("legal_implications", _("legal implications")),
            ("equalities_implications", _("equalities implications")),
        )
        if not getattr(record, field).strip()
    ]
    if record.section_b.strip() and not record.section_b_published and not record.section_b_reason.strip():
        missing.append(_("the reason Section B is not published"))
    if record.publication_deferred and (not record.deferral_reason.strip() or record.deferred_until is None):
        missing.append(_("the reason and date publication is deferred to"))
    return missing


def can_submit_for_approval(user, record) -> bool:
    """An officer sends a complete draft to the Chief Executive; until then it is not on their list."""
    return role_of(user) in OFFICER_ROLES and record.state == State.DRAFT and not missing_for_approval(record)


def can_return_decision(user, record) -> bool:
    """The Chief Executive may send a submitted record back to the officers with comments."""
    return role_of(user) == Role.CHIEF_EXECUTIVE and record.state == State.SUBMITTED


def can_officer_approve(user, record) -> bool:
    return (
        role_of(user) == Role.CHIEF_EXECUTIVE and record.state == State.SUBMITTED and not missing_for_approval(record)
    )


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
