"""Who hears about each commissioning step, and the one call that tells them.

Messages go through the notifications app (``svduty.web.notifications.service.notify``: e-mail through Django's
backend, a record of every message and an in-app notification). Until that app is installed the same e-mail is sent
straight through Django's e-mail backend, so the applicant loop never depends on it being merged first."""

from __future__ import annotations

import logging

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import EmailMessage
from django.template.loader import render_to_string
from django.urls import reverse

from svduty.web.core.options import Role

log = logging.getLogger(__name__)


def link(path_name: str, *args, request=None) -> str:
    """An absolute link for an e-mail: from the request when there is one, else ``SVDUTY_SITE_URL``."""
    path = reverse(path_name, args=args)
    if request is not None:
        return request.build_absolute_uri(path)
    return (getattr(settings, "SVDUTY_SITE_URL", "") or "http://localhost:8000").rstrip("/") + path


def users_with_role(*roles: str):
    return list(get_user_model().objects.filter(profile__role__in=roles, is_active=True).exclude(email=""))


def applicant_users(application):
    """The provider organisation's own accounts (whoever of them is dealing with the EOI)."""
    return list(
        get_user_model()
        .objects.filter(profile__organisation=application.organisation, profile__role=Role.PROVIDER, is_active=True)
        .exclude(email="")
    )


def officers():
    return users_with_role(Role.OFFICER)


def send(event: str, *, to: list, context: dict, obj=None, request=None) -> None:
    """Tell ``to`` (users or addresses) about ``event``. A failure to send is logged, never shown to the user as a
    crash: the step itself has already been recorded."""
    to = [t for t in to if (t if isinstance(t, str) else getattr(t, "email", ""))]
    if not to:
        return
    try:
        from svduty.web.notifications.service import notify
    except ImportError:
        notify = None
    try:
        if notify is not None:
            notify(event, to=to, context=context, obj=obj, request=request)
            return
        subject = render_to_string(f"commissioning/email/{event}_subject.txt", context).strip()
        body = render_to_string(f"commissioning/email/{event}.txt", context)
        addresses = [t if isinstance(t, str) else t.email for t in to]
        EmailMessage(subject, body, settings.DEFAULT_FROM_EMAIL, addresses).send()
    except Exception:
        log.exception("could not send %s notification", event)
