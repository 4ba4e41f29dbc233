"""The delivery API: the evidence library (public; field names are a contract), programmes, indicators and
returns (a provider sees only its own organisation's; another's is 404), and POST of a return validated exactly
as the page validates it."""

from __future__ import annotations

import json

import pytest
from django.contrib.auth import get_user_model
from django.test import Client

from svduty.web.programmes.models import MonitoringReturn, Programme

from .conftest import ROLES, client_for

pytestmark = pytest.mark.django_db

LEADERSHIP = {"admin", "officer", "chief_executive", "pcc"}
DELIVERY = LEADERSHIP | {"provider"}
SIGNED_IN = set(ROLES) - {"public"}


def _own():
    return Programme.objects.get(organisation=get_user_model().objects.get(username="provider").profile.organisation)


def _other():
    return Programme.objects.exclude(pk=_own().pk).order_by("id").first()


# (operation, url factory, roles that get 200). Everyone else: the public 401 on signed-in endpoints, and a
# signed-in caller 404 for an object it may not see (lists simply leave such objects out).
API_CASES = [
    ("GET /api/v1/interventions/", lambda: "/api/v1/interventions/", set(ROLES)),
    ("GET /api/v1/interventions/{slug}/", lambda: "/api/v1/interventions/mentoring/", set(ROLES)),
    ("GET /api/v1/programmes/", lambda: "/api/v1/programmes/", SIGNED_IN),
    ("GET /api/v1/programmes/{programme_id}/", lambda: f"/api/v1/programmes/{_own().pk}/", DELIVERY),
    ("GET /api/v1/programmes/{programme_id}/ (another's)", lambda: f"/api/v1/programmes/{_other().pk}/", LEADERSHIP),
    ("GET /api/v1/indicators/", lambda: "/api/v1/indicators/", SIGNED_IN),
    ("GET /api/v1/returns/", lambda: "/api/v1/returns/", SIGNED_IN),
    ("GET /api/v1/returns/{return_id}/", lambda: f"/api/v1/returns/{_own().returns.first().pk}/", DELIVERY),
    (
        "GET /api/v1/returns/{return_id}/ (another's)",
        lambda: f"/api/v1/returns/{_other().returns.first().pk}/",
        LEADERSHIP,
    ),
]


@pytest.mark.parametrize("case", API_CASES, ids=[c[0] for c in API_CASES])
def test_delivery_permission_table(world, case):
    _operation, url, allowed = case
    for role in ROLES:
        status = client_for(role).get(url()).status_code
        expected = 200 if role in allowed else (401 if role == "public" else 404)
        assert status == expected, (role, status)


def test_interventions_contract_fields(world):
    body = Client().get("/api/v1/interventions/?page=1").json()
    assert body["count"] >= 15
    item = next(i for i in body["items"] if i["slug"] == "focused-deterrence")
    assert {"slug", "name", "impact", "impact_pct", "evidence_quality", "cost", "prevention_level", "sources"} <= set(
        item
    )
    assert (item["impact"], item["impact_pct"], item["evidence_quality"], item["cost"]) == ("high", 33.0, None, None)
    assert item["sources"][0]["url"].startswith("https://")
    assert Client().get("/api/v1/interventions/no-such/").status_code == 404


def test_lists_show_only_what_the_caller_may_see(world):
    provider = client_for("provider").get("/api/v1/programmes/").json()
    assert [p["id"] for p in provider["items"]] == [_own().pk]
    returns = client_for("provider").get("/api/v1/returns/?page=1").json()
    assert returns["count"] == _own().returns.count()
    assert {r["programme_id"] for r in returns["items"]} == {_own().pk}
    assert client_for("officer").get("/api/v1/programmes/").json()["count"] == Programme.objects.count()
    assert client_for("assessor").get("/api/v1/programmes/").json()["count"] == 0
    indicators = client_for("provider").get("/api/v1/indicators/").json()
    assert {i["programme_id"] for i in indicators["items"]} == {_own().pk}


