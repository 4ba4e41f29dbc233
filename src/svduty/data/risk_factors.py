"""Risk-factor tables that partners hold, by LSOA: school exclusions, children in need, NEET, youth-justice cohort.

Like ``svduty ingest rms``, a small mapping file (TOML, YAML or JSON) says how to read the partner's CSV, so no code
is written per council system::

    table = "school_exclusions"     # one of TABLES
    period = "2021/22"
    lsoa_code = "LSOA11CD"          # column names in the partner's file
    count = "Suspensions"
    denominator = "Pupils"          # optional: the population the count is of
    synthetic = false

Each row is one LSOA; it is stored in ``risk_factors`` or rejected with its line, field and reason.

A **person-level** table (``level = "person"``) has one row per person (or per event of a person): a pseudonymised
person reference, the LSOA of residence, an age band and, optionally, a flag and a date::

    table = "youth_justice"
    level = "person"
    period = "2022/23"
    person = "PersonRef"            # the partner's pseudonymised reference (never stored)
    lsoa_code = "LSOA21CD"
    age_band = "AgeBand"            # e.g. "10-14", "15-17"
    flag = "InCohort"               # optional: Y/N, yes/no, true/false, 1/0; without it every person counts
    date = "StartDate"              # optional: YYYY-MM-DD or DD/MM/YYYY, checked only

Person rows are read, checked and counted at ingest, and only the LSOA totals are kept: a row of ``risk_factors`` per
LSOA whose ``count`` is the distinct persons flagged and whose ``denominator`` is the distinct persons listed (when
the table has a flag column). Person references and age bands are not written to the workspace (rejected rows keep
their line with the person reference masked), and the ingest is recorded as source ``risk-factors (persons)`` so the
report suppresses its small numbers. Every row is counted into its LSOA (stored) or rejected with its line, field
and reason; a person listed twice counts once, flagged if any of their rows is.
"""

from __future__ import annotations

import csv
import io
import re
from datetime import date, datetime
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, ValidationError, model_validator

from svduty.data import IngestError
from svduty.data.ingest_common import (
    FileResult,
    mark_if_unchanged,
    next_ingest_id,
    record_ingest,
    sha256_bytes,
    supersede,
)
from svduty.data.settings_file import read_settings_file
from svduty.data.workspace import Workspace

SOURCE = "risk-factors"
PERSON_SOURCE = "risk-factors (persons)"  # ingests.source of a person-level table: its LSOA totals are suppressed < 5
TABLES: dict[str, str] = {
    "school_exclusions": "School exclusions and suspensions",
    "children_in_need": "Children in need",
    "neet": "Young people not in education, employment or training (NEET)",
    "youth_justice": "Youth-justice cohort",
}
LSOA = re.compile(r"^[EW]01\d{6}$")


class RiskMapping(BaseModel):
    model_config = ConfigDict(extra="forbid")

    table: Literal["school_exclusions", "children_in_need", "neet", "youth_justice"]
    period: str
    lsoa_code: str
    level: Literal["lsoa", "person"] = "lsoa"
    count: str | None = None  # LSOA level: the count column
    denominator: str | None = None  # LSOA level
    person: str | None = None  # person level: the pseudonymised person reference column
    age_band: str | None = None  # person level
    flag: str | None = None  # person level, optional
    date: str | None = None  # person level, optional
    synthetic: bool = False
    delimiter: str = ","
    encoding: str = "utf-8-sig"

    @model_validator(mode="after")
    def _columns_for_level(self) -> RiskMapping:
        if self.level == "lsoa":
            if not self.count:
                raise ValueError("an LSOA-level mapping needs count (the column of counts)")
            extra = [k for k in ("person", "age_band", "flag", "date") if getattr(self, k)]
            if extra:
                raise ValueError(f'{", ".join(extra)} belong to a person-level mapping (level = "person")')
        else:
            missing = [k for k in ("person", "age_band") if not getattr(self, k)]
            if missing:
                raise ValueError(f"a person-level mapping needs {' and '.join(missing)} (column names)")
            if self.count or self.denominator:
                raise ValueError("count and denominator belong to an LSOA-level mapping; person rows are counted")
        return self


