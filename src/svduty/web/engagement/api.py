"""``/api/v1/engagement/``: consultations (partners see all; everyone else only published ones) with their theme
counts, findings and summary — never the free-text answers — and the partner networks (partners only)."""

from __future__ import annotations

from datetime import date, datetime

from django.http import Http404
from ninja import Router, Schema
from ninja.pagination import paginate

from svduty.web.api.auth import PUBLIC_AUTH, STAFF_AUTH, api_user
from svduty.web.api.pagination import MAX_ID, PageNumbers

from . import permissions as perms
from . import summary
from .models import Consultation, Network

API_PREFIX = "/engagement/"
router = Router(tags=["engagement"])


class ThemeOut(Schema):
    theme: str
    responses: int


class ConsultationOut(Schema):
    id: int
    title: str
    purpose: str
    audience: str
    opens_on: date
    closes_on: date
    status: str
    responses: int
    themes: list[ThemeOut]
    findings: list[str]
    we_asked: str
    you_said: str
    we_did: str
    published_at: datetime | None
    demo: bool


class ConsultationSummary(Schema):
    id: int
    title: str
    audience: str
    status: str
    opens_on: date
    closes_on: date


class NetworkMemberOut(Schema):
    name: str
    kind: str
    area: str


class NetworkOut(Schema):
    id: int
    name: str
    kind: str
    description: str
    areas: list[str]
    coordinator: str | None
    contact_name: str
    contact_email: str
    members: list[NetworkMemberOut]
    activities: int
    demo: bool


def _visible(user):
    items = Consultation.objects.all()
    return items if perms.can_view_engagement(user) else items.filter(status="published")


@router.get("/consultations/", response=list[ConsultationSummary], auth=PUBLIC_AUTH, summary="Consultations")
@paginate(PageNumbers)
def list_consultations(request):
    return (
        _visible(api_user(request))
        .order_by("-opens_on", "-id")
        .values("id", "title", "audience", "status", "opens_on", "closes_on")
    )


@router.get("/consultations/{consultation_id}/", response=ConsultationOut, auth=PUBLIC_AUTH, summary="A consultation")
def get_consultation(request, consultation_id: int):
    if not 0 < consultation_id <= MAX_ID:
        raise Http404
    item = _visible(api_user(request)).filter(pk=consultation_id).first()
    if item is None:
        raise Http404
    return {
        "id": item.pk,
        "title": item.title,
        "purpose": item.purpose,
        "audience": item.audience,
        "opens_on": item.opens_on,
        "closes_on": item.closes_on,
        "status": item.status,
        "responses": item.responses.count(),
        "themes": [{"theme": t.theme.name, "responses": t.responses} for t in summary.theme_counts(item)],
        "findings": [f.text for f in item.findings.all()],
        "we_asked": item.we_asked,
        "you_said": item.you_said,
        "we_did": item.we_did,
        "published_at": item.published_at,
        "demo": item.is_demo,
    }


@router.get("/networks/", response=list[NetworkOut], auth=STAFF_AUTH, summary="Partner networks")
@paginate(PageNumbers)
def list_networks(request):
    if not perms.can_view_engagement(api_user(request)):
        raise Http404
    items = Network.objects.select_related("coordinator").prefetch_related("members", "activities").order_by("id")
    return [
        {
            "id": n.pk,
            "name": n.name,
            "kind": n.kind,
            "description": n.description,
            "areas": n.area_list,
            "coordinator": n.coordinator.name if n.coordinator else None,
            "contact_name": n.contact_name,
            "contact_email": n.contact_email,
            "members": [{"name": m.name, "kind": m.kind, "area": m.area} for m in n.members.all()],
            "activities": len(n.activities.all()),
            "demo": n.is_demo,
        }
        for n in items
    ]
