"""police.uk street-level crime adapter: CSV files, folders and data.police.uk's custom-download ``.zip``.

Every data row of a file ends up in ``incidents`` or in ``rejects`` (file, line, field, reason, value, raw line).
Rows are physical lines: police.uk never puts a line break inside a field, so a line whose quotes do not balance is
rejected rather than glued to the next one (that keeps line numbers exact). Blank lines carry nothing and are skipped.

Speed comes from letting DuckDB do the per-row work: the file's bytes become an Arrow string array of lines with no
copy (NumPy finds the line breaks), DuckDB splits and validates them in one vectorised query, and only the rare lines
with quotes go through Python's ``csv`` module. Files that are not valid UTF-8 take a per-line path in which the
undecodable lines are rejected and the rest ingest normally.
"""

from __future__ import annotations

import csv
import re
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import numpy as np
import pyarrow as pa

from svduty.data import IngestError
from svduty.data.ingest_common import (
    FileResult,
    active_for_key,
    find_unchanged,
    next_ingest_id,
    record_ingest,
    sha256_bytes,
    supersede,
)
from svduty.data.schema import POLICE_UK_CRIME_TYPES, SV_PROXY_CRIME_TYPES
from svduty.data.workspace import Workspace

SOURCE = "police.uk"

# The published columns of a data.police.uk street-level crime file, in order.
COLUMNS: tuple[str, ...] = (
    "Crime ID",
    "Month",
    "Reported by",
    "Falls within",
    "Longitude",
    "Latitude",
    "Location",
    "LSOA code",
    "LSOA name",
    "Crime type",
    "Last outcome category",
    "Context",
)

# Generous bounds around the UK including Northern Ireland, Scilly, Shetland and the Channel coast.
LAT_RANGE = (49.8, 61.0)
LON_RANGE = (-8.7, 2.0)

FILE_NAME = re.compile(r"(?P<month>\d{4}-\d{2})-(?P<force>[a-z0-9-]+?)-street\.csv$", re.IGNORECASE)

BOM = b"\xef\xbb\xbf"


@dataclass(frozen=True)
class Source:
    """One input file: where it came from and how to read its bytes (a plain file or a zip member)."""

    display: str
    file_name: str
    read: Callable[[], bytes]
    size: int


def discover(paths: list[Path]) -> list[Source]:
    """Expand files, folders and zip archives into the street-level CSVs they hold, in a stable order."""
    sources: list[Source] = []
    for path in paths:
        if not path.exists():
            raise IngestError("no such file or folder", file=str(path))
        if path.is_dir():
            found = sorted(p for p in path.rglob("*") if p.is_file() and _is_street_csv(p.name))
            zips = sorted(p for p in path.rglob("*.zip") if p.is_file())
            if not found and not zips:
                raise IngestError(
                    "folder holds no police.uk '*-street.csv' files or .zip archives", file=str(path)
                )
            sources.extend(_file_source(p) for p in found)
            for z in zips:
                sources.extend(_zip_sources(z))
        elif path.suffix.lower() == ".zip":
            sources.extend(_zip_sources(path))
        else:
            sources.append(_file_source(path))
    return sources


def _is_street_csv(name: str) -> bool:
    return name.lower().endswith("-street.csv")


def _file_source(path: Path) -> Source:
    return Source(str(path), path.name, path.read_bytes, path.stat().st_size)


def _zip_sources(path: Path) -> list[Source]:
    try:
        with zipfile.ZipFile(path) as archive:
            members = [i for i in archive.infolist() if not i.is_dir() and _is_street_csv(i.filename)]
    except (zipfile.BadZipFile, OSError) as exc:
        raise IngestError(f"not a readable zip archive ({exc})", file=str(path)) from exc
    if not members:
        raise IngestError("zip archive holds no police.uk '*-street.csv' files", file=str(path))

    def reader(member: str) -> Callable[[], bytes]:
        def read() -> bytes:
            try:
                with zipfile.ZipFile(path) as archive:
                    return archive.read(member)
            except (zipfile.BadZipFile, OSError, EOFError) as exc:
                raise IngestError(f"cannot read member {member} ({exc})", file=str(path)) from exc

        return read

    members.sort(key=lambda i: i.filename)
    return [
        Source(f"{path}!{m.filename}", Path(m.filename).name, reader(m.filename), m.file_size)
        for m in members
    ]


def ingest(
    ws: Workspace,
    paths: list[Path],
    *,
    on_file_start: Callable[[Source], None] | None = None,
    on_file_done: Callable[[Source, FileResult], None] | None = None,
) -> list[FileResult]:
    """Ingest every street-level CSV under ``paths``; each file is its own all-or-nothing transaction.

    A file-level problem (bad header, unreadable archive) raises ``IngestError`` before anything of that file is
    written; files already done stay done.
    """
    results = []
    for source in discover(paths):
        if on_file_start:
            on_file_start(source)
        result = ingest_bytes(ws, source.read(), display=source.display, file_name=source.file_name)
        results.append(result)
        if on_file_done:
            on_file_done(source, result)
    return results


