"""The pathway rule engine: age at the incident from a date of birth, eligibility, the track, and step deadlines.

Pure functions of a ``Pathway`` and dates, so the web app, the API and the tests all use the same rules.

Age follows the law of England and Wales (Family Law Reform Act 1969 s.9): a person attains an age at the start of
the anniversary of their birth. Someone born on 29 February has their anniversary on 1 March in a common year, so
they turn 18 on 1 March, not on 28 February.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from svduty.analysis import AnalysisError

from .pathways import Pathway, Step, Track


def age_at(date_of_birth: date, on: date) -> int:
    """Whole years on ``on``; a 29 February birthday falls on 1 March in common years (tuple order does this)."""
    if on < date_of_birth:
        raise AnalysisError(f"the date {on.isoformat()} is before the date of birth {date_of_birth.isoformat()}")
    return on.year - date_of_birth.year - ((on.month, on.day) < (date_of_birth.month, date_of_birth.day))


@dataclass(frozen=True)
class Deadline:
    step: str
    name: str
    due: datetime


@dataclass(frozen=True)
class Decision:
    """What the rules say for one person: age at the incident, the track, the deadlines known so far."""

    age: int
    track: Track
    deadlines: tuple[Deadline, ...] = ()
    waiting_for: tuple[str, ...] = field(default=())  # events not known yet (e.g. release), so no deadline yet


class NotEligible(AnalysisError):
    """The person does not meet the pathway's eligibility rule; the message says why."""


def choose_track(pathway: Pathway, age: int) -> Track:
    """The first track whose age rule admits ``age``; ``NotEligible`` if the pathway or no track admits it."""
    if not pathway.eligibility.admits(age):
        raise NotEligible(f"{pathway.name} is for people {pathway.eligibility.describe()}: this person was {age}")
    for track in pathway.tracks:
        if track.when.admits(age):
            return track
    raise NotEligible(f"no track of {pathway.name} takes a person aged {age}")


def step_due(step: Step, events: Mapping[str, datetime | None]) -> datetime | None:
    """When ``step`` is due, or None when it has no time limit or its starting event is not known yet."""
    if step.from_event is None or step.due_after is None:
        return None
    start = events.get(step.from_event)
    if start is None:
        return None
    return start + timedelta(minutes=step.due_after.total_minutes)


def evaluate(
    pathway: Pathway, date_of_birth: date, incident_date: date, events: Mapping[str, datetime | None]
) -> Decision:
    """Age at ``incident_date`` decides the track; each step with a time limit gets its deadline from ``events``."""
    missing = [e for e in pathway.required_events if events.get(e) is None]
    if missing:
        raise AnalysisError(f"{pathway.name} needs {', '.join(missing)}")
    age = age_at(date_of_birth, incident_date)
    track = choose_track(pathway, age)
    deadlines, waiting = [], []
    for step in track.steps:
        due = step_due(step, events)
        if due is not None:
            deadlines.append(Deadline(step.slug, step.name, due))
        elif step.from_event is not None:
            waiting.append(step.from_event)
    return Decision(age, track, tuple(deadlines), tuple(dict.fromkeys(waiting)))
