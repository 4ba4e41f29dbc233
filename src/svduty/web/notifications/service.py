"""``notify``: the one way the service sends a message to a person.

Usage (from any app)::

    from svduty.web.notifications.service import notify
    notify("eoi_submitted", to=[application.created_by], context={"application": application,
           "reference": application.reference, "round": application.round}, obj=application, request=request)

``to`` holds users or e-mail addresses (a user without an address still gets the in-app notification). For each
recipient the event's templates are rendered (``notifications/email/<event>_subject.txt``, ``<event>.txt`` and, if
present, ``<event>.html``; the context each event expects is in ``options.EVENT_CONTEXT``), sent through Django's
e-mail backend, recorded as a ``Message`` (status sent / failed / no address, with the backend's error), and, for a
user, shown as an in-app ``Notification``. A failure to send never raises: it is recorded and the caller carries on.
E-mail leaves at once, so a caller inside a transaction that may still roll back (a workflow step) should send after
it commits: ``transaction.on_commit(lambda: notify(...))``.

The link in a message is ``context["link"]`` if given, else ``obj.get_absolute_url()``; it is made absolute with
``SVDUTY_SITE_URL`` or, failing that, the request's host.

Each message is written in the recipient's language (``Profile.language``, chosen with the language switch or on
the account page; a sign-in with the switch already on Welsh records it), whoever sends it: a Welsh-speaking
provider gets Welsh letters from an English-speaking officer. Someone who has not chosen gets English.

E-mail settings (environment, read in settings.py): console backend by default; ``SVDUTY_EMAIL_FILE_PATH`` writes
``.eml`` files to that folder; ``SVDUTY_SMTP_HOST`` (with ``SVDUTY_SMTP_PORT``, ``_USER``, ``_PASSWORD``,
``SVDUTY_SMTP_TLS=0`` to turn STARTTLS off) sends by SMTP; ``SVDUTY_FROM_EMAIL`` is the sender and
``SVDUTY_SITE_URL`` the base of links.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.core.mail import EmailMultiAlternatives
from django.template import TemplateDoesNotExist
from django.template.loader import render_to_string
from django.utils import timezone, translation

from svduty.web.core.language import language_of

from .models import Message, Notification
from .options import SENSITIVE_CONTEXT, Event, Status

log = logging.getLogger(__name__)
REDACTED = "[link removed from the record]"


def site_url(request=None) -> str:
    base = getattr(settings, "SVDUTY_SITE_URL", "").rstrip("/")
    if base:
        return base
    if request is not None:
        return request.build_absolute_uri("/").rstrip("/")
    return ""


def absolute(url: str, request=None) -> str:
    if not url or url.startswith(("http://", "https://")):
        return url
    return site_url(request) + url


def _service_name() -> str:
    """The name every page shows: the setting, else the partnership's own name (as ``core.context.site``)."""
    from svduty.web.core.context import current_partnership

    partnership = current_partnership()
    return settings.SVDUTY_PARTNERSHIP_NAME or (partnership.name if partnership else "svduty")


def _recipient(item) -> tuple[object | None, str]:
    User = get_user_model()
    if isinstance(item, User):
        return item, item.email or ""
    if isinstance(item, str):
        return None, item.strip()
    raise TypeError(f"notify(to=…) holds users or e-mail addresses, not {type(item).__name__}")


def _render(event: str, context: dict) -> tuple[str, str, str | None]:
    base = f"notifications/email/{event}"
    subject = " ".join(render_to_string(f"{base}_subject.txt", context).split())
    body = render_to_string(f"{base}.txt", context).strip() + "\n"
    try:
        html = render_to_string(f"{base}.html", context)
    except TemplateDoesNotExist:
        html = None
    return subject, body, html


def _language_for(user) -> str:
    """The recipient's language, not the sender's: their chosen one, else the service's default (English); only an
    address without an account (an invitation) is written in the language of the page that sent it."""
    if user is None:
        return translation.get_language() or settings.LANGUAGE_CODE
    return language_of(user) or settings.LANGUAGE_CODE


def notify(event: str, *, to: Iterable, context: dict, obj=None, request=None) -> list[Message]:
    """Send ``event`` to every recipient in ``to``; return the recorded messages (one per recipient)."""
    if event not in Event.values:
        raise ValueError(f"unknown notification event {event!r}; known: {', '.join(Event.values)}")
    link = context.get("link") or (obj.get_absolute_url() if hasattr(obj, "get_absolute_url") else "")
    common = {
        "site_url": site_url(request),
        "service_name": _service_name(),
        "obj": obj,
        **context,
        "link": absolute(link, request),
    }
    secret_keys = SENSITIVE_CONTEXT.get(event, ())
    content_type = ContentType.objects.get_for_model(obj) if obj is not None and obj.pk is not None else None
    sender = getattr(request, "user", None)
    sender = sender if sender is not None and sender.is_authenticated else None
    messages = []
    seen: set[tuple] = set()
    for item in to:
        user, email = _recipient(item)
        key = (user.pk if user else None, email.lower())
        if key in seen:
            continue
        seen.add(key)
        ctx = {**common, "recipient": user, "recipient_email": email}
        with translation.override(_language_for(user)):
            subject, body, html = _render(event, ctx)
            stored_body, stored_link = body, ctx["link"]
            if secret_keys:
                redacted = {**ctx, **{k: REDACTED for k in secret_keys if k in ctx}}
                stored_body = _render(event, redacted)[1]
                stored_link = "" if "link" in secret_keys else stored_link
        message = Message(
            event=event,
            recipient=user,
            recipient_email=email,
            subject=subject[:300],
            body=stored_body,
            link=stored_link[:500],
            content_type=content_type,
            object_id=str(obj.pk) if content_type else "",
            sent_by=sender,
        )
        if not email:
            message.status = Status.NO_ADDRESS
        else:
            try:
                mail = EmailMultiAlternatives(subject, body, settings.DEFAULT_FROM_EMAIL, [email])
                if html:
                    mail.attach_alternative(html, "text/html")
                mail.send(fail_silently=False)
                message.status = Status.SENT
            except Exception as exc:  # any backend failure (SMTP down, refused address) is recorded, never raised
                log.warning("notification %s to %s failed: %s", event, email, exc)
                message.status = Status.FAILED
                message.error = f"{type(exc).__name__}: {exc}"[:2000]
        message.sent_at = timezone.now()
        message.save()
        if user is not None:
            Notification.objects.create(
                user=user,
                event=event,
                subject=message.subject,
                body=stored_body,
                link=stored_link[:500],
                message=message,
                created_at=message.sent_at,
            )
        messages.append(message)
    return messages


def unread_count(user) -> int:
    if user is None or not user.is_authenticated:
        return 0
    return Notification.objects.filter(user=user, read_at__isnull=True).count()
