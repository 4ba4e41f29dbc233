"""Hospital admissions extracts (Hospital Episode Statistics style) into ``hospital_admissions``.

The Serious Violence Duty's first success measure is hospital admissions for assault with a knife or sharp object,
especially of under-25s. In ICD-10 that is external cause X99 (assault by sharp object); X85–Y09 is assault of any
kind. An admitted patient care extract for a partnership usually carries one row per admission with its date, age
(or age band), sex, the external cause code and the patient's residence (LSOA or local authority): the mapping
(``svduty.data.health_mapping.AdmissionsMapping``) names those columns.

Accounting is the other adapters' (``ingest_common``): source ``'admissions'``, every row stored or rejected with
line, field and reason, same content a no-op, a changed file *of the same name* replaces the old one (extracts are
cumulative re-runs more often than monthly slices), one transaction per file. Codes outside X85–Y09 are kept
(``cause_group`` 'other') so the extract's own totals can be checked, but no assault measure counts them.
"""

from __future__ import annotations

import re
from datetime import date, datetime
from pathlib import Path

import pyarrow as pa

from svduty.data import agreements as agreements_mod
from svduty.data.health_mapping import LAD_CODE, LSOA_CODE, AdmissionsMapping, parse_age_band
from svduty.data.ingest_common import (
    FileResult,
    ParsedRows,
    RowReject,
    insert_rejects,
    mark_if_unchanged,
    next_ingest_id,
    read_regular_file,
    record_ingest,
    rows_table,
    sha256_bytes,
    supersede,
)
from svduty.data.mapping import Marker
from svduty.data.rms import _read as read_csv_records  # one CSV reader for every mapped extract
from svduty.data.workspace import Workspace

SOURCE = "admissions"
ICD10 = re.compile(r"^([A-Z])(\d{2})(?:[.\-]?(\d{1,2}))?[A-Z]?$")
SHARP_OBJECT = "X99 assault by sharp object"
OTHER_ASSAULT = "X85-Y09 other assault"
YES_NO = Marker(column="(synthetic)")


_Parsed = ParsedRows
_Reject = RowReject  # keyed by the extract's column name


def cause_group(code: str) -> tuple[str, str, bool, bool] | None:
    """(normalised code, group, sharp object?, assault?) of an ICD-10 code; None if it is not one.

    X85–X99 and Y00–Y09 are the assault block (ICD-10 chapter XX); X99 is assault by sharp object.
    """
    m = ICD10.match(code.strip().upper().replace(" ", ""))
    if not m:
        return None
    letter, number, sub = m.group(1), int(m.group(2)), m.group(3) or ""
    normalised = f"{letter}{number:02d}{sub}"
    assault = (letter == "X" and 85 <= number <= 99) or (letter == "Y" and number <= 9)
    sharp = letter == "X" and number == 99
    group = SHARP_OBJECT if sharp else OTHER_ASSAULT if assault else "other"
    return normalised, group, sharp, assault


def ingest(
    ws: Workspace, path: Path, mapping: AdmissionsMapping, agreement: agreements_mod.AgreementCheck | None = None
) -> FileResult:
    data = read_regular_file(path)
    return ingest_bytes(ws, data, mapping, display=str(path), file_name=path.name, agreement=agreement)


def ingest_bytes(
    ws: Workspace,
    data: bytes,
    mapping: AdmissionsMapping,
    *,
    display: str,
    file_name: str,
    agreement: agreements_mod.AgreementCheck | None = None,
) -> FileResult:
    con = ws.con
    result = FileResult(display, file_name, sha256_bytes(data), "ingested")
    if mark_if_unchanged(con, result, SOURCE):
        return result
    columns, records = read_csv_records(data, mapping, display)
    parsed = _parse(columns, records, mapping)
    parsed.check_accounted(display)
    months = [r["month"] for r in parsed.rows]
    result.month = min(months) if months else None
    with ws.transaction():
        ingest_id = next_ingest_id(con)
        result.ingest_id = ingest_id
        replaced = [
            int(r[0])
            for r in con.execute(
                "SELECT ingest_id FROM ingests WHERE source = ? AND status = 'active' AND file_name = ? ORDER BY 1",
                [SOURCE, file_name],
            ).fetchall()
        ]
        if replaced:
            supersede(con, replaced, ingest_id)
            result.status, result.replaced = "replaced", replaced
            result.message = "replaced ingest " + ", ".join(f"#{i}" for i in replaced)
        result.rows_read, result.rows_stored, result.rows_rejected = parsed.read, len(parsed.rows), len(parsed.rejects)
        record_ingest(con, result, SOURCE)
        _store(con, parsed, ingest_id, file_name)
        agreements_mod.record(con, ingest_id, agreement)
    return result


