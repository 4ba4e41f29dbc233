"""Strategy end to end in Debian's Chromium (issue 15): an officer drafts a strategy, adds a priority linked to the
registered SNA version's evidence (derived priority, tables) and to a funded programme, adds a national measure;
the PCC records the board's agreement; the officer publishes; the public page shows it. Every page type is
axe-checked (no serious or critical violations) and screenshotted to test-artifacts/web/strategy-*.png."""

from __future__ import annotations

import re

import pytest

from .test_e2e_browser import ARTIFACTS, CHROMIUM, Session, browser, fill_date  # noqa: F401  (browser is a fixture)

pytestmark = [
    pytest.mark.browser,
    pytest.mark.slow,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="missing: Debian chromium (/usr/bin/chromium)"),
]


def test_draft_link_agree_publish(transactional_db, live_server, browser, monkeypatch):  # noqa: F811
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    from svduty.web import demo
    from svduty.web.programmes.models import Programme
    from svduty.web.strategy.models import SnaVersion, Strategy

    demo.load()
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    audit: dict[str, list] = {}
    url = live_server.url
    version = SnaVersion.objects.get(is_demo=True)
    top = version.priorities[0]
    programme = Programme.objects.order_by("title").first()
    sessions = []

    officer = Session(browser, url, "officer", audit)
    sessions.append(officer)
    officer.sign_in("officer")
    page = officer.page
    officer.goto("/", "strategy-home-calendar")
    assert "Duty calendar" in page.content()
    officer.goto("/strategy/", "strategy-index")
    page.get_by_role("link", name="Draft a strategy").click()
    page.wait_for_url(re.compile(r"/strategy/new/$"))
    officer.check("strategy-new")
    page.get_by_label("Title").fill("Safer Streets Strategy")
    page.get_by_label("Period").fill("2026-28")
    fill_date(page, "starts_on", "2026-04-01")
    fill_date(page, "ends_on", "2028-03-31")
    page.get_by_label("Vision").fill("No one harmed by serious violence.")
    page.get_by_label("Principles").fill("Public health approach\nLed with young people")
    page.get_by_label("SNA version it is built on").select_option(str(version.pk))
    page.get_by_role("button", name="Save").click()
    page.wait_for_url(re.compile(r"/strategy/\d+/$"))
    strategy = Strategy.objects.get(title="Safer Streets Strategy")
    officer.check("strategy-draft")

    page.get_by_role("link", name="Add a priority").first.click()
    page.wait_for_url(re.compile(r"/priorities/new/$"))
    officer.check("strategy-priority-form")
    page.get_by_label("Title").fill("Violence in public places")
    page.get_by_label("Targets a").select_option("place")
    page.get_by_label("Cohort, place or theme").fill("Town centres")
    page.get_by_label("Derived priority in the SNA").select_option(top["name"])
    page.get_by_label("by_crime_type").check()
    page.get_by_label("Objectives").fill("Street marshals every weekend\nShared ED data")
    page.get_by_label(programme.title).check()
    page.get_by_role("button", name="Save").click()
    page.wait_for_url(re.compile(rf"/strategy/{strategy.pk}/$"))
    priority = strategy.priorities.get()
    assert priority.sna_rank == top["rank"] and list(priority.programmes.all()) == [programme]
    assert f"ranked {top['rank']} of" in page.content()

    page.get_by_role("link", name=re.compile("^Add a measure")).click()
    page.wait_for_url(re.compile(r"/measures/new/$"))
    officer.check("strategy-measure-form")
    page.get_by_label("Kind").select_option("national")
    page.get_by_label("National measure").select_option("knife_sv_u25")
    page.get_by_label("Name").fill("Knife-enabled serious violence, victims under 25")
    page.get_by_role("button", name="Save").click()
    page.wait_for_url(re.compile(rf"/strategy/{strategy.pk}/$"))
    page.get_by_role("button", name="Read measure values from the SNA version").click()
    page.wait_for_url(re.compile(rf"/strategy/{strategy.pk}/$"))
    officer.check("strategy-draft-linked")
    officer.goto(f"/strategy/sna/{version.pk}/", "strategy-sna-version")
    officer.goto("/strategy/sna/", "strategy-sna-list")
    officer.goto("/strategy/definition/", "strategy-definitions")
    officer.goto("/strategy/definition/new/", "strategy-definition-form")
    officer.goto("/strategy/calendar/", "strategy-calendar")

    # The board agrees it: the PCC, who chairs the board, records the agreement.
    pcc = Session(browser, url, "pcc", audit)
    sessions.append(pcc)
    pcc.sign_in("pcc")
    pcc.goto(f"/strategy/{strategy.pk}/", "strategy-draft-pcc")
    pcc.page.get_by_role("link", name="Record the board's agreement").click()
    pcc.page.wait_for_url(re.compile(r"/agree/$"))
    pcc.check("strategy-agree")
    fill_date(pcc.page, "agreed_on", "2026-03-20")
    pcc.page.get_by_role("button", name="Record agreement").click()
    pcc.page.wait_for_url(re.compile(rf"/strategy/{strategy.pk}/$"))
    strategy.refresh_from_db()
    assert strategy.status == "agreed"
    assert "Publish the strategy" not in pcc.page.content()  # officers publish

    officer.goto(f"/strategy/{strategy.pk}/", "strategy-agreed")
    page.get_by_role("button", name="Publish the strategy").click()
    page.wait_for_url(re.compile(rf"/strategy/{strategy.pk}/$"))
    strategy.refresh_from_db()
    assert strategy.status == "published"
    officer.goto(f"/strategy/{strategy.pk}/history/", "strategy-history")

    public = Session(browser, url, "public", audit)
    sessions.append(public)
    public.goto("/public/strategy/", "strategy-public")
    text = public.page.inner_text("body")
    assert "Safer Streets Strategy" in text and "Violence in public places" in text and "Town centres" in text
    assert programme.title in text
    pdf = public.page.request.get(f"{url}/public/strategy.pdf")
    assert pdf.ok and pdf.body().startswith(b"%PDF")
    (ARTIFACTS / "strategy-public.pdf").write_bytes(pdf.body())

    for s in sessions:
        assert s.external == [], f"{s.who} fetched off-site: {s.external[:3]}"
        csp = [e for e in s.console_errors if "Content Security Policy" in e]
        assert csp == [], f"{s.who}: {csp[:3]}"
        s.context.close()
    failures = {name: v for name, v in audit.items() if v}
    assert not failures, failures
