"""The board and engagement in Debian's Chromium: an officer edits a meeting, records the next one and carries an
unfinished action forward to it, updates that action, and assembles the board pack with the button; then the
consultation, its import errors, the partner network and the public summary. Every page type is axe-checked (WCAG
2.2 AA tags; no serious or critical violations) and screenshotted to test-artifacts/web/board-*.png."""

from __future__ import annotations

import contextlib
import re

import pytest

from .test_e2e_browser import ARTIFACTS, CHROMIUM, Session, browser, fill_date  # noqa: F401  (browser is a fixture)

pytestmark = [
    pytest.mark.browser,
    pytest.mark.slow,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="missing: Debian chromium (/usr/bin/chromium)"),
]


def test_meeting_edit_carry_forward_and_board_pack(transactional_db, live_server, browser, monkeypatch):  # noqa: F811
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    from svduty.web import demo
    from svduty.web.board.models import BoardPack
    from svduty.web.engagement.models import Consultation, Network
    from svduty.web.partnership.models import BoardAction, BoardMeeting

    demo.load()
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    audit: dict[str, list] = {}
    officer = Session(browser, live_server.url, "officer", audit)
    officer.sign_in("officer")
    page = officer.page
    second = BoardMeeting.objects.order_by("-date").first()

    officer.goto("/board/", "board-meetings")
    page.get_by_role("link", name="23 January 2025").click()
    page.wait_for_url(re.compile(rf"/board/meetings/{second.pk}/$"))
    officer.check("board-meeting")
    assert "Carried forward from 27 Jun 2024" in page.content()

    # 1. Edit the meeting.
    page.get_by_role("link", name="Edit the meeting").click()
    officer.check("board-meeting-edit")
    page.get_by_label("Location").fill("Demoshire County Hall, Council Chamber")
    page.get_by_role("button", name="Save").click()
    page.wait_for_url(re.compile(rf"/board/meetings/{second.pk}/$"))
    assert "Council Chamber" in page.content()
    officer.goto(f"/board/meetings/{second.pk}/attendance/", "board-attendance")
    officer.goto(f"/board/meetings/{second.pk}/actions/new/", "board-action-new")

    # 2. Record the next meeting and carry an open action forward to it.
    officer.goto("/board/meetings/new/", "board-meeting-new")
    fill_date(page, "date", "2025-04-24")
    page.get_by_label("Location").fill("Online")
    page.get_by_role("button", name="Save").click()
    page.wait_for_url(re.compile(r"/board/meetings/\d+/$"))
    third = BoardMeeting.objects.get(date="2025-04-24")
    page.goto(f"/board/meetings/{second.pk}/")
    action = BoardAction.objects.get(meeting=second, text__startswith="ICB to sign")
    page.get_by_role("button", name=re.compile(r"Carry forward\W*ICB to sign")).click()
    page.wait_for_load_state()
    assert "Action carried forward to the meeting of 24/04/2025" in page.content()
    officer.check("board-meeting-carried")
    action.refresh_from_db()
    successor = BoardAction.objects.get(carried_from=action)
    assert action.status == "carried" and successor.meeting == third
    page.goto(f"/board/meetings/{third.pk}/")
    page.get_by_role("link", name=re.compile(r"Update\W*ICB to sign")).click()
    officer.check("board-action-edit")
    page.get_by_label("Progress").fill("Signed by the ICB's Caldicott Guardian")
    page.get_by_label("Status").select_option("done")
    page.get_by_role("button", name="Save").click()
    page.wait_for_url(re.compile(rf"/board/meetings/{third.pk}/$"))
    successor.refresh_from_db()
    assert successor.status == "done" and successor.update.startswith("Signed")
    officer.goto(f"/board/meetings/{second.pk}/history/", "board-history")
    officer.goto("/board/actions/", "board-actions")
    officer.goto("/board/risks/", "board-risks")

    # 3. The board pack button on the meeting (Q3 2024-25, the quarter before the January meeting).
    page.goto(f"/board/meetings/{second.pk}/")
    before = BoardPack.objects.count()
    pdf = re.compile(r"/board/packs/\d+/board-pack\.pdf$")
    # Chromium may treat the PDF as a download and end the navigation early: the response is what counts.
    with page.expect_response(pdf) as info, contextlib.suppress(Exception):
        page.get_by_role("button", name="Assemble the board pack for 2024-25 Q3").click()
    assert info.value.status == 200 and info.value.headers["content-type"] == "application/pdf"
    assert BoardPack.objects.count() == before + 1
    pack = BoardPack.objects.order_by("-id").first()
    assert pack.quarter == "2024-25-Q3" and bytes(pack.pdf).startswith(b"%PDF-")
    officer.goto("/board/packs/", "board-packs")

    # 4. Engagement pages.
    consultation = Consultation.objects.get(is_demo=True)
    officer.goto("/engagement/", "engagement-home")
    officer.goto(f"/engagement/consultations/{consultation.pk}/", "engagement-consultation")
    officer.goto(f"/engagement/consultations/{consultation.pk}/responses/", "engagement-responses")
    officer.goto(f"/engagement/questions/{consultation.questions.get(order=3).pk}/coding/", "engagement-coding")
    officer.goto(f"/engagement/consultations/{consultation.pk}/responses/import/", "engagement-import")
    bad = ARTIFACTS / "board-bad-responses.csv"
    bad.write_text("reference,submitted_on,q1\nYP-001,2024-13-01,9\n", encoding="utf-8")
    page.get_by_label("CSV file").set_input_files(str(bad))
    page.get_by_role("button", name="Import").click()
    page.wait_for_load_state()
    assert "row 2, submitted_on" in page.content() and "row 2, reference" in page.content()
    officer.check("engagement-import-errors")
    officer.goto(f"/engagement/consultations/{consultation.pk}/edit/", "engagement-edit")
    network = Network.objects.get(name="Demoshire Faith Alliance")
    officer.goto("/engagement/networks/", "engagement-networks")
    officer.goto(f"/engagement/networks/{network.pk}/", "engagement-network")
    public = Session(browser, live_server.url, "public", audit)
    public.goto(f"/public/consultations/{consultation.pk}/", "engagement-public")
    assert "We did" in public.page.content()

    for session in (officer, public):
        assert not session.external, session.external
        assert not session.console_errors, session.console_errors
        session.context.close()
    bad_pages = {name: v for name, v in audit.items() if v}
    assert not bad_pages, bad_pages