def _parse(columns: list[str], records: list, mapping: AdmissionsMapping) -> _Parsed:
    parsed = _Parsed()
    index = {name: i for i, name in reversed(list(enumerate(columns)))}
    has_marker = bool(mapping.synthetic_column and mapping.synthetic_column in index)
    for line, cells, raw in records:
        parsed.read += 1
        if cells is None:
            parsed.rejects.append((line, "(row)", "cannot be read as CSV", None, raw))
            continue
        if len(cells) != len(columns):
            parsed.rejects.append(
                (line, "(row)", "wrong number of fields", f"{len(cells)} fields, expected {len(columns)}", raw)
            )
            continue
        if "\ufffd" in raw:
            parsed.rejects.append((line, "(row)", f"not valid {mapping.encoding} text", None, raw))
            continue
        row = {name: cells[i].strip() for name, i in index.items()}
        try:
            admission = _admission(row, mapping, has_marker)
        except RowReject as rej:
            parsed.rejects.append(rej.as_reject(line, rej.key, raw))
            continue
        admission["line"] = line
        parsed.rows.append(admission)
    return parsed


def _admission(row: dict[str, str], mapping: AdmissionsMapping, has_marker: bool) -> dict:
    text = row[mapping.admission_date]
    if not text:
        raise _Reject(mapping.admission_date, "blank admission date")
    try:
        admitted_on = datetime.strptime(text, mapping.date_format).date()
    except ValueError:
        raise _Reject(mapping.admission_date, f"not a date in the format {mapping.date_format}", text) from None
    if not 1990 <= admitted_on.year <= date.today().year or admitted_on > date.today():
        raise _Reject(mapping.admission_date, "admission date in the future or before 1990", text)
    code_text = row[mapping.cause]
    if not code_text:
        raise _Reject(mapping.cause, "blank external cause code")
    cause = cause_group(code_text)
    if cause is None:
        raise _Reject(mapping.cause, "not an ICD-10 code (e.g. X99, X99.1, Y04)", code_text)
    age = age_min = age_max = None
    if mapping.age and row[mapping.age]:
        try:
            value = float(row[mapping.age])
        except ValueError:
            raise _Reject(mapping.age, "age not a number", row[mapping.age]) from None
        if not (0 <= value <= 120 and value == int(value)):
            raise _Reject(mapping.age, "age not a whole number from 0 to 120", row[mapping.age])
        age = age_min = age_max = int(value)
    band = row[mapping.age_band] if mapping.age_band else ""
    if band:
        bounds = parse_age_band(band)
        if bounds is None:
            raise _Reject(mapping.age_band or "", "age band not understood (e.g. 16-24, 65+, under 16)", band)
        if age is not None and not bounds[0] <= age <= bounds[1]:
            raise _Reject(mapping.age_band or "", "age band does not contain the age", band)
        if age is None:
            age_min, age_max = bounds
    sex = None
    if mapping.sex and row[mapping.sex]:
        if row[mapping.sex].lower() not in mapping.sex_values:
            raise _Reject(mapping.sex, "sex not in the mapping's sex_values", row[mapping.sex])
        sex = mapping.sex_values[row[mapping.sex].lower()]
    lsoa = row[mapping.lsoa_code] if mapping.lsoa_code else ""
    if lsoa and not LSOA_CODE.fullmatch(lsoa):
        raise _Reject(mapping.lsoa_code or "", "not an LSOA code (E01/W01 + 6 digits)", lsoa)
    lad = row[mapping.lad_code] if mapping.lad_code else ""
    if lad and not LAD_CODE.fullmatch(lad):
        raise _Reject(mapping.lad_code or "", "not a local authority code (E06-E09/W06 + 6 digits)", lad)
    synthetic = mapping.synthetic
    if has_marker:
        assert mapping.synthetic_column
        try:
            synthetic = bool(YES_NO.parse(row[mapping.synthetic_column])) or synthetic
        except ValueError:
            raise _Reject(mapping.synthetic_column, "not a synthetic (true/false) value") from None
    return {
        "admitted_on": admitted_on,
        "month": admitted_on.replace(day=1),
        "age": age,
        "age_band": band or None,
        "age_min": age_min,
        "age_max": age_max,
        "sex": sex,
        "cause_code": cause[0],
        "cause_group": cause[1],
        "sharp_object": cause[2],
        "assault": cause[3],
        "lsoa_code": lsoa or None,
        "lad_code": lad or None,
        "provider": (row[mapping.provider] if mapping.provider else "") or None,
        "synthetic": synthetic,
    }


COLUMNS = (
    "admitted_on",
    "month",
    "age",
    "age_band",
    "age_min",
    "age_max",
    "sex",
    "cause_code",
    "cause_group",
    "sharp_object",
    "assault",
    "lsoa_code",
    "lad_code",
    "provider",
    "synthetic",
)
TYPES = {"admitted_on": pa.date32(), "month": pa.date32()}
TYPES.update({k: pa.int32() for k in ("age", "age_min", "age_max")})
TYPES.update({k: pa.bool_() for k in ("sharp_object", "assault", "synthetic")})


def _store(con, parsed: _Parsed, ingest_id: int, file_name: str) -> None:
    table = rows_table(parsed.rows, ingest_id, "admission_id", COLUMNS, TYPES)
    con.register("adm_rows", table)
    try:
        cols = ", ".join(COLUMNS)
        con.execute(
            f"""INSERT INTO hospital_admissions (admission_id, ingest_id, line, {cols})
                SELECT admission_id, ?, line, {cols} FROM adm_rows""",
            [ingest_id],
        )
    finally:
        con.unregister("adm_rows")
    insert_rejects(con, ingest_id, file_name, parsed.rejects)
