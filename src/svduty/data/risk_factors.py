"""Risk-factor tables that partners hold, by LSOA: school exclusions, children in need, NEET, youth-justice cohort.

Like ``svduty ingest rms``, a small mapping file (TOML, YAML or JSON) says how to read the partner's CSV, so no code
is written per council system::

    table = "school_exclusions"     # one of TABLES
    period = "2021/22"
    lsoa_code = "LSOA11CD"          # column names in the partner's file
    count = "Suspensions"
    denominator = "Pupils"          # optional: the population the count is of
    synthetic = false

Each row is one LSOA; it is stored in ``risk_factors`` or rejected with its line, field and reason. Only aggregate
(LSOA-level) tables are taken here: person-level partner records need the pseudonymisation and access logging of
the record-level adapters, and are not read by this one.
"""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, ValidationError

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
    count: str
    denominator: str | None = None
    synthetic: bool = False
    delimiter: str = ","
    encoding: str = "utf-8-sig"


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
    for role in ("lsoa_code", "count", "denominator"):
        column = getattr(mapping, role)
        if column and column not in header:
            raise IngestError(f"column {column!r} (the mapping's {role}) is not in the header", file=str(path))
    rows, rejects = [], []
    for line, row in enumerate(reader, start=2):
        raw = mapping.delimiter.join(str(v) for v in row.values())
        code = (row.get(mapping.lsoa_code) or "").strip().upper()
        if not LSOA.match(code):
            rejects.append((path.name, line, mapping.lsoa_code, "not an LSOA code (E01/W01 and six digits)", code, raw))
            continue
        try:
            count = _number(row.get(mapping.count) or "")
            denominator = _number(row.get(mapping.denominator) or "") if mapping.denominator else None
        except ValueError:
            rejects.append((path.name, line, mapping.count, "not a number", row.get(mapping.count), raw))
            continue
        if count is None or count < 0 or (denominator is not None and denominator < count):
            reason = "blank or negative" if count is None or count < 0 else "denominator smaller than the count"
            rejects.append((path.name, line, mapping.count, reason, row.get(mapping.count), raw))
            continue
        rows.append((mapping.table, code, mapping.period, count, denominator, mapping.synthetic, line))
    con = ws.con
    if mark_if_unchanged(con, result, SOURCE):
        return result
    with ws.transaction():
        ingest_id = next_ingest_id(con)
        result.ingest_id = ingest_id
        result.rows_stored, result.rows_rejected = len(rows), len(rejects)
        result.rows_read = len(rows) + len(rejects)
        old = [
            int(r[0])
            for r in con.execute(
                "SELECT DISTINCT ingest_id FROM risk_factors JOIN ingests USING (ingest_id) "
                "WHERE status = 'active' AND table_name = ? AND period = ?",
                [mapping.table, mapping.period],
            ).fetchall()
        ]
        record_ingest(con, result, SOURCE)
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