def ingest_bytes(ws: Workspace, data: bytes, *, display: str, file_name: str) -> FileResult:
    """Ingest one file's content (see module docstring for the method)."""
    sha = sha256_bytes(data)
    if data.startswith(BOM):
        data = data[len(BOM) :]
    header_end = data.find(b"\n")
    header_bytes = data if header_end < 0 else data[:header_end]
    _check_header(header_bytes, display)
    body_start = len(data) if header_end < 0 else header_end + 1

    lines, line_numbers, bad_lines = _split_lines(data, body_start)

    name_match = FILE_NAME.search(file_name)
    con = ws.con
    con.register("pu_lines", pa.table({"line": line_numbers, "raw": lines}))
    try:
        if name_match:
            force = name_match.group("force").lower()
            month_text = name_match.group("month")
        else:
            force, month_text = _key_from_content(con)
        month = _parse_month(month_text)
        result = FileResult(display, file_name, sha, "ingested", force=force, month=month)

        unchanged = find_unchanged(con, SOURCE, sha, force, month)
        if unchanged is not None:
            result.status = "unchanged"
            result.ingest_id = unchanged
            row = con.execute(
                "SELECT rows_read, rows_stored, rows_rejected FROM ingests WHERE ingest_id = ?", [unchanged]
            ).fetchone()
            assert row is not None
            result.rows_read, result.rows_stored, result.rows_rejected = (int(v) for v in row)
            result.message = f"same content as ingest #{unchanged}: nothing to do"
            return result

        with ws.transaction():
            ingest_id = next_ingest_id(con)
            result.ingest_id = ingest_id
            replaced = active_for_key(con, SOURCE, force, month)
            supersede(con, replaced, ingest_id)
            if replaced:
                result.status = "replaced"
                result.replaced = replaced
                result.message = "replaced ingest " + ", ".join(f"#{i}" for i in replaced)
            _stage(con, month_text)
            stored, rejected = _store(con, ingest_id, file_name, force, bad_lines)
            result.rows_stored, result.rows_rejected = stored, rejected
            result.rows_read = stored + rejected
            record_ingest(con, result, SOURCE)
        return result
    finally:
        con.execute("DROP TABLE IF EXISTS pu_staged")
        con.unregister("pu_lines")


def _check_header(header_bytes: bytes, display: str) -> None:
    try:
        header_text = header_bytes.decode("utf-8").rstrip("\r")
    except UnicodeDecodeError as exc:
        raise IngestError("header line is not UTF-8 text: not a police.uk CSV", file=display, row=1) from exc
    if not header_text.strip():
        raise IngestError("empty file: no header line", file=display, row=1)
    try:
        columns = next(csv.reader([header_text]))
    except csv.Error as exc:
        raise IngestError(f"header line cannot be read as CSV ({exc})", file=display, row=1) from exc
    columns = [c.strip() for c in columns]
    if tuple(columns) == COLUMNS:
        return
    missing = [c for c in COLUMNS if c not in columns]
    extra = [c for c in columns if c not in COLUMNS]
    parts = []
    if missing:
        parts.append("missing " + ", ".join(repr(c) for c in missing))
    if extra:
        parts.append("unexpected " + ", ".join(repr(c[:40]) for c in extra[:5]))
    if not parts:
        parts.append("columns out of order")
    raise IngestError(
        "header does not match police.uk street-level columns: " + "; ".join(parts), file=display, row=1
    )


def _split_lines(data: bytes, start: int) -> tuple[pa.Array, pa.Array, list[tuple[int, str]]]:
    """Lines after the header as an Arrow string array (zero-copy when the file is valid UTF-8).

    Returns (lines, their 1-based line numbers, undecodable lines as (line number, escaped text)).
    Line terminators stay attached; SQL trims them.
    """
    buf = np.frombuffer(data, dtype=np.uint8)
    breaks = np.flatnonzero(buf[start:] == 10) + start + 1
    ends = breaks if (len(breaks) and breaks[-1] == len(data)) else np.append(breaks, len(data))
    if len(ends) and ends[-1] == start:  # header only
        ends = ends[:0]
    offsets = np.concatenate(([start], ends)).astype(np.int64)
    numbers = np.arange(2, len(offsets) + 1, dtype=np.int64)
    try:
        data[start:].decode("utf-8")
    except UnicodeDecodeError:
        return _split_lines_slow(data, offsets, numbers)
    lines = pa.LargeStringArray.from_buffers(len(offsets) - 1, pa.py_buffer(offsets), pa.py_buffer(data))
    return lines, pa.array(numbers), []


