"""``/api/v1/board/``: meetings with their agenda, attendance, decisions and actions, the action log and the risk
log, read with the same permission functions as the pages (outside them: 404)."""

from __future__ import annotations

from datetime import date

from django.http import Http404
from ninja import Router, Schema
from ninja.pagination import paginate

from svduty.web.api.auth import STAFF_AUTH, api_user
from svduty.web.api.pagination import MAX_ID, PageNumbers
from svduty.web.partnership.models import BoardAction, BoardMeeting

from . import permissions as perms
from .models import Risk

API_PREFIX = "/board/"
router = Router(tags=["board"])


class ActionOut(Schema):
    id: int
    meeting_id: int
    meeting_date: date
    text: str
    owner: str
    due: date | None
    status: str
    update: str
    carried_from: int | None


class AgendaOut(Schema):
    order: int
    title: str
    kind: str
    presenter: str | None


class AttendanceOut(Schema):
    organisation: str
    organisation_type: str
    status: str
    representative: str


class MeetingOut(Schema):
    id: int
    date: date
    location: str
    minutes: str
    agenda: list[AgendaOut]
    attendance: list[AttendanceOut]
    decisions: list[str]
    actions: list[ActionOut]


class MeetingSummary(Schema):
    id: int
    date: date
    location: str


class RiskOut(Schema):
    id: int
    title: str
    owner: str
    likelihood: int
    impact: int
    score: int
    mitigation: str
    status: str
    raised_on: date
    reviewed_on: date | None


def _action(a: BoardAction) -> dict:
    return {
        "id": a.pk,
        "meeting_id": a.meeting_id,
        "meeting_date": a.meeting.date,
        "text": a.text,
        "owner": a.owner.name,
        "due": a.due,
        "status": a.status,
        "update": a.update,
        "carried_from": a.carried_from_id,
    }


def _visible(request, rule):
    user = api_user(request)
    if not rule(user):
        raise Http404
    return user


@router.get("/meetings/", response=list[MeetingSummary], auth=STAFF_AUTH, summary="Serious Violence Board meetings")
@paginate(PageNumbers)
def list_meetings(request):
    _visible(request, perms.can_view_board)
    return BoardMeeting.objects.order_by("-date", "-id").values("id", "date", "location")


@router.get("/meetings/{meeting_id}/", response=MeetingOut, auth=STAFF_AUTH, summary="A meeting in full")
def get_meeting(request, meeting_id: int):
    _visible(request, perms.can_view_board)
    if not 0 < meeting_id <= MAX_ID:
        raise Http404
    meeting = BoardMeeting.objects.filter(pk=meeting_id).first()
    if meeting is None:
        raise Http404
    return {
        "id": meeting.pk,
        "date": meeting.date,
        "location": meeting.location,
        "minutes": meeting.minutes,
        "agenda": [
            {"order": i.order, "title": i.title, "kind": i.kind, "presenter": i.presenter.name if i.presenter else None}
            for i in meeting.agenda.select_related("presenter")
        ],
        "attendance": [
            {
                "organisation": a.organisation.name,
                "organisation_type": a.organisation.kind,
                "status": a.status,
                "representative": a.representative,
            }
            for a in meeting.attendance.select_related("organisation")
        ],
        "decisions": [d.text for d in meeting.decisions.order_by("id")],
        "actions": [_action(a) for a in meeting.actions.select_related("owner", "meeting")],
    }


@router.get("/actions/", response=list[ActionOut], auth=STAFF_AUTH, summary="The action log (open ones by default)")
@paginate(PageNumbers)
def list_actions(request, status: str = "live"):
    from svduty.web.partnership.options import ACTION_LIVE

    _visible(request, perms.can_view_board)
    items = BoardAction.objects.select_related("owner", "meeting").order_by("due", "id")
    if status == "live":
        items = items.filter(status__in=ACTION_LIVE)
    elif status != "all":
        items = items.filter(status=status)
    return [_action(a) for a in items]


@router.get("/risks/", response=list[RiskOut], auth=STAFF_AUTH, summary="The board's risk log")
@paginate(PageNumbers)
def list_risks(request):
    _visible(request, perms.can_view_risks)
    return [
        {
            "id": r.pk,
            "title": r.title,
            "owner": r.owner.name,
            "likelihood": r.likelihood,
            "impact": r.impact,
            "score": r.score,
            "mitigation": r.mitigation,
            "status": r.status,
            "raised_on": r.raised_on,
            "reviewed_on": r.reviewed_on,
        }
        for r in Risk.objects.select_related("owner").order_by("id")
    ]