def load_mapping(path: Path) -> RiskMapping:
    """Read and validate a risk-factor mapping; errors name the file and the field."""
    data = read_settings_file(path, "risk-factor mapping file")
    try:
        return RiskMapping.model_validate(data)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"]) or "(mapping)"
        raise IngestError(first["msg"], file=str(path), field=where) from exc


def _number(text: str) -> float | None:
    t = text.strip().replace(",", "")
    if not t:
        return None
    return float(t)


TRUE = {"y", "yes", "true", "1"}
FALSE = {"n", "no", "false", "0"}
AGE_BAND = re.compile(r"^(\d{1,3}\s*(-|–|to)\s*\d{1,3}|\d{1,3}\s*\+|under\s*\d{1,3}|\d{1,3})$", re.I)


def _date(text: str) -> date:
    for fmt in ("%Y-%m-%d", "%d/%m/%Y"):
        try:
            return datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    raise ValueError(text)


def _person_rows(name: str, reader: csv.DictReader, mapping: RiskMapping) -> tuple[list[tuple], list[tuple], int]:
    """Person rows → one row per LSOA (distinct persons flagged, distinct persons listed), rejects, rows counted."""
    persons: dict[str, dict[str, object]] = {}  # person reference → LSOA, flagged, first line (held in memory only)
    rejects: list[tuple] = []
    counted = 0
    for line, row in enumerate(reader, start=2):
        person = (row.get(mapping.person or "") or "").strip()
        masked = {k: ("[person]" if k == mapping.person else v) for k, v in row.items()}
        raw = mapping.delimiter.join(str(v) for v in masked.values())
        code = (row.get(mapping.lsoa_code) or "").strip().upper()
        band = (row.get(mapping.age_band or "") or "").strip()
        flag_text = (row.get(mapping.flag) or "").strip().lower() if mapping.flag else "y"
        date_text = (row.get(mapping.date) or "").strip() if mapping.date else ""
        problem: tuple[str, str, object] | None = None
        if not person:
            problem = (mapping.person or "", "blank person reference", "")
        elif not LSOA.match(code):
            problem = (mapping.lsoa_code, "not an LSOA code (E01/W01 and six digits)", code)
        elif not AGE_BAND.match(band):
            problem = (mapping.age_band or "", "not an age band (e.g. 10-14, 18+, under 10)", band)
        elif flag_text not in TRUE | FALSE:
            problem = (mapping.flag or "", "not a flag (Y/N, yes/no, true/false, 1/0)", flag_text)
        elif date_text:
            try:
                _date(date_text)
            except ValueError:
                problem = (mapping.date or "", "not a date (YYYY-MM-DD or DD/MM/YYYY)", date_text)
        if problem is None and person in persons and persons[person]["lsoa"] != code:
            first = persons[person]["line"]
            problem = (mapping.lsoa_code, f"the same person is in another LSOA on line {first}", code)
        if problem is not None:
            rejects.append((name, line, problem[0], problem[1], problem[2], raw))
            continue
        counted += 1
        seen = persons.setdefault(person, {"lsoa": code, "flagged": False, "line": line})
        seen["flagged"] = bool(seen["flagged"]) or flag_text in TRUE
    by_lsoa: dict[str, list[int]] = {}  # LSOA → [flagged persons, persons listed, first line]
    for p in persons.values():
        slot = by_lsoa.setdefault(str(p["lsoa"]), [0, 0, int(p["line"])])  # type: ignore[call-overload]
        slot[0] += int(bool(p["flagged"]))
        slot[1] += 1
        slot[2] = min(slot[2], int(p["line"]))  # type: ignore[call-overload]
    rows = [
        (mapping.table, code, mapping.period, float(n), float(d) if mapping.flag else None, mapping.synthetic, first)
        for code, (n, d, first) in sorted(by_lsoa.items())
    ]
    return rows, rejects, counted


