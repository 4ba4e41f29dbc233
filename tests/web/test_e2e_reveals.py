"""The GOV.UK conditional reveal in Debian's Chromium: the details of a declared interest are hidden until the
assessor answers Yes, then shown, hidden again on No; with JavaScript off they are simply shown; the
server refuses Yes without details. axe-checked (WCAG 2.2 AA; no serious or critical violations) and screenshotted to
test-artifacts/web/reveal-*.png."""

from __future__ import annotations

import pytest

from .test_e2e_browser import ARTIFACTS, CHROMIUM, Session, browser  # noqa: F401  (browser is a fixture)

pytestmark = [
    pytest.mark.browser,
    pytest.mark.slow,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="missing: Debian chromium (/usr/bin/chromium)"),
]


def test_declaration_reveals_details_under_yes(transactional_db, live_server, browser, monkeypatch):  # noqa: F811
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    from django.contrib.auth import get_user_model

    from svduty.web import demo
    from svduty.web.commissioning.models import Application

    demo.load()
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    assessor = get_user_model().objects.get(username="assessor")
    app = (
        Application.objects.filter(status="submitted", round__opens_on__isnull=False)
        .exclude(declarations__assessor=assessor)
        .order_by("-submitted_at")
        .first()
    )
    assert app is not None
    audit: dict[str, list] = {}
    session = Session(browser, live_server.url, "assessor", audit)
    session.sign_in("assessor")
    page = session.page
    page.goto(f"/applications/{app.pk}/declare/")
    details = page.get_by_label("Describe the interest")
    yes = page.get_by_role("radio", name="Yes")
    no = page.get_by_role("radio", name="No")
    assert not details.is_visible()
    assert yes.get_attribute("aria-controls") == "conditional-id_has_conflict_1"
    session.check("reveal-declare-closed")
    yes.check()
    details.wait_for(state="visible")
    assert yes.get_attribute("aria-expanded") is None  # not allowed on a radio (ARIA 1.2)
    session.check("reveal-declare-open")
    no.check()
    details.wait_for(state="hidden")
    # Yes with nothing typed: the server refuses it, and the answer stays open with its error inside.
    yes.check()
    page.get_by_role("button", name="Record my declaration").click()
    page.wait_for_load_state()
    assert "Describe the interest you are declaring" in page.content()
    assert page.get_by_label("Describe the interest").is_visible()
    session.check("reveal-declare-error")
    page.get_by_role("link", name="Describe the interest: Describe the interest you are declaring").click()
    assert page.evaluate("document.activeElement.id") == "id_details"
    assert not [v for v in audit.values() if v], audit
    assert not session.console_errors and not session.external
    session.context.close()

    # JavaScript off: nothing is hidden, so the question can still be answered.
    plain = browser.new_context(java_script_enabled=False, base_url=live_server.url, locale="en-GB")
    other = plain.new_page()
    other.goto("/sign-in/")
    other.get_by_label("Username").fill("assessor")
    other.get_by_label("Password").fill("svduty-demo")
    other.get_by_role("button", name="Sign in").click()
    other.goto(f"/applications/{app.pk}/declare/")
    assert other.get_by_label("Describe the interest").is_visible()
    other.screenshot(path=str(ARTIFACTS / "reveal-declare-no-js.png"), full_page=True)
    other.get_by_role("radio", name="Yes").check()
    other.get_by_label("Describe the interest").fill("My sister chairs the applicant's board")
    other.get_by_role("button", name="Record my declaration").click()
    other.wait_for_load_state()
    assert app.declarations.get(assessor=assessor).details == "My sister chairs the applicant's board"
    plain.close()
