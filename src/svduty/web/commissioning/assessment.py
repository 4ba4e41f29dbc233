"""Ranking: each EOI's mean weighted score across its assessors (replaced by the latest standing moderated score),
how far the assessors disagree, what they recommend, and where the round's money runs out."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from .models import Application, Round
from .options import DISAGREEMENT_POINTS, ApplicationStatus

ONE_DP = Decimal("0.1")


@dataclass
class Ranked:
    application: Application
    review_scores: list[Decimal]
    mean_percent: Decimal | None
    moderated_percent: Decimal | None
    moderation_reason: str
    conflicts: int
    recommendations: dict[str, int] = field(default_factory=dict)
    criterion_means: list[tuple[str, Decimal | None]] = field(default_factory=list)
    cumulative_pence: int = 0
    within_budget: bool | None = None

    @property
    def final_percent(self) -> Decimal | None:
        return self.moderated_percent if self.moderated_percent is not None else self.mean_percent

    @property
    def spread(self) -> Decimal | None:
        """Highest minus lowest assessor score (points out of 100); None with fewer than two reviews."""
        if len(self.review_scores) < 2:
            return None
        return max(self.review_scores) - min(self.review_scores)

    @property
    def disagreement(self) -> bool:
        """Assessors far apart on the score, or one says yes and another no: the panel should talk about it."""
        split = self.recommendations.get("yes", 0) and self.recommendations.get("no", 0)
        return bool(split) or (self.spread is not None and self.spread >= DISAGREEMENT_POINTS)


def _mean(values: list[Decimal]) -> Decimal | None:
    return (sum(values) / len(values)).quantize(ONE_DP, rounding=ROUND_HALF_UP) if values else None


def standing_moderation(app):
    """The latest moderation, unless moderation was re-opened after it (then no moderated score stands)."""
    moderations = sorted(app.moderations.all(), key=lambda m: (m.moderated_at, m.pk), reverse=True)
    if not moderations:
        return None
    reopenings = sorted(app.reopenings.all(), key=lambda r: (r.reopened_at, r.pk), reverse=True)
    if reopenings and reopenings[0].reopened_at >= moderations[0].moderated_at:
        return None
    return moderations[0]


def rank(round_: Round) -> list[Ranked]:
    """EOIs of the round that were submitted, best first; unscored ones last (ties keep submission order).
    Withdrawn EOIs are left out. The running total of amounts requested, best first, is compared with the round's
    available budget: ``within_budget`` is False from the first EOI that would take it over (the funding line)."""
    apps = (
        Application.objects.filter(round=round_)
        .exclude(status__in=(ApplicationStatus.DRAFT, ApplicationStatus.WITHDRAWN))
        .select_related("organisation", "round")
        .prefetch_related("reviews__scores", "moderations", "reopenings", "declarations", "budget_lines")
    )
    criteria = list(round_.criteria.all())
    rows = []
    for app in apps:
        reviews = list(app.reviews.all())
        scores = [r.weighted_percent(criteria) for r in reviews]
        latest = standing_moderation(app)
        recommendations = {"yes": 0, "maybe": 0, "no": 0}
        for r in reviews:
            if r.recommendation in recommendations:
                recommendations[r.recommendation] += 1
        per_criterion = []
        for c in criteria:
            values = [Decimal(s.score) for r in reviews for s in r.scores.all() if s.criterion_id == c.id]
            per_criterion.append((c.name, _mean(values)))
        rows.append(
            Ranked(
                application=app,
                review_scores=scores,
                mean_percent=_mean(scores),
                moderated_percent=latest.score_percent if latest else None,
                moderation_reason=latest.reason if latest else "",
                conflicts=sum(1 for d in app.declarations.all() if d.has_conflict),
                recommendations=recommendations,
                criterion_means=per_criterion,
            )
        )
    rows.sort(key=lambda r: (r.final_percent is None, -(r.final_percent or 0), r.application.pk))
    running = 0
    for row in rows:
        running += row.application.requested_pence
        row.cumulative_pence = running
        if round_.available_budget_pence is not None:
            row.within_budget = running <= round_.available_budget_pence
    return rows


def headroom(round_: Round) -> list[dict]:
    """Per financial year of the round: the stream's budget, what is committed and what is left (the ledger's
    figures, so awards already made elsewhere count)."""
    from svduty.web.funding import ledger

    positions = {p.financial_year: p for p in ledger.position(round_.stream)}
    out = []
    for year in round_.year_list:
        p = positions.get(year)
        out.append(
            {
                "year": year,
                "budget": p.budget_pence if p else 0,
                "committed": p.committed_pence if p else 0,
                "available": p.available_pence if p else 0,
            }
        )
    return out
