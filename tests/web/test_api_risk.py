"""``/api/v1/risk/``: the permission table of every operation for every role (person-level scores for seated panel
members only, each read logged; aggregates for staff, analysts and the DPO; the ATRS Tier 1 records public) and the
decision contract."""

from __future__ import annotations

import pytest

from .conftest import USERS, client_for
from .referrals_helpers import REFERRAL_USERS
from .risk_helpers import PANEL, RISK_USERS, client_as, risk_world

ALL_USERS = {**USERS, **REFERRAL_USERS, **RISK_USERS}
AGGREGATES = {"admin", "officer", "analyst", "dpo"} | PANEL

# (operation, who may call it). Denied: anonymous 401, signed-in 403.
API_CASES = [
    ("GET /api/v1/risk/versions/", AGGREGATES),
    ("GET /api/v1/risk/versions/{number}/", AGGREGATES),
    ("GET /api/v1/risk/runs/{run_id}/", AGGREGATES),
    ("GET /api/v1/risk/panel/", PANEL),
    ("GET /api/v1/risk/scores/{score_id}/", PANEL),
    ("POST /api/v1/risk/scores/{score_id}/decisions/", PANEL),
    ("GET /api/v1/risk/atrs/", set(ALL_USERS)),
]


def _client(role):
    if role in REFERRAL_USERS:
        return client_as(REFERRAL_USERS[role])
    if role in RISK_USERS:
        return client_as(RISK_USERS[role])
    return client_for(role)


def _decision_body(r):
    from svduty.web.risk.models import PanelMember

    members = list(PanelMember.objects.filter(active=True).values_list("pk", flat=True))
    return {
        "outcome": "refer_elsewhere",
        "reasons": "Family support",
        "meeting_date": "2026-11-30",
        "attendees": members,
    }


@pytest.mark.django_db
def test_every_risk_operation_for_every_role(world):
    r = risk_world()
    paths = {
        "GET /api/v1/risk/versions/": "/api/v1/risk/versions/",
        "GET /api/v1/risk/versions/{number}/": f"/api/v1/risk/versions/{r['in_use'].number}/",
        "GET /api/v1/risk/runs/{run_id}/": f"/api/v1/risk/runs/{r['run'].pk}/",
        "GET /api/v1/risk/panel/": "/api/v1/risk/panel/",
        "GET /api/v1/risk/scores/{score_id}/": f"/api/v1/risk/scores/{r['high'].pk}/",
        "POST /api/v1/risk/scores/{score_id}/decisions/": f"/api/v1/risk/scores/{r['edge'].pk}/decisions/",
        "GET /api/v1/risk/atrs/": "/api/v1/risk/atrs/",
    }
    failures = []
    for operation, allowed in API_CASES:
        method, _template = operation.split(" ", 1)
        for role in ALL_USERS:
            client = _client(role)
            if method == "POST":
                response = client.post(paths[operation], _decision_body(r), content_type="application/json")
                expected = 201
            else:
                response = client.get(paths[operation])
                expected = 200
            if role in allowed:
                ok = response.status_code == expected
            else:
                ok = response.status_code == (401 if role == "public" else 403)
            if not ok:
                failures.append(f"{operation} as {role}: {response.status_code}")
    assert not failures, "\n".join(failures)


@pytest.mark.django_db
def test_scores_through_the_api_are_logged_and_carry_no_identity(world):
    from svduty.web.risk.models import RiskAccessLog

    r = risk_world()
    panel = client_as("panelpolice")
    before = RiskAccessLog.objects.count()
    listing = panel.get("/api/v1/risk/panel/").json()
    assert [p["person"] for p in listing["people"]] == ["P-HIGH", "P-EDGE"]
    assert listing["threshold"] == 360.0 and "Advisory only" in listing["advisory"]
    assert {m["agency"] for m in listing["members"]} == {"police", "youth_justice", "childrens_services"}
    detail = panel.get(f"/api/v1/risk/scores/{r['high'].pk}/").json()
    assert sum(c["contribution"] for c in detail["components"]) == pytest.approx(detail["score"], abs=1e-9)
    assert {c["incident_id"] for c in detail["components"]} == {"INC-1", "INC-2"}
    assert [x.action for x in RiskAccessLog.objects.order_by("pk")[before:]] == ["api_list", "api_case"]
    # aggregates: the run's bands and fairness, no pseudonym
    run = client_as("analyst").get(f"/api/v1/risk/runs/{r['run'].pk}/").json()
    assert sum(b["people"] for b in run["bands"]) == 3 and "P-HIGH" not in str(run)
    assert run["four_fifths_breaches"][0]["group"] == "Black"
    version = client_for("officer").get(f"/api/v1/risk/versions/{r['ready'].number}/").json()
    assert [c["met"] for c in version["readiness"]] == [True, True, False, False, False]
    public = client_for("public").get("/api/v1/risk/atrs/").json()
    numbers = [a["number"] for a in public]
    assert r["in_use"].number in numbers and r["ready"].number not in numbers
    assert set(public[0]) == {"number", "status", "name", "description", "website_url", "contact_email"}


@pytest.mark.django_db
def test_a_decision_through_the_api_needs_attendees_and_a_listed_person(world):
    from svduty.web.risk.models import PanelDecision

    r = risk_world()
    panel = client_as("panelyjs")
    body = _decision_body(r)
    assert (
        panel.post(f"/api/v1/risk/scores/{r['low'].pk}/decisions/", body, content_type="application/json").status_code
        == 422
    )
    bad = {**body, "attendees": [999999]}
    url = f"/api/v1/risk/scores/{r['edge'].pk}/decisions/"
    assert panel.post(url, bad, content_type="application/json").status_code == 422
    future = {**body, "meeting_date": "2999-01-01"}
    assert panel.post(url, future, content_type="application/json").status_code == 422
    response = panel.post(url, body, content_type="application/json")
    assert response.status_code == 201 and response.json()["outcome"] == "refer_elsewhere"
    assert PanelDecision.objects.get(score=r["edge"]).recorded_by.username == "panelyjs"
