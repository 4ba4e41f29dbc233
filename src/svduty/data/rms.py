"""Police record extracts (RMS) through a mapping file into ``incidents``, ``persons`` and ``involvements``.

The accounting is the police.uk adapter's: one ``ingests`` row per file (source ``'rms'``), every data row either
stored or rejected with its line, field and reason (read = stored + rejected), the same content again is a no-op,
a changed file of the same name for the same force replaces the old one, and each file is one transaction.

Rows sharing a crime reference are one crime (extracts often carry one row per crime × person): the first good row
makes the incident, later rows add their victims and suspects and must agree on offence code and date.
Person identifiers are replaced by a keyed HMAC-SHA256 pseudonym (``svduty.data.pseudonymise``) before anything
is stored — including in ``rejects``, whose copy of a rejected row has identifier cells pseudonymised (and rows
that cannot be split into fields are withheld, since their identifiers cannot be found).
"""

from __future__ import annotations

import codecs
import csv
import io
import re
from dataclasses import dataclass, field
from datetime import date, datetime
from functools import lru_cache
from pathlib import Path

import pyarrow as pa

from svduty.data import IngestError
from svduty.data import agreements as agreements_mod
from svduty.data.ingest_common import (
    FileResult,
    mark_if_unchanged,
    next_ingest_id,
    read_regular_file,
    record_ingest,
    sha256_bytes,
    supersede,
)
from svduty.data.mapping import Mapping
from svduty.data.pseudonymise import pseudonym, workspace_key
from svduty.data.schema import UK_LAT_RANGE, UK_LON_RANGE
from svduty.data.workspace import Workspace

SOURCE = "rms"
LSOA_CODE = re.compile(r"[EW]01\d{6}")
WITHHELD = "[withheld: row could not be split into fields and may hold person identifiers]"
EXAMPLES = Path(__file__).parent / "examples"


@dataclass
class _Incident:
    line: int
    ref: str
    month: date
    occurred_at: datetime | None
    code: str
    group: str
    sv_category: str | None
    knife: bool | None
    domestic: bool | None
    alcohol: bool | None
    lat: float | None
    lon: float | None
    location: str | None
    lsoa: str | None
    outcome: str | None
    people: list[tuple[str, str | None, int | None, str | None]] = field(default_factory=list)


@dataclass
class _Parsed:
    read: int = 0
    stored: int = 0
    incidents: dict[str, _Incident] = field(default_factory=dict)
    persons: dict[str, tuple[str | None, int | None]] = field(default_factory=dict)
    rejects: list[tuple[int, str, str, str | None, str | None]] = field(default_factory=list)


class _Reject(Exception):
    def __init__(self, field_name: str, reason: str, value: str | None = None):
        super().__init__(reason)
        self.field_name, self.reason, self.value = field_name, reason, value


def example_paths() -> tuple[Path, Path]:
    """The example mapping and the synthetic example extract shipped with svduty."""
    return EXAMPLES / "example-mapping.toml", EXAMPLES / "example-rms-extract-SYNTHETIC.csv"


def ingest(
    ws: Workspace, path: Path, mapping: Mapping, agreement: agreements_mod.AgreementCheck | None = None
) -> FileResult:
    """Ingest one extract (see module docstring); ``agreement`` is the data-sharing agreement it came under."""
    data = read_regular_file(path)
    return ingest_bytes(ws, data, mapping, display=str(path), file_name=path.name, agreement=agreement)


def ingest_bytes(
    ws: Workspace,
    data: bytes,
    mapping: Mapping,
    *,
    display: str,
    file_name: str,
    agreement: agreements_mod.AgreementCheck | None = None,
) -> FileResult:
    sha = sha256_bytes(data)
    con = ws.con
    force = mapping.force
    result = FileResult(display, file_name, sha, "ingested", force=force)
    if mark_if_unchanged(con, result, SOURCE):
        return result
    header, records = _read(data, mapping, display)
    key = workspace_key(ws.path)
    parsed = _parse(header, records, mapping, key)
    if parsed.read != parsed.stored + len(parsed.rejects):  # every row accounted for: a bug if not
        raise AssertionError(f"{display}: read {parsed.read}, stored {parsed.stored}, rejected {len(parsed.rejects)}")
    with ws.transaction():
        ingest_id = next_ingest_id(con)
        result.ingest_id = ingest_id
        replaced = [
            int(r[0])
            for r in con.execute(
                """SELECT ingest_id FROM ingests WHERE source = ? AND status = 'active'
                   AND force IS NOT DISTINCT FROM ? AND file_name = ? ORDER BY ingest_id""",
                [SOURCE, force, file_name],
            ).fetchall()
        ]
        if replaced:
            _remove_people(con, replaced)
            supersede(con, replaced, ingest_id)
            result.status, result.replaced = "replaced", replaced
            result.message = "replaced ingest " + ", ".join(f"#{i}" for i in replaced)
        result.rows_read, result.rows_stored, result.rows_rejected = parsed.read, parsed.stored, len(parsed.rejects)
        record_ingest(con, result, SOURCE)
        agreements_mod.record(con, ingest_id, agreement)
        _store(con, parsed, ingest_id, mapping, file_name)
    return result


