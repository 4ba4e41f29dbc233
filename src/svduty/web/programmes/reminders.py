"""Reminders to providers about quarterly returns, sent through Django's email backend and recorded.

Cron-friendly: run it daily. A return due within ``days_before`` days gets one "due soon" reminder; a late one gets
an "overdue" reminder at most once every ``repeat_days`` days. Running twice on the same day sends nothing twice.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import EmailMessage, get_connection
from django.db import IntegrityError, transaction
from django.utils.formats import date_format
from django.utils.translation import gettext

from svduty.web.core.options import Role

from .models import MonitoringReturn, Reminder
from .options import ReturnStatus


@dataclass
class Outcome:
    sent: list[Reminder]
    skipped_no_address: list[MonitoringReturn]


def _recipients(organisation_id: int) -> list[str]:
    users = get_user_model().objects.filter(
        is_active=True, profile__role=Role.PROVIDER, profile__organisation_id=organisation_id
    )
    return sorted({u.email for u in users if u.email})


def _message(r: MonitoringReturn, kind: str, today: date) -> tuple[str, str]:
    base = getattr(settings, "SVDUTY_SITE_URL", "").rstrip("/")
    link = f"{base}/delivery/returns/{r.pk}/edit/" if base else f"/delivery/returns/{r.pk}/edit/"
    # The e-mail is in the language active when it is sent (English from cron); dates in that language's words.
    values = {"period": r.period, "title": r.programme.title, "due": date_format(r.due_on, "d F Y")}
    if kind == "overdue":
        values["days"] = (today - r.due_on).days
        subject = gettext("Overdue: quarterly return %(period)s for %(title)s") % values
        opening = gettext("Your quarterly monitoring return for %(period)s was due on %(due)s (%(days)s days ago).")
    else:
        subject = gettext("Due %(due)s: quarterly return %(period)s for %(title)s") % values
        opening = gettext("Your quarterly monitoring return for %(period)s is due on %(due)s.")
    comments = gettext("The partnership's comments on your last version: %(comment)s")
    body = (
        opening % values
        + "\n\n"
        + gettext("Programme: %(title)s (%(reference)s)")
        % {"title": r.programme.title, "reference": r.programme.reference}
        + "\n"
        + gettext("Fill it in and submit it here: %(link)s") % {"link": link}
        + "\n\n"
        + (comments % {"comment": r.review_comment} + "\n\n" if r.review_comment else "")
        + gettext("This is an automatic reminder from the partnership's svduty service.")
    )
    return subject, body


def due_reminders(today: date, days_before: int = 7, repeat_days: int = 7) -> list[tuple[MonitoringReturn, str]]:
    open_returns = MonitoringReturn.objects.filter(
        status__in=(ReturnStatus.DRAFT, ReturnStatus.RETURNED), programme__status__in=("setup", "delivering", "paused")
    ).select_related("programme")
    soon = open_returns.filter(due_on__gte=today, due_on__lte=today + timedelta(days=days_before)).exclude(
        reminders__kind="due_soon"
    )
    late = open_returns.filter(due_on__lt=today).exclude(
        reminders__kind="overdue", reminders__sent_on__gt=today - timedelta(days=repeat_days)
    )
    return [(r, "due_soon") for r in soon] + [(r, "overdue") for r in late]


def send_reminders(today: date, *, days_before: int = 7, repeat_days: int = 7, dry_run: bool = False) -> Outcome:
    sent, skipped = [], []
    connection = None if dry_run else get_connection()
    for r, kind in due_reminders(today, days_before, repeat_days):
        to = _recipients(r.programme.organisation_id)
        if not to:
            skipped.append(r)
            continue
        subject, body = _message(r, kind, today)
        if dry_run:
            sent.append(
                Reminder(monitoring_return=r, kind=kind, sent_on=today, recipients=", ".join(to), subject=subject)
            )
            continue
        try:
            with transaction.atomic():
                reminder = Reminder.objects.create(
                    monitoring_return=r, kind=kind, sent_on=today, recipients=", ".join(to), subject=subject
                )
                EmailMessage(subject, body, settings.DEFAULT_FROM_EMAIL, to, connection=connection).send()
        except IntegrityError:
            continue  # another run sent this one today
        sent.append(reminder)
    return Outcome(sent=sent, skipped_no_address=skipped)
