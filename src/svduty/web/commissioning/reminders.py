"""Review-due reminders: each panel assessor with a review still to make is e-mailed once when the deadline is near
and again every few days once it has passed. Each reminder is recorded, so a daily cron run never repeats one."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

from django.db import IntegrityError, transaction

from . import notify
from .models import Application, ReviewReminder
from .options import IN_REVIEW


@dataclass
class Outcome:
    sent: list[tuple[str, str, str]] = field(default_factory=list)  # (kind, reference, username)
    skipped_no_address: list[str] = field(default_factory=list)


def due_reviews(today: date, days_before: int):
    """(application, assessor, kind) for every review still owed on a round with a deadline within
    ``days_before`` days or past. An assessor who declared a conflict owes nothing."""
    apps = (
        Application.objects.filter(status__in=IN_REVIEW, round__review_deadline__isnull=False)
        .select_related("round__panel")
        .prefetch_related("reviews", "declarations", "round__panel__members")
    )
    for app in apps:
        deadline = app.round.review_deadline
        if today < deadline - timedelta(days=days_before):
            continue
        panel = getattr(app.round, "panel", None)
        if panel is None:
            continue
        reviewed = {r.assessor_id for r in app.reviews.all()}
        conflicted = {d.assessor_id for d in app.declarations.all() if d.has_conflict}
        for assessor in panel.members.all():
            if assessor.pk in reviewed or assessor.pk in conflicted:
                continue
            yield app, assessor, "overdue" if today > deadline else "due"


def send_review_reminders(today: date, *, days_before: int = 3, repeat_days: int = 3, dry_run: bool = False):
    outcome = Outcome()
    for app, assessor, kind in due_reviews(today, days_before):
        earlier = ReviewReminder.objects.filter(application=app, assessor=assessor, kind=kind)
        if kind == "due" and earlier.exists():
            continue
        if kind == "overdue" and earlier.filter(sent_on__gt=today - timedelta(days=repeat_days)).exists():
            continue
        if not assessor.email:
            outcome.skipped_no_address.append(assessor.username)
            continue
        outcome.sent.append((kind, app.reference, assessor.username))
        if dry_run:
            continue
        try:
            with transaction.atomic():
                ReviewReminder.objects.create(application=app, assessor=assessor, kind=kind, sent_on=today)
        except IntegrityError:  # another run today got there first
            outcome.sent.pop()
            continue
        notify.send(
            "review_due",
            to=[assessor],
            context={
                "application": app,
                "reference": app.reference,
                "round": app.round,
                "due_on": app.round.review_deadline,
                "overdue": kind == "overdue",
                "link": notify.link("commissioning:score", app.pk),
            },
            obj=app,
        )
    return outcome
