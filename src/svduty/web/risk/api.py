"""``/api/v1/risk/``: index versions and their readiness, a run's aggregates (counts by band, fairness), the panel
list and a person's explanation (named panel members only, every read logged), recording a panel decision, and the
published ATRS Tier 1 records. The same permission functions as the pages; advisory only, like them."""

from __future__ import annotations

from datetime import date, datetime

from django.db import transaction
from django.shortcuts import get_object_or_404
from django.utils import timezone
from ninja import Field, Router, Schema
from ninja.errors import HttpError

from svduty.web.api.auth import PUBLIC_AUTH, STAFF_AUTH, api_user
from svduty.web.api.core import get_visible_or_404

from . import atrs
from . import permissions as perms
from . import versions as ops
from .access import log_view
from .models import IndexVersion, PanelDecision, PanelMember, PersonScore, ScoringRun
from .options import AccessAction, PanelOutcome
from .views import atrs_values
from .views_public import PUBLIC_STATUSES

API_PREFIX = "/risk/"
router = Router(tags=["risk"])
ADVISORY = "Advisory only: a score lists a person for the panel to consider; it never triggers an action."


class ErrorOut(Schema):
    detail: str | list[dict]


class Condition(Schema):
    condition: str
    met: bool


class VersionOut(Schema):
    number: int
    name: str
    status: str
    content_hash: str
    label: str
    threshold: float | None
    owner: str
    created_at: datetime
    approved_at: datetime | None


class VersionDetailOut(VersionOut):
    definition: dict
    readiness: list[Condition]
    advisory: str = ADVISORY


class Band(Schema):
    band: str
    low: float
    high: float | None
    people: int


class RunSummaryOut(Schema):
    id: int
    version: int
    synthetic: bool
    threshold: float | None
    people: int
    above: int
    bands: list[Band]
    fairness: list[dict]
    four_fifths_breaches: list[dict]


class ComponentOut(Schema):
    incident_id: str
    month: str
    offence_group: str
    gravity: float
    recency_factor: float
    knife_flag: bool
    contribution: float


class ScoreOut(Schema):
    id: int
    person: str = Field(..., description="Pseudonym: no name or source identifier")
    score: float
    rank: int
    synthetic: bool
    index_version: str
    latest_decision: str | None


class ScoreDetailOut(ScoreOut):
    components: list[ComponentOut]
    advisory: str = ADVISORY


class MemberOut(Schema):
    id: int
    name: str
    organisation: str
    agency: str


class PanelOut(Schema):
    version: int | None
    threshold: float | None
    people: list[ScoreOut]
    members: list[MemberOut]
    advisory: str = ADVISORY


class DecisionIn(Schema):
    outcome: PanelOutcome
    reasons: str = Field(..., min_length=1, max_length=10000)
    meeting_date: date
    attendees: list[int] = Field(..., description="Panel member ids, as listed in members of the panel list")


class DecisionOut(Schema):
    id: int
    outcome: str
    reasons: str
    meeting_date: date
    attendees: list[int]
    recorded_at: datetime


class AtrsTier1Out(Schema):
    number: int
    status: str
    name: str
    description: str
    website_url: str
    contact_email: str


def _version_out(v: IndexVersion) -> dict:
    return {
        "number": v.number,
        "name": v.name,
        "status": v.status,
        "content_hash": v.content_hash,
        "label": ops.label(v),
        "threshold": v.threshold,
        "owner": v.owner.get_full_name() or v.owner.username,
        "created_at": v.created_at,
        "approved_at": v.approved_at,
    }


def _score_out(s: PersonScore) -> dict:
    latest = s.decisions.first()
    return {
        "id": s.pk,
        "person": s.person,
        "score": s.score,
        "rank": s.rank,
        "synthetic": s.synthetic,
        "index_version": s.index_version,
        "latest_decision": latest.outcome if latest else None,
    }


MAX_ID = 2**31 - 1  # a larger id is no row (and PostgreSQL integers stop there): 404, not a database error


def _id(value: int) -> int:
    if not 0 < value <= MAX_ID:
        raise HttpError(404, "Not Found")
    return value


def _aggregates_only(user):
    if not perms.can_view_aggregates(user):
        raise HttpError(403, "the risk index is for the partnership's staff, analysts, DPO and panel")


@router.get("versions/", response={200: list[VersionOut], 403: ErrorOut}, auth=STAFF_AUTH, summary="Index versions")
def list_versions(request):
    _aggregates_only(api_user(request))
    return [_version_out(v) for v in IndexVersion.objects.select_related("owner")]


@router.get(
    "versions/{int:number}/",
    response={200: VersionDetailOut, 403: ErrorOut, 404: ErrorOut},
    auth=STAFF_AUTH,
    summary="One version: its definition, content hash and what stands between it and use",
)
def get_version(request, number: int):
    _aggregates_only(api_user(request))
    version = get_object_or_404(IndexVersion.objects.select_related("owner"), number=_id(number))
    return {
        **_version_out(version),
        "definition": version.definition,
        "readiness": [{"condition": text, "met": ok} for text, ok in ops.readiness(version)],
    }


