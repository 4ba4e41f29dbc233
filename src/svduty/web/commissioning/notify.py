"""Who hears about each commissioning step, and the one call that tells them: the notifications app's ``notify``
(e-mail through Django's backend, a record of every message and an in-app notification). The e-mail templates are
``notifications/email/<event>.txt``."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth import get_user_model
from django.urls import reverse

from svduty.web.core.options import Role


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


def scoring_assessors(application):
    """The panel's assessors who declared no conflict on ``application``: the ones whose scores a moderation fixes
    and who may change them once it is re-opened."""
    return list(
        get_user_model()
        .objects.filter(
            profile__role=Role.ASSESSOR,
            is_active=True,
            panels__round=application.round_id,
            declarations__application=application,
            declarations__has_conflict=False,
        )
        .distinct()
    )


def officers():
    return users_with_role(Role.OFFICER)


def send(event: str, *, to: list, context: dict, obj=None, request=None) -> None:
    """Tell ``to`` (users or addresses) about ``event`` through the notifications app, which records every message
    and never raises on a failed send: the step itself has already been recorded."""
    from svduty.web.notifications.service import notify

    recipients = [t for t in to if t]
    if recipients:
        notify(event, to=recipients, context=context, obj=obj, request=request)