# -- reading ---------------------------------------------------------------------------------------------------------
def _read(data: bytes, mapping: Mapping, display: str) -> tuple[list[str], list[tuple[int, list[str] | None, str]]]:
    """Header and records as (first line, cells or None if unparseable, raw text)."""
    encoding = "utf-8-sig" if codecs.lookup(mapping.encoding).name == "utf-8" else mapping.encoding
    text = data.decode(encoding, errors="replace")
    if not text.strip():
        raise IngestError("empty file: no header line", file=display, row=1)
    try:
        records = _csv_records(text, mapping.delimiter)
    except csv.Error:
        records = _line_records(text, mapping.delimiter)
    if not records:
        raise IngestError("empty file: no header line", file=display, row=1)
    first_line, header_cells, _ = records[0]
    if header_cells is None:
        raise IngestError("header line cannot be read as CSV", file=display, row=first_line)
    header = [c.strip() for c in header_cells]
    missing = [c for c in mapping.required_columns() if c not in header]
    if missing:
        raise IngestError(
            "header lacks column(s) the mapping names: " + ", ".join(repr(c) for c in missing[:8]),
            file=display,
            row=first_line,
        )
    return header, records[1:]


def _csv_records(text: str, delimiter: str) -> list[tuple[int, list[str] | None, str]]:
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    out = []
    previous = 0
    for cells in reader:
        start = previous + 1
        previous = reader.line_num
        if not cells or (len(cells) == 1 and not cells[0].strip()):
            continue
        out.append((start, cells, delimiter.join(cells)))
    return out


def _line_records(text: str, delimiter: str) -> list[tuple[int, list[str] | None, str]]:
    """Fallback when the file as a whole is not valid CSV: every physical line on its own."""
    out: list[tuple[int, list[str] | None, str]] = []
    # not str.splitlines(): it also breaks on U+2028, \x0b, \x1c … and would shift line numbers
    for number, line in enumerate(re.split(r"\r\n|\r|\n", text), start=1):
        if not line.strip():
            continue
        try:
            cells: list[str] | None = next(csv.reader([line], delimiter=delimiter, strict=True))
        except (csv.Error, StopIteration):
            cells = None
        out.append((number, cells, line))
    return out


NUL_REASON = "NUL byte (\\0) inside the field: not text"


