"""The agreements register in Debian's Chromium: every page type axe-clean (WCAG 2.2 AA tags, no serious or critical
violations), an officer adds an agreement through the form (an error first, then a valid one), no external request."""

from __future__ import annotations

import pytest

from .test_e2e_browser import ARTIFACTS, CHROMIUM, Session, browser, fill_date  # noqa: F401  (browser is a fixture)

pytestmark = [
    pytest.mark.browser,
    pytest.mark.slow,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="Debian chromium not installed"),
]


def test_agreements_pages_are_accessible(transactional_db, live_server, browser, monkeypatch):  # noqa: F811
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    from svduty.web import demo
    from svduty.web.agreements.models import DataSharingAgreement

    demo.load()
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    audit: dict[str, list] = {}
    officer = Session(browser, live_server.url, "officer", audit)
    officer.sign_in("officer")
    page = officer.page
    officer.goto("/agreements/", "agreements-list")
    agreement = DataSharingAgreement.objects.get(reference="DSA-DEMO-001")
    officer.goto(f"/agreements/{agreement.pk}/", "agreement-detail")
    officer.goto(f"/agreements/{agreement.pk}/edit/", "agreement-edit")
    officer.goto("/agreements/ingests/", "agreements-ingests")
    officer.goto("/agreements/new/", "agreement-new")
    page.get_by_label("Reference").fill("DSA-E2E-1")
    page.get_by_role("button", name="Save agreement").click()
    page.wait_for_load_state()
    assert "There is a problem" in page.content()
    officer.check("agreement-form-errors")
    page.get_by_label("Title").fill("Youth justice cohort data")
    page.get_by_label("Demoshire Youth Justice Service").check()
    page.get_by_label("Demoshire Police and Crime Commissioner").check()
    page.get_by_label("Police record extract (RMS)").check()
    page.get_by_label("Purpose", exact=True).fill("Profile of young people entering the youth justice system")
    page.get_by_label(
        "Police, Crime, Sentencing and Courts Act 2022: Serious Violence Duty information sharing"
    ).check()
    page.get_by_label("UK GDPR article 6(1)(e): public task").check()
    page.get_by_label("Retention and deletion").fill("12 months")
    fill_date(page, "starts_on", "2025-01-01")  # GOV.UK date inputs: day, month and year boxes
    fill_date(page, "review_on", "2026-01-01")
    page.get_by_role("button", name="Save agreement").click()
    page.wait_for_load_state()
    assert "Agreement DSA-E2E-1 added to the register" in page.content()
    officer.check("agreement-saved")

    assessor = Session(browser, live_server.url, "assessor", audit)
    assessor.sign_in("assessor")
    assessor.goto(f"/agreements/{agreement.pk}/", "agreement-detail-assessor")
    for session in (officer, assessor):
        assert not session.external, session.external
        session.context.close()
    failures = {name: v for name, v in audit.items() if v}
    assert not failures, failures
