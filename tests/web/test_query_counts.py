"""No N+1 queries: each page type is counted with the demo partnership, then again with many more rows (the load
seeder, svduty.web.seed), and the count must not grow with the rows. A page that made a query per row (the
assessment ranking made one per review: 366 queries for 100 EOIs) fails here, not under load."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from .conftest import client_for

pytestmark = pytest.mark.django_db

# Room for a constant difference (e.g. the paginator's count query once a list has more than one page).
SLACK = 2


def _count(client, url: str) -> int:
    client.get(url)  # warm per-process caches (content types, sessions) so both counts measure the page itself
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    return len(queries)


def _pages(small: bool):
    from svduty.web.commissioning.models import Round
    from svduty.web.decisions.models import DecisionRecord
    from svduty.web.funding.models import FundingStream
    from svduty.web.seed import SEED_MARK

    rounds = (
        Round.objects.exclude(title__startswith=SEED_MARK)
        if small
        else Round.objects.filter(title__startswith=SEED_MARK)
    )
    round_ = rounds.order_by("id").first()
    records = DecisionRecord.objects.filter(state="published", publication_deferred=False)
    record = (records.exclude(title__startswith=SEED_MARK) if small else records.filter(title__startswith=SEED_MARK))[0]
    stream = FundingStream.objects.order_by("id").first()
    return {
        ("public", "public index"): "/public/",
        ("public", "public register"): "/public/decisions/",
        ("public", "public decision"): f"/public/decisions/{record.reference}/",
        ("public", "public grants"): "/public/grants/",
        ("public", "360Giving JSON"): "/public/360giving.json",
        ("public", "360Giving CSV"): "/public/360giving.csv",
        ("public", "public PDF"): f"/public/decisions/{record.reference}/pdf/",
        ("officer", "dashboard"): "/",
        ("officer", "decision records"): "/decisions/",
        ("officer", "decision record"): f"/decisions/{record.reference}/",
        ("officer", "rounds"): "/rounds/",
        ("officer", "round"): f"/rounds/{round_.pk}/",
        ("officer", "assessment ranking"): f"/rounds/{round_.pk}/assessment/",
        ("officer", "awards"): "/awards/",
        ("officer", "funding streams"): "/funding/",
        ("officer", "funding stream"): f"/funding/{stream.pk}/",
        ("officer", "partnership"): "/partnership/",
        ("assessor", "assessor queue"): "/assess/",
        ("pcc", "PCC dashboard"): "/",
        ("provider", "my applications"): "/applications/",
        ("officer", "all applications"): "/manage/applications/",
        ("officer", "users"): "/manage/users/",
        ("officer", "message log"): "/notifications/messages/",
    }


def test_query_counts_do_not_grow_with_the_data(world):
    from svduty.web.seed import Seed, seed

    clients = {role: client_for(role) for role in ("public", "officer", "assessor", "pcc", "provider")}
    small = {key: _count(clients[key[0]], url) for key, url in _pages(small=True).items()}
    seed(Seed(applications=400, decisions=120, rounds=4, providers=40))
    large_pages = _pages(small=False)
    large = {key: _count(clients[key[0]], url) for key, url in large_pages.items()}
    grown = {f"{k[1]} ({large_pages[k]})": (small[k], large[k]) for k in small if large[k] > small[k] + SLACK}
    assert not grown, f"queries grow with the rows (demo → seeded): {grown}"


def _delivery_pages(small: bool):
    from svduty.web.programmes.models import MonitoringReturn, Programme

    seeded = Programme.objects.filter(title__startswith="Seed programme")
    programme = (Programme.objects.exclude(pk__in=seeded) if small else seeded).order_by("id").first()
    monitoring_return = MonitoringReturn.objects.filter(programme=programme).order_by("id").first()
    return {
        ("officer", "board dashboard"): "/delivery/dashboard/",
        ("officer", "programmes"): "/delivery/programmes/",
        ("officer", "programme"): f"/delivery/programmes/{programme.pk}/",
        ("officer", "returns"): "/delivery/returns/",
        ("officer", "return"): f"/delivery/returns/{monitoring_return.pk}/",
        ("provider", "own returns"): "/delivery/returns/",
        ("public", "API interventions"): "/api/v1/interventions/",
        ("officer", "API programmes"): "/api/v1/programmes/",
        ("officer", "API indicators"): "/api/v1/indicators/",
        ("officer", "API returns"): "/api/v1/returns/",
        ("provider", "API own returns"): "/api/v1/returns/",
    }


def test_delivery_query_counts_do_not_grow_with_the_data(world):
    """Issue 18: the board dashboard, the programme and return pages and the API lists, demo → 60 more programmes
    with 600 returns (the load seeder, svduty.web.programmes.seed)."""
    from svduty.web.programmes.seed import seed_delivery

    clients = {role: client_for(role) for role in ("public", "officer", "provider")}
    small = {key: _count(clients[key[0]], url) for key, url in _delivery_pages(small=True).items()}
    seed_delivery(60, 600)
    large_pages = _delivery_pages(small=False)
    large = {key: _count(clients[key[0]], url) for key, url in large_pages.items()}
    grown = {f"{k[1]} ({large_pages[k]})": (small[k], large[k]) for k in small if large[k] > small[k] + SLACK}
    assert not grown, f"queries grow with the rows (demo → seeded): {grown}"
