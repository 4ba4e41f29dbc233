"""Password reset through notify() and invitations end to end: sent, followed, accepted (role and organisation),
expired, resent (the old link dies), revoked, and a provider lead inviting its own colleagues only."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.test import Client
from django.utils import timezone

from svduty.web.accounts.models import Invitation
from svduty.web.accounts.permissions import is_provider_lead, lead_of
from svduty.web.notifications.models import Message

from .admin_helpers import admin_post_matrix
from .conftest import ROLES, client_for

pytestmark = pytest.mark.django_db
PASSWORD = "a long enough new passphrase 42"


def _link(body: str) -> str:
    return re.search(r"https?://\S+", body).group(0).replace("http://testserver", "")


def test_password_reset_end_to_end(world):
    User = get_user_model()
    officer = User.objects.get(username="officer")
    officer.email = "officer@demoshire.example"
    officer.save()
    client = Client()
    page = client.get("/sign-in/")
    assert b"/account/password-reset/" in page.content
    response = client.post("/account/password-reset/", {"email": "OFFICER@demoshire.example"})
    assert response.status_code == 302 and response["Location"] == "/account/password-reset/sent/"
    (email,) = mail.outbox
    assert email.to == ["officer@demoshire.example"] and "Reset your password" in email.subject
    record = Message.objects.get(event="password_reset", recipient=officer)
    assert record.status == "sent" and "/account/reset/" not in record.body  # the link is never stored
    link = _link(email.body)
    page = client.get(link, follow=True)
    assert page.status_code == 200 and b"Choose a new password" in page.content
    set_url = page.redirect_chain[-1][0]
    done = client.post(set_url, {"new_password1": PASSWORD, "new_password2": PASSWORD})
    assert done.status_code == 302 and done["Location"] == "/account/reset/done/"
    officer.refresh_from_db()
    assert officer.check_password(PASSWORD)
    # the link works once
    again = client.get(link, follow=True)
    assert b"This link cannot be used" in again.content


def test_password_reset_unknown_address_reveals_nothing(world):
    response = Client().post("/account/password-reset/", {"email": "nobody@example.org"})
    assert response.status_code == 302 and response["Location"] == "/account/password-reset/sent/"
    assert mail.outbox == [] and not Message.objects.filter(event="password_reset").exists()


def _invite(client, **data):
    return client.post("/account/invitations/", data)


def test_officer_invites_assessor_who_accepts(world):
    officer = client_for("officer")
    response = _invite(officer, email="New.Assessor@council.example", role="assessor", job_title="Analyst")
    assert response.status_code == 302
    invitation = Invitation.objects.get(email="new.assessor@council.example")
    (email,) = mail.outbox
    assert email.to == ["new.assessor@council.example"] and "invited you" in email.subject
    assert Message.objects.get(event="colleague_invited").object_id == str(invitation.pk)
    link = _link(email.body)
    visitor = Client()
    page = visitor.get(link)
    assert page.status_code == 200 and b"new.assessor@council.example" in page.content
    bad = visitor.post(link, {"first_name": "Ada", "last_name": "Okafor", "password1": "short", "password2": "short"})
    assert bad.status_code == 200 and b"govuk-error-summary" in bad.content
    done = visitor.post(
        link, {"first_name": "Ada", "last_name": "Okafor", "password1": PASSWORD, "password2": PASSWORD}
    )
    assert done.status_code == 302
    user = get_user_model().objects.get(email="new.assessor@council.example")
    assert user.username.startswith("ada.okafor-") and user.profile.role == "assessor"
    assert user.profile.job_title == "Analyst" and user.check_password(PASSWORD)
    assert visitor.get("/").context["user"] == user  # signed in
    invitation.refresh_from_db()
    assert invitation.state == "accepted" and invitation.accepted_user == user
    # the link works once
    assert Client().get(link).status_code == 410


def test_officer_cannot_invite_administrator_and_provider_needs_organisation(world):
    officer = client_for("officer")
    assert _invite(officer, email="x@example.org", role="admin").status_code == 200
    page = _invite(officer, email="y@example.org", role="provider")
    assert b"Select the provider organisation" in page.content
    assert not Invitation.objects.exists()
    assert _invite(client_for("admin"), email="x@example.org", role="admin").status_code == 302
    # an address that already has an account is refused
    get_user_model().objects.filter(username="pcc").update(email="pcc@demoshire.example")
    assert b"already has an account" in _invite(officer, email="pcc@demoshire.example", role="pcc").content


def test_expired_invitation_is_refused_then_resent(world):
    _invite(client_for("officer"), email="late@example.org", role="chief_executive")
    invitation = Invitation.objects.get()
    first_link = _link(mail.outbox[0].body)
    Invitation.objects.filter(pk=invitation.pk).update(expires_at=timezone.now() - timedelta(minutes=1))
    page = Client().get(first_link)
    assert page.status_code == 410 and b"expired" in page.content
    assert client_for("officer").post(f"/account/invitations/{invitation.pk}/resend/").status_code == 302
    second_link = _link(mail.outbox[1].body)
    assert second_link != first_link
    assert Client().get(first_link).status_code == 410  # the older link no longer works
    assert Client().get(second_link).status_code == 200
    invitation.refresh_from_db()
    assert invitation.sent_count == 2


def test_signature_expiry_is_checked_too(world, settings):
    _invite(client_for("officer"), email="sig@example.org", role="pcc")
    link = _link(mail.outbox[0].body)
    settings.SVDUTY_INVITATION_DAYS = 0  # the signed timestamp is now older than the allowed age
    assert Client().get(link).status_code == 410


def test_revoked_invitation_cannot_be_accepted(world):
    _invite(client_for("admin"), email="gone@example.org", role="officer")
    invitation = Invitation.objects.get()
    link = _link(mail.outbox[0].body)
    assert client_for("admin").post(f"/account/invitations/{invitation.pk}/revoke/").status_code == 302
    page = Client().post(link, {"first_name": "A", "last_name": "B", "password1": PASSWORD, "password2": PASSWORD})
    assert page.status_code == 410 and b"withdrawn" in page.content
    assert not get_user_model().objects.filter(email="gone@example.org").exists()


def test_tampered_token_is_refused(world):
    _invite(client_for("officer"), email="t@example.org", role="assessor")
    link = _link(mail.outbox[0].body)
    assert Client().get(link[:-3] + "xyz/").status_code == 410


def test_provider_lead_invites_colleague_to_own_organisation(world):
    User = get_user_model()
    lead = User.objects.get(username="provider")
    org = lead.profile.organisation
    assert lead_of(org) == lead and is_provider_lead(lead)
    client = client_for("provider")
    # role and organisation are not the lead's to choose: a smuggled role is ignored
    assert _invite(client, email="colleague@upstanders.example", role="admin").status_code == 302
    invitation = Invitation.objects.get()
    assert (invitation.role, invitation.organisation) == ("provider", org)
    link = _link(mail.outbox[0].body)
    Client().post(link, {"first_name": "Sam", "last_name": "Lee", "password1": PASSWORD, "password2": PASSWORD})
    colleague = User.objects.get(email="colleague@upstanders.example")
    assert colleague.profile.role == "provider" and colleague.profile.organisation == org
    assert not is_provider_lead(colleague)
    # the colleague (not the lead) sees the colleagues page but cannot invite
    other = Client()
    other.force_login(colleague)
    page = other.get("/account/invitations/")
    assert page.status_code == 200 and b"Send invitation" not in page.content and b"Sam Lee" in page.content
    assert _invite(other, email="third@upstanders.example").status_code == 403


def test_post_only_urls_for_every_role(world):
    User = get_user_model()
    from .conftest import USERS

    for name, make_url, allowed in admin_post_matrix(world):
        for role in ROLES:
            user = User.objects.get(username=USERS[role]) if USERS[role] else None
            url = (
                make_url(user)
                if user is not None or "mark_read" not in name
                else make_url(User.objects.get(username="officer"))
            )
            response = client_for(role).post(url)
            if role in allowed:
                assert response.status_code == 302 and "/sign-in/" not in response["Location"], (name, role)
            elif role == "public":
                assert response.status_code == 302 and "/sign-in/" in response["Location"], (name, role)
            else:
                assert response.status_code == 403, (name, role, response.status_code)
