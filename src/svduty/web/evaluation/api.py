"""``GET /api/v1/practice-notes/``: published practice notes for anyone (the records of ``/public/practice.json``)."""

from __future__ import annotations

from typing import Any

from ninja import Router, Schema
from ninja.pagination import paginate

from svduty.web.api.auth import PUBLIC_AUTH
from svduty.web.api.pagination import PageNumbers

from . import permissions as perms
from .models import PracticeNote
from .notes import note_json

API_PREFIX = "/practice-notes/"
router = Router(tags=["practice notes"])


class Strength(Schema):
    scale: str
    level: int
    reason: str


class EvaluationSummary(Schema):
    design: str
    question: str
    estimate: float
    interval: list[float] | None
    confidence: float
    p_value: float | None
    synthetic: bool


class PracticeNoteOut(Schema):
    id: int
    reference: str
    url: str
    title: str
    what_was_done: str
    for_whom: str
    where: str
    area_code: str
    cost_pence: int | None
    cost_note: str
    result: str
    strength_of_evidence: Strength
    contact: str
    approaches: list[str]
    evaluation: EvaluationSummary
    demo: bool
    published_at: str | None


@router.get("/", response=list[PracticeNoteOut], auth=PUBLIC_AUTH, summary="Published practice notes")
@paginate(PageNumbers)
def list_practice_notes(request) -> list[dict[str, Any]]:
    notes = perms.public_notes(
        PracticeNote.objects.select_related("evaluation__programme").prefetch_related(
            "evaluation__programme__approaches"
        )
    )
    return _Lazy(notes)


class _Lazy:
    """Paginate in the database, then turn only the page's rows into dicts."""

    def __init__(self, queryset):
        self.queryset = queryset

    def __len__(self) -> int:
        return self.queryset.count()

    def count(self) -> int:
        return self.queryset.count()

    def __getitem__(self, item):
        return [note_json(n) for n in self.queryset[item] if perms.is_public(n)]
