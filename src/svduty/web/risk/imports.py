"""Importing the output of ``svduty risk score`` (scores.csv, components.csv, fairness.csv, model_card.md and the
validation files) as a scoring run of an index version.

Every check names the file, the row and the field: a wrong header, a number that is not one, a component of an
unknown person, a person whose contributions do not add up to their score, or scores made with another version.
Nothing is saved unless the whole output is right (one transaction).
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import math
from dataclasses import dataclass, field
from pathlib import Path

from django.db import transaction
from django.utils.translation import gettext as _

from .models import Component, PersonScore, ScoringRun
from .versions import label

SCORES = ("person", "score", "rank", "above_threshold", "index_version", "synthetic")
COMPONENTS = (
    "person",
    "incident_id",
    "month",
    "offence_group",
    "gravity",
    "recency_factor",
    "knife_flag",
    "contribution",
)
FAIRNESS = ("attribute", "group", "n", "selection_rate")
SWEEP = ("threshold_label", "threshold", "attribute", "group", "n", "selection_rate")
SUM_TOLERANCE = 1e-6
IDENTIFIER_COLUMNS = {"name", "given_name", "family_name", "source_ref", "source_id", "date_of_birth", "dob", "pnc"}


class ImportRefused(ValueError):
    """The output cannot be imported; the message names the file, row and field."""


@dataclass
class Output:
    """The files of one CLI run, as text (``model_card`` and ``validation`` optional)."""

    scores: str
    components: str
    fairness: str
    model_card: str = ""
    validation: dict = field(default_factory=dict)
    fairness_sweep: str = ""  # fairness_sweep.csv: the fairness table at candidate thresholds (optional)

    def sha256(self) -> dict[str, str]:
        parts = {"scores.csv": self.scores, "components.csv": self.components, "fairness.csv": self.fairness}
        if self.model_card:
            parts["model_card.md"] = self.model_card
        if self.fairness_sweep:
            parts["fairness_sweep.csv"] = self.fairness_sweep
        return {name: hashlib.sha256(text.encode("utf-8")).hexdigest() for name, text in parts.items()}


def read_directory(path: Path) -> Output:
    """The CLI's output directory; the validation and calibration files are kept as found."""
    path = Path(path)

    def text(name, required=True):
        file = path / name
        if not file.exists():
            if required:
                raise ImportRefused(_("%(file)s: missing from %(dir)s") % {"file": name, "dir": path})
            return ""
        try:
            return file.read_text(encoding="utf-8-sig")
        except UnicodeDecodeError:
            raise ImportRefused(_("%(file)s: not UTF-8 text") % {"file": name}) from None

    validation = {}
    for file in sorted([*path.glob("validation*"), *path.glob("calibration*")]):
        if file.suffix == ".json":
            try:
                validation[file.name] = json.loads(file.read_text(encoding="utf-8"))
            except (ValueError, UnicodeDecodeError):
                raise ImportRefused(_("%(file)s: not valid JSON") % {"file": file.name}) from None
        elif file.suffix in (".csv", ".txt", ".md"):
            validation[file.name] = file.read_text(encoding="utf-8", errors="replace")
    return Output(
        scores=text("scores.csv"),
        components=text("components.csv"),
        fairness=text("fairness.csv"),
        model_card=text("model_card.md", required=False),
        validation=validation,
        fairness_sweep=text("fairness_sweep.csv", required=False),
    )


def _rows(name: str, text: str, required: tuple[str, ...]) -> list[tuple[int, dict]]:
    reader = csv.DictReader(io.StringIO(text))
    header = reader.fieldnames or []
    identifying = sorted(IDENTIFIER_COLUMNS & {h.strip().lower() for h in header})
    if identifying:
        raise ImportRefused(
            _("%(file)s: column %(col)s would identify a person; outputs carry pseudonyms only")
            % {"file": name, "col": identifying[0]}
        )
    missing = [c for c in required if c not in header]
    if missing:
        raise ImportRefused(_("%(file)s: missing column %(col)s") % {"file": name, "col": missing[0]})
    return [(i, row) for i, row in enumerate(reader, start=2)]


def _number(name, line, row, column) -> float:
    raw = (row.get(column) or "").strip()
    try:
        value = float(raw)
    except ValueError:
        value = math.nan
    if not math.isfinite(value):
        raise ImportRefused(
            _("%(file)s row %(row)s, %(col)s: %(value)r is not a number")
            % {"file": name, "row": line, "col": column, "value": raw}
        )
    return value


def _optional(name, line, row, column) -> float | None:
    """A column the CLI writes today but the contract does not require (absent or empty: unknown)."""
    if not (row.get(column) or "").strip():
        return None
    return _number(name, line, row, column)


def _flag(name, line, row, column) -> bool:
    raw = (row.get(column) or "").strip().lower()
    if raw in ("true", "1", "yes"):
        return True
    if raw in ("false", "0", "no"):
        return False
    raise ImportRefused(
        _("%(file)s row %(row)s, %(col)s: %(value)r is not true or false")
        % {"file": name, "row": line, "col": column, "value": raw}
    )


def _fairness(text: str) -> list[dict]:
    rows = []
    for line, row in _rows("fairness.csv", text, FAIRNESS):
        clean = {k: (v if v is not None else "") for k, v in row.items() if k}
        for column in ("n", "selection_rate"):
            _number("fairness.csv", line, row, column)
        rows.append(clean)
    return rows


