"""The board dashboard's figures: one row per programme, from accepted returns only, in a fixed number of queries
(aggregates, not one query per programme), plus the RAG rule that the page prints.

RAG (shown on the page, ``RAG_RULES``):
* red — reported spend above the award, or delivery below 70% of targets due, or a return more than 30 days late;
* amber — delivery 70–89%, or any return late, or the programme is paused;
* green — delivery at least 90% of targets due and no return late;
* grey (not yet rated) — no target is due yet.
Delivery = the mean over indicators with a target due of min(actual ÷ target, 1); a target is due for a quarter
whose return is accepted or whose return due date has passed.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

from django.db.models import Exists, OuterRef, Q, Sum
from django.utils.translation import gettext_lazy as _

from svduty.web.funding.models import Commitment, Spend
from svduty.web.interventions.options import IMPACT_ORDER, Impact

from .models import Indicator, MonitoringReturn, Programme, ReachCount, ReturnValue, Target, quarter_end
from .options import COHORTS, ProgrammeStatus, ReturnStatus

RAG_RULES = [
    (
        "red",
        _(
            "Red: reported spend is above the award, or delivery is below 70% of the targets due, "
            "or a return is more than 30 days late."
        ),
    ),
    ("amber", _("Amber: delivery is 70% to 89% of the targets due, or a return is late, or the programme is paused.")),
    ("green", _("Green: delivery is at least 90% of the targets due and no return is late.")),
    ("grey", _("Not yet rated: no target is due yet.")),
]
GREEN, AMBER = 0.9, 0.7
VERY_LATE_DAYS = 30


@dataclass
class IndicatorLine:
    name: str
    kind: str
    target: int
    actual: int

    @property
    def ratio(self) -> float | None:
        return self.actual / self.target if self.target else None


@dataclass
class Row:
    programme: object
    budget_pence: int = 0
    paid_pence: int = 0
    reported_spend_pence: int | None = None
    reached: int = 0
    cohorts: dict[str, int] = field(default_factory=dict)
    indicators: list[IndicatorLine] = field(default_factory=list)
    late: int = 0
    very_late: int = 0
    accepted: int = 0
    evidence: str = ""
    rag: str = "grey"
    reasons: list[str] = field(default_factory=list)

    @property
    def delivery(self) -> float | None:
        ratios = [min(i.ratio, 1.0) for i in self.indicators if i.ratio is not None]
        return sum(ratios) / len(ratios) if ratios else None

    @property
    def over_award(self) -> bool:
        spent = max(self.reported_spend_pence or 0, self.paid_pence)
        return spent > self.budget_pence

    @property
    def evidence_label(self) -> str:
        return dict(Impact.choices).get(self.evidence, str(_("No published rating")))


def _rag(row: Row) -> tuple[str, list[str]]:
    reasons = []
    delivery = row.delivery
    if row.over_award:
        reasons.append(str(_("spend above the award")))
    if row.very_late:
        reasons.append(str(_("a return more than 30 days late")))
    if delivery is not None and delivery < AMBER:
        reasons.append(str(_("delivery below 70%")))
    if reasons:
        return "red", reasons
    if row.late:
        reasons.append(str(_("a return is late")))
    if row.programme.status == ProgrammeStatus.PAUSED:
        reasons.append(str(_("paused")))
    if delivery is not None and delivery < GREEN:
        reasons.append(str(_("delivery 70–89%")))
    if reasons:
        return "amber", reasons
    if delivery is None:
        return "grey", [str(_("no target due yet"))]
    return "green", []


def board(programmes, today: date) -> tuple[list[Row], dict]:
    """Rows for ``programmes`` (a queryset) and the totals. Only accepted returns count towards actuals and reach."""
    # The other queries filter by a subquery of the programmes, not by a list of their ids: with 200 programmes the
    # lists made each query a few thousand parameters to build and send.
    ids = programmes.values("pk")
    award_ids = programmes.values("award_id")
    programmes = list(programmes.select_related("organisation"))
    budget = dict(
        Commitment.objects.filter(award_id__in=award_ids, released=False)
        .values_list("award_id")
        .annotate(s=Sum("amount_pence"))
    )
    paid = dict(
        Spend.objects.filter(commitment__award_id__in=award_ids)
        .values_list("commitment__award_id")
        .annotate(s=Sum("amount_pence"))
    )
    returns = list(
        MonitoringReturn.objects.filter(programme_id__in=ids).values_list(
            "programme_id", "financial_year", "quarter", "status", "due_on", "total_reached", "spend_to_date_pence"
        )
    )
    actuals = dict(
        ReturnValue.objects.filter(
            monitoring_return__programme_id__in=ids, monitoring_return__status=ReturnStatus.ACCEPTED
        )
        .values_list("indicator_id")
        .annotate(s=Sum("actual"))
    )
    reach = (
        ReachCount.objects.filter(
            monitoring_return__programme_id__in=ids,
            monitoring_return__status=ReturnStatus.ACCEPTED,
            dimension="age_sex",
        )
        .values_list("monitoring_return__programme_id", "category")
        .annotate(s=Sum("count"))
    )
    # Targets of the quarters that are due (a return accepted, or its due date passed), summed per indicator by the
    # database: 200 programmes have some 20,000 target rows, too many to bring back and add up here.
    quarter_due = MonitoringReturn.objects.filter(
        programme_id=OuterRef("indicator__programme_id"),
        financial_year=OuterRef("financial_year"),
        quarter=OuterRef("quarter"),
    ).filter(Q(status=ReturnStatus.ACCEPTED) | Q(due_on__lt=today))
    due_target: dict[int, int] = dict(
        Target.objects.filter(indicator__programme_id__in=ids)
        .filter(Exists(quarter_due))
        .values_list("indicator_id")
        .annotate(s=Sum("value"))
        .order_by()
    )

    rows = {
        p.pk: Row(programme=p, budget_pence=budget.get(p.award_id, 0), paid_pence=paid.get(p.award_id, 0))
        for p in programmes
    }
    latest: dict[int, tuple] = {}
    for pid, year, quarter, status, due_on, reached, spend in returns:
        row = rows[pid]
        if status == ReturnStatus.ACCEPTED:
            row.accepted += 1
            row.reached += reached or 0
            if spend is not None and (pid not in latest or (year, quarter) > latest[pid][0]):
                latest[pid] = ((year, quarter), spend)
        elif due_on < today and status in (ReturnStatus.DRAFT, ReturnStatus.RETURNED):
            row.late += 1
            row.very_late += due_on < today - timedelta(days=VERY_LATE_DAYS)
    for pid, (_period, spend) in latest.items():
        rows[pid].reported_spend_pence = spend

    indicator_programme = {}
    indicators = Indicator.objects.filter(programme_id__in=ids).order_by("programme_id", "order", "id")
    for indicator_id, pid, name, kind in indicators.values_list("id", "programme_id", "name", "kind"):
        indicator_programme[indicator_id] = (pid, name, kind)
    for indicator_id, (pid, name, kind) in indicator_programme.items():
        rows[pid].indicators.append(
            IndicatorLine(name, kind, due_target.get(indicator_id, 0), actuals.get(indicator_id, 0))
        )

    for pid, category, count in reach:
        band, _bar, sex = category.partition("|")
        for key, _label, bands, sexes in COHORTS:
            if band in bands and (sexes is None or sex in sexes):
                rows[pid].cohorts[key] = rows[pid].cohorts.get(key, 0) + count

    bands: dict[int, list[str]] = {}
    through = Programme.approaches.through.objects.filter(programme_id__in=ids)
    for pid, impact in through.values_list("programme_id", "intervention__impact"):
        bands.setdefault(pid, []).append(impact)
    for row in rows.values():
        found = bands.get(row.programme.pk)
        row.evidence = max(found, key=IMPACT_ORDER.index) if found else ""
        row.rag, row.reasons = _rag(row)

    ordered = [rows[p.pk] for p in programmes]
    totals = {
        "budget_pence": sum(r.budget_pence for r in ordered),
        "paid_pence": sum(r.paid_pence for r in ordered),
        "reported_spend_pence": sum(r.reported_spend_pence or 0 for r in ordered),
        "reached": sum(r.reached for r in ordered),
        "cohorts": {key: sum(r.cohorts.get(key, 0) for r in ordered) for key, *_rest in COHORTS},
        "rag": {colour: sum(r.rag == colour for r in ordered) for colour, _text in RAG_RULES},
        "over_award": sum(r.over_award for r in ordered),
    }
    return ordered, totals


def quarter_is_over(financial_year: str, quarter: int, today: date) -> bool:
    return quarter_end(financial_year, quarter) < today
