"""``/api/v1/board/`` and ``/api/v1/engagement/``: the same permission functions as the pages (outside them 404),
and the same figures as the records."""

from __future__ import annotations

import pytest

from .board_helpers import LEADERSHIP, PARTNERS, demo_meetings
from .conftest import ROLES, client_for

ALL = set(ROLES)


def cases():
    first, _second = demo_meetings()
    from svduty.web.engagement.models import Consultation

    demo = Consultation.objects.get(is_demo=True)
    return [
        ("GET /api/v1/board/meetings/", "/api/v1/board/meetings/", PARTNERS),
        ("GET /api/v1/board/meetings/{meeting_id}/", f"/api/v1/board/meetings/{first.pk}/", PARTNERS),
        ("GET /api/v1/board/actions/", "/api/v1/board/actions/", PARTNERS),
        ("GET /api/v1/board/risks/", "/api/v1/board/risks/", LEADERSHIP),
        ("GET /api/v1/engagement/consultations/", "/api/v1/engagement/consultations/", ALL),
        (
            "GET /api/v1/engagement/consultations/{consultation_id}/",
            f"/api/v1/engagement/consultations/{demo.pk}/",
            ALL,
        ),
        ("GET /api/v1/engagement/networks/", "/api/v1/engagement/networks/", PARTNERS),
    ]


@pytest.mark.django_db
def test_board_and_engagement_permission_table(world):
    for _operation, url, allowed in cases():
        for role in ROLES:
            status = client_for(role).get(url).status_code
            expected = 200 if role in allowed else 401 if role == "public" else 404  # no credentials: 401
            assert status == expected, (url, role, status)


@pytest.mark.django_db
def test_meeting_and_actions_match_the_records(world):
    from svduty.web.partnership.models import BoardAction

    _first, second = demo_meetings()
    body = client_for("officer").get(f"/api/v1/board/meetings/{second.pk}/").json()
    assert [a["id"] for a in body["actions"]] == list(second.actions.values_list("id", flat=True))
    assert len(body["attendance"]) == second.attendance.count() and body["decisions"] == [
        d.text for d in second.decisions.order_by("id")
    ]
    carried = [a for a in body["actions"] if a["carried_from"]]
    assert carried and BoardAction.objects.get(pk=carried[0]["carried_from"]).status == "carried"
    live = client_for("pcc").get("/api/v1/board/actions/?page_size=100").json()
    assert live["count"] == BoardAction.objects.filter(status__in=["open", "in_progress"]).count()
    assert client_for("officer").get("/api/v1/board/meetings/999999999/").status_code == 404


@pytest.mark.django_db
def test_public_sees_only_published_consultations_and_never_answers(world):
    from svduty.web.engagement.models import Consultation

    demo = Consultation.objects.get(is_demo=True)
    draft = Consultation.objects.create(
        partnership=demo.partnership,
        title="Draft",
        purpose="x",
        audience="community",
        opens_on="2025-01-01",
        closes_on="2025-01-31",
    )
    public = client_for("public").get("/api/v1/engagement/consultations/").json()
    assert [c["id"] for c in public["items"]] == [demo.pk]
    assert client_for("public").get(f"/api/v1/engagement/consultations/{draft.pk}/").status_code == 404
    assert client_for("officer").get(f"/api/v1/engagement/consultations/{draft.pk}/").status_code == 200
    body = client_for("public").get(f"/api/v1/engagement/consultations/{demo.pk}/").json()
    assert body["responses"] == 48 and body["demo"] is True
    answer_text = demo.responses.first().answers.filter(question__kind="text").first().text
    assert answer_text not in str(body["themes"]) + str(body["findings"])
