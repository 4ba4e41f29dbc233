"""A language per person (issue 17): stored on the profile, set by the header's switch when signed in and on the
account page, followed on sign-in; e-mails and in-app notifications are written in the recipient's language, not the
sender's."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import translation

from svduty.web.notifications.models import Notification

from .commissioning_helpers import own_in_review
from .conftest import client_for

pytestmark = pytest.mark.django_db


def _user(name):
    return get_user_model().objects.get(username=name)


def _prefer(name, code):
    user = _user(name)
    user.profile.language = code
    user.profile.save()
    user.email = f"{name}@example.org"
    user.save()
    return user


def test_welsh_provider_gets_welsh_email_when_an_english_officer_asks_for_more_information(world):
    provider = _prefer("provider", "cy")
    _prefer("officer", "en-gb")
    app = own_in_review(world)
    officer = client_for("officer")
    response = officer.post(
        reverse("commissioning:request_info", args=[app.pk]),
        {"message": "Please send your safeguarding policy."},
        HTTP_ACCEPT_LANGUAGE="en-GB",
    )
    assert response.status_code == 302
    # The officer's own page stays English ...
    follow = officer.get(response["Location"])
    assert "More information requested from" in follow.content.decode()
    # ... and the provider's letter is Welsh, subject and body.
    letters = [m for m in mail.outbox if m.to == [provider.email]]
    assert letters, [m.to for m in mail.outbox]
    letter = letters[-1]
    assert letter.subject == f"Mae angen rhagor o wybodaeth ar gyfer {app.reference}"
    assert "Please send your safeguarding policy." in letter.body
    assert "Hello," not in letter.body and "This is an automatic message" not in letter.body
    note = Notification.objects.filter(user=provider).latest("created_at")
    assert note.subject == letter.subject
    # Nothing leaked into the sender's language afterwards.
    assert translation.get_language() in (settings.LANGUAGE_CODE, None)


def test_someone_who_has_not_chosen_gets_english_even_from_a_welsh_page(world):
    from svduty.web.notifications.service import notify

    provider = _user("provider")
    provider.email = "p@example.org"
    provider.save()
    assert provider.profile.language == ""
    with translation.override("cy"):
        notify("more_info_requested", to=[provider], context={"reference": "EOI-9", "application": world.draft})
    assert mail.outbox[-1].subject == "More information needed for EOI-9"


def test_switch_saves_the_preference_when_signed_in_and_not_when_anonymous(world):
    client = client_for("provider")
    response = client.get(reverse("core:language", args=["cy"]), {"next": "/"})
    assert response.status_code == 302 and response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "cy"
    assert _user("provider").profile.language == "cy"
    client.get(reverse("core:language", args=["en-gb"]))
    assert _user("provider").profile.language == "en-gb"
    anonymous = Client()
    response = anonymous.get(reverse("core:language", args=["cy"]))
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "cy"


def test_account_page_sets_the_language_and_sign_in_follows_it(world):
    client = client_for("assessor")
    url = reverse("accounts:account")
    page = client.get(url).content.decode()
    assert "Your account" in page and 'name="language"' in page and "assessor" in page
    response = client.post(url, {"language": "cy"})
    assert response.status_code == 302 and response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "cy"
    assert _user("assessor").profile.language == "cy"
    page = client.get(url).content.decode()
    assert 'lang="cy"' in page and 'value="cy" checked' in page
    # Invalid choice: the GOV.UK error, nothing saved.
    response = client.post(url, {"language": "fr"})
    assert response.status_code == 200 and _user("assessor").profile.language == "cy"
    # A fresh browser (no cookie): signing in brings the person's language back.
    fresh = Client()
    response = fresh.post(reverse("core:login"), {"username": "assessor", "password": "svduty-demo"})
    assert response.status_code == 302
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "cy"


def test_signing_in_after_choosing_welsh_records_the_choice(world):
    fresh = Client()
    fresh.cookies[settings.LANGUAGE_COOKIE_NAME] = "cy"
    fresh.post(reverse("core:login"), {"username": "ceo", "password": "svduty-demo"})
    assert _user("ceo").profile.language == "cy"


def test_account_page_needs_signing_in():
    response = Client().get(reverse("accounts:account"))
    assert response.status_code == 302 and "/sign-in/" in response["Location"]
