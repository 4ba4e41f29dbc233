"""``/api/v1/interventions/``: the public evidence library (the field names are a contract, issue 18)."""

from __future__ import annotations

from datetime import date

from django.shortcuts import get_object_or_404
from ninja import Router, Schema
from ninja.pagination import paginate

from svduty.web.api.auth import PUBLIC_AUTH
from svduty.web.api.pagination import PageNumbers

from .models import Intervention

API_PREFIX = "/interventions/"
router = Router(tags=["evidence"])


class SourceOut(Schema):
    citation: str
    url: str
    supports: list[str] = []  # the figures this source states: impact, impact_pct, evidence_quality, cost


class InterventionOut(Schema):
    slug: str
    name: str
    summary: str
    impact: str | None
    impact_pct: float | None
    impact_measure: str
    evidence_quality: int | None
    confidence: str
    cost: int | None
    prevention_level: list[str]
    setting: str
    target_ages: str
    emmie_effect: str | None
    sources: list[SourceOut]
    last_reviewed: date | None


def intervention_out(item: Intervention) -> dict:
    return {
        "slug": item.slug,
        "name": item.name,
        "summary": item.summary,
        "impact": item.impact or None,
        "impact_pct": float(item.impact_pct) if item.impact_pct is not None else None,
        "impact_measure": item.impact_measure,
        "evidence_quality": item.evidence_quality,
        "confidence": item.confidence,
        "cost": item.cost,
        "prevention_level": item.prevention_list,
        "setting": item.setting,
        "target_ages": item.target_ages,
        "emmie_effect": item.emmie_effect or None,
        "sources": item.sources,
        "last_reviewed": item.last_reviewed,
    }


@router.get("/", response=list[InterventionOut], auth=PUBLIC_AUTH, summary="The evidence library (public)")
@paginate(PageNumbers)
def list_interventions(request):
    return [intervention_out(i) for i in Intervention.objects.order_by("name")]


@router.get("/{slug}/", response=InterventionOut, auth=PUBLIC_AUTH, summary="One approach (public)")
def get_intervention(request, slug: str):
    return intervention_out(get_object_or_404(Intervention, slug=slug))
