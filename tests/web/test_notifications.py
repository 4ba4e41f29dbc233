"""notify(): every message rendered from its event's templates, sent through Django's e-mail backend (locmem under
pytest), recorded with its status (failures too), and shown to user recipients in-app."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.test import override_settings

from svduty.web.notifications.models import Message, Notification
from svduty.web.notifications.options import EVENT_CONTEXT, Event
from svduty.web.notifications.service import REDACTED, notify

pytestmark = pytest.mark.django_db


def _user(name="provider"):
    return get_user_model().objects.get(username=name)


def test_notify_sends_records_and_creates_in_app_notification(world):
    provider = _user()
    provider.email = "lead@upstanders.example"
    provider.save()
    sent = notify(
        "eoi_submitted",
        to=[provider, "finance@upstanders.example"],
        context={"application": world.draft, "reference": "EOI-42", "round": world.open_round},
        obj=world.draft,
    )
    assert [m.status for m in sent] == ["sent", "sent"]
    assert sorted(m.to[0] for m in mail.outbox) == ["finance@upstanders.example", "lead@upstanders.example"]
    email = mail.outbox[0]
    assert email.subject == "Expression of interest received: EOI-42"
    assert "Peer mentoring pilot" in email.body and world.open_round.title in email.body
    record = Message.objects.get(recipient=provider)
    assert (record.event, record.subject, record.object_id) == ("eoi_submitted", email.subject, str(world.draft.pk))
    assert record.obj == world.draft and record.sent_at is not None
    note = Notification.objects.get(user=provider)
    assert note.subject == email.subject and note.read_at is None and note.message == record
    # the bare address gets the e-mail only
    assert Notification.objects.count() == 1


def test_user_without_address_gets_in_app_only(world):
    assessor = _user("assessor")
    assessor.email = ""
    assessor.save()
    (message,) = notify(
        "assessor_assigned", to=[assessor], context={"application": world.submitted_fresh, "round": world.open_round}
    )
    assert message.status == "no_address" and mail.outbox == []
    assert Notification.objects.filter(user=assessor, event="assessor_assigned").count() == 1


class ExplodingBackend:
    def __init__(self, *args, **kwargs):
        pass

    def send_messages(self, messages):
        raise ConnectionRefusedError("SMTP server at mail.example refused the connection")


@override_settings(EMAIL_BACKEND="tests.web.test_notifications.ExplodingBackend")
def test_failure_is_recorded_not_raised(world):
    (message,) = notify(
        "decline_letter",
        to=["someone@example.org"],
        context={"application": world.other_app, "reference": "EOI-7", "reason": "Outside the eligible area"},
    )
    message.refresh_from_db()
    assert message.status == "failed"
    assert "ConnectionRefusedError" in message.error and "refused" in message.error
    assert "Outside the eligible area" in message.body


def test_secret_links_are_sent_but_never_stored(world):
    user = _user("officer")
    user.email = "officer@demoshire.example"
    user.save()
    secret = "http://testserver/password-reset/MQ/abc-123def/"
    (message,) = notify(
        "password_reset", to=[user], context={"user": user, "reset_url": secret, "username": user.username}
    )
    assert secret in mail.outbox[0].body
    message.refresh_from_db()
    assert secret not in message.body and REDACTED in message.body
    assert secret not in Notification.objects.get(message=message).body


def test_every_event_has_templates_that_render(world):
    """Each event key renders a non-empty subject and body from the context its docstring lists."""
    user = _user("officer")
    record = world.record("draft")
    values = {
        "application": world.submitted_fresh,
        "reference": "REF-1",
        "round": world.open_round,
        "message": "Please send your safeguarding policy.",
        "respond_by": None,
        "due_on": world.open_round.closes_on if hasattr(world.open_round, "closes_on") else None,
        "overdue": False,
        "decision": record,
        "title": "A decision",
        "amount": "£1,000",
        "years": "2025-26",
        "decision_reference": "DN1-25",
        "reason": "Not eligible",
        "user": user,
        "reset_url": "http://x/reset",
        "username": user.username,
        "invitation": None,
        "accept_url": "http://x/accept",
        "invited_by": user,
        "role_label": "Assessor",
        "organisation": None,
        "expires_at": None,
    }
    assert set(EVENT_CONTEXT) == set(Event.values)
    for event, keys in EVENT_CONTEXT.items():
        (message,) = notify(event, to=["x@example.org"], context={k: values[k] for k in keys})
        assert message.status == "sent" and message.subject.strip() and message.body.strip(), event
    assert len(mail.outbox) == len(Event.values)


def test_unknown_event_is_refused():
    with pytest.raises(ValueError, match="unknown notification event"):
        notify("nope", to=[], context={})


def test_inbox_mark_read_and_header_count(clients, world):
    provider = _user()
    notify(
        "eoi_submitted",
        to=[provider],
        context={"application": world.draft, "reference": "EOI-9", "round": world.open_round},
    )
    page = clients["provider"].get("/notifications/")
    assert page.status_code == 200
    assert b"EOI-9" in page.content and b"svduty-count" in page.content
    note = Notification.objects.get(user=provider)
    # another user cannot mark it read
    assert clients["officer"].post(f"/notifications/{note.pk}/read/").status_code == 403
    assert clients["provider"].post(f"/notifications/{note.pk}/read/").status_code == 302
    note.refresh_from_db()
    assert note.read_at is not None
    page = clients["provider"].get("/notifications/")
    assert b"EOI-9" not in page.content and b"svduty-count" not in page.content
    assert b"EOI-9" in clients["provider"].get("/notifications/?show=all").content


def test_message_log_is_staff_only_and_filters(clients, world):
    notify(
        "decline_letter",
        to=["a@example.org"],
        context={"application": world.other_app, "reference": "EOI-3", "reason": "r"},
    )
    notify(
        "award_letter",
        to=["b@example.org"],
        context={"application": world.awarded_app, "reference": "EOI-4", "amount": "£5"},
    )
    for role in ("admin", "officer"):
        page = clients[role].get("/notifications/messages/?event=decline_letter")
        assert page.status_code == 200 and b"a@example.org" in page.content and b"b@example.org" not in page.content
    assert b"b@example.org" in clients["officer"].get("/notifications/messages/?q=b%40example").content
    for role in ("assessor", "chief_executive", "pcc", "provider"):
        assert clients[role].get("/notifications/messages/").status_code == 403
    assert clients["public"].get("/notifications/messages/").status_code == 302
    message = Message.objects.get(recipient_email="a@example.org")
    assert clients["officer"].get(f"/notifications/messages/{message.pk}/").status_code == 200
    assert clients["provider"].get(f"/notifications/messages/{message.pk}/").status_code == 403
