"""The API's shared machinery: the OpenAPI document, token and session authentication, and the rule that every
operation sits in a permission table (``"METHOD /api/v1/path/"`` in some ``tests/web/test_api*.py``)."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django.utils import timezone

from .conftest import ROLES, client_for

# Permission table for the core endpoints: (operation, url, roles allowed → expected status for the others).
API_CASES = [
    ("GET /api/v1/me/", "/api/v1/me/", set(ROLES)),
]


@pytest.mark.django_db
def test_openapi_document_is_served_to_anyone():
    response = Client().get("/api/v1/openapi.json")
    assert response.status_code == 200
    document = response.json()
    assert document["openapi"].startswith("3.")
    assert "/api/v1/me/" in document["paths"]
    assert {"BearerToken", "SessionAuth"} <= set(document["components"]["securitySchemes"])


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLES)
def test_me_reports_the_role_of_the_session(world, role):
    body = client_for(role).get("/api/v1/me/").json()
    expected = {"chief_executive": "chief_executive"}.get(role, role)
    assert body["role"] == expected
    assert body["authenticated"] is (role != "public")


@pytest.mark.django_db
def test_bearer_token_authenticates_and_revocation_and_expiry_refuse(world):
    from svduty.web.api.models import ApiToken

    officer = get_user_model().objects.get(username="officer")
    record, token = ApiToken.issue(officer, "case system")
    assert token not in record.key_hash and len(record.key_hash) == 64
    client = Client()
    body = client.get("/api/v1/me/", HTTP_AUTHORIZATION=f"Bearer {token}").json()
    assert (body["authenticated"], body["username"], body["role"]) == (True, "officer", "officer")
    record.refresh_from_db()
    assert record.last_used_at is not None
    # A wrong token falls through to the anonymous view of a public endpoint, never to another user.
    assert client.get("/api/v1/me/", HTTP_AUTHORIZATION="Bearer svd_wrong").json()["authenticated"] is False
    record.revoked_at = timezone.now()
    record.save()
    assert client.get("/api/v1/me/", HTTP_AUTHORIZATION=f"Bearer {token}").json()["authenticated"] is False
    _expired, token2 = ApiToken.issue(officer, "old", expires_at=timezone.now() - timezone.timedelta(days=1))
    assert client.get("/api/v1/me/", HTTP_AUTHORIZATION=f"Bearer {token2}").json()["authenticated"] is False


@pytest.mark.django_db
def test_api_token_command_prints_a_token_once(world, capsys):
    from django.core.management import call_command

    from svduty.web.api.models import ApiToken, hash_token

    call_command("api_token", "create", "officer", "--name", "sync")
    out = capsys.readouterr().out
    token = next(word for word in out.split() if word.startswith("svd_"))
    assert ApiToken.objects.filter(key_hash=hash_token(token), name="sync").exists()


@pytest.mark.django_db
@pytest.mark.parametrize("case", API_CASES, ids=[c[0] for c in API_CASES])
def test_core_permission_table(world, case):
    _operation, url, allowed = case
    for role in ROLES:
        status = client_for(role).get(url).status_code
        assert status == (200 if role in allowed else 404), (url, role, status)


def test_every_operation_is_in_a_permission_table():
    from svduty.web.api.core import api

    sources = "".join(p.read_text(encoding="utf-8") for p in Path(__file__).parent.glob("test_api*.py"))
    operations = [
        f"{method.upper()} /api/v1{path.removeprefix('/api/v1')}"
        for path, methods in api.get_openapi_schema(path_prefix="/api/v1")["paths"].items()
        for method in methods
    ]
    missing = [op for op in operations if f'"{op}' not in sources]
    assert not missing, f"API operations missing from every permission table: {missing}"


@pytest.mark.django_db
def test_a_nul_character_in_a_json_body_is_a_400_not_a_500(world):
    """Found by schemathesis on POST /api/v1/referrals/: PostgreSQL text cannot hold NUL, so the body is refused."""
    response = client_for("officer").post(
        "/api/v1/referrals/",
        data='{"pathway": "operation-deter", "source_ref": "a\\u0000b"}',
        content_type="application/json",
    )
    assert response.status_code == 400
