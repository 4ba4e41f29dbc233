"""A referral pathway as data: who it is for, which track a person goes on, the steps with time limits, the
services it may refer to and when outcomes are followed up. Pathways are YAML/TOML/JSON files validated here
(pydantic) and loaded into the web app's database; nothing about a pathway is coded elsewhere.

Age rules are ``min_age``/``max_age`` in whole years *at the incident date* (``rules.age_at``), both inclusive.
A step's deadline is ``due_after`` (minutes/hours/days) from one of the case's event times (``from_event``).
"""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from svduty.data import IngestError
from svduty.data.settings_file import read_settings_file

SHIPPED_DIR = Path(__file__).resolve().parent / "definitions"

# The event times a case may carry; a step counts its deadline from one of them.
EVENTS = ("incident_at", "attended_at", "arrest_notified_at", "released_at", "opened_at")
Event = Literal["incident_at", "attended_at", "arrest_notified_at", "released_at", "opened_at"]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class AgeRule(_Strict):
    min_age: int | None = Field(None, ge=0, le=120)
    max_age: int | None = Field(None, ge=0, le=120)

    @model_validator(mode="after")
    def _order(self) -> AgeRule:
        if self.min_age is not None and self.max_age is not None and self.min_age > self.max_age:
            raise ValueError(f"min_age {self.min_age} is above max_age {self.max_age}")
        return self

    def admits(self, age: int) -> bool:
        return (self.min_age is None or age >= self.min_age) and (self.max_age is None or age <= self.max_age)

    def describe(self) -> str:
        if self.min_age is not None and self.max_age is not None:
            return f"aged {self.min_age}–{self.max_age}"
        if self.min_age is not None:
            return f"aged {self.min_age} and over"
        if self.max_age is not None:
            return f"aged {self.max_age} or under"
        return "any age"


class Duration(_Strict):
    minutes: int = Field(0, ge=0)
    hours: int = Field(0, ge=0)
    days: int = Field(0, ge=0)

    @property
    def total_minutes(self) -> int:
        return self.minutes + 60 * self.hours + 1440 * self.days

    def describe(self) -> str:
        m = self.total_minutes
        if m % 1440 == 0 and m >= 3 * 1440:
            return f"{m // 1440} days" if m != 1440 else "1 day"
        if m % 60 == 0:
            return f"{m // 60} hours" if m != 60 else "1 hour"
        return f"{m} minutes"


class Step(_Strict):
    slug: str = Field(pattern=r"^[a-z0-9-]+$")
    name: str
    description: str = ""
    from_event: Event | None = None
    due_after: Duration | None = None
    engagement: bool = False  # completing it means the person engaged (an indicator programmes report)
    outcomes: tuple[str, ...] = ()  # e.g. the charge/remand decisions a step records

    @model_validator(mode="after")
    def _deadline(self) -> Step:
        if (self.from_event is None) != (self.due_after is None):
            raise ValueError(f"step {self.slug}: give both from_event and due_after, or neither")
        return self


class Track(_Strict):
    slug: str = Field(pattern=r"^[a-z0-9-]+$")
    name: str
    description: str = ""
    when: AgeRule = AgeRule()
    agency_kind: str | None = None  # the organisation type that owns cases on this track (default: the pathway's)
    steps: tuple[Step, ...] = ()
    assessments: tuple[str, ...] = ()


class Retention(_Strict):
    months_after_close: int = Field(ge=1, le=1200)
    basis: str = ""


class Comparison(_Strict):
    label: str
    rate: float = Field(ge=0, le=1)
    source: str


class Pathway(_Strict):
    slug: str = Field(pattern=r"^[a-z0-9-]+$")
    name: str
    description: str = ""
    owning_agency_kind: str
    referring_agency_kinds: tuple[str, ...] = ()
    eligibility: AgeRule = AgeRule()
    required_events: tuple[Event, ...] = ()
    tracks: tuple[Track, ...] = Field(min_length=1)
    service_types: tuple[str, ...] = ()
    referral_response_days: int = Field(5, ge=1, le=90)
    follow_up_months: tuple[int, ...] = (3, 6, 12)
    retention: Retention
    comparison: Comparison | None = None
    record_ed_reattendance: bool = False
    sources: tuple[str, ...] = ()

    @model_validator(mode="after")
    def _unique(self) -> Pathway:
        slugs = [t.slug for t in self.tracks]
        if len(set(slugs)) != len(slugs):
            raise ValueError("track slugs must be unique")
        for track in self.tracks:
            steps = [s.slug for s in track.steps]
            if len(set(steps)) != len(steps):
                raise ValueError(f"track {track.slug}: step slugs must be unique")
        if sorted(set(self.follow_up_months)) != list(self.follow_up_months):
            raise ValueError("follow_up_months must be increasing")
        return self

    def track(self, slug: str) -> Track:
        for track in self.tracks:
            if track.slug == slug:
                return track
        raise KeyError(slug)


def load_pathway(path: Path) -> Pathway:
    """Read and validate one pathway file; every problem is one ``IngestError`` naming the file and the field."""
    data = read_settings_file(path, "pathway file")
    try:
        return Pathway.model_validate(data)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"]) or "(pathway)"
        raise IngestError(first["msg"], file=str(path), field=where) from exc


def shipped_pathways() -> dict[str, Pathway]:
    """The pathways svduty ships (``definitions/*.yaml``), by slug."""
    found = [load_pathway(p) for p in sorted(SHIPPED_DIR.glob("*.yaml"))]
    return {p.slug: p for p in found}
