"""``/api/v1/practice-notes/``: public, published notes only, the same records as ``/public/practice.json``."""

from __future__ import annotations

import pytest

from .conftest import ROLES, client_for

API_CASES = [
    ("GET /api/v1/practice-notes/", "/api/v1/practice-notes/", set(ROLES)),
]


@pytest.mark.django_db
@pytest.mark.parametrize("case", API_CASES, ids=[c[0] for c in API_CASES])
def test_practice_notes_permission_table(world, case):
    _operation, url, allowed = case
    for role in ROLES:
        status = client_for(role).get(url).status_code
        assert status == (200 if role in allowed else 404), (url, role, status)


@pytest.mark.django_db
def test_api_matches_the_json_export(world):
    from svduty.web.evaluation.models import PracticeNote

    api = client_for("public").get("/api/v1/practice-notes/").json()
    export = client_for("public").get("/public/practice.json").json()
    published = PracticeNote.objects.filter(status="published")
    assert api["count"] == export["count"] == published.count() >= 1
    by_id = {n["id"]: n for n in export["practice_notes"]}
    for item in api["items"]:
        exported = by_id[item["id"]]
        assert exported["url"].endswith(item["url"])  # the export's links are absolute
        assert {k: v for k, v in item.items() if k != "url"} == {k: v for k, v in exported.items() if k != "url"}
    note = published.get(is_demo=True)
    item = next(i for i in api["items"] if i["id"] == note.pk)
    assert item["strength_of_evidence"]["level"] == note.evaluation.result["maryland_sms"]["level"]
    assert item["evaluation"]["interval"] == note.evaluation.result["level_change_ci"]
