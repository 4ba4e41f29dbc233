"""Who may attach, read and publish evaluations and practice notes. Views and the API call these same functions.

Staff (admin, officer) attach evaluations and write notes; leadership and the programme's own provider read the
evaluation; a published note is for everyone, a draft only for those who may read its evaluation.
"""

from __future__ import annotations

from svduty.web.core.permissions import is_staff_role
from svduty.web.programmes.permissions import can_view_programme, visible_programmes

from .options import NoteStatus


def can_attach_evaluation(user, programme) -> bool:
    return is_staff_role(user)


def can_view_evaluation(user, evaluation) -> bool:
    return can_view_programme(user, evaluation.programme)


def visible_evaluations(user, queryset):
    """The queryset narrowed to what ``can_view_evaluation`` allows."""
    from svduty.web.programmes.models import Programme

    return queryset.filter(programme__in=visible_programmes(user, Programme.objects.all()))


def can_list_evaluations(user) -> bool:
    from svduty.web.programmes.permissions import can_list_programmes

    return can_list_programmes(user)


def can_download_report(user, evaluation) -> bool:
    return bool(evaluation.report_pdf) and can_view_evaluation(user, evaluation)


def can_make_note(user, evaluation) -> bool:
    """One practice note per evaluation."""
    return (
        is_staff_role(user)
        and not type(evaluation).objects.filter(pk=evaluation.pk, practice_note__isnull=False).exists()
    )


def can_view_note(user, note) -> bool:
    return is_public(note) or can_view_evaluation(user, note.evaluation)


def can_edit_note(user, note) -> bool:
    return is_staff_role(user)


def can_publish_note(user, note) -> bool:
    return is_staff_role(user) and note.status == NoteStatus.DRAFT


def can_withdraw_note(user, note) -> bool:
    return is_staff_role(user) and note.status == NoteStatus.PUBLISHED


def is_public(note) -> bool:
    """Published notes only: a draft is never on the public pages, the JSON export or the API."""
    return note.status == NoteStatus.PUBLISHED


def public_notes(queryset):
    return queryset.filter(status=NoteStatus.PUBLISHED)
