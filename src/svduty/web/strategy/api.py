"""``/api/v1/strategy/``: strategies (drafts to partnership staff, the published one to anyone) and SNA versions."""

from __future__ import annotations

from typing import Any

from django.http import Http404
from ninja import Router, Schema

from svduty.web.api.auth import PUBLIC_AUTH, STAFF_AUTH, api_user
from svduty.web.api.core import get_visible_or_404

from . import permissions as perms
from .models import SnaVersion, Strategy
from .options import StrategyStatus
from .serialize import strategy_json
from .views import current_partnership, priorities_of

API_PREFIX = "/strategy/"
router = Router(tags=["strategy"])


class VersionRef(Schema):
    number: int
    label: str
    period_from: str
    period_to: str
    synthetic: bool


class DefinitionRef(Schema):
    name: str
    version: int
    rules: dict[str, Any]


class Evidence(Schema):
    sna_version: VersionRef | None
    derived_priority: str | None
    rank: int | None
    ranked_of: int | None
    tables: list[str]
    note: str


class ProgrammeRef(Schema):
    id: int
    title: str
    organisation: str


class PathwayRef(Schema):
    slug: str
    name: str


class Figure(Schema):
    value: float | None
    period: str


class Value(Schema):
    period: str
    period_end: str
    value: float
    source: str
    synthetic: bool
    sna_version: int | None


class Measure(Schema):
    id: int
    kind: str
    national_key: str | None
    name: str
    unit: str
    direction: str
    baseline: Figure
    target: Figure
    latest: Value | None
    values: list[Value]


class PriorityOut(Schema):
    id: int
    order: int
    title: str
    description: str
    target_kind: str
    target: str
    objectives: list[str]
    evidence: Evidence
    programmes: list[ProgrammeRef]
    pathways: list[PathwayRef]
    measures: list[Measure]


class StrategyOut(Schema):
    id: int
    title: str
    period: str
    starts_on: str
    ends_on: str
    status: str
    vision: str
    principles: list[str]
    agreed_on: str | None
    published_on: str | None
    sna_version: VersionRef | None
    definition: DefinitionRef | None
    demo: bool
    priorities: list[PriorityOut]


class StrategyBrief(Schema):
    id: int
    title: str
    period: str
    status: str
    demo: bool


class SnaVersionOut(Schema):
    id: int
    number: int
    label: str
    period_from: str
    period_to: str
    serious_violence: int | None
    synthetic: bool
    definition: dict[str, Any] | None
    priorities: list[dict[str, Any]]
    tables: list[str]
    registered_at: str


def _queryset():
    return Strategy.objects.select_related("partnership", "sna_version", "definition")


@router.get("/public/", response=StrategyOut, auth=PUBLIC_AUTH, summary="The published strategy")
def public_strategy(request):
    strategy = (
        _queryset()
        .filter(partnership=current_partnership(), status=StrategyStatus.PUBLISHED)
        .order_by("-published_on", "-id")
        .first()
    )
    if strategy is None:
        raise Http404("No strategy has been published")
    return strategy_json(strategy, priorities_of(strategy), public=True)


@router.get("/", response=list[StrategyBrief], auth=PUBLIC_AUTH, summary="Strategies you may read")
def list_strategies(request):
    user = api_user(request)
    rows = _queryset().order_by("-starts_on", "-id")
    if not perms.can_view_strategy_area(user):
        rows = rows.filter(status=StrategyStatus.PUBLISHED)
    return [
        {"id": s.pk, "title": s.title, "period": s.period, "status": str(s.status), "demo": s.is_demo} for s in rows
    ]


@router.get("/sna-versions/", response=list[SnaVersionOut], auth=STAFF_AUTH, summary="Registered SNA versions")
def list_sna_versions(request):
    if not perms.can_view_sna_versions(api_user(request)):
        raise Http404
    return [
        {
            "id": v.pk,
            "number": v.number,
            "label": v.label,
            "period_from": v.period_from,
            "period_to": v.period_to,
            "serious_violence": v.serious_violence,
            "synthetic": v.synthetic,
            "definition": v.definition,
            "priorities": v.priorities,
            "tables": [t.name for t in v.tables.all()],
            "registered_at": v.registered_at.isoformat(),
        }
        for v in SnaVersion.objects.filter(partnership=current_partnership()).prefetch_related("tables")
    ]


@router.get("/{strategy_id}/", response=StrategyOut, auth=PUBLIC_AUTH, summary="One strategy")
def get_strategy(request, strategy_id: int):
    user = api_user(request)
    strategy = get_visible_or_404(_queryset(), perms.can_view_strategy, user, pk=strategy_id)
    public = not perms.can_view_strategy_area(user)
    return strategy_json(strategy, priorities_of(strategy), public=public)
