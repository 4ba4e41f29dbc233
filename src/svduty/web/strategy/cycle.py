"""The annual Duty cycle: the recurring obligations of a partnership as calendar items, and what is due or overdue.

Default dates are a starting point the officer edits (every item has a due date field): the SNA refresh before the
strategy review, the review before publication by 31 January (the date the statutory guidance first set for
strategies, 2024), board meetings mid-quarter, programme monitoring returns 30 days after each quarter end (the
programmes app's default), Home Office grant returns on the same rhythm until the grant letter's dates are entered.
"""

from __future__ import annotations

from datetime import date, timedelta

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from svduty.web.programmes.models import quarter_end

from .models import Obligation
from .options import ObligationKind as K
from .options import Recurrence

DUE_SOON_DAYS = 30


def _add_years(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


def _add_quarter(day: date) -> date:
    month = day.month + 3
    year = day.year + (month - 1) // 12
    month = (month - 1) % 12 + 1
    for d in (day.day, 30, 29, 28):
        try:
            return date(year, month, d)
        except ValueError:
            continue
    raise ValueError(day)


def financial_year_items(financial_year: str) -> list[dict]:
    """The default obligations of one financial year, e.g. ``2024-25`` (April 2024 to March 2025)."""
    start = int(financial_year[:4])
    items = [
        {
            "kind": K.SNA_REFRESH,
            "title": _("Refresh the strategic needs assessment (%(fy)s)"),
            "due_on": date(start, 9, 30),
            "recurrence": Recurrence.ANNUAL,
        },
        {
            "kind": K.STRATEGY_REVIEW,
            "title": _("Review the strategy against the refreshed SNA (%(fy)s)"),
            "due_on": date(start, 12, 31),
            "recurrence": Recurrence.ANNUAL,
        },
        {
            "kind": K.STRATEGY_PUBLICATION,
            "title": _("Publish the reviewed strategy (%(fy)s)"),
            "due_on": date(start + 1, 1, 31),
            "recurrence": Recurrence.ANNUAL,
        },
    ]
    for q in (1, 2, 3, 4):
        end = quarter_end(financial_year, q)
        mid = date(end.year, end.month - 1, 15) if end.month > 1 else date(end.year - 1, 12, 15)
        label = {"fy": financial_year, "q": q}
        items += [
            {
                "kind": K.BOARD_MEETING,
                "title": _("Serious Violence Board meeting, %(fy)s Q%(q)s") % label,
                "due_on": mid,
                "recurrence": Recurrence.ONCE,
            },
            {
                "kind": K.MONITORING_QUARTER,
                "title": _("Programme monitoring returns due, %(fy)s Q%(q)s") % label,
                "due_on": end + timedelta(days=30),
                "recurrence": Recurrence.ONCE,
            },
            {
                "kind": K.HOME_OFFICE_RETURN,
                "title": _("Home Office Duty grant return, %(fy)s Q%(q)s") % label,
                "due_on": end + timedelta(days=30),
                "recurrence": Recurrence.ONCE,
            },
        ]
    for item in items[:3]:
        item["title"] = item["title"] % {"fy": financial_year}
    return items


def create_year(partnership, financial_year: str, *, is_demo: bool = False) -> list[Obligation]:
    """Add the year's default items that the partnership does not have yet (same kind and title)."""
    made = []
    with transaction.atomic():
        for item in financial_year_items(financial_year):
            obj, created = Obligation.objects.get_or_create(
                partnership=partnership,
                kind=item["kind"],
                title=item["title"],
                defaults={"due_on": item["due_on"], "recurrence": item["recurrence"], "is_demo": is_demo},
            )
            if created:
                made.append(obj)
    return made


def next_due(item: Obligation) -> date | None:
    if item.recurrence == Recurrence.ANNUAL:
        return _add_years(item.due_on, 1)
    if item.recurrence == Recurrence.QUARTERLY:
        return _add_quarter(item.due_on)
    return None


def mark_done(item: Obligation, user, on: date | None = None) -> Obligation | None:
    """Mark ``item`` done; a recurring item gets its next occurrence (returned)."""
    with transaction.atomic():
        item.done_on = on or timezone.localdate()
        item.done_by = user
        following = None
        due = next_due(item)
        if due and item.next_item_id is None:
            following = Obligation.objects.create(
                partnership=item.partnership,
                kind=item.kind,
                title=item.title,
                due_on=due,
                recurrence=item.recurrence,
                owner=item.owner,
                is_demo=item.is_demo,
            )
            item.next_item = following
        item.save()
    return following


def due_and_overdue(partnership_ids, today: date | None = None, days: int = DUE_SOON_DAYS) -> dict[str, list]:
    """Open items past their date, and those due in the next ``days`` days (the officer's home page)."""
    today = today or timezone.localdate()
    open_items = Obligation.objects.filter(partnership_id__in=partnership_ids, done_on__isnull=True)
    return {
        "overdue": list(open_items.filter(due_on__lt=today).order_by("due_on")),
        "due": list(open_items.filter(due_on__gte=today, due_on__lte=today + timedelta(days=days)).order_by("due_on")),
    }


def home_context(user) -> dict:
    """The officer's home page: the Duty calendar's overdue items and those due in the next 30 days."""
    from svduty.web.partnership.models import Partnership

    from .permissions import can_manage_calendar

    if not can_manage_calendar(user):
        return {}
    return {"duty_calendar": due_and_overdue(Partnership.objects.values_list("pk", flat=True))}