def _split_lines_slow(
    data: bytes, offsets: np.ndarray, numbers: np.ndarray
) -> tuple[pa.Array, pa.Array, list[tuple[int, str]]]:
    good: list[str] = []
    good_numbers: list[int] = []
    bad: list[tuple[int, str]] = []
    for i, number in enumerate(numbers.tolist()):
        raw = data[offsets[i] : offsets[i + 1]]
        try:
            good.append(raw.decode("utf-8"))
            good_numbers.append(number)
        except UnicodeDecodeError:
            text = raw.rstrip(b"\r\n").decode("utf-8", errors="backslashreplace")
            if text.strip():
                bad.append((number, text))
    return pa.array(good, type=pa.large_string()), pa.array(good_numbers, type=pa.int64()), bad


def _parse_month(text: str) -> date:
    return date(int(text[:4]), int(text[5:7]), 1)


def _key_from_content(con) -> tuple[str, str]:
    """Force and month for a file not named like data.police.uk's: the most common values in its rows."""
    row = con.execute(
        r"""SELECT s[2] AS month, lower(regexp_replace(trim(s[3]), '[^A-Za-z0-9]+', '-', 'g')) AS force, count(*)
            FROM (SELECT string_split(rtrim(raw, chr(13) || chr(10)), ',') AS s FROM pu_lines)
            WHERE len(s) = 12 AND regexp_full_match(s[2], '\d{4}-(0[1-9]|1[0-2])')
            GROUP BY ALL ORDER BY 3 DESC, 1, 2 LIMIT 1"""
    ).fetchone()
    if row is None:
        raise IngestError(
            "cannot tell the file's month: no row has a valid Month (name the file YYYY-MM-force-street.csv)"
        )
    return str(row[1]).strip("-") or "unknown", str(row[0])


def _sql_list(values: tuple[str, ...]) -> str:
    return "[" + ", ".join("'" + v.replace("'", "''") + "'" for v in values) + "]"


