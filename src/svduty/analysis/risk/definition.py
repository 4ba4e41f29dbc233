"""The risk index definition as data: what counts, how much, how fast it fades, where the panel threshold sits.

A definition is a frozen value. Its ``content_hash()`` (SHA-256 of the canonical JSON of ``to_dict()``) is the
version identity: change any field — a weight, the threshold, even the description — and it is a new version, and
every score carries the version it was made with. The bundled ``default_index.toml`` is the starting point a
partnership copies and edits; ``default_definition()`` loads it.

Gravity follows the Cambridge Crime Harm Index (Sherman, Neyroud & Neyroud 2016): harm = days of custody at the
Sentencing Council guideline starting point for a first offender. Each weight names the guideline, its date and
where it was read. A weight that could not be sourced is kept visible with ``status = "unsourced"`` and blocks
approval (``approval_problems()``): a panel must not adopt an index built on an invented figure. A figure read only
second-hand (``status = "secondary"``: a published table's figure as another party tabulated it, named in
``read_via``) is counted in scores but also blocks approval until someone reads it at the primary source.
"""

from __future__ import annotations

import hashlib
import json
import math
import tomllib
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from svduty.analysis import AnalysisError

FORMAT = 1
FREQUENCY_MODES = ("sum", "top_n", "diminishing")
GRAVITY_STATUSES = ("sourced", "secondary", "unsourced")
DEFAULT_PATH = Path(__file__).with_name("default_index.toml")


class DefinitionError(AnalysisError):
    """A definition field is missing or wrong; ``field`` is its dotted path (``gravity[2].days``)."""

    def __init__(self, field_name: str, reason: str, *, source: str | None = None):
        self.field = field_name
        self.reason = reason
        self.source = source
        where = f"{source}: " if source else ""
        super().__init__(f"{where}index definition field {field_name!r}: {reason}")


@dataclass(frozen=True)
class GravityWeight:
    """Harm weight (days of custody) of one offence group, or of one Home Office offence code within it.

    A code-level entry wins over its group's entry. ``offence`` is the guideline offence the value is taken from
    (a police.uk crime type spans many offences, so the entry says which one stands for it and ``note`` why).
    """

    offence_group: str
    days: float | None
    offence: str
    guideline: str
    guideline_date: str  # ISO date the guideline came into force
    source: str  # where the starting point was read (URL or document)
    status: str = "sourced"
    offence_code: str | None = None
    note: str = ""
    superseded: bool = False  # the cited guideline has been replaced: the figure must be re-read before approval
    category: str = ""  # the guideline/CCHI category the figure is taken from (e.g. "culpability C, harm 3")
    starting_point: str = ""  # the raw figure as published ("1 year's custody", "365 days")
    read_via: str = ""  # for status "secondary": where the figure was actually read (not the primary source)

    @property
    def has_figure(self) -> bool:
        """A figure with a named source (primary or second-hand): counted in scores."""
        return (
            self.status in ("sourced", "secondary")
            and self.days is not None
            and bool(self.source)
            and bool(self.guideline_date)
        )

    @property
    def sourced(self) -> bool:
        """Read at the primary source: the only kind of figure an approved version may rest on."""
        return self.status == "sourced" and self.has_figure

    def key(self) -> tuple[str, str | None]:
        return (self.offence_group, self.offence_code)


@dataclass(frozen=True)
class Frequency:
    """How repeat involvements add up. Contributions always sum to the score whatever the mode.

    ``sum``: every counted involvement adds in full. ``top_n``: only the ``n`` largest contributions count (the rest
    are shown with factor 0). ``diminishing``: the k-th largest is multiplied by ``ratio ** (k - 1)``.
    """

    mode: str = "sum"
    n: int | None = None
    ratio: float | None = None


