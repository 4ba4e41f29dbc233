"""``/api/v1/strategy/``: the published strategy for anyone; drafts and SNA versions for partnership staff."""

from __future__ import annotations

import pytest

from svduty.web.strategy.models import Strategy, SuccessMeasure

from .conftest import ROLES, client_for
from .strategy_helpers import PARTNERS, strategy_objects

ALL = set(ROLES)


def cases():
    o = strategy_objects()
    return [
        ("GET /api/v1/strategy/public/", "/api/v1/strategy/public/", ALL),
        ("GET /api/v1/strategy/", "/api/v1/strategy/", ALL),
        ("GET /api/v1/strategy/{strategy_id}/", f"/api/v1/strategy/{o['published'].pk}/", ALL),
        ("GET /api/v1/strategy/{strategy_id}/", f"/api/v1/strategy/{o['draft'].pk}/", PARTNERS),
        ("GET /api/v1/strategy/sna-versions/", "/api/v1/strategy/sna-versions/", PARTNERS),
    ]


@pytest.mark.django_db
def test_strategy_api_permission_table(world):
    failures = []
    for operation, url, allowed in cases():
        for role in ROLES:
            status = client_for(role).get(url).status_code
            refused = (401, 404) if role == "public" else (404,)
            if (status != 200) if role in allowed else (status not in refused):
                failures.append(f"{operation} {url} as {role}: {status}")
    assert not failures, "\n".join(failures)


@pytest.mark.django_db
def test_public_strategy_json_matches_the_records(world):
    strategy = Strategy.objects.get(is_demo=True)
    data = client_for("public").get("/api/v1/strategy/public/").json()
    assert data["id"] == strategy.pk and data["status"] == "published" and data["demo"] is True
    assert [p["title"] for p in data["priorities"]] == list(
        strategy.priorities.order_by("order").values_list("title", flat=True)
    )
    assert data["sna_version"]["number"] == strategy.sna_version.number
    for p in data["priorities"]:
        for m in p["measures"]:
            measure = SuccessMeasure.objects.get(pk=m["id"])
            latest = measure.latest
            assert (m["latest"]["value"] if m["latest"] else None) == (latest.value if latest else None)
        if p["evidence"]["derived_priority"]:
            assert p["evidence"]["rank"] == strategy.sna_version.priority_rank(p["evidence"]["derived_priority"])
    listed = client_for("public").get("/api/v1/strategy/").json()
    assert {s["status"] for s in listed} == {"published"}  # the public never sees drafts