def _stage(con, month_text: str) -> None:
    """Split and validate every line in one vectorised query into ``pu_staged`` (reason NULL = storable).

    Lines containing quotes are parsed by Python's csv module (they are rare: place names with commas).
    """
    con.execute(
        """CREATE OR REPLACE TEMP TABLE pu_split AS
           SELECT line, rtrim(raw, chr(13) || chr(10)) AS raw FROM pu_lines
           WHERE contains(raw, '"')"""
    )
    quoted = con.execute("SELECT line, raw FROM pu_split").fetchall()
    con.execute("DROP TABLE pu_split")
    parsed_lines, parsed_fields, parse_errors = [], [], []
    for line, raw in quoted:
        try:
            rows = list(csv.reader([raw], strict=True))
            fields = rows[0] if rows else []
            parsed_lines.append(line)
            parsed_fields.append(fields)
            parse_errors.append(None)
        except csv.Error as exc:
            parsed_lines.append(line)
            parsed_fields.append(None)
            parse_errors.append(f"cannot parse quoted fields ({exc})")
    con.register(
        "pu_quoted",
        pa.table(
            {
                "line": pa.array(parsed_lines, type=pa.int64()),
                "f": pa.array(parsed_fields, type=pa.list_(pa.large_string())),
                "parse_error": pa.array(parse_errors, type=pa.large_string()),
            }
        ),
    )
    crime_types = _sql_list(POLICE_UK_CRIME_TYPES)
    sv_types = _sql_list(SV_PROXY_CRIME_TYPES)
    try:
        con.execute(
            f"""
            CREATE OR REPLACE TEMP TABLE pu_staged AS
            WITH lines AS (
                SELECT line, rtrim(raw, chr(13) || chr(10)) AS raw FROM pu_lines
            ),
            split AS (
                SELECT line, raw, string_split(raw, ',') AS f, NULL::VARCHAR AS parse_error
                FROM lines WHERE NOT contains(raw, '"') AND trim(raw) <> ''
                UNION ALL
                SELECT q.line, l.raw, q.f, q.parse_error FROM pu_quoted q JOIN lines l USING (line)
            ),
            v AS (
                SELECT line, raw, parse_error, len(f) AS nf,
                       nullif(trim(f[1]), '') AS crime_id, trim(f[2]) AS month_text,
                       nullif(trim(f[3]), '') AS reported_by, nullif(trim(f[4]), '') AS falls_within,
                       nullif(trim(f[5]), '') AS lon_text, nullif(trim(f[6]), '') AS lat_text,
                       nullif(trim(f[7]), '') AS location, nullif(trim(f[8]), '') AS lsoa_code,
                       nullif(trim(f[9]), '') AS lsoa_name, trim(f[10]) AS crime_type,
                       nullif(trim(f[11]), '') AS outcome, nullif(trim(f[12]), '') AS context
                FROM split
            ),
            n AS (
                SELECT *, TRY_CAST(lon_text AS DOUBLE) AS lon, TRY_CAST(lat_text AS DOUBLE) AS lat FROM v
            )
            SELECT line, raw, crime_id, month_text, reported_by, falls_within, lon, lat, location, lsoa_code,
                   lsoa_name, crime_type, outcome, context,
                   list_contains({sv_types}, crime_type) AS is_sv,
                   CASE
                     WHEN parse_error IS NOT NULL THEN ['(row)', parse_error, NULL]
                     WHEN nf <> 12 THEN ['(row)', 'wrong number of fields', nf || ' fields, expected 12']
                     WHEN NOT regexp_full_match(month_text, '\\d{{4}}-(0[1-9]|1[0-2])')
                       THEN ['Month', 'not a month (YYYY-MM)', month_text]
                     WHEN month_text <> '{month_text}' THEN ['Month', 'month outside the file''s month', month_text]
                     WHEN crime_type = '' THEN ['Crime type', 'blank crime type', NULL]
                     WHEN NOT list_contains({crime_types}, crime_type)
                       THEN ['Crime type', 'unknown crime type', crime_type]
                     WHEN reported_by IS NULL THEN ['Reported by', 'blank Reported by', NULL]
                     WHEN lon_text IS NULL AND lat_text IS NOT NULL
                       THEN ['Longitude', 'latitude given without longitude', lat_text]
                     WHEN lat_text IS NULL AND lon_text IS NOT NULL
                       THEN ['Latitude', 'longitude given without latitude', lon_text]
                     WHEN lon_text IS NOT NULL AND (lon IS NULL OR NOT isfinite(lon))
                       THEN ['Longitude', 'longitude not a number', lon_text]
                     WHEN lat_text IS NOT NULL AND (lat IS NULL OR NOT isfinite(lat))
                       THEN ['Latitude', 'latitude not a number', lat_text]
                     WHEN lat NOT BETWEEN {LAT_RANGE[0]} AND {LAT_RANGE[1]}
                       THEN ['Latitude', 'latitude outside the UK', lat_text]
                     WHEN lon NOT BETWEEN {LON_RANGE[0]} AND {LON_RANGE[1]}
                       THEN ['Longitude', 'longitude outside the UK', lon_text]
                     WHEN lsoa_code IS NOT NULL AND NOT regexp_full_match(lsoa_code, '[EWSNK]\\d{{8}}')
                       THEN ['LSOA code', 'not an ONS area code', lsoa_code]
                     ELSE NULL
                   END AS problem
            FROM n
            """
        )
    finally:
        con.unregister("pu_quoted")


def _store(
    con, ingest_id: int, file_name: str, force: str, bad_lines: list[tuple[int, str]]
) -> tuple[int, int]:
    """Move staged rows into ``incidents`` / ``rejects``; returns (stored, rejected)."""
    stored_row = con.execute(
        f"""INSERT INTO incidents
            SELECT {ingest_id}::BIGINT * 4294967296 + line, {ingest_id}, line, '{SOURCE}', crime_id,
                   strptime(month_text, '%Y-%m')::DATE, NULL, crime_type, NULL,
                   CASE WHEN is_sv THEN crime_type END, NULL, NULL, NULL,
                   lat, lon, location, lsoa_code, lsoa_name, ?, reported_by, falls_within, outcome, context, false
            FROM pu_staged WHERE problem IS NULL""",
        [force],
    ).fetchone()
    rejected_row = con.execute(
        """INSERT INTO rejects (ingest_id, file_name, line, field, reason, value, raw)
           SELECT ?, ?, line, problem[1], problem[2], problem[3], raw FROM pu_staged WHERE problem IS NOT NULL""",
        [ingest_id, file_name],
    ).fetchone()
    stored = int(stored_row[0]) if stored_row else 0
    rejected = int(rejected_row[0]) if rejected_row else 0
    if bad_lines:
        con.executemany(
            "INSERT INTO rejects (ingest_id, file_name, line, field, reason, value, raw) VALUES (?, ?, ?, ?, ?, ?, ?)",
            [(ingest_id, file_name, n, "(row)", "not valid UTF-8 text", None, text) for n, text in bad_lines],
        )
        rejected += len(bad_lines)
    return stored, rejected


def iter_sample_paths() -> Iterator[Path]:
    """The real police.uk sample bundled in the package (see ``svduty/data/sample/README.md``)."""
    sample = Path(__file__).parent / "sample"
    yield from sorted(sample.glob("police-uk-*.zip"))
