"""The risk panel journey in Debian's Chromium on the demo (synthetic run, DEMO governance): a panel member opens
the panel list, reads a case's score explanation, records the panel's decision and a challenge to the data; the
owner's governance pages, an analyst's aggregates, the DPO's access log and the public ATRS record. Every page type is
axe-checked (WCAG 2.2 AA; no serious or critical violations) and screenshotted to test-artifacts/web/risk-*.png."""

from __future__ import annotations

import re

from .test_e2e_browser import ARTIFACTS, Session, browser, pytestmark  # noqa: F401  (fixture and marks)


def test_risk_panel_journey(transactional_db, live_server, browser, monkeypatch):  # noqa: F811
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    from svduty.web import demo
    from svduty.web.risk.models import Challenge, IndexVersion, PanelDecision, RiskAccessLog

    demo.load()
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    version = IndexVersion.objects.get(is_demo=True)
    assert version.status == "approved"
    run = version.runs.get()
    audit: dict[str, list] = {}
    sessions = []

    # 1. A panel member signs in and lands on the panel list.
    panel = Session(browser, live_server.url, "panelpolice", audit)
    sessions.append(panel)
    panel.sign_in("panelpolice")
    assert panel.page.url.endswith("/risk/panel/")
    panel.check("risk-panel")
    page = panel.page
    assert "Advisory only" in page.content() and "SYNTHETIC DATA" in page.content()
    listed = run.scores.filter(score__gte=run.threshold).order_by("rank")
    assert page.locator("tbody tr").count() == listed.count() == run.above
    assert RiskAccessLog.objects.filter(user__username="panelpolice", action="list").count() == 1

    # 2. Opens the top case: the score explained component by component.
    top = listed.first()
    page.get_by_role("link", name=re.compile(top.person[:12])).click()
    page.wait_for_url(re.compile(r"/risk/panel/\d+/$"))
    panel.check("risk-case")
    assert "How the score is made up" in page.content()
    assert page.locator("table").first.locator("tbody tr").count() == top.components.count() + 1
    assert RiskAccessLog.objects.filter(user__username="panelpolice", action="case", score=top).count() == 1

    # 3. Records the panel's decision.
    page.get_by_role("link", name="Record the panel's decision").click()
    page.wait_for_url(re.compile(r"/decision/$"))
    panel.check("risk-decision")
    page.get_by_label("Support offered").check()
    page.get_by_label("Reasons").fill("Youth justice mentoring offered; family agrees to meet (DEMO)")
    for checkbox in page.locator("input[name=attendees]").all():
        checkbox.check()
    page.get_by_role("button", name="Record the decision").click()
    page.wait_for_url(re.compile(r"/risk/panel/\d+/$"))
    decision = PanelDecision.objects.get(score=top)
    assert decision.outcome == "support_offered" and decision.attendees.count() == 3
    assert "Youth justice mentoring offered" in page.content()

    # 4. Records a challenge to the data, and resolves it (one record excluded: the score's new value shown).
    page.get_by_role("link", name="Record a challenge").click()
    page.wait_for_url(re.compile(r"/challenge/$"))
    panel.check("risk-challenge")
    page.get_by_label("The person", exact=True).check()
    page.get_by_label("What is challenged").fill("Says the oldest incident was not them (DEMO)")
    page.get_by_role("button", name="Record the challenge").click()
    page.wait_for_url(re.compile(r"/risk/panel/\d+/$"))
    challenge = Challenge.objects.get(score=top)
    assert challenge.status == "open" and "Says the oldest incident" in page.content()
    page.get_by_role("link", name="Resolve this challenge").click()
    panel.check("risk-resolve")
    page.get_by_label("Upheld: data corrected").check()
    page.get_by_label("What was found").fill("The record belonged to someone else")
    page.get_by_label("Correction made to the data").fill("Record removed from the person's history")
    page.locator("input[name=excluded]").last.check()
    page.get_by_role("button", name="Record the outcome").click()
    page.wait_for_url(re.compile(r"/risk/panel/\d+/$"))
    panel.check("risk-case-challenged")
    challenge.refresh_from_db()
    assert challenge.status == "upheld" and challenge.score_after < challenge.score_before
    assert "Effect on the score" in page.content()

    # 5. The owner's governance pages and the adoption record.
    owner = Session(browser, live_server.url, "officer", audit)
    sessions.append(owner)
    owner.sign_in("officer")
    owner.goto("/risk/", "risk-index")
    owner.goto(f"/risk/versions/{version.number}/", "risk-version")
    assert "Approved for use" in owner.page.content()
    owner.goto(f"/risk/versions/{version.number}/algo-care/", "risk-algocare")
    owner.goto(f"/risk/versions/{version.number}/dpia/", "risk-dpia")
    owner.goto(f"/risk/versions/{version.number}/atrs/", "risk-atrs")
    owner.goto(f"/risk/versions/{version.number}/new-version/", "risk-version-new")

    # 6. An analyst sees aggregates only: bands and the fairness table, with its four-fifths flags.
    analyst = Session(browser, live_server.url, "analyst", audit)
    sessions.append(analyst)
    analyst.sign_in("analyst")
    analyst.goto(f"/risk/runs/{run.pk}/", "risk-run")
    assert top.person[:12] not in analyst.page.content()
    assert analyst.page.goto("/risk/panel/").status == 403

    # 7. The DPO reads the access log; the public reads the ATRS Tier 1 record.
    dpo = Session(browser, live_server.url, "dpo", audit)
    sessions.append(dpo)
    dpo.sign_in("dpo")
    dpo.goto("/risk/access-log/", "risk-access-log")
    assert "panelpolice" in dpo.page.content()
    public = Session(browser, live_server.url, "public", audit)
    sessions.append(public)
    public.goto("/public/risk/", "risk-public-records")
    public.goto(f"/public/risk/{version.number}/", "risk-public-record")
    assert top.person[:12] not in public.page.content()

    for s in sessions:
        assert s.external == [], f"{s.who} fetched off-site: {s.external[:3]}"
        assert not [e for e in s.console_errors if "Content Security Policy" in e], s.who
        s.context.close()
    failures = {name: v for name, v in audit.items() if v}
    assert not failures, failures
    assert len(audit) >= 15
