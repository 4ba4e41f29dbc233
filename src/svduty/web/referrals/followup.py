"""Re-offending follow-up: for each case whose 3/6/12-month point has passed, look the pseudonym up in the
workspace's RMS involvements and record whether the person was a suspect again, and in what.

A&E re-attendance uses ``ed_attendances`` (``reoffending.ed_reattendances``); ISTV data carry no person identifier,
so until a hospital feed adds a pseudonymised ``person_id`` the result says the data do not allow it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path

from django.db import transaction
from django.utils import timezone

from svduty.analysis.referrals.reoffending import Lookup, ed_reattendances, suspect_incidents
from svduty.data.workspace import Workspace

from .models import FollowUp

NO_ED_LINK = "ED attendance data carry no person identifier (ISTV is anonymised): re-attendance not linked"


@dataclass(frozen=True)
class FollowUpRun:
    checked: int
    reoffended: int
    waiting: int


def due_follow_ups(today: date, *, recheck: bool = False):
    qs = FollowUp.objects.filter(due_on__lte=today).select_related("case__pathway")
    return qs if recheck else qs.filter(checked_at__isnull=True)


def run(workspace_path: Path, today: date | None = None, *, recheck: bool = False) -> FollowUpRun:
    """Record every due follow-up; ``recheck`` looks again at ones already recorded (e.g. after a new extract)."""
    today = today or timezone.localdate()
    rows = list(due_follow_ups(today, recheck=recheck))
    lookups = [Lookup(f.pk, f.case.pseudonym, f.case.opened_at.date(), f.due_on) for f in rows]
    with Workspace.open(workspace_path, read_only=True) as ws:
        results = suspect_incidents(ws.con, lookups)
        wants_ed = [lk for lk, f in zip(lookups, rows, strict=True) if f.case.pathway.spec.record_ed_reattendance]
        ed = ed_reattendances(ws.con, wants_ed) if wants_ed else {}
    now = timezone.now()
    with transaction.atomic():
        for f in rows:
            r = results[f.pk]
            f.checked_at, f.incidents, f.serious_violence = now, r.incidents, r.serious_violence
            f.reoffended, f.offences = r.incidents > 0, "; ".join(r.offences)[:500]
            if f.case.pathway.spec.record_ed_reattendance:
                if ed is None:
                    f.ed_reattended, f.ed_note = None, NO_ED_LINK
                else:
                    f.ed_reattended, f.ed_note = ed[f.pk] > 0, f"{ed[f.pk]} attendance(s) after the case start"
            f.save()
    waiting = FollowUp.objects.filter(due_on__gt=today, checked_at__isnull=True).count()
    return FollowUpRun(len(rows), sum(1 for f in rows if f.reoffended), waiting)
