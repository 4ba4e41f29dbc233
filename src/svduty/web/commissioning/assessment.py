"""Ranking: each EOI's mean weighted score across its assessors (replaced by the latest standing moderated score),
how far the assessors disagree, what they recommend, and where the round's money runs out."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Count, Max

from .models import (
    Application,
    Declaration,
    Moderation,
    ModerationReopening,
    Review,
    Round,
    Score,
    weighted_percent_of,
)
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
    available budget: ``within_budget`` is False from the first EOI that would take it over (the funding line).

    Reviews, scores, moderations and declarations are read as plain rows (one query each, whatever the round's size)
    rather than as prefetched model instances: a round of 100 EOIs has some 1,000 score rows, and building a model
    and a related manager for each was most of the page's time."""
    apps = list(
        Application.objects.filter(round=round_)
        .exclude(status__in=(ApplicationStatus.DRAFT, ApplicationStatus.WITHDRAWN))
        .select_related("organisation", "round")
        .prefetch_related("budget_lines")
    )
    ids = [a.pk for a in apps]
    criteria = list(round_.criteria.all())
    reviews: dict[int, list[tuple[int, str]]] = defaultdict(list)  # application → [(review, recommendation)]
    for review_id, app_id, recommendation in Review.objects.filter(application_id__in=ids).values_list(
        "id", "application_id", "recommendation"
    ):
        reviews[app_id].append((review_id, recommendation))
    scores: dict[int, dict[int, int]] = defaultdict(dict)  # review → criterion → score
    for review_id, criterion_id, score in Score.objects.filter(review__application_id__in=ids).values_list(
        "review_id", "criterion_id", "score"
    ):
        scores[review_id][criterion_id] = score
    latest_moderation: dict[int, tuple] = {}  # application → ((moderated_at, pk), percent, reason)
    for app_id, pk, at, percent, reason in Moderation.objects.filter(application_id__in=ids).values_list(
        "application_id", "pk", "moderated_at", "score_percent", "reason"
    ):
        if app_id not in latest_moderation or (at, pk) > latest_moderation[app_id][0]:
            latest_moderation[app_id] = ((at, pk), percent, reason)
    latest_reopening = dict(
        ModerationReopening.objects.filter(application_id__in=ids)
        .values_list("application_id")
        .annotate(at=Max("reopened_at"))
        .order_by()
    )
    conflicts = dict(
        Declaration.objects.filter(application_id__in=ids, has_conflict=True)
        .values_list("application_id")
        .annotate(n=Count("id"))
        .order_by()
    )
    rows = []
    for app in apps:
        app_reviews = sorted(reviews.get(app.pk, []))
        review_scores = [weighted_percent_of(scores.get(r, {}), criteria) for r, _ in app_reviews]
        moderation = latest_moderation.get(app.pk)
        reopened = latest_reopening.get(app.pk)
        if moderation is not None and reopened is not None and reopened >= moderation[0][0]:
            moderation = None  # re-opened after it: no moderated score stands (as standing_moderation)
        recommendations = {"yes": 0, "maybe": 0, "no": 0}
        for _, recommendation in app_reviews:
            if recommendation in recommendations:
                recommendations[recommendation] += 1
        per_criterion = []
        for c in criteria:
            values = [Decimal(scores[r][c.id]) for r, _ in app_reviews if c.id in scores.get(r, {})]
            per_criterion.append((c.name, _mean(values)))
        rows.append(
            Ranked(
                application=app,
                review_scores=review_scores,
                mean_percent=_mean(review_scores),
                moderated_percent=moderation[1] if moderation else None,
                moderation_reason=moderation[2] if moderation else "",
                conflicts=conflicts.get(app.pk, 0),
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