def ingest(ws: Workspace, path: Path, mapping: RiskMapping) -> FileResult:
    """Ingest one partner table; a newer file for the same table and period replaces the older one."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise IngestError(f"cannot read file ({exc.strerror})", file=str(path)) from exc
    result = FileResult(str(path), path.name, sha256_bytes(data), "ingested", force=mapping.table)
    try:
        text = data.decode(mapping.encoding)
    except UnicodeDecodeError as exc:
        raise IngestError(f"not {mapping.encoding} text", file=str(path)) from exc
    reader = csv.DictReader(io.StringIO(text), delimiter=mapping.delimiter)
    header = reader.fieldnames or []
    for role in ("lsoa_code", "count", "denominator", "person", "age_band", "flag", "date"):
        column = getattr(mapping, role)
        if column and column not in header:
            raise IngestError(f"column {column!r} (the mapping's {role}) is not in the header", file=str(path))
    source = PERSON_SOURCE if mapping.level == "person" else SOURCE
    if mapping.level == "person":
        rows, rejects, stored = _person_rows(path.name, reader, mapping)
    else:
        rows, rejects = _lsoa_rows(path.name, reader, mapping)
        stored = len(rows)
    return _store(ws, result, mapping, source, rows, rejects, stored)


def _lsoa_rows(name: str, reader: csv.DictReader, mapping: RiskMapping) -> tuple[list[tuple], list[tuple]]:
    rows: list[tuple] = []
    rejects: list[tuple] = []
    path = Path(name)
    count_column = mapping.count or ""
    for line, row in enumerate(reader, start=2):
        raw = mapping.delimiter.join(str(v) for v in row.values())
        code = (row.get(mapping.lsoa_code) or "").strip().upper()
        if not LSOA.match(code):
            rejects.append((path.name, line, mapping.lsoa_code, "not an LSOA code (E01/W01 and six digits)", code, raw))
            continue
        try:
            count = _number(row.get(count_column) or "")
            denominator = _number(row.get(mapping.denominator) or "") if mapping.denominator else None
        except ValueError:
            rejects.append((path.name, line, count_column, "not a number", row.get(count_column), raw))
            continue
        if count is None or count < 0 or (denominator is not None and denominator < count):
            reason = "blank or negative" if count is None or count < 0 else "denominator smaller than the count"
            rejects.append((path.name, line, count_column, reason, row.get(count_column), raw))
            continue
        rows.append((mapping.table, code, mapping.period, count, denominator, mapping.synthetic, line))
    return rows, rejects


def _store(
    ws: Workspace,
    result: FileResult,
    mapping: RiskMapping,
    source: str,
    rows: list[tuple],
    rejects: list[tuple],
    stored: int,
) -> FileResult:
    """Write the LSOA rows and the rejects; ``stored`` is the input rows kept (person rows counted into an LSOA)."""
    con = ws.con
    if mark_if_unchanged(con, result, source):
        return result
    with ws.transaction():
        ingest_id = next_ingest_id(con)
        result.ingest_id = ingest_id
        result.rows_stored, result.rows_rejected = stored, len(rejects)
        result.rows_read = stored + len(rejects)
        old = [
            int(r[0])
            for r in con.execute(
                "SELECT DISTINCT ingest_id FROM risk_factors JOIN ingests USING (ingest_id) "
                "WHERE status = 'active' AND table_name = ? AND period = ?",
                [mapping.table, mapping.period],
            ).fetchall()
        ]
        record_ingest(con, result, source)
        if rows:
            con.executemany(
                "INSERT INTO risk_factors (ingest_id, table_name, lsoa_code, period, count, denominator, synthetic, "
                "line) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                [(ingest_id, *r) for r in rows],
            )
        if rejects:
            con.executemany(
                "INSERT INTO rejects (ingest_id, file_name, line, field, reason, value, raw) VALUES (?,?,?,?,?,?,?)",
                [(ingest_id, *r) for r in rejects],
            )
        if old:
            supersede(con, old, ingest_id)
            result.status, result.replaced = "replaced", old
            result.message = "replaced ingest " + ", ".join(f"#{i}" for i in old)
    return result
