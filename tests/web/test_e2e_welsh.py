"""Welsh in Debian's Chromium: the header's "Cymraeg" link switches a public page to Welsh (``<html lang="cy">``,
the draft banner in both languages), the choice follows the visitor to the other public pages and the applicant's
sign-in and registration, and "English" switches back. Every Welsh page type is axe-checked (WCAG 2.2 AA tags) and
screenshotted to test-artifacts/web/welsh-*.png (and $TMPDIR)."""

from __future__ import annotations

import os
import re
import shutil
from pathlib import Path

import pytest

from .test_e2e_browser import ARTIFACTS, CHROMIUM, Session, browser  # noqa: F401  (browser is a fixture)

pytestmark = [
    pytest.mark.browser,
    pytest.mark.slow,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="missing: Debian chromium (/usr/bin/chromium)"),
]


def test_welsh_public_pages_and_applicant_start(transactional_db, live_server, browser, monkeypatch):  # noqa: F811
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    from svduty.web import demo
    from svduty.web.decisions.models import DecisionRecord

    demo.load()
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    audit: dict[str, list] = {}
    visitor = Session(browser, live_server.url, "public", audit)
    page = visitor.page

    page.goto("/public/grants/")
    assert page.locator("html").get_attribute("lang") == "en-GB"
    assert page.locator(".svduty-language-banner").count() == 0
    page.get_by_role("link", name="Newid yr iaith i'r Gymraeg").click()
    page.wait_for_url(re.compile(r"/public/grants/$"))
    assert page.locator("html").get_attribute("lang") == "cy"
    assert page.get_by_role("heading", level=1).inner_text() == "Grantiau a ddyfarnwyd"
    banner = page.locator(".svduty-language-banner")
    assert banner.is_visible()
    assert "Drafft yw'r cyfieithiad Cymraeg hwn" in banner.inner_text()
    assert "This Welsh translation is a draft" in banner.inner_text()
    visitor.check("welsh-grants")

    record = next(r for r in DecisionRecord.objects.order_by("id") if r.publicly_visible())
    for path, name, heading in [
        ("/public/", "welsh-public-index", None),
        ("/public/decisions/", "welsh-decisions-register", "Cofrestr penderfyniadau"),
        (f"/public/decisions/{record.reference}/", "welsh-decision-record", None),
        ("/evidence/", "welsh-evidence-library", "Llyfrgell dystiolaeth"),
        ("/sign-in/", "welsh-sign-in", "Mewngofnodi"),
        ("/register/", "welsh-register", "Cofrestru eich sefydliad"),
    ]:
        visitor.goto(path, name)
        assert page.locator("html").get_attribute("lang") == "cy", path
        assert page.locator(".svduty-language-banner").is_visible(), path
        if heading:
            assert page.get_by_role("heading", level=1).inner_text() == heading, path

    # An empty registration: the GOV.UK error summary in Welsh, linked to its fields.
    page.get_by_role("button", name="Cofrestru").click()
    page.wait_for_load_state()
    assert page.locator(".govuk-error-summary__title").inner_text() == "Mae problem"
    visitor.check("welsh-register-errors")

    page.get_by_role("link", name="Change the language to English").click()
    page.wait_for_url(re.compile(r"/register/$"))
    assert page.locator("html").get_attribute("lang") == "en-GB"
    assert page.get_by_role("heading", level=1).inner_text() == "Register your organisation"
    assert page.locator(".svduty-language-banner").count() == 0

    # The applicant journey in Welsh: a provider's dashboard, the open round, their applications and one of them.
    from django.contrib.auth import get_user_model
    from django.urls import reverse
    from django.utils import timezone

    from svduty.web.commissioning.models import Application, Round

    provider = Session(browser, live_server.url, "provider", audit)
    provider.sign_in("provider")
    provider.page.get_by_role("link", name="Newid yr iaith i'r Gymraeg").click()
    provider.page.wait_for_load_state()
    organisation = get_user_model().objects.get(username="provider").profile.organisation
    open_round = Round.objects.filter(closes_on__gte=timezone.localdate()).order_by("id").first()
    own = Application.objects.filter(organisation=organisation).order_by("id").first()
    for path, name in [
        (reverse("core:home"), "welsh-provider-dashboard"),
        (reverse("commissioning:round", args=[open_round.pk]), "welsh-open-round"),
        (reverse("commissioning:my_applications"), "welsh-my-applications"),
        (reverse("commissioning:application", args=[own.pk]), "welsh-application"),
    ]:
        provider.goto(path, name)
        assert provider.page.locator("html").get_attribute("lang") == "cy", path
        assert provider.page.locator(".svduty-language-banner").is_visible(), path
    assert "Dangosfwrdd" in provider.page.locator("#navigation").inner_text()
    provider.context.close()
    assert not provider.console_errors, provider.console_errors

    shots = Path(os.environ.get("TMPDIR", "/tmp"))
    for png in ARTIFACTS.glob("welsh-*.png"):
        shutil.copy(png, shots / png.name)
    visitor.context.close()
    assert not visitor.external, visitor.external
    assert not visitor.console_errors, visitor.console_errors
    failures = {name: found for name, found in audit.items() if found}
    assert not failures, failures
