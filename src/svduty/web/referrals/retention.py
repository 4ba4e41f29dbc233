"""Retention: closed cases past their pathway's period have their identity fields erased (name, date of birth,
contact details, source identifier and free-text notes); the pseudonym, ages, dates and outcomes stay for the
aggregate figures. Always list first (the dry run); erase only when asked."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.db import transaction
from django.utils import timezone

from svduty.analysis.referrals.reoffending import add_months

from .models import Case, CaseEvent, Consent, Deadline, Referral
from .options import CaseState


@dataclass(frozen=True)
class Due:
    case: Case
    closed_at: datetime
    erase_after: datetime


def due_for_erasure(now: datetime | None = None) -> list[Due]:
    now = now or timezone.now()
    out = []
    closed = Case.objects.filter(state=CaseState.CLOSED, identity_erased_at__isnull=True, closed_at__isnull=False)
    for case in closed.select_related("pathway").order_by("closed_at"):
        months = case.pathway.spec.retention.months_after_close
        local = timezone.localtime(case.closed_at)
        limit = local.replace(
            **dict(zip(("year", "month", "day"), _ymd(add_months(local.date(), months)), strict=True))
        )
        if limit <= now:
            out.append(Due(case, case.closed_at, limit))
    return out


def _ymd(day):
    return day.year, day.month, day.day


def erase(due: list[Due]) -> int:
    """Erase the identity of each listed case (re-checked under lock: a reopened case is skipped)."""
    done = 0
    for item in due:
        with transaction.atomic():
            case = Case.objects.select_for_update().get(pk=item.case.pk)
            if case.state != CaseState.CLOSED or case.identity_erased_at is not None:
                continue
            now = timezone.now()
            case.given_name = case.family_name = case.contact = case.source_ref = case.close_note = ""
            case.date_of_birth = None
            case.identity_erased_at = now
            case.save()
            Consent.objects.filter(case=case).update(reason="")
            Deadline.objects.filter(case=case).update(note="")
            Referral.objects.filter(case=case).update(note="", reject_reason="", done_note="")
            CaseEvent.objects.filter(case=case).exclude(action="open").update(note="")
            CaseEvent.objects.create(case=case, action="identity erased", note="retention period passed")
            done += 1
    return done
