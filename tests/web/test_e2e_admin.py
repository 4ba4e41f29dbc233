"""Issue 17 in Debian's Chromium: a provider's lead invites a colleague, the e-mail is captured (locmem backend), its
link followed, the account created and the colleague signed in; every new page type (notifications, message log,
invitations, password reset, in-app administration, the applications list, register search) axe-clean."""

from __future__ import annotations

import re

import pytest

from .test_e2e_browser import ARTIFACTS, CHROMIUM, Session, browser  # noqa: F401  (browser is a fixture)

pytestmark = [
    pytest.mark.browser,
    pytest.mark.slow,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="missing: Debian chromium (/usr/bin/chromium)"),
]


def test_invitation_accepted_and_admin_pages_accessible(transactional_db, live_server, browser, monkeypatch):  # noqa: F811
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    from django.contrib.auth import get_user_model
    from django.core import mail

    from svduty.web import demo
    from svduty.web.funding.models import FundingStream
    from svduty.web.notifications.models import Message

    demo.load()
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    audit: dict[str, list] = {}

    lead = Session(browser, live_server.url, "provider", audit)
    lead.sign_in("provider")
    page = lead.page
    lead.goto("/account/invitations/", "colleagues-lead")
    page.get_by_role("button", name="Send invitation").click()
    page.wait_for_load_state()
    assert "There is a problem" in page.content()
    lead.check("colleagues-errors")
    page.get_by_label("E-mail address").fill("new.colleague@upstanders.example")
    page.get_by_role("button", name="Send invitation").click()
    page.wait_for_load_state()
    assert "Invitation sent to new.colleague@upstanders.example" in page.content()
    lead.check("colleagues-sent")

    (email,) = [m for m in mail.outbox if m.to == ["new.colleague@upstanders.example"]]
    link = re.search(r"https?://\S+", email.body).group(0)
    assert link.startswith(live_server.url + "/account/invitations/accept/")

    invitee = Session(browser, live_server.url, "invitee", audit)
    invitee.page.goto(link)
    invitee.check("invitation-accept")
    p = invitee.page
    p.get_by_label("First name").fill("Nia")
    p.get_by_label("Last name").fill("Evans")
    p.get_by_label("Choose a password").fill("a long enough passphrase 2026")
    p.get_by_label("Type the password again").fill("a long enough passphrase 2026")
    p.get_by_role("button", name="Create account").click()
    p.wait_for_load_state()
    assert "Your account is ready" in p.content()
    invitee.check("invitation-accepted-home")
    user = get_user_model().objects.get(email="new.colleague@upstanders.example")
    assert user.profile.organisation.name == "Upstanders Schools Trust" and user.username in p.content()
    # the same link now refuses
    p.goto(link)
    p.context.clear_cookies()
    p.goto(link)
    assert "already been accepted" in p.content()
    invitee.check("invitation-used")
    invitee.goto("/account/password-reset/", "password-reset")
    invitee.goto("/account/password-reset/sent/", "password-reset-sent")
    invitee.goto("/public/decisions/?q=DN50-24", "register-search")
    invitee.goto("/public/grants/?q=Upstanders", "grants-search")

    from svduty.web.commissioning.models import Application
    from svduty.web.notifications.service import notify

    answered = Application.objects.exclude(status="draft").order_by("id").first()
    notify(
        "more_info_answered",
        to=[get_user_model().objects.get(username="officer")],
        context={"application": answered, "reference": answered.reference, "message": "Our safeguarding lead is Jo."},
        obj=answered,
    )
    officer = Session(browser, live_server.url, "officer", audit)
    officer.sign_in("officer")
    message = Message.objects.filter(event="colleague_invited").first()
    for path, name in [
        ("/manage/", "manage-home"),
        ("/manage/applications/", "applications-list"),
        ("/manage/users/?role=provider", "users-list"),
        (f"/manage/users/{user.pk}/", "user-edit"),
        ("/manage/organisations/", "organisations-list"),
        ("/manage/organisations/new/", "organisation-new"),
        ("/manage/funding-streams/", "streams-list"),
        (f"/manage/funding-streams/{FundingStream.objects.first().pk}/", "stream-edit"),
        ("/manage/partnership/", "partnership-edit"),
        ("/account/invitations/", "invitations-staff"),
        ("/notifications/messages/", "message-log"),
        (f"/notifications/messages/{message.pk}/", "message-detail"),
        ("/notifications/", "notifications-inbox"),
    ]:
        response = officer.goto(path, name)
        assert response.status == 200, (path, response.status)
    for session in (lead, invitee, officer):
        assert not session.external, session.external
        # the invitee's browser logs the used link's 403 (signed in) and 410 (already accepted), which the test asks for
        expected = ("403 (Forbidden)", "410 (Gone)") if session is invitee else ()
        assert not [e for e in session.console_errors if not e.endswith(expected or ("\0",))], session.console_errors
        session.context.close()
    failures = {name: v for name, v in audit.items() if v}
    assert not failures, failures
