"""The annual review: a draft copy of an agreed or published strategy, priorities, objectives and measures included.
The original stays as the board agreed it (and public, if published) until the revision is published."""

from __future__ import annotations

from django.db import transaction

from .models import Objective, Strategy, SuccessMeasure
from .options import StrategyStatus


def copy_as_draft(strategy: Strategy, user) -> Strategy:
    with transaction.atomic():
        draft = Strategy.objects.create(
            partnership=strategy.partnership,
            title=strategy.title,
            period=strategy.period,
            starts_on=strategy.starts_on,
            ends_on=strategy.ends_on,
            vision=strategy.vision,
            principles=strategy.principles,
            sna_version=strategy.sna_version,
            definition=strategy.definition,
            status=StrategyStatus.DRAFT,
            revision_of=strategy,
            created_by=user,
            is_demo=strategy.is_demo,
        )
        for p in strategy.priorities.all():
            programmes, pathways = list(p.programmes.all()), list(p.pathways.all())
            objectives, measures = list(p.objectives.all()), list(p.measures.all())
            p.pk = None
            p.id = None
            p._state.adding = True
            p.strategy = draft
            p.save()
            p.programmes.set(programmes)
            p.pathways.set(pathways)
            for o in objectives:
                Objective.objects.create(priority=p, order=o.order, text=o.text)
            for m in measures:
                SuccessMeasure.objects.create(
                    priority=p,
                    kind=m.kind,
                    national_key=m.national_key,
                    name=m.name,
                    unit=m.unit,
                    direction=m.direction,
                    baseline_value=m.baseline_value,
                    baseline_period=m.baseline_period,
                    target_value=m.target_value,
                    target_period=m.target_period,
                    source=m.source,
                    sna_figure=m.sna_figure,
                    order=m.order,
                )
    return draft
