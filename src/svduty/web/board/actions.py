"""The action log's one non-trivial step: carrying an unfinished action forward to a later meeting. The old
action is kept (status "carried forward", history intact) and a new one on the later meeting points back to it,
so each meeting's minutes still show what was set there, and the chain can be followed."""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext as _

from svduty.web.partnership.models import BoardAction, BoardMeeting
from svduty.web.partnership.options import ACTION_LIVE, ActionStatus


class CarryError(Exception):
    """The action cannot be carried forward; the message is for the user."""


def next_meeting(action: BoardAction) -> BoardMeeting | None:
    meeting = action.meeting
    return (
        BoardMeeting.objects.filter(partnership_id=meeting.partnership_id, date__gt=meeting.date)
        .order_by("date", "id")
        .first()
    )


def carry_forward(action: BoardAction, to: BoardMeeting | None = None) -> BoardAction:
    with transaction.atomic():
        action = BoardAction.objects.select_for_update().select_related("meeting").get(pk=action.pk)
        if action.status not in ACTION_LIVE:
            raise CarryError(_("Only an open or in-progress action can be carried forward"))
        to = to or next_meeting(action)
        if to is None:
            raise CarryError(_("There is no later meeting to carry the action forward to: record the next one first"))
        if to.date <= action.meeting.date or to.partnership_id != action.meeting.partnership_id:
            raise CarryError(_("An action is carried forward to a later meeting of the same board"))
        successor = BoardAction.objects.create(
            meeting=to,
            text=action.text,
            owner=action.owner,
            due=action.due,
            status=action.status,
            update=action.update,
            carried_from=action,
        )
        action.status = ActionStatus.CARRIED
        action.save()
    return successor


def carry_all_to(meeting: BoardMeeting) -> list[BoardAction]:
    """Every live action of the board's earlier meetings, carried to ``meeting`` (matters arising)."""
    earlier = BoardAction.objects.filter(
        meeting__partnership_id=meeting.partnership_id, meeting__date__lt=meeting.date, status__in=ACTION_LIVE
    ).order_by("meeting__date", "id")
    return [carry_forward(action, meeting) for action in earlier]


def chain(action: BoardAction) -> list[BoardAction]:
    """The action's earlier versions, oldest first (where it was set and each meeting it was carried through)."""
    out = []
    current = action.carried_from
    while current is not None:
        out.append(current)
        current = current.carried_from
    return list(reversed(out))
