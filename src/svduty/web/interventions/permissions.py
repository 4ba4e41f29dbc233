"""Who may read and change the evidence library, and the evidence gate on awards."""

from __future__ import annotations

from svduty.web.core.permissions import is_staff_role

from .options import Impact


def can_view_interventions(user) -> bool:
    """The library is public: partners, providers and the public choose approaches from the same evidence."""
    return True


def can_edit_intervention(user) -> bool:
    return is_staff_role(user)


def can_view_intervention_history(user) -> bool:
    """History names the staff who edited; it is for staff."""
    return is_staff_role(user)


def harmful_approaches(application) -> list:
    use = getattr(application, "evidence_use", None) if application.pk else None
    if use is None:
        return []
    return [a for a in use.approaches.all() if a.impact == Impact.HARMFUL]


def needs_justification(application) -> bool:
    """A bid built on a harmful-rated approach cannot be awarded until an officer has written why."""
    if not harmful_approaches(application):
        return False
    return not application.evidence_use.harmful_justification.strip()


def can_choose_approaches(user, application) -> bool:
    """The provider names approaches while its draft is editable (the same rule as editing the EOI)."""
    from svduty.web.commissioning.permissions import can_edit_application

    return can_edit_application(user, application)


def can_justify(user, application) -> bool:
    from svduty.web.commissioning.options import ApplicationStatus

    return (
        is_staff_role(user)
        and application.status == ApplicationStatus.SUBMITTED
        and bool(harmful_approaches(application))
    )