def _payload(r, **override):
    body = {
        "programme_id": r.programme_id,
        "financial_year": r.financial_year,
        "quarter": r.quarter,
        "total_reached": 30,
        "spend_to_date": "2500.50",
        "narrative": "Sessions in three schools",
        "values": [{"indicator_id": i.pk, "actual": 5} for i in r.programme.indicators.all()],
        "reach": [
            {"dimension": "age_sex", "category": "14-17|female", "count": 12},
            {"dimension": "ethnicity", "category": "white", "count": 20},
            {"dimension": "area", "category": "E06000015", "count": 30},
        ],
    }
    body.update(override)
    return body


def _post(client, body):
    return client.post("/api/v1/returns/", json.dumps(body), content_type="application/json")


def test_post_return_saves_and_submits_with_the_pages_rules(world):
    r = _own().returns.filter(status="draft", total_reached__isnull=True).first()
    provider = client_for("provider")
    response = _post(provider, _payload(r))
    assert response.status_code == 200, response.content
    body = response.json()
    assert (body["status"], body["total_reached"], body["spend_to_date_pence"]) == ("draft", 30, 250_050)
    assert {"dimension": "area", "category": "E06000015", "count": 30} in body["reach"]
    bad = _post(provider, _payload(r, reach=[{"dimension": "ethnicity", "category": "white", "count": 31}]))
    assert bad.status_code == 422 and "adds up to 31, more than the 30" in bad.json()["detail"]
    assert _post(provider, _payload(r, total_reached=-1)).status_code == 422
    assert _post(provider, _payload(r, spend_to_date="12.345")).status_code == 422
    wrong_cell = _post(provider, _payload(r, reach=[{"dimension": "age_sex", "category": "teen|male", "count": 1}]))
    assert wrong_cell.status_code == 422 and "unknown age band" in wrong_cell.json()["detail"]
    assert MonitoringReturn.objects.get(pk=r.pk).total_reached == 30  # the bad posts changed nothing
    submitted = _post(provider, _payload(r, submit=True))
    assert submitted.status_code == 200 and submitted.json()["status"] == "submitted"
    assert submitted.json()["versions"] == 1
    again = _post(provider, _payload(r))
    assert again.status_code == 403


def test_post_return_for_another_organisation_is_404(world):
    r = _other().returns.filter(status="draft").first() or _other().returns.first()
    assert _post(client_for("provider"), _payload(r)).status_code == 404
    # Officers see it but may not fill a provider's return.
    assert _post(client_for("officer"), _payload(r)).status_code == 403
    assert _post(Client(), _payload(r)).status_code == 401


def test_post_return_with_a_bearer_token_needs_no_csrf(world):
    from svduty.web.api.models import ApiToken

    r = _own().returns.filter(status="draft", total_reached__isnull=True).first()
    _record, token = ApiToken.issue(get_user_model().objects.get(username="provider"), "case system")
    client = Client(enforce_csrf_checks=True)
    response = client.post(
        "/api/v1/returns/",
        json.dumps(_payload(r)),
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {token}",
    )
    assert response.status_code == 200
    session = client_for("provider")
    session.handler.enforce_csrf_checks = True
    assert _post(session, _payload(r)).status_code in (401, 403)  # a session POST without the CSRF token is refused


# "POST /api/v1/returns/": the provider of the return 200; partnership roles see it but may not fill it (403);
# the assessor sees no programme (404); the public 401.
POST_EXPECTED = {"provider": 200, "admin": 403, "officer": 403, "chief_executive": 403, "pcc": 403, "assessor": 404}


def test_post_permission_table(world):
    r = _own().returns.filter(status="draft", total_reached__isnull=True).first()
    for role in ROLES:
        status = _post(client_for(role), _payload(r)).status_code
        assert status == POST_EXPECTED.get(role, 401), (role, status)
