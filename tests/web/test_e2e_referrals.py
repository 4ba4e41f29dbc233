"""Referrals end to end in Debian's Chromium: a navigator opens a case in the ED, records consent and refers to a
service; the receiving service accepts; the navigator records the engagement and closes the case with an outcome;
the team manager sees the overdue list. Every new page type is axe-checked (WCAG 2.2 AA; no serious or critical
violations) and screenshotted to test-artifacts/web/referrals-*.png."""

from __future__ import annotations

import re
from datetime import timedelta

from django.utils import timezone

from .test_e2e_browser import ARTIFACTS, Session, browser, fill_date, pytestmark  # noqa: F401  (fixture and marks)


def test_referral_journey(transactional_db, live_server, browser, monkeypatch):  # noqa: F811
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    from svduty.web import demo
    from svduty.web.referrals.models import AccessLog, Case, Referral

    demo.load()
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    audit: dict[str, list] = {}
    url = live_server.url
    sessions = []

    # 1. The navigator opens a case in the emergency department.
    nav = Session(browser, url, "navigator", audit)
    sessions.append(nav)
    nav.sign_in("navigator")
    assert nav.page.url.endswith("/referrals/")
    nav.check("referrals-cases")
    page = nav.page
    page.get_by_role("link", name="Open a case: A&E Navigators").click()
    page.wait_for_url(re.compile(r"/referrals/new/a-and-e-navigator/"))
    nav.check("referrals-case-new")
    now = timezone.localtime()
    page.get_by_label("Given name").fill("Jay")
    page.get_by_label("Family name").fill("Journey (synthetic)")
    fill_date(page, "date_of_birth", "2009-03-14")
    page.get_by_label("Source identifier").fill("NHS-E2E-1")
    fill_date(page, "incident_date", now.strftime("%Y-%m-%d"))
    page.get_by_label("Arrived at the emergency department").fill((now - timedelta(hours=2)).strftime("%Y-%m-%dT%H:%M"))
    page.get_by_label("Not asked yet").check()
    page.get_by_role("button", name="Open the case").click()
    page.wait_for_url(re.compile(r"/referrals/cases/\d+/$"))
    nav.check("referrals-case")
    case = Case.objects.get(family_name="Journey (synthetic)")
    assert case.track == "ed-navigator" and case.assigned_to.username == "navigator"
    assert page.get_by_role("link", name="Refer to a service").count() == 0  # no consent yet
    assert AccessLog.objects.filter(case=case, user__username="navigator").count() == 1

    # 2. Consent recorded, then the referral.
    page.get_by_role("link", name="Record consent").click()
    nav.check("referrals-consent")
    page.get_by_label("Consent to share information").check()
    page.get_by_label("Given", exact=True).check()
    page.get_by_role("button", name="Record consent").click()
    page.wait_for_url(re.compile(r"/referrals/cases/\d+/$"))
    page.get_by_role("link", name="Refer to a service").click()
    nav.check("referrals-refer")
    page.get_by_label(re.compile("^Kick Off mentoring")).check()
    page.get_by_label("What the service needs to know").fill("Wants mentoring through football")
    page.get_by_role("button", name="Send the referral").click()
    page.wait_for_url(re.compile(r"/referrals/cases/\d+/$"))
    referral = Referral.objects.get(case=case)
    assert referral.state == "pending"

    # 3. The receiving service accepts.
    mentor = Session(browser, url, "mentor", audit)
    sessions.append(mentor)
    mentor.sign_in("mentor")
    mentor.goto("/referrals/incoming/", "referrals-incoming")
    mentor.goto(f"/referrals/referral/{referral.pk}/", "referrals-referral")
    assert "Journey" not in mentor.page.content()  # the receiver sees the referral, not the identity
    mentor.page.get_by_role("link", name="Accept or reject").click()
    mentor.check("referrals-respond")
    mentor.page.get_by_label("Accept", exact=True).check()
    mentor.page.get_by_role("button", name="Save").click()
    mentor.page.wait_for_url(re.compile(r"/referrals/referral/\d+/$"))
    referral.refresh_from_db()
    assert referral.state == "accepted"
    mentor.page.get_by_role("link", name="Record as done").click()
    mentor.check("referrals-referral-done")

    # 4. The navigator records the engagement and closes the case with an outcome.
    nav.goto(f"/referrals/cases/{case.pk}/", "referrals-case")
    page.get_by_role("link", name=re.compile("Record as done")).first.click()
    nav.check("referrals-deadline")
    page.get_by_role("button", name="Record as done").click()
    page.wait_for_url(re.compile(r"/referrals/cases/\d+/$"))
    page.get_by_role("link", name="Close the case").click()
    nav.check("referrals-close")
    page.get_by_label("Engaged and completed the plan").check()
    page.get_by_role("button", name="Close the case").click()
    page.wait_for_url(re.compile(r"/referrals/cases/\d+/$"))
    nav.check("referrals-case-closed")
    case.refresh_from_db()
    assert (case.state, case.close_outcome) == ("closed", "plan_completed")
    assert "Engaged and completed the plan" in page.content()

    # 5. The team manager sees the overdue list, and asks (with a reason) for a case's personal details.
    manager = Session(browser, url, "navmanager", audit)
    sessions.append(manager)
    manager.sign_in("navmanager")
    manager.goto("/referrals/overdue/", "referrals-overdue")
    assert manager.page.locator(".govuk-tag--red").count() >= 1
    manager.goto(f"/referrals/cases/{case.pk}/personal-details/", "referrals-identity-reason")
    manager.page.get_by_label("Why do you need this person's details?").fill("Case audit")
    manager.page.get_by_role("button", name="Show the details").click()
    assert "Journey (synthetic)" in manager.page.content()
    assert AccessLog.objects.filter(case=case, user__username="navmanager", reason="Case audit").exists()

    # 6. Aggregates and data protection pages.
    analyst = Session(browser, url, "analyst", audit)
    sessions.append(analyst)
    analyst.sign_in("analyst")
    analyst.goto("/referrals/pathways/", "referrals-pathways")
    analyst.goto("/referrals/pathways/operation-deter/", "referrals-pathway")
    assert "95% interval" in analyst.page.content() and "25.0%" in analyst.page.content()
    analyst.goto("/referrals/pathways/operation-deter/comparison/", "referrals-comparison")
    analyst.goto("/referrals/services/", "referrals-services")
    dpo = Session(browser, url, "dpo", audit)
    sessions.append(dpo)
    dpo.sign_in("dpo")
    dpo.goto("/referrals/access-log/", "referrals-access-log")
    assert "Case audit" in dpo.page.content()
    dpo.goto("/referrals/retention/", "referrals-retention")

    for s in sessions:
        assert s.external == [], f"{s.who} fetched off-site: {s.external[:3]}"
        assert not [e for e in s.console_errors if "Content Security Policy" in e], s.who
        s.context.close()
    failures = {name: v for name, v in audit.items() if v}
    assert not failures, failures
    assert len(audit) >= 18
