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
    if kind == "overdue":
        days = (today - r.due_on).days
        subject = f"Overdue: quarterly return {r.period} for {r.programme.title}"
        opening = f"Your quarterly monitoring return for {r.period} was due on {r.due_on:%d %B %Y} ({days} days ago)."
    else:
        subject = f"Due {r.due_on:%d %B %Y}: quarterly return {r.period} for {r.programme.title}"
        opening = f"Your quarterly monitoring return for {r.period} is due on {r.due_on:%d %B %Y}."
    body = (
        f"{opening}\n\nProgramme: {r.programme.title} ({r.programme.reference})\n"
        f"Fill it in and submit it here: {link}\n\n"
        + (f"The partnership's comments on your last version: {r.review_comment}\n\n" if r.review_comment else "")
        + "This is an automatic reminder from the partnership's svduty service."
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
