"""Case-derived indicators per organisation × quarter, for a delivery programme to take instead of re-keying them.

``case_indicators`` is the one entry point: pure ORM reads, no side effects. Quarters are financial-year quarters
(Q1 = April–June), labelled ``2024-25 Q1``, the way Serious Violence Duty grants are monitored."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.db.models import Count
from django.db.models.functions import TruncQuarter

from .models import Case, Deadline, Referral
from .options import ReferralState

INDICATORS = {
    "cases_opened": "Cases opened (people taken on)",
    "young_people_engaged": "People engaged (first engagement step done)",
    "referrals_sent": "Referrals sent to other organisations",
    "referrals_received": "Referrals received",
    "referrals_accepted": "Referrals accepted",
    "referrals_completed": "Referrals completed successfully",
    "cases_closed": "Cases closed",
}


@dataclass(frozen=True)
class IndicatorRow:
    organisation_id: int
    quarter_start: date
    quarter: str
    indicator: str
    value: int


def financial_quarter(start: date) -> str:
    fy = start.year if start.month >= 4 else start.year - 1
    q = (start.month - 4) % 12 // 3 + 1
    return f"{fy}-{(fy + 1) % 100:02d} Q{q}"


def _counts(qs, when: str, org: str, indicator: str, start: date | None, end: date | None):
    if start is not None:
        qs = qs.filter(**{f"{when}__date__gte": start})
    if end is not None:
        qs = qs.filter(**{f"{when}__date__lte": end})
    grouped = (
        qs.annotate(q=TruncQuarter(when)).values(org, "q").annotate(n=Count("pk", distinct=True)).order_by(org, "q")
    )
    for row in grouped:
        q = row["q"].date() if hasattr(row["q"], "date") else row["q"]
        yield IndicatorRow(row[org], q, financial_quarter(q), indicator, row["n"])


def case_indicators(
    *, organisation_ids: list[int] | None = None, start: date | None = None, end: date | None = None
) -> list[IndicatorRow]:
    """Every indicator with a non-zero count, per organisation (the case's agency, or the receiving service's
    organisation for referrals received/accepted/completed) and quarter."""
    engaged = Deadline.objects.filter(done_at__isnull=False, step__in=_engagement_steps())
    referrals = Referral.objects.exclude(state=ReferralState.REVOKED)
    parts = [
        _counts(Case.objects.all(), "opened_at", "agency_id", "cases_opened", start, end),
        _counts(engaged, "done_at", "case__agency_id", "young_people_engaged", start, end),
        _counts(referrals, "sent_at", "case__agency_id", "referrals_sent", start, end),
        _counts(referrals, "sent_at", "service__organisation_id", "referrals_received", start, end),
        _counts(
            referrals.filter(state__in=[ReferralState.ACCEPTED, ReferralState.DONE]),
            "responded_at",
            "service__organisation_id",
            "referrals_accepted",
            start,
            end,
        ),
        _counts(
            referrals.filter(state=ReferralState.DONE, successful=True),
            "done_at",
            "service__organisation_id",
            "referrals_completed",
            start,
            end,
        ),
        _counts(Case.objects.filter(closed_at__isnull=False), "closed_at", "agency_id", "cases_closed", start, end),
    ]
    rows = [r for part in parts for r in part]
    if organisation_ids is not None:
        rows = [r for r in rows if r.organisation_id in set(organisation_ids)]
    return sorted(rows, key=lambda r: (r.organisation_id, r.quarter_start, r.indicator))


def _engagement_steps() -> list[str]:
    from .models import Pathway

    return sorted({s.slug for p in Pathway.objects.all() for t in p.spec.tracks for s in t.steps if s.engagement})