@router.get(
    "runs/{int:run_id}/",
    response={200: RunSummaryOut, 403: ErrorOut, 404: ErrorOut},
    auth=STAFF_AUTH,
    summary="A scoring run's aggregates: counts by band and the fairness table (no person's score)",
)
def get_run(request, run_id: int):
    _aggregates_only(api_user(request))
    run = get_object_or_404(ScoringRun.objects.select_related("version"), pk=_id(run_id))
    return {
        "id": run.pk,
        "version": run.version.number,
        "synthetic": run.synthetic,
        "threshold": run.threshold,
        "people": run.people,
        "above": run.above,
        "bands": ops.bands(run, run.threshold) if run.threshold is not None else [],
        "fairness": run.fairness,
        "four_fifths_breaches": ops.breaches(run.fairness),
    }


@router.get(
    "panel/",
    response={200: PanelOut, 403: ErrorOut},
    auth=STAFF_AUTH,
    summary="The panel list (named panel members only; the read is logged)",
)
def get_panel(request):
    user = api_user(request)
    if not perms.can_view_person_scores(user):
        raise HttpError(403, "person-level scores are for named panel members only")
    seat = perms.panel_seat(user)
    members = [
        {
            "id": m.pk,
            "name": m.user.get_full_name() or m.user.username,
            "organisation": m.organisation.name,
            "agency": m.agency,
        }
        for m in PanelMember.objects.filter(panel=seat.panel, active=True).select_related("user", "organisation")
    ]
    version, adoption, run = ops.in_use()
    if run is None:
        return {"version": None, "threshold": None, "people": [], "members": members}
    scores = list(ops.panel_scores(run, adoption.threshold).prefetch_related("decisions"))
    log_view(request, user, AccessAction.API_LIST, run=run, people=len(scores))
    return {
        "version": version.number,
        "threshold": adoption.threshold,
        "people": [_score_out(s) for s in scores],
        "members": members,
    }


def _visible_score(user, score_id: int) -> PersonScore:
    if not perms.can_view_person_scores(user):
        raise HttpError(403, "person-level scores are for named panel members only")
    return get_visible_or_404(
        PersonScore.objects.select_related("run__version"), perms.can_view_score, user, pk=_id(score_id)
    )


@router.get(
    "scores/{int:score_id}/",
    response={200: ScoreDetailOut, 403: ErrorOut, 404: ErrorOut},
    auth=STAFF_AUTH,
    summary="A person's score and its explanation, component by component (panel members; logged)",
)
def get_score(request, score_id: int):
    user = api_user(request)
    score = _visible_score(user, score_id)
    log_view(request, user, AccessAction.API_CASE, score=score)
    return {
        **_score_out(score),
        "components": [{f: getattr(c, f) for f in ComponentOut.model_fields} for c in score.components.all()],
    }


@router.post(
    "scores/{int:score_id}/decisions/",
    response={201: DecisionOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut},
    auth=STAFF_AUTH,
    summary="Record the panel's decision on a listed person (with reasons, attendees and the meeting date)",
)
def create_decision(request, score_id: int, payload: DecisionIn):
    user = api_user(request)
    score = _visible_score(user, score_id)
    _version, adoption, run = ops.in_use()
    if run is None or score.run_id != run.pk or score.score < adoption.threshold:
        raise HttpError(422, "decisions are recorded on the list of the version in use")
    if payload.meeting_date > timezone.localdate():
        raise HttpError(422, "the meeting date cannot be in the future")
    seat = perms.panel_seat(user)
    if any(not 0 < a <= MAX_ID for a in payload.attendees):
        raise HttpError(422, "attendees must be active members of your panel")
    members = list(PanelMember.objects.filter(panel=seat.panel, active=True, pk__in=payload.attendees))
    if not payload.attendees or len(members) != len(set(payload.attendees)):
        raise HttpError(422, "attendees must be active members of your panel")
    with transaction.atomic():
        decision = PanelDecision.objects.create(
            score=score,
            panel=seat.panel,
            outcome=payload.outcome,
            reasons=payload.reasons,
            meeting_date=payload.meeting_date,
            recorded_by=user,
        )
        decision.attendees.set(members)
    log_view(request, user, AccessAction.DECISION, score=score)
    return 201, {
        "id": decision.pk,
        "outcome": decision.outcome,
        "reasons": decision.reasons,
        "meeting_date": decision.meeting_date,
        "attendees": [m.pk for m in members],
        "recorded_at": decision.recorded_at,
    }


@router.get(
    "atrs/",
    response=list[AtrsTier1Out],
    auth=PUBLIC_AUTH,
    summary="Published ATRS Tier 1 records of the versions approved for use (public)",
)
def list_atrs(request):
    out = []
    for v in IndexVersion.objects.filter(status__in=PUBLIC_STATUSES):
        values = atrs_values(v)
        tier1 = {f.attribute: values.get(f.reference, "") for f in atrs.TIER1}
        out.append({"number": v.number, "status": v.status, **tier1})
    return out