# -- parsing ---------------------------------------------------------------------------------------------------------
def _parse(
    header: list[str], records: list[tuple[int, list[str] | None, str]], mapping: Mapping, key: bytes
) -> _Parsed:
    parsed = _Parsed()
    index = {name: i for i, name in reversed(list(enumerate(header)))}
    ids = mapping.identifier_columns()
    id_positions = {index[c] for c in ids}
    namespace = mapping.person_namespace or mapping.force or mapping.name
    first_line: dict[str, int] = {}
    for line, cells, raw in records:
        parsed.read += 1
        if cells is None:
            parsed.rejects.append((line, "(row)", "cannot be read as CSV", None, WITHHELD if ids else raw))
            continue
        if len(cells) == len(header) and ids:
            safe_raw = _Redacted(cells, id_positions, mapping.delimiter, key, namespace)
        else:
            safe_raw = WITHHELD if ids else raw
        if len(cells) != len(header):
            parsed.rejects.append(
                (line, "(row)", "wrong number of fields", f"{len(cells)} fields, expected {len(header)}", str(safe_raw))
            )
            continue
        if "\ufffd" in raw:
            parsed.rejects.append((line, "(row)", f"not valid {mapping.encoding} text", None, str(safe_raw)))
            continue
        if "\x00" in raw:  # not text, and many tools cut a value at it: rejected, naming the field
            at = next(i for i, cell in enumerate(cells) if "\x00" in cell)
            parsed.rejects.append((line, header[at], NUL_REASON, None, str(safe_raw).replace("\x00", "\\0")))
            continue
        row = {name: cells[i] for name, i in index.items()}
        try:
            incident = _incident(row, line, mapping)
            people = _people(row, mapping, key, namespace, incident.month.year)
        except _Reject as rej:
            value = None if rej.field_name in ids else rej.value
            parsed.rejects.append(
                (line, rej.field_name, rej.reason, None if value is None else value[:200], str(safe_raw))
            )
            continue
        existing = parsed.incidents.get(incident.ref)
        if existing is not None:
            if (existing.code, existing.month, existing.occurred_at) != (
                incident.code,
                incident.month,
                incident.occurred_at,
            ):
                parsed.rejects.append(
                    (
                        line,
                        mapping.record_id,
                        f"same crime reference as line {first_line[incident.ref]} but a different offence or date",
                        incident.ref[:200],
                        str(safe_raw),
                    )
                )
                continue
            incident = existing
        else:
            parsed.incidents[incident.ref] = incident
            first_line[incident.ref] = line
        for role, person_id, age, sex in people:
            if person_id is not None and any(p[0] == role and p[1] == person_id for p in incident.people):
                continue  # the same person in the same role, listed again
            incident.people.append((role, person_id, age, sex))
            if person_id is not None and person_id not in parsed.persons:
                parsed.persons[person_id] = (sex, None if age is None else incident.month.year - age)
        parsed.stored += 1
    return parsed


class _Redacted:
    """The row with identifier cells pseudonymised, built only if the row is rejected (most rows are not)."""

    __slots__ = ("cells", "delimiter", "key", "namespace", "positions")

    def __init__(self, cells: list[str], positions: set[int], delimiter: str, key: bytes, namespace: str):
        self.cells, self.positions, self.delimiter, self.key, self.namespace = (
            cells,
            positions,
            delimiter,
            key,
            namespace,
        )

    def __str__(self) -> str:
        return self.delimiter.join(
            pseudonym(self.key, self.namespace, c) if i in self.positions and c.strip() else c
            for i, c in enumerate(self.cells)
        )


@lru_cache(maxsize=65536)
def _strptime(text: str, fmt: str) -> datetime:
    """Extracts repeat dates thousands of times; strptime is the slowest step of a row."""
    return datetime.strptime(text, fmt)


def _cell(row: dict[str, str], column: str | None) -> str:
    return row[column].strip() if column else ""


def _incident(row: dict[str, str], line: int, mapping: Mapping) -> _Incident:
    ref = _cell(row, mapping.record_id)
    if not ref:
        raise _Reject(mapping.record_id, "blank crime reference")
    code = _cell(row, mapping.offence_code)
    if not code:
        raise _Reject(mapping.offence_code, "blank offence code")
    offence = mapping.offence(code)
    if offence is None:
        if mapping.unknown_offence_codes == "reject":
            raise _Reject(mapping.offence_code, "offence code not in the mapping's lookup", code)
        group, sv_category, code_knife = f"Other (code {code})", None, False
    else:
        group, sv_category, code_knife = offence.group, offence.sv_category, offence.knife
    when = _when(row, mapping)
    lat = lon = None
    if mapping.latitude and mapping.longitude:
        lat, lon = _coordinates(row, mapping)
    lsoa = _cell(row, mapping.lsoa_code) or None
    if lsoa is not None and not LSOA_CODE.fullmatch(lsoa):
        raise _Reject(mapping.lsoa_code or "", "not an LSOA code (E01/W01 + 6 digits)", lsoa)
    flags: dict[str, bool | None] = {}
    for name, marker in mapping.markers.items():
        try:
            flags[name] = marker.parse(row[marker.column])
        except ValueError:
            raise _Reject(marker.column, f"not a {name} marker value", row[marker.column]) from None
    knife = True if code_knife else flags.get("knife")
    return _Incident(
        line=line,
        ref=ref,
        month=date(when[0].year, when[0].month, 1),
        occurred_at=when[0] if when[1] else None,
        code=code,
        group=group,
        sv_category=sv_category,
        knife=knife,
        domestic=flags.get("domestic"),
        alcohol=flags.get("alcohol"),
        lat=lat,
        lon=lon,
        location=_cell(row, mapping.location) or None,
        lsoa=lsoa,
        outcome=_cell(row, mapping.outcome) or None,
    )


