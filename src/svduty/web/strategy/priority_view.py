"""What a page shows for each priority: its target, evidence (SNA version, derived-priority rank, tables),
objectives, the consultation findings that cite it, the programmes and pathways that serve it, and each measure's
baseline, target and latest value."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class MeasureCard:
    measure: object
    latest: object
    values: list = field(default_factory=list)

    @property
    def change_vs_baseline(self) -> float | None:
        m = self.measure
        if self.latest is None or not m.baseline_value:
            return None
        return (self.latest.value / m.baseline_value - 1) * 100


@dataclass
class PriorityCard:
    priority: object
    version: object
    rank: int | None
    ranked_of: int
    objectives: list
    measures: list[MeasureCard]
    programmes: list
    pathways: list
    findings: list = field(default_factory=list)  # engagement PriorityCitation rows (finding, consultation, note)


def cited_findings(priority, *, public: bool) -> list:
    """The consultation findings citing this priority; the public pages show only published consultations'."""
    from svduty.web.engagement.options import ConsultationStatus

    citations = list(priority.consultation_citations.all())
    if public:
        citations = [c for c in citations if c.finding.consultation.status == ConsultationStatus.PUBLISHED]
    return citations


def priority_cards(priorities, *, public: bool = False) -> list[PriorityCard]:
    cards = []
    for p in priorities:
        version = p.sna_version or p.strategy.sna_version
        rank = version.priority_rank(p.sna_priority) if version and p.sna_priority else None
        measures = []
        for m in p.measures.all():
            values = sorted(m.values.all(), key=lambda v: (v.period_end, v.id))
            measures.append(MeasureCard(m, values[-1] if values else None, values))
        programmes = list(p.programmes.all())
        if p.funding_priority_id:
            from svduty.web.programmes.models import Programme

            funded = Programme.objects.filter(award__application__priority_id=p.funding_priority_id)
            programmes += [x for x in funded.select_related("organisation") if x not in programmes]
        cards.append(
            PriorityCard(
                priority=p,
                version=version,
                rank=rank,
                ranked_of=len(version.priorities) if version else 0,
                objectives=list(p.objectives.all()),
                measures=measures,
                programmes=programmes,
                pathways=list(p.pathways.all()),
                findings=cited_findings(p, public=public),
            )
        )
    return cards
