"""The board pack's first section: the strategy in force for the quarter, each priority with its success measures
(baseline, target, the values recorded up to the quarter's end and their trend) and the consultation findings it
cites. Read from the strategy app's tables and engagement's citations; nothing is estimated here."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from svduty.web.partnership.models import Partnership

from .pack import Section, table
from .quarters import Quarter

TREND_POINTS = 6  # the latest values drawn in the sparkline


@dataclass
class MeasureLine:
    measure: object
    values: list  # MeasureValue rows with period_end ≤ the quarter's end, oldest first

    @property
    def latest(self):
        return self.values[-1] if self.values else None

    @property
    def previous(self):
        return self.values[-2] if len(self.values) > 1 else None

    @property
    def change(self) -> float | None:
        return self.latest.value - self.previous.value if self.previous else None

    @property
    def trend(self) -> str:
        """better / worse / level / "" (fewer than two values), by the measure's direction."""
        change = self.change
        if change is None:
            return ""
        if change == 0:
            return "level"
        better = change < 0 if self.measure.direction == "down" else change > 0
        return "better" if better else "worse"

    @property
    def synthetic(self) -> bool:
        return any(v.synthetic for v in self.values)

    @property
    def sparkline(self) -> str:
        return sparkline([v.value for v in self.values[-TREND_POINTS:]])


@dataclass
class PriorityLine:
    priority: object
    measures: list[MeasureLine] = field(default_factory=list)
    findings: list = field(default_factory=list)  # engagement Finding rows the priority cites
    programmes: list[str] = field(default_factory=list)


def sparkline(values: list[float], width: int = 90, height: int = 22) -> str:
    """An inline SVG polyline of ``values`` (scaled to their own range), or "" for fewer than two points."""
    if len(values) < 2:
        return ""
    low, high = min(values), max(values)
    span = (high - low) or 1.0
    step = (width - 4) / (len(values) - 1)
    points = " ".join(
        f"{2 + i * step:.1f},{height - 2 - (v - low) / span * (height - 4):.1f}" for i, v in enumerate(values)
    )
    return format_html(
        '<svg class="spark" width="{}" height="{}" viewBox="0 0 {} {}" role="img" aria-label="{}">'
        '<polyline fill="none" stroke="#1d70b8" stroke-width="1.5" points="{}"/></svg>',
        width,
        height,
        width,
        height,
        _("trend"),
        mark_safe(points),  # numbers formatted above
    )


def strategy_for(partnership: Partnership, quarter: Quarter):
    """The strategy covering the quarter's end: published before agreed before draft, then the latest."""
    from svduty.web.strategy.models import Strategy

    rank = {"published": 0, "agreed": 1, "draft": 2}
    candidates = Strategy.objects.filter(
        partnership=partnership, starts_on__lte=quarter.end, ends_on__gte=quarter.end
    ).exclude(status="superseded")
    ordered = sorted(candidates, key=lambda s: (rank.get(s.status, 3), -s.pk))
    return ordered[0] if ordered else None


def priorities(partnership: Partnership, quarter: Quarter) -> Section:
    from svduty.web.engagement.models import PriorityCitation
    from svduty.web.strategy.models import MeasureValue, Strategy, StrategyPriority, SuccessMeasure

    strategy = strategy_for(partnership, quarter)
    rows = []
    if strategy is not None:
        values = MeasureValue.objects.filter(measure__priority__strategy=strategy, period_end__lte=quarter.end)
        by_measure: dict[int, list] = {}
        for value in values.order_by("period_end", "id"):
            by_measure.setdefault(value.measure_id, []).append(value)
        cited: dict[int, list] = {}
        citations = PriorityCitation.objects.filter(priority__strategy=strategy).select_related("finding__consultation")
        for citation in citations:
            cited.setdefault(citation.priority_id, []).append(citation.finding)
        for priority in strategy.priorities.prefetch_related("measures", "programmes").order_by("order", "id"):
            rows.append(
                PriorityLine(
                    priority,
                    [MeasureLine(m, by_measure.get(m.pk, [])) for m in priority.measures.order_by("order", "id")],
                    cited.get(priority.pk, []),
                    [p.title for p in priority.programmes.all()],
                )
            )
    source = _(
        "Source: %(strategy)s (the strategy covering %(end)s: %(which)s), %(priority)s, %(measure)s, %(value)s "
        "(period_end ≤ %(end)s, oldest to latest; the trend compares the latest value with the one before, by the "
        "measure's direction), %(citation)s (consultation findings cited)."
    ) % {
        "strategy": table(Strategy),
        "priority": table(StrategyPriority),
        "measure": table(SuccessMeasure),
        "value": table(MeasureValue),
        "citation": table(PriorityCitation),
        "end": quarter.end.isoformat(),
        "which": f"id {strategy.pk}, {strategy.get_status_display()}" if strategy else _("none recorded"),
    }
    section = Section("priorities", _("Strategy priorities and success measures"), source, rows)
    section.totals = {"strategy": strategy}
    return section
