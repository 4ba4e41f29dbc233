"""Who may see and run engagement: partner staff read consultations (questions, theme counts, findings, the
summary) and the partner network; only officers and administrators read the responses' free text, enter, import
and code them, and publish; the public sees published summaries only."""

from __future__ import annotations

from svduty.web.core.permissions import is_partner_role, is_staff_role

from .options import ConsultationStatus


def can_view_engagement(user) -> bool:
    return is_partner_role(user)


def can_manage_engagement(user) -> bool:
    return is_staff_role(user)


def can_read_responses(user, consultation=None) -> bool:
    return is_staff_role(user)


def can_add_responses(user, consultation) -> bool:
    return is_staff_role(user) and consultation.answers_erased_at is None


def can_open(user, consultation) -> bool:
    return is_staff_role(user) and consultation.questions.exists()


def can_close(user, consultation) -> bool:
    return is_staff_role(user)


def can_publish(user, consultation) -> bool:
    return is_staff_role(user) and consultation.summary_complete


def is_public(consultation) -> bool:
    return consultation.status == ConsultationStatus.PUBLISHED


def can_view_public(user, consultation) -> bool:
    return is_public(consultation)
