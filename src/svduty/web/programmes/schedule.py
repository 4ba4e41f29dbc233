"""From award to programme: the report schedule (one return per quarter of each funded financial year, due N days
after the quarter ends) and the default delivery plan."""

from __future__ import annotations

from datetime import timedelta

from django.db import transaction

from .models import MonitoringReturn, Programme, quarter_end
from .options import ProgrammeStatus


def schedule_returns(programme: Programme) -> int:
    """Create the missing returns of the schedule and move not-yet-submitted due dates to the current rule."""
    made = 0
    existing = {(r.financial_year, r.quarter): r for r in programme.returns.all()}
    for year in programme.years:
        for quarter in (1, 2, 3, 4):
            due = quarter_end(year, quarter) + timedelta(days=programme.report_due_days)
            found = existing.get((year, quarter))
            if found is None:
                MonitoringReturn.objects.create(
                    programme=programme, financial_year=year, quarter=quarter, due_on=due, is_demo=programme.is_demo
                )
                made += 1
            elif found.submitted_at is None and found.due_on != due:
                found.due_on = due
                found.save(update_fields=["due_on"])
    return made


@transaction.atomic
def create_programme(award, *, due_days: int = 30, user=None) -> Programme:
    """An approved award becomes a programme in set-up, with the approaches its EOI named and its schedule."""
    application = award.application
    programme = Programme.objects.create(
        award=award,
        organisation=application.organisation,
        title=application.title,
        status=ProgrammeStatus.SETUP,
        report_due_days=due_days,
        is_demo=application.is_demo,
    )
    use = getattr(application, "evidence_use", None)
    if use is not None:
        programme.approaches.set(use.approaches.all())
    schedule_returns(programme)
    return programme