@dataclass(frozen=True)
class IndexDefinition:
    """One version of the index. Months are calendar months; see ``docs/risk.md`` for the window convention."""

    name: str
    description: str
    offence_groups: tuple[str, ...]
    roles: tuple[str, ...]
    lookback_months: int
    gravity: tuple[GravityWeight, ...]
    gravity_source: str
    guidelines_date: str  # the date the Sentencing Council guidelines were read (ISO)
    half_life_months: float
    frequency: Frequency
    knife_weight: float  # multiplier on a knife-flagged involvement's contribution (1 = no extra weight)
    threshold: float  # score at or above which a person is listed for the multi-agency panel (advisory)
    outcome_groups: tuple[str, ...]  # validation outcome: later recorded for one of these with the knife flag …
    outcome_knife_only: bool = True  # … (False: any of these groups counts as the outcome)
    exclude_proactive: bool = True  # CCHI: offences found by proactive policing measure enforcement, not harm
    owner: str = ""
    format: int = FORMAT

    # -- identity -----------------------------------------------------------------------------------------------
    def to_dict(self) -> dict[str, Any]:
        """Plain JSON/TOML-ready data; ``from_dict(to_dict(d)) == d``."""
        out: dict[str, Any] = {
            "format": self.format,
            "name": self.name,
            "description": self.description,
            "owner": self.owner,
            "offence_groups": list(self.offence_groups),
            "roles": list(self.roles),
            "lookback_months": self.lookback_months,
            "half_life_months": self.half_life_months,
            "frequency": {k: v for k, v in vars(self.frequency).items() if v is not None},
            "knife_weight": self.knife_weight,
            "threshold": self.threshold,
            "exclude_proactive": self.exclude_proactive,
            "outcome_groups": list(self.outcome_groups),
            "outcome_knife_only": self.outcome_knife_only,
            "gravity_source": self.gravity_source,
            "guidelines_date": self.guidelines_date,
            "gravity": [
                {k: v for k, v in vars(g).items() if v is not None and v != "" and not (k == "superseded" and not v)}
                for g in self.gravity
            ],
        }
        return out

    def content_hash(self) -> str:
        """SHA-256 (hex) of the canonical JSON: the version identity."""
        text = json.dumps(self.to_dict(), sort_keys=True, separators=(",", ":"), ensure_ascii=False)
        return hashlib.sha256(text.encode("utf-8")).hexdigest()

    @property
    def version(self) -> str:
        """Short version label (first 12 hex digits of ``content_hash()``), printed in every output."""
        return self.content_hash()[:12]

    # -- use ----------------------------------------------------------------------------------------------------
    def gravity_for(self, offence_group: str, offence_code: str | None = None) -> GravityWeight | None:
        """The code-level weight if there is one, else the group's; None when the group has no weight."""
        by_key = {g.key(): g for g in self.gravity}
        if offence_code is not None and (offence_group, offence_code) in by_key:
            return by_key[(offence_group, offence_code)]
        return by_key.get((offence_group, None))

    def approval_problems(self, *, allow_second_hand: bool = False) -> list[str]:
        """Why this version must not be approved for use (empty list = nothing in the definition stops it).

        The web app's ALGO-CARE checklist adds the human checks; these are the ones the data can settle.
        ``allow_second_hand`` drops the second-hand-figure problems (``second_hand_figures()`` still lists them):
        the web app passes it only for its labelled DEMO version on synthetic data.
        """

        def name(g: GravityWeight) -> str:
            return f"{g.offence_group}{f' (code {g.offence_code})' if g.offence_code else ''}"

        problems = [
            f"gravity weight for {name(g)} is unsourced: no guideline starting point is cited"
            for g in self.gravity
            if not g.has_figure
        ]
        if not allow_second_hand:
            problems += self.second_hand_figures()
        problems += [
            f"gravity weight for {g.offence_group} cites a superseded guideline ({g.guideline}): "
            "re-read the current one"
            for g in self.gravity
            if g.has_figure and g.superseded
        ]
        if not self.owner.strip():
            problems.append("no owner is named")
        return problems

    def second_hand_figures(self) -> list[str]:
        """The counted figures read only second-hand (status ``secondary``), each to be checked at its source."""
        return [
            f"gravity weight for {g.offence_group}{f' (code {g.offence_code})' if g.offence_code else ''} "
            f"({g.days:g} days) was read second-hand, not at its primary source: check it there ({g.guideline}, "
            f"in force {g.guideline_date}) before approval"
            for g in self.gravity
            if g.has_figure and not g.sourced
        ]

    # -- reading ------------------------------------------------------------------------------------------------
    @classmethod
    def from_dict(cls, data: dict[str, Any], *, source: str | None = None) -> IndexDefinition:
        """Validate and build; a ``DefinitionError`` names the first wrong field."""
        return _parse(data, source)

    @classmethod
    def from_toml(cls, path: Path | str) -> IndexDefinition:
        path = Path(path)
        try:
            data = tomllib.loads(path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            raise DefinitionError("(file)", "file not found", source=str(path)) from None
        except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
            raise DefinitionError("(file)", f"not valid TOML: {exc}", source=str(path)) from None
        return _parse(data, str(path))


def default_definition() -> IndexDefinition:
    """The bundled default (``default_index.toml``)."""
    return IndexDefinition.from_toml(DEFAULT_PATH)


# -- validation ---------------------------------------------------------------------------------------------------
_TOP_FIELDS = {
    "format",
    "name",
    "description",
    "owner",
    "offence_groups",
    "roles",
    "lookback_months",
    "half_life_months",
    "frequency",
    "knife_weight",
    "threshold",
    "exclude_proactive",
    "outcome_groups",
    "outcome_knife_only",
    "gravity_source",
    "guidelines_date",
    "gravity",
}
_GRAVITY_FIELDS = {f for f in GravityWeight.__dataclass_fields__}


class _Reader:
    def __init__(self, data: Any, source: str | None, prefix: str = ""):
        if not isinstance(data, dict):
            raise DefinitionError(prefix or "(top level)", "must be a table of fields", source=source)
        self.data, self.source, self.prefix = data, source, prefix

    def fail(self, name: str, reason: str) -> DefinitionError:
        return DefinitionError(f"{self.prefix}{name}", reason, source=self.source)

    def get(self, name: str, default: Any = ...) -> Any:
        if name not in self.data:
            if default is ...:
                raise self.fail(name, "missing")
            return default
        return self.data[name]

    def text(self, name: str, default: Any = ..., *, empty_ok: bool = False) -> str:
        v = self.get(name, default)
        if not isinstance(v, str) or (not empty_ok and not v.strip()):
            raise self.fail(name, "must be text" + ("" if empty_ok else " (not empty)"))
        return v

    def number(self, name: str, default: Any = ..., *, low: float | None = None, low_open: bool = False) -> float:
        v = self.get(name, default)
        if isinstance(v, bool) or not isinstance(v, int | float) or not math.isfinite(v):
            raise self.fail(name, f"must be a number, not {v!r}")
        if low is not None and (v <= low if low_open else v < low):
            raise self.fail(name, f"must be {'>' if low_open else '≥'} {low:g}, not {v!r}")
        return float(v)

    def integer(self, name: str, default: Any = ..., *, low: int = 1) -> int:
        v = self.get(name, default)
        if isinstance(v, bool) or not isinstance(v, int) or v < low:
            raise self.fail(name, f"must be a whole number ≥ {low}, not {v!r}")
        return v

    def boolean(self, name: str, default: Any = ...) -> bool:
        v = self.get(name, default)
        if not isinstance(v, bool):
            raise self.fail(name, f"must be true or false, not {v!r}")
        return v

    def texts(self, name: str) -> tuple[str, ...]:
        v = self.get(name)
        if not isinstance(v, list) or not v or not all(isinstance(x, str) and x.strip() for x in v):
            raise self.fail(name, "must be a non-empty list of text")
        if len(set(v)) != len(v):
            raise self.fail(name, "lists a value twice")
        return tuple(v)

    def iso_date(self, name: str) -> str:
        v = self.get(name)
        if isinstance(v, date):
            v = v.isoformat()
        if not isinstance(v, str):
            raise self.fail(name, f"must be a date YYYY-MM-DD, not {v!r}")
        try:
            date.fromisoformat(v)
        except ValueError:
            raise self.fail(name, f"must be a date YYYY-MM-DD, not {v!r}") from None
        return v

    def unknown(self, allowed: set[str]) -> None:
        extra = sorted(set(self.data) - allowed)
        if extra:
            raise self.fail(extra[0], f"unknown field (known: {', '.join(sorted(allowed))})")


def _parse(data: Any, source: str | None) -> IndexDefinition:
    r = _Reader(data, source)
    r.unknown(_TOP_FIELDS)
    fmt = r.integer("format", FORMAT)
    if fmt != FORMAT:
        raise r.fail("format", f"this svduty reads format {FORMAT}, not {fmt}")
    offence_groups = r.texts("offence_groups")
    gravity = _gravity(r, offence_groups)
    return IndexDefinition(
        name=r.text("name"),
        description=r.text("description"),
        owner=r.text("owner", "", empty_ok=True),
        offence_groups=offence_groups,
        roles=r.texts("roles"),
        lookback_months=r.integer("lookback_months"),
        half_life_months=r.number("half_life_months", low=0, low_open=True),
        frequency=_frequency(r),
        knife_weight=r.number("knife_weight", low=0),
        threshold=r.number("threshold", low=0),
        exclude_proactive=r.boolean("exclude_proactive", True),
        outcome_groups=r.texts("outcome_groups"),
        outcome_knife_only=r.boolean("outcome_knife_only", True),
        gravity_source=r.text("gravity_source"),
        guidelines_date=r.iso_date("guidelines_date"),
        gravity=gravity,
        format=fmt,
    )


def _frequency(r: _Reader) -> Frequency:
    f = _Reader(r.get("frequency", {"mode": "sum"}), r.source, "frequency.")
    f.unknown({"mode", "n", "ratio"})
    mode = f.text("mode", "sum")
    if mode not in FREQUENCY_MODES:
        raise f.fail("mode", f"must be one of {', '.join(FREQUENCY_MODES)}, not {mode!r}")
    if mode == "top_n":
        return Frequency(mode, n=f.integer("n"))
    if mode == "diminishing":
        ratio = f.number("ratio", low=0, low_open=True)
        if ratio > 1:
            raise f.fail("ratio", f"must be ≤ 1, not {ratio:g}")
        return Frequency(mode, ratio=ratio)
    for extra in ("n", "ratio"):
        if extra in f.data:
            raise f.fail(extra, "only used with mode 'top_n' (n) or 'diminishing' (ratio)")
    return Frequency(mode)


def _gravity(r: _Reader, offence_groups: tuple[str, ...]) -> tuple[GravityWeight, ...]:
    rows = r.get("gravity")
    if not isinstance(rows, list) or not rows:
        raise r.fail("gravity", "must be a non-empty list of weights ([[gravity]] tables)")
    out: list[GravityWeight] = []
    seen: set[tuple[str, str | None]] = set()
    for i, row in enumerate(rows):
        g = _Reader(row, r.source, f"gravity[{i}].")
        g.unknown(_GRAVITY_FIELDS)
        status = g.text("status", "sourced")
        if status not in GRAVITY_STATUSES:
            raise g.fail("status", f"must be one of {', '.join(GRAVITY_STATUSES)}, not {status!r}")
        days = g.get("days", None)
        if days is not None:
            days = g.number("days", low=0)
        elif status != "unsourced":
            raise g.fail("days", "missing (a weight without a figure must say status = 'unsourced')")
        if status == "secondary" and not str(g.get("read_via", "")).strip():
            raise g.fail("read_via", "missing (a second-hand figure must say where it was read)")
        has_figure = status != "unsourced"
        code = g.get("offence_code", None)
        if code is not None and (not isinstance(code, str) or not code.strip()):
            raise g.fail("offence_code", "must be text")
        weight = GravityWeight(
            offence_group=g.text("offence_group"),
            days=days,
            offence=g.text("offence"),
            guideline=g.text("guideline", "", empty_ok=not has_figure),
            guideline_date=g.iso_date("guideline_date") if has_figure or g.get("guideline_date", "") else "",
            source=g.text("source", "", empty_ok=not has_figure),
            status=status,
            offence_code=code,
            note=g.text("note", "", empty_ok=True),
            superseded=g.boolean("superseded", False),
            category=g.text("category", "", empty_ok=True),
            starting_point=g.text("starting_point", "", empty_ok=True),
            read_via=g.text("read_via", "", empty_ok=True),
        )
        if weight.key() in seen:
            raise g.fail("offence_group", f"a second weight for {weight.offence_group} {code or ''}".rstrip())
        seen.add(weight.key())
        out.append(weight)
    missing = [grp for grp in offence_groups if (grp, None) not in seen]
    if missing:
        raise r.fail("gravity", f"no group-level weight for counted offence group {missing[0]!r}")
    return tuple(out)
