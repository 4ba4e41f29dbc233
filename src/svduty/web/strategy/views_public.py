"""The published strategy for the public: a page and its PDF (no drafts, no internal notes)."""

from __future__ import annotations

from django.http import Http404
from django.shortcuts import render

from .models import Strategy
from .options import StrategyStatus
from .priority_view import priority_cards
from .views import _pdf_response, current_partnership, priorities_of


def published_strategy() -> Strategy | None:
    partnership = current_partnership()
    return (
        Strategy.objects.filter(partnership=partnership, status=StrategyStatus.PUBLISHED)
        .select_related("partnership", "sna_version", "definition")
        .order_by("-published_on", "-id")
        .first()
    )


def public_strategy(request):
    strategy = published_strategy()
    return render(
        request,
        "strategy/public.html",
        {
            "strategy": strategy,
            "cards": priority_cards(priorities_of(strategy), public=True) if strategy else [],
            "public": True,
        },
    )


def public_pdf(request):
    strategy = published_strategy()
    if strategy is None:
        raise Http404("No strategy has been published yet")
    return _pdf_response(strategy)
