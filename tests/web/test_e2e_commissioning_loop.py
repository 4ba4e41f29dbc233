"""Issue 17 in Debian's Chromium: the "more information requested" loop, a decline with its reason, and a Chief
Executive returning a decision record that is then resubmitted and approved. The e-mails are captured (locmem
backend) and their links followed; every new page type is axe-checked and screenshotted (test-artifacts/web/)."""

from __future__ import annotations

import re

import pytest

from .test_e2e_browser import CHROMIUM, LAUNCH_ARGS, Session

pytestmark = [
    pytest.mark.browser,
    pytest.mark.slow,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="missing: Debian chromium (/usr/bin/chromium)"),
]


def _link(message, live_url: str) -> str:
    links = re.findall(r"https?://\S+", message.body)
    assert links, message.body
    assert links[0].startswith(live_url), (links[0], live_url)  # built from the request: it points at this server
    return links[0][len(live_url) :]


@pytest.fixture
def browser():
    from django.db import connections
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=str(CHROMIUM), args=LAUNCH_ARGS)
        try:
            yield b
        finally:
            connections.close_all()
            b.close()


def test_applicant_loop_decline_and_ce_return(transactional_db, live_server, browser, monkeypatch, settings):
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    from django.contrib.auth import get_user_model
    from django.core import mail

    from svduty.web import demo
    from svduty.web.commissioning.models import Application, Round
    from svduty.web.decisions.models import DecisionRecord

    from .test_e2e_browser import ARTIFACTS

    demo.load()
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    mail.outbox = []
    audit: dict[str, list] = {}
    url = live_server.url
    sessions = []
    open_round = Round.objects.filter(applications__status="more_info").distinct().get()
    users = get_user_model().objects

    # 1. The officer reads the ranking and the reviews, and asks an applicant for more information.
    officer = Session(browser, url, "officer", audit)
    sessions.append(officer)
    officer.sign_in("officer")
    officer.goto(f"/rounds/{open_round.pk}/", "round-launch-warning")
    assert "not yet approved by the PCC" in officer.page.content()
    officer.goto(f"/rounds/{open_round.pk}/assessment/", "ranking-funding-line")
    assert "Assessors disagree" in officer.page.content() and "Below the funding line" in officer.page.content()
    target = Application.objects.get(round=open_round, title="Friday-night sports sessions")
    officer.goto(f"/applications/{target.pk}/reviews/", "reviews")
    officer.goto(f"/applications/{target.pk}/", "application-staff")
    page = officer.page
    page.get_by_role("link", name="Request more information").click()
    page.wait_for_url(re.compile(r"/request-information/"))
    officer.check("request-info")
    page.get_by_label("What do you need to know?").fill("Which venues will you use, and are they booked?")
    page.get_by_role("button", name="Send the request").click()
    page.wait_for_url(re.compile(rf"/applications/{target.pk}/$"))
    request_mail = mail.outbox[-1]
    applicant = users.get(profile__organisation=target.organisation, profile__role="provider")
    assert request_mail.to == [applicant.email] and "Which venues" in request_mail.body

    # 2. The applicant follows the e-mail's link, changes an answer, answers and resubmits.
    provider = Session(browser, url, applicant.username, audit)
    sessions.append(provider)
    provider.sign_in(applicant.username)
    provider.goto(_link(request_mail, url), "resubmit")
    page = provider.page
    assert "Which venues" in page.content()
    page.get_by_role("link", name="Change your application's answers").click()
    page.wait_for_url(re.compile(r"/tasks/"))
    provider.check("task-list-more-info")
    page.get_by_role("link", name="Outcomes, safeguarding and evidence").click()
    page.wait_for_url(re.compile(r"/edit/delivery/"))
    provider.check("eoi-section")
    page.get_by_label("Outcomes").fill("Fewer young people drawn into exploitation; sessions at two booked venues")
    page.get_by_role("button", name="Save and continue").click()
    page.wait_for_url(re.compile(r"/tasks/"))
    page.get_by_role("link", name="Answer the request and resubmit").click()
    page.get_by_label("Your answer to the partnership's request").fill("The leisure centre and St Mark's hall, booked.")
    page.get_by_role("button", name="Send answer and resubmit").click()
    page.wait_for_url(re.compile(rf"/applications/{target.pk}/$"))
    provider.check("application-thread")
    assert "St Mark" in page.content() and "Which venues" in page.content()
    target.refresh_from_db()
    assert target.status == "submitted" and "two booked venues" in target.outcomes
    answered = mail.outbox[-1]
    assert "St Mark" in answered.body
    officer.goto(_link(answered, url), "application-answered")
    assert "St Mark" in officer.page.content()

    # 3. The officer declines another EOI (reviewed twice) with a reason, through the confirmation page.
    declined = Application.objects.get(round=open_round, title="Knife-crime workshops in youth clubs")
    page = officer.page
    officer.goto(f"/applications/{declined.pk}/decline/", "decline")
    page.get_by_label("Reason the application is not funded").fill(
        "Awareness sessions alone have weak evidence; the panel wants a follow-up offer."
    )
    page.get_by_label("Why can this decision not wait").fill("The applicant asked for an early answer.")
    page.get_by_role("button", name="Continue").click()
    page.wait_for_load_state()
    officer.check("decline-confirm")
    page.get_by_role("button", name="Confirm: do not award and send the letter").click()
    page.wait_for_url(re.compile(r"/assessment/"))
    declined.refresh_from_db()
    assert declined.status == "not_awarded"
    letter = mail.outbox[-1]
    assert "weak evidence" in letter.body
    declined_user = users.get(profile__organisation=declined.organisation, profile__role="provider")
    other = Session(browser, url, declined_user.username, audit)
    sessions.append(other)
    other.sign_in(declined_user.username)
    other.goto(_link(letter, url), "application-declined")
    assert "weak evidence" in other.page.content() and "Not awarded" in other.page.content()

    # 4. A decision record: submitted, returned by the Chief Executive with comments, resubmitted and approved.
    record = DecisionRecord.objects.filter(state="draft").order_by("id").first()
    page = officer.page
    officer.goto(f"/decisions/{record.reference}/", "decision-draft-detail")
    page.get_by_role("link", name="Submit for officer approval").click()
    officer.check("decision-submit")
    page.get_by_role("button", name="Submit for officer approval").click()
    page.wait_for_url(re.compile(rf"/decisions/{record.reference}/$"))
    to_ce = mail.outbox[-1]
    assert record.reference in to_ce.subject
    ceo = Session(browser, url, "ceo", audit)
    sessions.append(ceo)
    ceo.sign_in("ceo")
    assert record.reference in ceo.page.content()  # on the Chief Executive's list now
    ceo.goto(_link(to_ce, url), "decision-submitted")
    page = ceo.page
    page.get_by_role("link", name="Return with comments").click()
    ceo.check("decision-return")
    page.get_by_label("Your comments for the officers").fill("Say which budget line pays for it.")
    page.get_by_role("button", name="Return the record").click()
    page.wait_for_url(re.compile(rf"/decisions/{record.reference}/$"))
    record.refresh_from_db()
    assert record.state == "draft"
    page = officer.page
    officer.goto(f"/decisions/{record.reference}/", "decision-returned")
    assert "Say which budget line pays for it." in page.content()
    page.get_by_role("link", name="Edit draft").click()
    page.get_by_label("Financial implications").fill("Up to £200,000 from the Serious Violence Duty grant, 2026-27.")
    page.get_by_role("button", name="Save decision record").click()
    page.wait_for_url(re.compile(rf"/decisions/{record.reference}/$"))
    page.get_by_role("link", name="Submit for officer approval").click()
    page.get_by_role("button", name="Submit for officer approval").click()
    page.wait_for_url(re.compile(rf"/decisions/{record.reference}/$"))
    page = ceo.page
    ceo.goto(_link(mail.outbox[-1], url), "decision-resubmitted")
    page.get_by_role("link", name="Give officer approval").click()
    page.get_by_label("Financial advice").check()
    page.get_by_label("Legal advice").check()
    page.get_by_label("Equalities advice").check()
    page.get_by_role("button", name="Give officer approval").click()
    page.wait_for_url(re.compile(rf"/decisions/{record.reference}/$"))
    record.refresh_from_db()
    assert [e.action for e in record.events.all()] == ["draft", "submit", "return", "submit", "officer_approve"]
    assert "decision" in mail.outbox[-1].subject.lower()  # the PCC is told it awaits their decision

    # 5. The rest of the applicant pattern: start, task list, check answers, declaration, confirmation.
    starter = Session(browser, url, "provider", audit)
    sessions.append(starter)
    starter.sign_in("provider")
    page = starter.page
    starter.goto(f"/rounds/{open_round.pk}/", "round-open-provider")
    page.get_by_role("button", name="Start an expression of interest").click()
    page.wait_for_load_state()
    starter.check("start-empty-error")
    assert "Enter the name of the intervention" in page.content()
    page.get_by_label("Name of the intervention").fill("Youth hub drop-in")
    page.get_by_role("button", name="Start an expression of interest").click()
    page.wait_for_url(re.compile(r"/tasks/"))
    starter.check("task-list")
    app = Application.objects.get(title="Youth hub drop-in")
    starter.goto(f"/applications/{app.pk}/edit/about/", "eoi-section-about")
    starter.goto(f"/applications/{app.pk}/edit/questions/", "eoi-section-questions")
    starter.goto(f"/applications/{app.pk}/edit/documents/", "eoi-section-documents")
    starter.goto(f"/applications/{app.pk}/delete/", "draft-delete")
    Application.objects.filter(pk=app.pk).update(
        summary="Drop-in",
        target_cohort="Teenagers",
        age_min=13,
        age_max=17,
        area="Demoshire City",
        priority=open_round.priorities.first(),
        prevention_level="primary",
        outcomes="o",
        safeguarding="s",
        evidence="e",
    )
    app.budget_lines.create(financial_year=open_round.year_list[0], amount_pence=1_000_000)
    app.answers.create(question=open_round.questions.first(), text="A youth panel")
    starter.goto(f"/applications/{app.pk}/submit/", "check-answers")
    page.get_by_label(re.compile("I confirm that the information")).check()
    page.get_by_label("Your full name").fill("Pat Provider")
    page.get_by_role("button", name="Accept and submit").click()
    page.wait_for_url(re.compile(r"/submitted/"))
    starter.check("confirmation")
    assert app.reference in page.content()
    receipt = mail.outbox[-1]
    assert app.reference in receipt.subject
    starter.goto(_link(receipt, url), "application-submitted")
    starter.goto(f"/applications/{app.pk}/withdraw/", "withdraw")

    # Staff pages new in this issue.
    officer.goto(f"/questions/{open_round.questions.first().pk}/edit/", "question-edit")
    officer.goto(f"/rounds/{open_round.pk}/edit/", "round-edit-date-inputs")
    scored = Application.objects.get(round=open_round, title="Detached youth work on the Westfield estate")
    officer.goto(f"/applications/{scored.pk}/award/", "award-before-close")
    officer.goto(f"/applications/{scored.pk}/moderate/", "moderate-warning")
    officer.page.get_by_label("Moderated score (out of 100)").fill("75")
    officer.page.get_by_label("Reason for the moderated score").fill("Panel agreed")
    officer.page.get_by_role("button", name="Record moderated score").click()
    officer.page.wait_for_url(re.compile(r"/assessment/"))
    officer.goto(f"/applications/{scored.pk}/moderate/reopen/", "moderation-reopen")
    assessor = Session(browser, url, "assessor", audit)
    sessions.append(assessor)
    assessor.sign_in("assessor")
    assessor.goto("/assess/", "assessor-queue-deadlines")
    assessor.goto(f"/applications/{scored.pk}/score/", "review-locked")
    assert "Scores are fixed" in assessor.page.content()

    for s in sessions:
        assert s.external == [], f"{s.who} fetched off-site: {s.external[:3]}"
        csp = [e for e in s.console_errors if "Content Security Policy" in e]
        assert csp == [], f"{s.who}: {csp[:3]}"
        s.context.close()
    failures = {name: v for name, v in audit.items() if v}
    assert not failures, failures
