"""What a strategy priority cites from engagement, for pages outside this app (the strategy's priority page, the
board pack): its consultation findings and the networks that support it."""

from __future__ import annotations


def findings_for(priority) -> list:
    from .models import Finding

    return list(Finding.objects.filter(citations__priority=priority).select_related("consultation", "theme"))


def networks_for(priority) -> list:
    return list(priority.networks.all())