def _when(row: dict[str, str], mapping: Mapping) -> tuple[datetime, bool]:
    """(date-time, whether a time of day is known)."""
    text = _cell(row, mapping.date)
    if not text:
        raise _Reject(mapping.date, "blank date")
    try:
        when = _strptime(text, mapping.date_format)
    except ValueError:
        raise _Reject(mapping.date, f"not a date in the format {mapping.date_format}", text) from None
    if not 1900 <= when.year <= datetime.now().year + 1:
        raise _Reject(mapping.date, "date outside 1900 to next year", text)
    has_time = any(d in mapping.date_format for d in ("%H", "%I"))
    time_text = _cell(row, mapping.time)
    if mapping.time and time_text:
        try:
            t = _strptime(time_text, mapping.time_format).time()
        except ValueError:
            raise _Reject(mapping.time, f"not a time in the format {mapping.time_format}", time_text) from None
        when = datetime.combine(when.date(), t)
        has_time = True
    return when, has_time


def _coordinates(row: dict[str, str], mapping: Mapping) -> tuple[float | None, float | None]:
    assert mapping.latitude and mapping.longitude
    lat_text, lon_text = _cell(row, mapping.latitude), _cell(row, mapping.longitude)
    if not lat_text and not lon_text:
        return None, None
    values = []
    for column, text, (lo, hi), what in (
        (mapping.latitude, lat_text, UK_LAT_RANGE, "latitude"),
        (mapping.longitude, lon_text, UK_LON_RANGE, "longitude"),
    ):
        if not text:
            raise _Reject(column, f"{what} missing while the other coordinate is given")
        try:
            v = float(text)
        except ValueError:
            raise _Reject(column, f"{what} not a number", text) from None
        if not lo <= v <= hi:
            raise _Reject(column, f"{what} outside the UK", text)
        values.append(v)
    return values[0], values[1]


def _people(
    row: dict[str, str], mapping: Mapping, key: bytes, namespace: str, year: int
) -> list[tuple[str, str | None, int | None, str | None]]:
    out = []
    for person in mapping.people:
        raw_id, age_text, sex_text = _cell(row, person.id), _cell(row, person.age), _cell(row, person.sex)
        if not (raw_id or age_text or sex_text):
            continue
        age = None
        if age_text:
            try:
                value = float(age_text)
            except ValueError:
                raise _Reject(person.age or "", f"{person.role} age not a number", age_text) from None
            if not (0 <= value <= 120 and value == int(value)):
                raise _Reject(person.age or "", f"{person.role} age not a whole number from 0 to 120", age_text)
            age = int(value)
        sex = None
        if sex_text:
            if sex_text.lower() not in mapping.sex_values:
                raise _Reject(person.sex or "", f"{person.role} sex not in the mapping's sex_values", sex_text)
            sex = mapping.sex_values[sex_text.lower()]
        person_id = pseudonym(key, namespace, raw_id) if raw_id else None
        out.append((person.role, person_id, age, sex))
    return out


def age_band(age: int | None) -> str | None:
    """Census 2021 age bands (the population table's), so victim rates per resident line up."""
    if age is None:
        return None
    for upper, band in ((15, "0-15"), (24, "16-24"), (34, "25-34"), (49, "35-49"), (64, "50-64")):
        if age <= upper:
            return band
    return "65+"


# -- storing ---------------------------------------------------------------------------------------------------------
def _remove_people(con, ingest_ids: list[int]) -> None:
    """Involvements of the replaced ingests' incidents, then RMS persons no longer involved in anything."""
    marks = ", ".join("?" for _ in ingest_ids)
    con.execute(f"DELETE FROM involvements WHERE incident_id // 4294967296 IN ({marks})", ingest_ids)
    con.execute(
        "DELETE FROM persons p WHERE source = ? AND NOT EXISTS (SELECT 1 FROM involvements v "
        "WHERE v.person_id = p.person_id)",
        [SOURCE],
    )


