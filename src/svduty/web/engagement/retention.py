"""Retention of consultation answers: free text can hold what a young person wrote about themselves or someone
else, so once a consultation has been closed for its retention period (default 12 months) the answers' text is
erased. Theme codes, scale and choice answers, age bands, areas and the published summary stay, so the counts the
partnership cited are unchanged. Hooked into ``svduty retention`` (dry run first; ``--apply`` erases)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.db import transaction
from django.utils import timezone

from svduty.analysis.referrals.reoffending import add_months

from .models import Answer, Consultation
from .options import ConsultationStatus, QuestionKind


@dataclass(frozen=True)
class Due:
    consultation: Consultation
    erase_after: date
    answers: int


def due_for_erasure(today: date | None = None) -> list[Due]:
    today = today or timezone.localdate()
    out = []
    closed = Consultation.objects.filter(
        answers_erased_at__isnull=True, status__in=[ConsultationStatus.CLOSED, ConsultationStatus.PUBLISHED]
    )
    for consultation in closed.order_by("closes_on", "id"):
        limit = add_months(consultation.closes_on, consultation.retention_months)
        if limit <= today:
            out.append(Due(consultation, limit, _free_text(consultation).count()))
    return out


def _free_text(consultation):
    return Answer.objects.filter(
        response__consultation=consultation, question__kind=QuestionKind.TEXT, erased=False
    ).exclude(text="")


def erase(due: list[Due]) -> int:
    """Erase the free-text answers of each listed consultation; returns how many answers were erased."""
    done = 0
    for item in due:
        with transaction.atomic():
            consultation = Consultation.objects.select_for_update().get(pk=item.consultation.pk)
            if consultation.answers_erased_at is not None:
                continue
            done += _free_text(consultation).update(text="", erased=True)
            consultation.answers_erased_at = timezone.now()
            consultation.save()
    return done
