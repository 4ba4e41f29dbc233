"""End to end in Debian's Chromium: provider submits an EOI → an assessor declares no conflict and scores, a
conflicted assessor cannot → the officer awards → the Chief Executive approves → the PCC decides → the officer
publishes → the public register shows the record (and not a deferred one). Every page type is checked with axe-core
(WCAG 2.2 AA tags; no serious or critical violations) and screenshotted to test-artifacts/web/."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

CHROMIUM = Path("/usr/bin/chromium")
ARTIFACTS = Path(__file__).parents[2] / "test-artifacts" / "web"
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
LAUNCH_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]

pytestmark = [
    pytest.mark.browser,
    pytest.mark.slow,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="missing: Debian chromium (/usr/bin/chromium)"),
]


class Session:
    """One signed-in browser context; every page visited is axe-checked and screenshotted."""

    def __init__(self, browser, base_url: str, who: str, audit: dict):
        self.context = browser.new_context(
            viewport={"width": 1100, "height": 900}, base_url=base_url, locale="en-GB", timezone_id="Europe/London"
        )
        self.page = self.context.new_page()
        self.who = who
        self.audit = audit
        self.console_errors: list[str] = []
        self.page.on("console", lambda m: m.type == "error" and self.console_errors.append(m.text))
        self.external: list[str] = []
        # Chromium's own PDF viewer loads chrome:// and chrome-extension:// resources: not network, not off-site.
        local = (base_url, "data:", "blob:", "chrome://", "chrome-extension://")
        self.page.on("request", lambda r: None if r.url.startswith(local) else self.external.append(r.url))

    def sign_in(self, username: str):
        self.page.goto("/sign-in/")
        self.page.get_by_label("Username").fill(username)
        self.page.get_by_label("Password").fill("svduty-demo")
        self.page.get_by_role("button", name="Sign in").click()
        self.page.wait_for_load_state()
        assert "/sign-in/" not in self.page.url, f"{username} could not sign in"

    def check(self, name: str):
        """axe + screenshot of the current page, once per page type (the first visit: a full-page screenshot and an
        axe run cost a second or more of CPU each, and a later visit of the same type would overwrite the file)."""
        from axe_playwright_python.sync_playwright import Axe

        if name in self.audit:
            return
        self.page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)
        results = Axe().run(self.page, options={"runOnly": {"type": "tag", "values": AXE_TAGS}})
        bad = [v for v in results.response["violations"] if v.get("impact") in ("serious", "critical")]
        self.audit[name] = [(v["id"], v["help"], [n["target"] for n in v["nodes"]][:3]) for v in bad]

    def goto(self, path: str, name: str):
        response = self.page.goto(path)
        self.check(name)
        return response


def fill_date(page, field: str, iso: str, prefix: str = "id_") -> None:
    """Type an ISO date into the GOV.UK date input of ``field`` (its day, month and year boxes)."""
    year, month, day = iso.split("-")
    for i, part in enumerate((str(int(day)), str(int(month)), year)):
        page.fill(f"#{prefix}{field}_{i}", part)


@pytest.fixture
def browser():
    from django.db import connections
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=str(CHROMIUM), args=LAUNCH_ARGS)
        try:
            yield b
        finally:
            # ORM calls made while Playwright's loop runs get their own connection (asgiref context-local):
            # close it here, or PostgreSQL refuses to drop the test database at the end of the session.
            connections.close_all()
            b.close()


def test_commissioning_end_to_end(transactional_db, live_server, browser, monkeypatch):
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")  # Playwright's sync API runs an event loop here
    from svduty.web import demo
    from svduty.web.commissioning.models import Application, Round
    from svduty.web.decisions.models import DecisionRecord

    demo.load()
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    audit: dict[str, list] = {}
    url = live_server.url
    open_round = Round.objects.filter(closes_on__gte=__import__("datetime").date.today()).get()
    sessions = []

    # 1. The provider starts, saves and submits an EOI.
    provider = Session(browser, url, "provider", audit)
    sessions.append(provider)
    provider.goto("/public/", "public-index")
    provider.goto("/sign-in/", "sign-in")
    provider.sign_in("provider")
    provider.check("dashboard-provider")
    page = provider.page
    provider.goto("/applications/", "my-applications")
    provider.goto(f"/rounds/{open_round.pk}/", "round-open")
    page.get_by_label("Name of the intervention").fill("Peer mentoring after exclusion")
    page.get_by_role("button", name="Start an expression of interest").click()
    page.wait_for_url(re.compile(r"/applications/\d+/tasks/"))
    provider.check("eoi-task-list")
    page.goto(page.url.replace("/tasks/", "/edit/"))  # the whole EOI on one page
    provider.check("eoi-form-empty")
    page.get_by_label("Summary").fill("Trained mentors aged 18-25 support pupils for six months after exclusion.")
    page.get_by_label("Target cohort").fill("Pupils excluded from school")
    page.get_by_label("Youngest age").fill("13")
    page.get_by_label("Oldest age").fill("16")
    page.get_by_label("Area").select_option("Demoshire City")
    page.get_by_label("Priority").select_option(index=1)
    page.get_by_label("Secondary: people at risk").check()
    page.get_by_label(re.compile("Budget requested for")).fill("24,500")
    page.get_by_role("button", name="Save as draft").click()
    page.wait_for_load_state()
    assert "Your draft is saved" in page.content()
    provider.check("eoi-saved")
    page.get_by_label("Outcomes").fill("Fewer repeat exclusions; fewer police contacts in the cohort")
    page.get_by_label("Safeguarding").fill("Enhanced DBS; designated safeguarding lead")
    page.get_by_label("Evidence", exact=True).fill("YEF toolkit: mentoring has moderate evidence")
    page.get_by_label("How will young people help design").fill("A youth panel reviews the programme termly")
    page.get_by_role("button", name="Save and continue to submit").click()
    page.wait_for_url(re.compile(r"/submit/"))
    provider.check("eoi-submit")
    page.get_by_label(re.compile("I confirm that the information")).check()
    page.get_by_label("Your full name").fill("Pat Provider")
    page.get_by_role("button", name="Accept and submit").click()
    page.wait_for_url(re.compile(r"/applications/\d+/submitted/$"))
    provider.check("eoi-submitted")
    app = Application.objects.get(title="Peer mentoring after exclusion")
    assert app.status == "submitted" and app.requested_pence == 2_450_000

    # 2. An assessor declares no conflict and scores.
    assessor = Session(browser, url, "assessor", audit)
    sessions.append(assessor)
    assessor.sign_in("assessor")
    assessor.goto("/assess/", "assessor-queue")
    page = assessor.page
    page.goto(f"/applications/{app.pk}/declare/")
    assessor.check("declare")
    page.get_by_label("No", exact=True).check()
    page.get_by_role("button", name="Record my declaration").click()
    page.wait_for_url(re.compile(r"/score/"))
    assessor.check("score")
    for group in page.locator("fieldset").filter(has_text="weight").all():
        group.get_by_label("4", exact=True).check()
    page.get_by_label("Yes", exact=True).check()  # the overall recommendation
    page.get_by_label("Comments for the panel").fill("Clear plan")
    page.get_by_role("button", name="Save scores").click()
    page.wait_for_url(re.compile(r"/assess/"))
    assert "80.0 out of 100" in page.content()

    # 3. A conflicted assessor cannot see or score it.
    conflicted = Session(browser, url, "assessor2", audit)
    sessions.append(conflicted)
    conflicted.sign_in("assessor2")
    page = conflicted.page
    page.goto(f"/applications/{app.pk}/declare/")
    page.get_by_label("Yes", exact=True).check()
    page.get_by_label("Describe the interest").fill("I am a trustee of the applicant")
    page.get_by_role("button", name="Record my declaration").click()
    page.wait_for_url(re.compile(r"/assess/"))
    conflicted.check("assessor-queue-conflict")
    response = conflicted.goto(f"/applications/{app.pk}/score/", "forbidden")
    assert response.status == 403
    assert "You cannot see this page" in page.content()

    # 4. The officer checks the ranking and awards; the award drafts a decision record.
    officer = Session(browser, url, "officer", audit)
    sessions.append(officer)
    officer.sign_in("officer")
    officer.check("dashboard-officer")
    officer.goto(f"/rounds/{open_round.pk}/assessment/", "ranking")
    officer.goto("/funding/", "funding")
    officer.goto("/partnership/", "partnership")
    officer.goto("/partnership/meetings/1/", "board-meeting")
    officer.goto("/decisions/", "decision-list")
    officer.goto("/awards/", "awards")
    officer.goto("/rounds/new/", "round-form")
    officer.goto(f"/rounds/{open_round.pk}/questions/", "question-set")
    officer.goto(f"/rounds/{open_round.pk}/panel/", "panel-criteria")
    officer.goto("/funding/1/", "funding-stream")
    officer.goto("/partnership/meetings/new/", "meeting-form")
    officer.goto(f"/applications/{app.pk}/moderate/", "moderate")
    officer.goto("/decisions/new/", "decision-new")
    officer.page.get_by_role("button", name="Save decision record").click()
    officer.page.wait_for_load_state()
    assert "There is a problem" in officer.page.content()
    officer.check("decision-new-errors")
    page = officer.page
    # This round asks for one review before a decision, and the round is still open: the officer says why now.
    Round.objects.filter(pk=open_round.pk).update(reviews_required=1)
    officer.goto(f"/applications/{app.pk}/award/", "award")
    page.get_by_label("Conditions of the award").fill("Quarterly monitoring; join the VRU evaluation")
    page.get_by_label("Why can this decision not wait").fill("The funder needs the money committed this quarter")
    page.get_by_role("button", name="Record the award").click()
    page.wait_for_url(re.compile(r"/decisions/DN\d+-\d\d/$"))
    officer.check("decision-draft")
    reference = page.url.rstrip("/").rsplit("/", 1)[-1]
    officer.goto(f"/decisions/{reference}/edit/", "decision-edit")
    officer.goto(f"/decisions/{reference}/submit/", "decision-submit")
    page.get_by_role("button", name="Submit for officer approval").click()
    page.wait_for_url(re.compile(rf"/decisions/{reference}/$"))

    # 5. The Chief Executive gives officer approval.
    ceo = Session(browser, url, "ceo", audit)
    sessions.append(ceo)
    ceo.sign_in("ceo")
    ceo.check("dashboard-ceo")
    page = ceo.page
    ceo.goto(f"/decisions/{reference}/approve/", "approve")
    page.get_by_label("Financial advice").check()
    page.get_by_label("Legal advice").check()
    page.get_by_label("Equalities advice").check()
    page.get_by_role("button", name="Give officer approval").click()
    page.wait_for_url(re.compile(rf"/decisions/{reference}/$"))
    ceo.check("decision-approved")

    # 6. The PCC decides.
    pcc = Session(browser, url, "pcc", audit)
    sessions.append(pcc)
    pcc.sign_in("pcc")
    page = pcc.page
    pcc.goto(f"/decisions/{reference}/decide/", "decide")
    page.get_by_label("Approved", exact=True).check()
    page.get_by_label("Decision wording").fill("I approve the recommendation.")
    page.locator("input[name=pcc_has_interest][value=no]").check()
    page.get_by_role("button", name="Sign and record decision").click()
    page.wait_for_url(re.compile(rf"/decisions/{reference}/$"))
    pcc.check("decision-decided")

    # 7. The officer publishes.
    page = officer.page
    officer.goto(f"/decisions/{reference}/publish/", "publish")
    page.get_by_role("button", name=f"Publish {reference}").click()
    page.wait_for_url(re.compile(rf"/decisions/{reference}/$"))
    officer.check("decision-published")
    record = DecisionRecord.objects.get(reference=reference)
    assert [e.action for e in record.events.all()] == ["draft", "submit", "officer_approve", "decide", "publish"]

    # 8. The public register shows it, and not the deferred DN38-25.
    public = Session(browser, url, "public", audit)
    sessions.append(public)
    public.goto("/public/decisions/", "public-register")
    register = public.page.content()
    assert reference in register and "DN50-24" in register and "DN38-25" not in register
    public.goto(f"/public/decisions/{reference}/", "public-record")
    public.goto("/public/decisions/DN51-24/", "public-record-section-b-withheld")
    public.goto("/public/grants/", "public-grants")
    public.goto("/register/", "register")
    assert public.goto("/public/decisions/DN38-25/", "not-found").status == 404

    for s in sessions:
        assert s.external == [], f"{s.who} fetched off-site: {s.external[:3]}"
        csp = [e for e in s.console_errors if "Content Security Policy" in e]
        assert csp == [], f"{s.who}: {csp[:3]}"
        s.context.close()
    failures = {name: v for name, v in audit.items() if v}
    assert not failures, failures
    assert len(audit) >= 35
