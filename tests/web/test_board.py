"""Board meetings edited in the app (issue 15 item 4): agenda, papers, attendance by organisation, decisions and the
action log with carrying forward, history kept; the POST-only URLs for every role; the demo's two meetings."""

from __future__ import annotations

import pytest

from svduty.web.board import actions as ops
from svduty.web.partnership.models import BoardAction, BoardMeeting

from .board_helpers import demo_meetings, post_only_matrix
from .conftest import ROLES, client_for


def _denied(role, response):
    if role == "public":
        return response.status_code == 302 and "/sign-in/" in response["Location"]
    return response.status_code == 403


@pytest.mark.django_db
@pytest.mark.parametrize("index", range(4))
def test_post_only_urls(world, index):
    name, make_url, allowed = post_only_matrix()[index]
    for role in ROLES:
        data = {"quarter": "2024-25-Q3"}
        response = client_for(role).post(make_url(), data)
        if role in allowed:
            assert response.status_code == 302 and "/sign-in/" not in response["Location"], (name, role)
        else:
            assert _denied(role, response), (name, role, response.status_code)


@pytest.mark.django_db
def test_demo_has_two_meetings_with_a_carried_action(world):
    first, second = demo_meetings()
    assert (first.date.isoformat(), second.date.isoformat()) == ("2024-06-27", "2025-01-23")
    old = first.actions.get(text="Share the refreshed SNA with all partners")
    assert old.status == "carried"
    successor = old.carried_to.get()
    assert successor.meeting == second and successor.status == "in_progress" and successor.owner == old.owner
    assert second.actions.count() >= 3 and second.decisions.count() == 2
    assert second.attendance.filter(status="apologies").count() == 2
    assert second.papers.get().content_type == "application/pdf"


@pytest.mark.django_db
def test_carry_forward_keeps_the_old_action_and_links_the_new(world):
    first, second = demo_meetings()
    action = BoardAction.objects.create(
        meeting=first, text="Map youth provision", owner=second.partnership.lead_convenor
    )
    response = client_for("officer").post(f"/board/actions/{action.pk}/carry/")
    assert response.status_code == 302
    action.refresh_from_db()
    successor = BoardAction.objects.get(carried_from=action)
    assert action.status == "carried" and successor.meeting == second and successor.text == action.text
    assert ops.chain(successor) == [action]
    assert [h.status for h in action.history.order_by("history_date")] == ["open", "carried"]
    with pytest.raises(ops.CarryError, match="open or in-progress"):
        ops.carry_forward(action)  # already carried
    last = second.actions.create(text="No later meeting yet", owner=action.owner)
    with pytest.raises(ops.CarryError, match="no later meeting"):
        ops.carry_forward(last)
    # The old action's edit page is closed to everyone; the new one's is open to staff.
    assert client_for("officer").get(f"/board/actions/{action.pk}/edit/").status_code == 403
    assert client_for("officer").get(f"/board/actions/{successor.pk}/edit/").status_code == 200


@pytest.mark.django_db
def test_carry_all_brings_every_live_action_of_earlier_meetings(world):
    _first, second = demo_meetings()
    partnership = second.partnership
    third = BoardMeeting.objects.create(partnership=partnership, date="2025-04-24", location="Online")
    live_before = set(
        BoardAction.objects.filter(meeting__date__lt=third.date, status__in=["open", "in_progress"]).values_list(
            "text", flat=True
        )
    )
    response = client_for("officer").post(f"/board/meetings/{third.pk}/actions/carry/")
    assert response.status_code == 302
    assert set(third.actions.values_list("text", flat=True)) == live_before and live_before
    assert not BoardAction.objects.filter(meeting__date__lt=third.date, status__in=["open", "in_progress"]).exists()


@pytest.mark.django_db
def test_meeting_edit_agenda_decision_action_and_history(world):
    _first, second = demo_meetings()
    officer = client_for("officer")
    response = officer.post(
        f"/board/meetings/{second.pk}/edit/",
        {"date": "2025-01-23", "location": "Demoshire County Hall, Room 2", "attendee_names": "", "minutes": "Edited"},
    )
    assert response.status_code == 302
    second.refresh_from_db()
    assert second.location.endswith("Room 2") and second.minutes == "Edited"
    officer.post(
        f"/board/meetings/{second.pk}/agenda/new/", {"order": 9, "title": "Any other business", "kind": "information"}
    )
    officer.post(f"/board/meetings/{second.pk}/decisions/new/", {"text": "Agree the risk log"})
    owner = second.partnership.lead_convenor
    officer.post(
        f"/board/meetings/{second.pk}/actions/new/",
        {"text": "Publish the summary", "owner": owner.pk, "due": "2025-02-28", "status": "open", "update": ""},
    )
    action = second.actions.get(text="Publish the summary")
    response = officer.post(
        f"/board/actions/{action.pk}/edit/",
        {"text": action.text, "owner": owner.pk, "due": "2025-02-28", "status": "carried", "update": ""},
    )
    assert response.status_code == 200 and "carried" not in dict(response.context["form"].fields["status"].choices)
    officer.post(
        f"/board/actions/{action.pk}/edit/",
        {"text": action.text, "owner": owner.pk, "due": "2025-02-28", "status": "done", "update": "Published"},
    )
    action.refresh_from_db()
    assert action.status == "done" and action.update == "Published"
    page = officer.get(f"/board/meetings/{second.pk}/history/")
    text = page.content.decode()
    for expected in ("Room 2", "Any other business", "Agree the risk log", "Publish the summary — Done"):
        assert expected in text, expected