def _store(con, parsed: _Parsed, ingest_id: int, mapping: Mapping, file_name: str) -> None:
    base = ingest_id * 4294967296
    incidents = list(parsed.incidents.values())
    synthetic = mapping.synthetic
    table = pa.table(
        {
            "incident_id": pa.array([base + i.line for i in incidents], pa.int64()),
            "line": pa.array([i.line for i in incidents], pa.int64()),
            "source_ref": pa.array([i.ref for i in incidents], pa.string()),
            "month": pa.array([i.month for i in incidents], pa.date32()),
            "occurred_at": pa.array([i.occurred_at for i in incidents], pa.timestamp("us")),
            "offence_group": pa.array([i.group for i in incidents], pa.string()),
            "offence_code": pa.array([i.code for i in incidents], pa.string()),
            "sv_category": pa.array([i.sv_category for i in incidents], pa.string()),
            "knife_flag": pa.array([i.knife for i in incidents], pa.bool_()),
            "domestic_flag": pa.array([i.domestic for i in incidents], pa.bool_()),
            "alcohol_flag": pa.array([i.alcohol for i in incidents], pa.bool_()),
            "lat": pa.array([i.lat for i in incidents], pa.float64()),
            "lon": pa.array([i.lon for i in incidents], pa.float64()),
            "location": pa.array([i.location for i in incidents], pa.string()),
            "lsoa_code": pa.array([i.lsoa for i in incidents], pa.string()),
            "outcome": pa.array([i.outcome for i in incidents], pa.string()),
        }
    )
    involvements = [
        (base + i.line, pid, role, age, age_band(age), sex) for i in incidents for role, pid, age, sex in i.people
    ]
    inv = pa.table(
        {
            "incident_id": pa.array([r[0] for r in involvements], pa.int64()),
            "person_id": pa.array([r[1] for r in involvements], pa.string()),
            "role": pa.array([r[2] for r in involvements], pa.string()),
            "age": pa.array([r[3] for r in involvements], pa.int32()),
            "age_band": pa.array([r[4] for r in involvements], pa.string()),
            "sex": pa.array([r[5] for r in involvements], pa.string()),
        }
    )
    persons = pa.table(
        {
            "person_id": pa.array(list(parsed.persons), pa.string()),
            "sex": pa.array([v[0] for v in parsed.persons.values()], pa.string()),
            "birth_year": pa.array([v[1] for v in parsed.persons.values()], pa.int32()),
        }
    )
    for name, t in (("rms_inc", table), ("rms_inv", inv), ("rms_persons", persons)):
        con.register(name, t)
    try:
        con.execute(
            """INSERT INTO incidents (incident_id, ingest_id, line, source, source_ref, month, occurred_at,
                   offence_group, offence_code, sv_category, knife_flag, domestic_flag, alcohol_flag, lat, lon,
                   location, lsoa_code, force, outcome, synthetic)
               SELECT incident_id, ?, line, ?, source_ref, month, occurred_at, offence_group, offence_code,
                      sv_category, knife_flag, domestic_flag, alcohol_flag, lat, lon, location, lsoa_code, ?,
                      outcome, ? FROM rms_inc""",
            [ingest_id, SOURCE, mapping.force, synthetic],
        )
        con.execute(
            """INSERT INTO persons (person_id, source, sex, birth_year, synthetic)
               SELECT person_id, ?, sex, birth_year, ? FROM rms_persons ON CONFLICT DO NOTHING""",
            [SOURCE, synthetic],
        )
        con.execute(
            """INSERT INTO involvements (incident_id, person_id, role, age, age_band, sex, synthetic)
               SELECT incident_id, person_id, role, age, age_band, sex, ? FROM rms_inv""",
            [synthetic],
        )
    finally:
        for name in ("rms_inc", "rms_inv", "rms_persons"):
            con.unregister(name)
    # Extracts carry LSOA codes, not names; reports list places by name, so take it from the ONS tables if held.
    con.execute(
        """UPDATE incidents AS i SET lsoa_name = n.name
           FROM (SELECT lsoa11_code AS code, any_value(lsoa11_name) AS name FROM lsoa_lookup GROUP BY 1
                 UNION ALL
                 SELECT area_code, any_value(area_name) FROM population
                 WHERE area_name IS NOT NULL AND area_code NOT IN (SELECT lsoa11_code FROM lsoa_lookup)
                 GROUP BY 1) n
           WHERE i.ingest_id = ? AND i.lsoa_code = n.code""",
        [ingest_id],
    )
    if parsed.rejects:
        con.executemany(
            "INSERT INTO rejects (ingest_id, file_name, line, field, reason, value, raw) VALUES (?, ?, ?, ?, ?, ?, ?)",
            [(ingest_id, file_name, *r) for r in parsed.rejects],
        )
