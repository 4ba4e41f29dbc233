"""What follows a strategy workflow step: the event row, and on publication the previous published one superseded."""

from __future__ import annotations

from django.utils import timezone

from .models import Strategy, StrategyEvent
from .options import StrategyStatus


def after_strategy_step(name: str, strategy: Strategy, from_state: str, user, note: str) -> None:
    StrategyEvent.objects.create(
        strategy=strategy, action=name, from_state=from_state, to_state=strategy.status, user=user, note=note
    )
    if name != "publish":
        return
    if not strategy.published_on:
        strategy.published_on = timezone.localdate()
        strategy.save(update_fields=["published_on"])
    older = Strategy.objects.filter(partnership=strategy.partnership, status=StrategyStatus.PUBLISHED).exclude(
        pk=strategy.pk
    )
    for old in older:
        old.status = StrategyStatus.SUPERSEDED
        old.save(update_fields=["status"])
        StrategyEvent.objects.create(
            strategy=old,
            action="supersede",
            from_state=StrategyStatus.PUBLISHED,
            to_state=old.status,
            user=user,
            note=f"superseded by {strategy}",
        )
