"""Ranking: each EOI's mean weighted score across its assessors, replaced by the latest moderated score if any."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from .models import Application, Round
from .options import ApplicationStatus


@dataclass
class Ranked:
    application: Application
    review_scores: list[Decimal]
    mean_percent: Decimal | None
    moderated_percent: Decimal | None
    moderation_reason: str
    conflicts: int

    @property
    def final_percent(self) -> Decimal | None:
        return self.moderated_percent if self.moderated_percent is not None else self.mean_percent


def rank(round_: Round) -> list[Ranked]:
    """EOIs of the round that were submitted, best first; unscored ones last (ties keep submission order)."""
    apps = (
        Application.objects.filter(round=round_)
        .exclude(status=ApplicationStatus.DRAFT)
        .select_related("organisation", "round")
        .prefetch_related("reviews__scores", "moderations", "declarations", "budget_lines")
    )
    criteria = list(round_.criteria.all())
    rows = []
    for app in apps:
        scores = [r.weighted_percent(criteria) for r in app.reviews.all()]
        mean = (sum(scores) / len(scores)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP) if scores else None
        latest = app.moderations.all()[0] if app.moderations.all() else None
        rows.append(
            Ranked(
                application=app,
                review_scores=scores,
                mean_percent=mean,
                moderated_percent=latest.score_percent if latest else None,
                moderation_reason=latest.reason if latest else "",
                conflicts=sum(1 for d in app.declarations.all() if d.has_conflict),
            )
        )
    rows.sort(key=lambda r: (r.final_percent is None, -(r.final_percent or 0), r.application.pk))
    return rows