@pytest.mark.django_db
def test_attendance_by_organisation(world):
    _first, second = demo_meetings()
    from svduty.web.partnership.models import Organisation

    police = Organisation.objects.get(name="Demoshire Constabulary")
    prison = Organisation.objects.get(name="HMP Demoshire")
    page = client_for("officer").get(f"/board/meetings/{second.pk}/attendance/")
    text = page.content.decode()
    assert "Demoshire Constabulary (specified authority)" in text and "HMP Demoshire (relevant authority)" in text
    data = {f"status_{o.pk}": "" for o in second.partnership.members.all()}
    data.update({f"status_{police.pk}": "present", f"rep_{police.pk}": "Chief Superintendent"})
    data[f"status_{prison.pk}"] = "absent"
    assert client_for("officer").post(f"/board/meetings/{second.pk}/attendance/", data).status_code == 302
    rows = {a.organisation.name: (a.status, a.representative) for a in second.attendance.all()}
    assert rows == {"Demoshire Constabulary": ("present", "Chief Superintendent"), "HMP Demoshire": ("absent", "")}
    assert list(second.attendees.all()) == [police]
    page = client_for("pcc").get(f"/board/meetings/{second.pk}/").content.decode()
    assert "not recorded as present" in page and "Demoshire County Council" in page


@pytest.mark.django_db
def test_paper_upload_checks_the_file(world, settings, tmp_path):
    from django.core.files.uploadedfile import SimpleUploadedFile

    settings.PRIVATE_MEDIA_ROOT = tmp_path
    _first, second = demo_meetings()
    officer = client_for("officer")
    bad = SimpleUploadedFile("minutes.exe", b"MZ...", content_type="application/octet-stream")
    response = officer.post(f"/board/meetings/{second.pk}/papers/new/", {"title": "Bad", "upload": bad})
    assert response.status_code == 200 and "must be a PDF" in response.content.decode()
    fake = SimpleUploadedFile("paper.pdf", b"hello", content_type="application/pdf")
    response = officer.post(f"/board/meetings/{second.pk}/papers/new/", {"title": "Fake", "upload": fake})
    assert "not a PDF" in response.content.decode()
    good = SimpleUploadedFile("paper.pdf", b"%PDF-1.4\n%demo\n", content_type="application/pdf")
    assert (
        officer.post(f"/board/meetings/{second.pk}/papers/new/", {"title": "Report", "upload": good}).status_code == 302
    )
    paper = second.papers.get(title="Report")
    download = client_for("assessor").get(f"/board/papers/{paper.pk}/")
    assert download.status_code == 200 and b"".join(download.streaming_content).startswith(b"%PDF-1.4")
    assert download["Cache-Control"] == "private, no-store"


@pytest.mark.django_db
def test_pack_button_stores_and_serves_the_pdf(world):
    from svduty.web.board.models import BoardPack

    _first, second = demo_meetings()
    page = client_for("officer").get(f"/board/meetings/{second.pk}/").content.decode()
    assert "Assemble the board pack for 2024-25 Q3" in page
    before = BoardPack.objects.count()
    response = client_for("officer").post("/board/packs/new/", {"quarter": "2024-25-Q3"})
    pack = BoardPack.objects.order_by("-id").first()
    assert BoardPack.objects.count() == before + 1 and response["Location"] == f"/board/packs/{pack.pk}/board-pack.pdf"
    assert pack.meeting == second and pack.synthetic
    pdf = client_for("pcc").get(response["Location"])
    assert pdf["Content-Type"] == "application/pdf" and pdf.content == bytes(pack.pdf)
    bad = client_for("officer").post("/board/packs/new/", {"quarter": "2024-25-Q9"}, follow=True)
    assert "2024-25-Q3" in bad.content.decode() and BoardPack.objects.count() == before + 1


@pytest.mark.django_db
def test_risk_log_add_and_edit_keeps_history(world):
    from svduty.web.board.models import Risk

    officer = client_for("officer")
    owner = demo_meetings()[0].partnership.lead_convenor
    data = {
        "title": "Key provider folds",
        "description": "",
        "owner": owner.pk,
        "likelihood": 2,
        "impact": 5,
        "mitigation": "Second provider on the framework",
        "status": "open",
        "reviewed_on": "",
    }
    assert officer.post("/board/risks/new/", data).status_code == 302
    risk = Risk.objects.get(title="Key provider folds")
    assert risk.score == 10 and risk.rating == "amber"
    assert officer.post(f"/board/risks/{risk.pk}/edit/", {**data, "likelihood": 4}).status_code == 302
    risk.refresh_from_db()
    assert risk.score == 20 and risk.rating == "red"
    assert [h.likelihood for h in risk.history.order_by("history_date")] == [2, 4]
    page = client_for("chief_executive").get("/board/risks/").content.decode()
    assert "4 × 5 = 20" in page
