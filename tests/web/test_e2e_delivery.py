"""Delivery end to end in Debian's Chromium: a provider fills and submits a quarterly return, the officer returns
it with a comment, the provider corrects and resubmits, the officer accepts, and the board dashboard's figures
change by exactly that return. Every new page type is axe-checked (WCAG 2.2 AA tags; no serious or critical
violations) and screenshotted to test-artifacts/web/delivery-*.png."""

from __future__ import annotations

import re

import pytest

from .test_e2e_browser import ARTIFACTS, CHROMIUM, Session, browser  # noqa: F401  (browser is a fixture)

pytestmark = [
    pytest.mark.browser,
    pytest.mark.slow,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="Debian chromium not installed"),
]


def _reached_on_dashboard(page) -> int:
    text = page.locator(".govuk-grid-column-one-quarter").nth(2).inner_text()
    return int(re.match(r"\s*([\d,]+)", text).group(1).replace(",", ""))


def test_quarterly_return_journey_and_dashboard(transactional_db, live_server, browser, monkeypatch):  # noqa: F811
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    from django.contrib.auth import get_user_model
    from django.utils import timezone

    from svduty.web import demo
    from svduty.web.commissioning.models import Application, BudgetLine, Round
    from svduty.web.interventions.models import EvidenceUse, Intervention
    from svduty.web.programmes.models import MonitoringReturn, Programme

    demo.load()
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    audit: dict[str, list] = {}
    url = live_server.url
    provider_user = get_user_model().objects.get(username="provider")
    programme = Programme.objects.get(organisation=provider_user.profile.organisation)
    r = programme.returns.filter(status="draft").order_by("financial_year", "quarter").first()
    # A submitted EOI built on a harmful-rated approach, to see the warning and the justification page.
    open_round = Round.objects.filter(closes_on__gte=timezone.localdate()).get()
    harmful_app = Application.objects.create(
        round=open_round,
        organisation=Programme.objects.exclude(pk=programme.pk).first().organisation,
        created_by=provider_user,
        title="Prison visits for at-risk pupils",
        status="submitted",
        submitted_at=timezone.now(),
        area="Demoshire City",
    )
    BudgetLine.objects.create(application=harmful_app, financial_year=open_round.year_list[0], amount_pence=1_000_000)
    EvidenceUse.objects.create(application=harmful_app).approaches.set(
        [Intervention.objects.get(slug="prison-awareness-programmes")]
    )
    sessions = []

    officer = Session(browser, url, "officer", audit)
    sessions.append(officer)
    officer.sign_in("officer")
    officer.goto("/delivery/dashboard/", "delivery-dashboard")
    before = _reached_on_dashboard(officer.page)

    # 1. The provider fills in and submits the return.
    provider = Session(browser, url, "provider", audit)
    sessions.append(provider)
    provider.sign_in("provider")
    page = provider.page
    provider.goto("/delivery/programmes/", "delivery-programmes-provider")
    provider.goto(f"/delivery/programmes/{programme.pk}/", "delivery-programme")
    provider.goto("/delivery/returns/", "delivery-returns-provider")
    provider.goto(f"/delivery/returns/{r.pk}/edit/", "delivery-return-form")
    page.get_by_label("People reached this quarter").fill("100")
    page.get_by_label("14 to 17, Female").fill("70")  # more than reached: a form error, nothing lost
    page.get_by_role("button", name="Save as draft").click()
    page.wait_for_load_state()
    assert "Reach by age and sex adds up to" in page.content()
    provider.check("delivery-return-form-errors")
    page.get_by_label("14 to 17, Female").fill("30")
    page.get_by_label("Spend to date").fill("61,250.40")
    page.get_by_label("What was delivered").fill("Twelve sessions in four schools")
    page.get_by_role("button", name="Save and continue to submit").click()
    page.wait_for_url(re.compile(r"/submit/$"))
    provider.check("delivery-return-submit")
    page.get_by_role("button", name="Submit return").click()
    page.wait_for_url(re.compile(rf"/delivery/returns/{r.pk}/$"))
    provider.check("delivery-return-submitted")
    assert MonitoringReturn.objects.get(pk=r.pk).status == "submitted"

    # 2. The officer returns it with a comment.
    page = officer.page
    officer.goto("/delivery/returns/", "delivery-returns-officer")
    officer.goto(f"/delivery/returns/{r.pk}/review/", "delivery-review")
    page.get_by_label("Return it to the provider for changes").check()
    page.get_by_label("Comments for the provider").fill("Please add an anonymised case study")
    page.get_by_role("button", name="Record decision").click()
    page.wait_for_url(re.compile(r"/delivery/returns/$"))
    assert MonitoringReturn.objects.get(pk=r.pk).status == "returned"
    officer.goto("/delivery/dashboard/", "delivery-dashboard")
    assert _reached_on_dashboard(page) == before  # not accepted: no change

    # 3. The provider sees the comment, corrects and resubmits.
    page = provider.page
    provider.goto(f"/delivery/returns/{r.pk}/edit/", "delivery-return-form-returned")
    assert "Please add an anonymised case study" in page.content()
    page.get_by_label("Case studies").fill("A pupil who took part now helps run the sessions.")
    page.get_by_role("button", name="Save and continue to submit").click()
    page.wait_for_url(re.compile(r"/submit/$"))
    page.get_by_role("button", name="Submit return").click()
    page.wait_for_url(re.compile(rf"/delivery/returns/{r.pk}/$"))

    # 4. The officer accepts; the dashboard moves by exactly this return.
    page = officer.page
    officer.goto(f"/delivery/returns/{r.pk}/review/", "delivery-review")
    page.get_by_label("Accept the return").check()
    page.get_by_role("button", name="Record decision").click()
    page.wait_for_url(re.compile(r"/delivery/returns/$"))
    done = MonitoringReturn.objects.get(pk=r.pk)
    assert done.status == "accepted" and done.versions.count() == 2
    officer.goto("/delivery/dashboard/", "delivery-dashboard-after")
    assert _reached_on_dashboard(page) == before + 100
    officer.goto(f"/delivery/returns/{r.pk}/", "delivery-return-accepted")
    officer.goto(f"/delivery/programmes/{programme.pk}/edit/", "delivery-programme-edit")
    officer.goto(f"/delivery/programmes/{programme.pk}/plan/", "delivery-plan")
    officer.goto("/delivery/programmes/", "delivery-programmes-officer")

    # Evidence pages, the harmful warning and the justification page.
    officer.goto("/evidence/", "evidence-library")
    officer.goto("/evidence/focused-deterrence/", "evidence-detail")
    officer.goto("/evidence/mentoring/edit/", "evidence-edit")
    officer.goto("/evidence/mentoring/history/", "evidence-history")
    officer.goto(f"/applications/{harmful_app.pk}/", "eoi-harmful-warning")
    assert "rated harmful" in page.content()
    officer.goto(f"/evidence/applications/{harmful_app.pk}/justify/", "evidence-justify")
    officer.goto(f"/rounds/{Round.objects.exclude(pk=open_round.pk).get().pk}/", "round-evidence-mix")
    assert "Evidence mix of what was funded" in page.content()
    provider.goto(f"/rounds/{open_round.pk}/", "round-open-provider")
    draft = Application.objects.create(
        round=open_round, organisation=programme.organisation, created_by=provider_user, title="Peer mentors"
    )
    provider.goto(f"/evidence/applications/{draft.pk}/approaches/", "evidence-approaches")

    public = Session(browser, url, "public", audit)
    sessions.append(public)
    public.goto("/evidence/", "evidence-library-public")

    for s in sessions:
        assert s.external == [], f"{s.who} fetched off-site: {s.external[:3]}"
        csp = [e for e in s.console_errors if "Content Security Policy" in e]
        assert csp == [], f"{s.who}: {csp[:3]}"
        s.context.close()
    failures = {name: v for name, v in audit.items() if v}
    assert not failures, failures
