"""``/api/v1/referrals/``: the request/response contract (track and deadlines from the rules) and its permission
table — every role, including the referrals roles; another agency's case or a provider 404, anonymous 401."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from django.test import Client

from .conftest import USERS, client_for
from .referrals_helpers import REFERRAL_USERS, client_as

ALL_USERS = {**USERS, **REFERRAL_USERS}
CASEWORKERS = {"caseworker", "team_manager", "yjs", "yjs_manager", "custody", "mentor"}

# (operation, who may call it). Denied callers: anonymous 401; a signed-in caller 403 (create) or 404 (read).
API_CASES = [
    ("POST /api/v1/referrals/", {"custody", "yjs", "yjs_manager"}),  # Operation Deter: police and youth justice
    ("GET /api/v1/referrals/", set(ALL_USERS) - {"public"}),  # a list of what you may see (often empty)
    ("GET /api/v1/referrals/{case_id}/", {"custody", "yjs", "yjs_manager", "admin"}),  # a YJS case custody opened
]

BODY = {
    "pathway": "operation-deter",
    "date_of_birth": "2009-02-10",
    "incident_date": "2025-06-01",
    "arrest_notified_at": "2025-06-01T21:10:00+01:00",
    "released_at": "2025-06-02T09:30:00+01:00",
    "source_ref": "PN-2025-0001",
    "consent": "given",
    "given_name": "Kai",
    "family_name": "Example (synthetic)",
}


def _client(role):
    return client_as(ALL_USERS[role]) if role in REFERRAL_USERS else client_for(role)


def _create(client=None, **changes):
    client = client or client_as("custody")
    return client.post("/api/v1/referrals/", BODY | changes, content_type="application/json")


@pytest.mark.django_db
def test_a_16_year_old_gets_youth_diversion_with_90_minute_contact_and_48_hour_visit(world):
    response = _create()
    assert response.status_code == 201, response.content
    body = response.json()
    assert isinstance(body["id"], int) and body["track"] == "youth-diversion"
    due = {d["step"]: datetime.fromisoformat(d["due"]) for d in body["deadlines"]}
    arrest = datetime.fromisoformat(BODY["arrest_notified_at"])
    released = datetime.fromisoformat(BODY["released_at"])
    assert due["contact"] == arrest + timedelta(minutes=90)
    assert due["home-visit"] == released + timedelta(hours=48)
    assert set(body["deadlines"][0]) == {"step", "due"}
    assert body["agency"] == "Demoshire Youth Justice Service"
    assert "Kai" not in response.content.decode()  # the create answer carries no identity


@pytest.mark.django_db
def test_an_18_year_old_gets_criminal_justice(world):
    body = _create(date_of_birth="2007-06-01").json()
    assert body["track"] == "criminal-justice"
    assert [d["step"] for d in body["deadlines"]] == ["charge-remand-decision"]
    assert _create(date_of_birth="2007-06-02").json()["track"] == "youth-diversion"  # 17 years 364 days


@pytest.mark.django_db
def test_released_at_is_optional_and_bad_input_is_a_clear_422(world):
    body = _create(released_at=None).json()
    assert [d["step"] for d in body["deadlines"]] == ["contact"]
    assert _create(pathway="nope").status_code == 422
    assert "this person was 9" in _create(date_of_birth="2016-01-01").json()["detail"]
    assert _create(consent="maybe").status_code == 422
    assert "before the date of birth" in _create(date_of_birth="2026-01-01").json()["detail"]


@pytest.mark.django_db
def test_permission_table(world):
    case_id = _create().json()["id"]
    urls = {
        "POST /api/v1/referrals/": ("post", "/api/v1/referrals/"),
        "GET /api/v1/referrals/": ("get", "/api/v1/referrals/"),
        "GET /api/v1/referrals/{case_id}/": ("get", f"/api/v1/referrals/{case_id}/"),
    }
    failures = []
    for operation, allowed in API_CASES:
        method, url = urls[operation]
        for role in ALL_USERS:
            client = _client(role) if role != "public" else Client()
            if method == "post":
                status = client.post(url, BODY, content_type="application/json").status_code
                ok_status, denied = 201, 403
            else:
                status = client.get(url).status_code
                ok_status, denied = 200, 404 if operation.endswith("{case_id}/") else 403
            expected = ok_status if role in allowed else (401 if role == "public" else denied)
            if status != expected:
                failures.append(f"{operation} as {role}: {status}, expected {expected}")
    assert not failures, "\n".join(failures)


@pytest.mark.django_db
def test_read_back_follows_the_page_permissions(world):
    case_id = _create().json()["id"]
    yjs = client_as("yjs").get(f"/api/v1/referrals/{case_id}/").json()
    assert yjs["track"] == "youth-diversion" and yjs["person"] is None  # not their case yet: the policy asks why
    yjs = client_as("yjs").get(f"/api/v1/referrals/{case_id}/?reason=Act+Now+contact").json()
    assert yjs["person"]["given_name"] == "Kai"  # owning agency, in scope, reason given (and logged)
    custody = client_as("custody").get(f"/api/v1/referrals/{case_id}/").json()
    assert custody["person"] is None  # the creator is police: the identity is the YJS's now
    listed = client_as("yjs").get("/api/v1/referrals/").json()
    assert case_id in {item["id"] for item in listed["items"]}
    assert case_id not in {i["id"] for i in client_as("navigator").get("/api/v1/referrals/").json()["items"]}


@pytest.mark.django_db
def test_documented_in_openapi(world):
    document = Client().get("/api/v1/openapi.json").json()
    assert {"/api/v1/referrals/", "/api/v1/referrals/{case_id}/"} <= set(document["paths"])
    schema = document["components"]["schemas"]["ReferralIn"]
    assert {
        "pathway",
        "date_of_birth",
        "incident_date",
        "arrest_notified_at",
        "released_at",
        "source_ref",
        "consent",
    } <= set(schema["properties"])