def fairness_sweep(text: str) -> list[dict]:
    """fairness_sweep.csv's rows (empty text: none); refuses a missing column or a threshold that is not a number."""
    if not text.strip():
        return []
    rows = []
    for line, row in _rows("fairness_sweep.csv", text, SWEEP):
        for column in ("threshold", "n", "selection_rate"):
            _number("fairness_sweep.csv", line, row, column)
        rows.append({k: (v if v is not None else "") for k, v in row.items() if k})
    return rows


def parse(output: Output, version) -> tuple[list[dict], float | None, list[dict]]:
    """People with their components, the threshold (the version's) and the fairness rows; refuses bad data."""
    expected = label(version)
    people: dict[str, dict] = {}
    for line, row in _rows("scores.csv", output.scores, SCORES):
        person = (row.get("person") or "").strip()
        if not person:
            raise ImportRefused(_("scores.csv row %(row)s, person: empty") % {"row": line})
        if person in people:
            raise ImportRefused(_("scores.csv row %(row)s, person: %(p)s appears twice") % {"row": line, "p": person})
        got = (row.get("index_version") or "").strip()
        if got not in (expected, version.content_hash):
            raise ImportRefused(
                _("scores.csv row %(row)s, index_version: %(got)s is not version %(n)s (%(want)s)")
                % {"row": line, "got": got, "n": version.number, "want": expected}
            )
        people[person] = {
            "person": person,
            "score": _number("scores.csv", line, row, "score"),
            "rank": int(_number("scores.csv", line, row, "rank")),
            "above_threshold": _flag("scores.csv", line, row, "above_threshold"),
            "index_version": got,
            "synthetic": _flag("scores.csv", line, row, "synthetic"),
            "components": [],
        }
        threshold = version.threshold
        if threshold is not None and (people[person]["score"] >= threshold) != people[person]["above_threshold"]:
            raise ImportRefused(
                _("scores.csv row %(row)s, above_threshold: does not match the score against the threshold %(t)s")
                % {"row": line, "t": f"{threshold:g}"}
            )
    if not people:
        raise ImportRefused(_("scores.csv: no rows"))
    for line, row in _rows("components.csv", output.components, COMPONENTS):
        person = (row.get("person") or "").strip()
        if person not in people:
            raise ImportRefused(
                _("components.csv row %(row)s, person: %(p)s is not in scores.csv") % {"row": line, "p": person}
            )
        month = (row.get("month") or "").strip()
        if len(month) != 7 or month[4] != "-":
            raise ImportRefused(
                _("components.csv row %(row)s, month: %(v)r is not YYYY-MM") % {"row": line, "v": month}
            )
        people[person]["components"].append(
            {
                "incident_id": (row.get("incident_id") or "").strip(),
                "month": month,
                "offence_group": (row.get("offence_group") or "").strip(),
                "gravity": _number("components.csv", line, row, "gravity"),
                "recency_factor": _number("components.csv", line, row, "recency_factor"),
                "knife_flag": _flag("components.csv", line, row, "knife_flag"),
                "knife_factor": _optional("components.csv", line, row, "knife_factor"),
                "frequency_factor": _optional("components.csv", line, row, "frequency_factor"),
                "contribution": _number("components.csv", line, row, "contribution"),
            }
        )
    for p in people.values():
        total = math.fsum(c["contribution"] for c in p["components"])
        if abs(total - p["score"]) > SUM_TOLERANCE * max(1.0, abs(p["score"])):
            raise ImportRefused(
                _("components.csv: the contributions of %(p)s sum to %(sum).6f, not the score %(score).6f")
                % {"p": p["person"], "sum": total, "score": p["score"]}
            )
    return list(people.values()), version.threshold, _fairness(output.fairness)


def import_run(output: Output, version, *, user=None, source: str, run_label: str = "") -> ScoringRun:
    people, threshold, fairness = parse(output, version)
    sweep = fairness_sweep(output.fairness_sweep)
    with transaction.atomic():
        run = ScoringRun.objects.create(
            version=version,
            source=source,
            label=run_label,
            imported_by=user,
            synthetic=any(p["synthetic"] for p in people),
            threshold=threshold,
            people=len(people),
            above=sum(1 for p in people if threshold is not None and p["score"] >= threshold),
            fairness=fairness,
            fairness_sweep=sweep,
            validation=output.validation,
            model_card=output.model_card,
            files_sha256=output.sha256(),
        )
        scores = PersonScore.objects.bulk_create(
            [
                PersonScore(
                    run=run,
                    person=p["person"],
                    score=p["score"],
                    rank=p["rank"],
                    above_threshold=p["above_threshold"],
                    index_version=p["index_version"],
                    synthetic=p["synthetic"],
                )
                for p in people
            ],
            batch_size=1000,
        )
        by_person = {s.person: s for s in scores}
        if any(s.pk is None for s in scores):  # databases that do not return keys from bulk inserts
            by_person = {s.person: s for s in run.scores.all()}
        Component.objects.bulk_create(
            [Component(score=by_person[p["person"]], **c) for p in people for c in p["components"]],
            batch_size=2000,
        )
    return run
