"""What a consultation's responses add up to: responses by age band and channel, themes by how many responses
raised them, and the spread of answers to choice and scale questions. Plain counts of the stored rows."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from django.db.models import Count

from .models import Answer, Consultation, Theme
from .options import AgeBand, QuestionKind


@dataclass(frozen=True)
class ThemeCount:
    theme: Theme
    responses: int
    share: float | None


def theme_counts(consultation: Consultation) -> list[ThemeCount]:
    """Each theme with the number of distinct responses that have at least one answer coded with it."""
    total = consultation.responses.count()
    rows = (
        Theme.objects.filter(consultation=consultation)
        .annotate(n=Count("answers__response", distinct=True))
        .order_by("-n", "name")
    )
    return [ThemeCount(t, t.n, t.n / total if total else None) for t in rows]


def by_age_band(consultation: Consultation) -> list[tuple[str, int]]:
    counts = Counter(consultation.responses.values_list("age_band", flat=True))
    return [(str(label), counts[value]) for value, label in AgeBand.choices if counts[value]]


def closed_answers(consultation: Consultation) -> list[tuple[object, list[tuple[str, int]]]]:
    """For each choice or scale question, how many responses gave each answer (in the question's own order)."""
    out = []
    for question in consultation.questions.exclude(kind=QuestionKind.TEXT):
        counts = Counter(Answer.objects.filter(question=question).exclude(text="").values_list("text", flat=True))
        options = question.choice_list if question.kind == QuestionKind.CHOICE else [str(i) for i in range(1, 6)]
        out.append((question, [(option, counts[option]) for option in options]))
    return out
