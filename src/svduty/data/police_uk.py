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
import os
import re
import zipfile
from collections import Counter
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import duckdb
import numpy as np
import pyarrow as pa

from svduty.data import IngestError, zip_members
from svduty.data.ingest_common import (
    FileResult,
    active_for_key,
    check_regular_file,
    mark_if_unchanged,
    next_ingest_id,
    read_regular_file,
    record_ingest,
    sha256_bytes,
    supersede,
)
from svduty.data.schema import POLICE_UK_CRIME_TYPES, SV_PROXY_CRIME_TYPES, UK_LAT_RANGE, UK_LON_RANGE
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


FILE_NAME = re.compile(r"(?P<month>\d{4}-(?:0[1-9]|1[0-2]))-(?P<force>[a-z0-9-]+?)-street\.csv$", re.IGNORECASE)

BOM = b"\xef\xbb\xbf"
MONTH = re.compile(r"\d{4}-(0[1-9]|1[0-2])")


@dataclass(frozen=True)
class Source:
    """One input file: where it came from and how to read its bytes (a plain file or a zip member)."""

    display: str
    file_name: str
    read: Callable[[], bytes]
    size: int
    disk_path: Path | None = None
    archive: Path | None = None  # for a zip member: the archive, and ``file_name`` is read from ``member``
    member: str | None = None


def discover(paths: list[Path]) -> list[Source]:
    """Expand files, folders and zip archives into the street-level CSVs they hold, in a stable order."""
    sources: list[Source] = []
    for path in paths:
        if not path.exists():
            raise IngestError("no such file or folder", file=str(path))
        check_regular_file(path)
        if path.is_dir():
            found = sorted(p for p in path.rglob("*") if p.is_file() and _is_street_csv(p.name))
            zips = sorted(p for p in path.rglob("*.zip") if p.is_file())
            if not found and not zips:
                raise IngestError("folder holds no police.uk '*-street.csv' files or .zip archives", file=str(path))
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
    def read() -> bytes:
        return read_regular_file(path)

    try:
        size = path.stat().st_size
    except OSError as exc:
        raise IngestError(f"cannot read file ({exc.strerror or exc})", file=str(path)) from exc
    return Source(str(path), path.name, read, size, path)


def _zip_sources(path: Path) -> list[Source]:
    try:
        with zipfile.ZipFile(path) as archive:
            members = [i for i in archive.infolist() if not i.is_dir() and _is_street_csv(i.filename)]
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise IngestError(f"not a readable zip archive ({exc})", file=str(path)) from exc
    if not members:
        raise IngestError("zip archive holds no police.uk '*-street.csv' files", file=str(path))
    for info in members:
        zip_members.check_size(path, info.filename, info.file_size, info.compress_size)

    def reader(member: str) -> Callable[[], bytes]:
        def read() -> bytes:
            chunks: list[bytes] = []
            zip_members.stream(path, member, chunks.append)
            return b"".join(chunks)

        return read

    members.sort(key=lambda i: i.filename)
    return [
        Source(
            f"{path}!{m.filename}",
            Path(m.filename).name,
            reader(m.filename),
            m.file_size,
            archive=path,
            member=m.filename,
        )
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
        result = ingest_source(ws, source)
        results.append(result)
        if on_file_done:
            on_file_done(source, result)
    return results


def ingest_source(ws: Workspace, source: Source) -> FileResult:
    """Ingest one discovered file (a plain file is parsed in place; a zip member streamed to a temporary file)."""
    if source.archive is not None and source.member is not None:
        with zip_members.on_disk(ws.path / "tmp", source.archive, source.member) as path:
            data = read_regular_file(path)
            return ingest_bytes(ws, data, display=source.display, file_name=source.file_name, disk_path=path)
    return ingest_bytes(
        ws, source.read(), display=source.display, file_name=source.file_name, disk_path=source.disk_path
    )


def ingest_bytes(
    ws: Workspace, data: bytes, *, display: str, file_name: str, disk_path: Path | None = None
) -> FileResult:
    """Ingest one file's content (see module docstring for the method).

    DuckDB's parallel CSV reader loads the file (``disk_path``, or a temporary copy of a zip member) in a worker
    thread while Python hashes and counts lines (DuckDB releases the GIL): a fifth off a national year's ingest.
    """
    raw = data
    if data.startswith(BOM):
        data = data[len(BOM) :]
    if b"\r" in data and data.count(b"\r") != data.count(b"\r\n"):
        # Lone CRs (classic Mac line ends) break lines as any CSV reader would; DuckDB reads the normalised copy.
        data, disk_path = data.replace(b"\r\n", b"\n").replace(b"\r", b"\n"), None
    has_nul = b"\x00" in data
    header_end = data.find(b"\n")
    _check_header(data if header_end < 0 else data[:header_end], display)
    body_start = len(data) if header_end < 0 else header_end + 1

    name_match = FILE_NAME.search(file_name)
    if name_match:
        force, month_text = name_match.group("force").lower(), name_match.group("month")
    else:
        force, month_text = _key_from_content(data[body_start:], display)
    month = _parse_month(month_text, display)

    con = ws.con
    # DuckDB reads paths as glob patterns, so a path with *?[{ goes through a temporary copy of the bytes we hash.
    if disk_path is not None and set(str(disk_path)) & set("*?[{"):
        disk_path = None
    before = _stat_key(disk_path)
    with ExitStack() as stack:
        path = disk_path if disk_path is not None else stack.enter_context(_on_disk(ws, data))
        pool = stack.enter_context(ThreadPoolExecutor(max_workers=1))
        preload = pool.submit(_load_rows, con, path)
        try:
            sha = sha256_bytes(raw)
            expected = data.count(b"\n", body_start) + (1 if len(data) > body_start and not data.endswith(b"\n") else 0)
            loaded = preload.result()
            if disk_path is not None and (before != _stat_key(disk_path) or len(raw) != before[0]):
                raise IngestError("the file changed while it was being read; try again", file=display)
            if has_nul:
                loaded = None  # rows with NUL bytes are rejected from their raw line: take the exact path
            result = FileResult(display, file_name, sha, "ingested", force=force, month=month)
            if mark_if_unchanged(con, result, SOURCE):
                return result
            _store_file(ws, result, data, body_start, expected, loaded, month_text, has_nul)
            return result
        finally:
            preload.result()
            con.execute("DROP TABLE IF EXISTS pu_rows")


def _stat_key(path: Path | None) -> tuple[int, int] | None:
    """Size and modification time, to notice a file that changes between our read and DuckDB's."""
    if path is None:
        return None
    st = path.stat()
    return st.st_size, st.st_mtime_ns


class _NotLineExact(Exception):
    """The fast reader's rows did not line up one-to-one with the file's lines."""


def _load_rows(con: duckdb.DuckDBPyConnection, path: Path) -> int | None:
    """DuckDB's parallel CSV reader into temp table ``pu_rows`` in file order; the row count, or None if it failed.

    Run outside any transaction: rows appended inside one get transaction-local rowids.
    """
    try:
        con.execute(
            f"CREATE OR REPLACE TEMP TABLE pu_rows AS SELECT * FROM read_csv('{_sql_str(str(path))}', {_CSV_OPTIONS})"
        )
        return _count(con.execute("SELECT count(*) FROM pu_rows").fetchone())
    except duckdb.Error:
        return None


def _store_file(
    ws: Workspace,
    result: FileResult,
    data: bytes,
    body_start: int,
    expected: int,
    loaded: int | None,
    month_text: str,
    has_nul: bool = False,
) -> None:
    """Store the rows in one transaction: the fast path when its rows provably match lines, else the exact path.

    Fast path: DuckDB's parallel CSV reader has loaded the fields into ``pu_rows`` in file order (DuckDB preserves
    insertion order, so ``rowid`` is the row's position; a streaming ``row_number() OVER ()`` would do the same but
    serialises the whole load and cost 40% more on a national year). Position equals line number only when every
    line after the header is exactly one row, which is checked by counting: rows read must equal line breaks (a
    blank line, a line break inside quotes, bad UTF-8 or a ragged row all break it, and then the exact path splits
    lines itself). ``loaded`` is None when the reader refused the file.
    """
    if expected and loaded == expected:
        fast_sql = (
            "SELECT rowid + 2 AS line, NULL::VARCHAR AS raw, NULL::VARCHAR AS parse_error, 12 AS nf, * FROM pu_rows"
        )
        try:
            with ws.transaction():
                _store_rows(ws, result, fast_sql, expected, [], data, month_text, line_exact=True)
            return
        except (_NotLineExact, duckdb.Error):
            pass
    with _exact_source(ws.con, data, body_start) as (exact_sql, total, undecodable), ws.transaction():
        _store_rows(ws, result, exact_sql, total, undecodable, data, month_text, line_exact=False, has_nul=has_nul)


@contextmanager
def _on_disk(ws: Workspace, data: bytes) -> Iterator[Path]:
    """A temporary copy of a zip member inside the workspace, for DuckDB's reader."""
    (ws.path / "tmp").mkdir(exist_ok=True)
    temp_file = ws.path / "tmp" / f"ingest-{os.getpid()}.csv"
    temp_file.write_bytes(data)
    try:
        yield temp_file
    finally:
        temp_file.unlink(missing_ok=True)


def _store_rows(
    ws: Workspace,
    result: FileResult,
    source_sql: str,
    total: int,
    undecodable: list[tuple[int, str]],
    data: bytes,
    month_text: str,
    *,
    line_exact: bool,
    has_nul: bool = False,
) -> None:
    """Supersede the old version, insert stored and rejected rows, record the ingest (inside a transaction)."""
    con = ws.con
    ingest_id = next_ingest_id(con)
    result.ingest_id = ingest_id
    replaced = active_for_key(con, SOURCE, result.force, result.month)
    supersede(con, replaced, ingest_id)
    if replaced:
        result.status, result.replaced = "replaced", replaced
        result.message = "replaced ingest " + ", ".join(f"#{i}" for i in replaced)
    validated = _validated_sql(source_sql, month_text, has_nul=has_nul)
    stored = _count(con.execute(_insert_incidents_sql(validated, ingest_id, result.month), [result.force]).fetchone())
    rejected = 0
    if stored < total:
        rejected = _count(
            con.execute(
                f"""INSERT INTO rejects (ingest_id, file_name, line, field, reason, value, raw)
                    SELECT ?, ?, line, problem[1], problem[2], problem[3], replace(raw, chr(0), '\\0')
                    FROM ({validated}) WHERE problem IS NOT NULL""",
                [ingest_id, result.file_name],
            ).fetchone()
        )
    if line_exact and stored + rejected != total:
        raise _NotLineExact
    if rejected:
        _fill_raw_lines(con, ingest_id, data)
    if undecodable:
        con.executemany(
            "INSERT INTO rejects (ingest_id, file_name, line, field, reason, value, raw) "
            "VALUES (?, ?, ?, '(row)', 'not valid UTF-8 text', NULL, ?)",
            [(ingest_id, result.file_name, n, text) for n, text in undecodable],
        )
        rejected += len(undecodable)
    result.rows_stored, result.rows_rejected = stored, rejected
    # Counted apart from the two inserts: the CHECK on ingests refuses the file if they ever disagree.
    result.rows_read = total + len(undecodable)
    record_ingest(con, result, SOURCE)
    result.warnings += _warnings(con, result, month_text)


def _warnings(con: duckdb.DuckDBPyConnection, result: FileResult, month_text: str) -> list[str]:
    """An empty month, or rows for another month than the file's name says (a misnamed or merged file)."""
    if not result.rows_read:
        return ["header only, no data rows: ingested as a month with no crimes (is this the file you meant?)"]
    others = con.execute(
        """SELECT value, count(*) FROM rejects WHERE ingest_id = ? AND reason = 'month outside the file''s month'
           GROUP BY 1 ORDER BY 2 DESC, 1""",
        [result.ingest_id],
    ).fetchall()
    if not others:
        return []
    n = sum(int(c) for _, c in others)
    months = ", ".join(f"{m} ({int(c):,})" for m, c in others[:5]) + (" …" if len(others) > 5 else "")
    return [
        f"{n:,} of {result.rows_read:,} rows are for another month than {month_text}, the month its name gives: "
        f"{months}; they were rejected (rename the file to the month it holds)"
    ]


def _count(row: tuple | None) -> int:
    return int(row[0]) if row else 0


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
    raise IngestError("header does not match police.uk street-level columns: " + "; ".join(parts), file=display, row=1)


_FIELDS = ", ".join(f"'c{i}': 'VARCHAR'" for i in range(1, 13))
_CSV_OPTIONS = (
    f"columns = {{{_FIELDS}}}, header = true, delim = ',', quote = '\"', escape = '\"', auto_detect = false, "
    "strict_mode = true, null_padding = false, ignore_errors = false"
)


@contextmanager
def _exact_source(
    con: duckdb.DuckDBPyConnection, data: bytes, body_start: int
) -> Iterator[tuple[str, int, list[tuple[int, str]]]]:
    """SQL for the rows as (line, raw, parse_error, nf, c1..c12) split line by line, their count, undecodable lines."""
    lines, numbers, undecodable = _split_lines(data, body_start)
    con.register("pu_lines", pa.table({"line": numbers, "raw": lines}))
    try:
        con.register("pu_quoted", _parse_quoted_lines(con))
        try:
            split = """SELECT line, rtrim(raw, chr(13) || chr(10)) AS raw, NULL::VARCHAR AS parse_error,
                              string_split(rtrim(raw, chr(13) || chr(10)), ',') AS f
                       FROM pu_lines
                       WHERE NOT contains(raw, '"') AND trim(raw, ' ' || chr(9) || chr(13) || chr(10)) <> ''
                       UNION ALL SELECT line, raw, parse_error, f FROM pu_quoted"""
            fields = ", ".join(f"f[{i}] AS c{i}" for i in range(1, 13))
            sql = f"SELECT line, raw, parse_error, len(f) AS nf, {fields} FROM ({split})"
            yield sql, _count(con.execute(f"SELECT count(*) FROM ({sql})").fetchone()), undecodable
        finally:
            con.unregister("pu_quoted")
    finally:
        con.unregister("pu_lines")


def _parse_quoted_lines(con: duckdb.DuckDBPyConnection) -> pa.Table:
    """Lines with quotes, parsed by Python's csv module (rare: place names with commas)."""
    quoted = con.execute(
        """SELECT line, rtrim(raw, chr(13) || chr(10)) FROM pu_lines WHERE contains(raw, '"')"""
    ).fetchall()
    lines, raws, fields, errors = [], [], [], []
    for line, raw in quoted:
        lines.append(line)
        raws.append(raw)
        try:
            parsed = list(csv.reader([raw], strict=True))
            fields.append(parsed[0] if parsed else [])
            errors.append(None)
        except csv.Error as exc:
            fields.append(None)
            errors.append(f"cannot parse quoted fields ({exc})")
    return pa.table(
        {
            "line": pa.array(lines, type=pa.int64()),
            "raw": pa.array(raws, type=pa.large_string()),
            "parse_error": pa.array(errors, type=pa.large_string()),
            "f": pa.array(fields, type=pa.list_(pa.large_string())),
        }
    )


def _split_lines(data: bytes, start: int) -> tuple[pa.Array, pa.Array, list[tuple[int, str]]]:
    """Lines after the header as Arrow strings (zero-copy when the file is valid UTF-8), with their line numbers.

    Also returns the undecodable lines as (line number, text with bytes escaped). Terminators stay attached.
    """
    offsets = _line_offsets(data, start)
    numbers = np.arange(2, len(offsets) + 1, dtype=np.int64)
    lines = pa.LargeStringArray.from_buffers(len(offsets) - 1, pa.py_buffer(offsets), pa.py_buffer(data))
    try:
        lines.validate(full=True)
    except pa.ArrowInvalid:
        return _split_lines_slow(data, offsets, numbers)
    return lines, pa.array(numbers), []


def _line_offsets(data: bytes, start: int) -> np.ndarray:
    """Start offsets of the lines from ``start`` on, plus the end of the data (Arrow offsets layout)."""
    buf = np.frombuffer(data, dtype=np.uint8)
    ends = np.flatnonzero(buf[start:] == 10) + start + 1
    if len(data) > start and (not len(ends) or ends[-1] != len(data)):
        ends = np.append(ends, len(data))
    return np.concatenate(([start], ends)).astype(np.int64)


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
            bad.append((number, text))
    return pa.array(good, type=pa.large_string()), pa.array(good_numbers, type=pa.int64()), bad


def _fill_raw_lines(con: duckdb.DuckDBPyConnection, ingest_id: int, data: bytes) -> None:
    """Give fast-path rejects their raw line text (the reader saw fields, not lines)."""
    missing = [
        int(r[0])
        for r in con.execute("SELECT line FROM rejects WHERE ingest_id = ? AND raw IS NULL", [ingest_id]).fetchall()
    ]
    if not missing:
        return
    start = data.find(b"\n") + 1
    offsets = _line_offsets(data, start)
    updates = []
    for line in missing:
        i = line - 2
        raw = data[offsets[i] : offsets[i + 1]].rstrip(b"\r\n").decode("utf-8", errors="backslashreplace")
        updates.append((raw, ingest_id, line))
    con.executemany("UPDATE rejects SET raw = ? WHERE ingest_id = ? AND line = ?", updates)


def _parse_month(text: str, display: str) -> date:
    year, month = int(text[:4]), int(text[5:7])
    if not (1 <= year <= 9999 and 1 <= month <= 12):
        raise IngestError(f"not a month: {text!r}", file=display)
    return date(year, month, 1)


def _key_from_content(body: bytes, display: str) -> tuple[str, str]:
    """Force and month for a file not named like data.police.uk's: the most common values in its rows."""
    counts: Counter[tuple[str, str]] = Counter()
    for line in body.decode("utf-8", errors="replace").splitlines():
        fields = next(csv.reader([line]), [])
        if len(fields) == len(COLUMNS) and MONTH.fullmatch(fields[1].strip()) and fields[2].strip():
            counts[(re.sub(r"[^a-z0-9]+", "-", fields[2].strip().lower()).strip("-"), fields[1].strip())] += 1
    if not counts:
        raise IngestError(
            "cannot tell the file's force and month: name it YYYY-MM-<force>-street.csv as data.police.uk does",
            file=display,
        )
    (force, month), _ = max(counts.items(), key=lambda kv: (kv[1], kv[0]))
    return force or "unknown", month


def _sql_str(value: str) -> str:
    return value.replace("'", "''")


def _sql_list(values: tuple[str, ...]) -> str:
    return "[" + ", ".join(f"'{_sql_str(v)}'" for v in values) + "]"


def _validated_sql(source_sql: str, month_text: str, *, has_nul: bool = False) -> str:
    """One row per input row: typed values and ``problem`` = [field, reason, value] (NULL when storable).

    The first failing check wins, in the order a person would fix them. A NUL byte is not text (and truncates the
    value in many tools), so a row holding one is rejected naming its field; the check runs only for files that
    contain a NUL at all (``has_nul``), to keep a national year's load fast. Text is stored as published (trimming every
    field would double the cost of a national year); only Month and the coordinates, which are parsed, are trimmed.
    """
    crime_types = _sql_list(POLICE_UK_CRIME_TYPES)
    return f"""
        WITH v AS (
            SELECT line, raw, parse_error, nf,
                   nullif(c1, '') AS crime_id, trim(c2) AS month_text,
                   nullif(c3, '') AS reported_by, nullif(c4, '') AS falls_within,
                   nullif(trim(c5), '') AS lon_text, nullif(trim(c6), '') AS lat_text,
                   nullif(c7, '') AS location, nullif(c8, '') AS lsoa_code,
                   nullif(c9, '') AS lsoa_name, coalesce(c10, '') AS crime_type,
                   nullif(c11, '') AS outcome, nullif(c12, '') AS context
            FROM ({source_sql})
        ),
        n AS (SELECT *, TRY_CAST(lon_text AS DOUBLE) AS lon, TRY_CAST(lat_text AS DOUBLE) AS lat FROM v)
        SELECT *,
               CASE
                 {_nul_check() if has_nul else ""}
                 WHEN parse_error IS NOT NULL THEN ['(row)', parse_error, NULL]
                 WHEN nf <> 12 THEN ['(row)', 'wrong number of fields', nf || ' fields, expected 12']
                 WHEN month_text IS DISTINCT FROM '{month_text}' THEN
                   CASE WHEN regexp_full_match(month_text, '\\d{{4}}-(0[1-9]|1[0-2])')
                        THEN ['Month', 'month outside the file''s month', month_text]
                        ELSE ['Month', 'not a month (YYYY-MM)', month_text] END
                 WHEN crime_type = '' THEN ['Crime type', 'blank crime type', NULL]
                 WHEN NOT list_contains({crime_types}, crime_type) THEN ['Crime type', 'unknown crime type', crime_type]
                 WHEN reported_by IS NULL THEN ['Reported by', 'blank Reported by', NULL]
                 WHEN lon_text IS NULL AND lat_text IS NOT NULL
                   THEN ['Longitude', 'latitude given without longitude', lat_text]
                 WHEN lat_text IS NULL AND lon_text IS NOT NULL
                   THEN ['Latitude', 'longitude given without latitude', lon_text]
                 WHEN lon_text IS NOT NULL AND (lon IS NULL OR NOT isfinite(lon))
                   THEN ['Longitude', 'longitude not a number', lon_text]
                 WHEN lat_text IS NOT NULL AND (lat IS NULL OR NOT isfinite(lat))
                   THEN ['Latitude', 'latitude not a number', lat_text]
                 WHEN lat NOT BETWEEN {UK_LAT_RANGE[0]} AND {UK_LAT_RANGE[1]}
                   THEN ['Latitude', 'latitude outside the UK', lat_text]
                 WHEN lon NOT BETWEEN {UK_LON_RANGE[0]} AND {UK_LON_RANGE[1]}
                   THEN ['Longitude', 'longitude outside the UK', lon_text]
                 WHEN lsoa_code IS NOT NULL AND NOT regexp_full_match(lsoa_code, '[EWSNK]\\d{{8}}')
                   THEN ['LSOA code', 'not an ONS area code', lsoa_code]
                 ELSE NULL
               END AS problem
        FROM n"""


def _nul_check() -> str:
    """A CASE branch: the first field holding a NUL byte, or the row if its fields cannot be told apart."""
    names = ", ".join(f"'{_sql_str(c)}'" for c in COLUMNS)
    fields = ("crime_id", "month_text", "reported_by", "falls_within", "lon_text", "lat_text", "location", "lsoa_code")
    fields += ("lsoa_name", "crime_type", "outcome", "context")  # the v columns, in COLUMNS order
    flags = ", ".join(f"coalesce(contains({f}, chr(0)), false)" for f in fields)
    return f"""WHEN contains(coalesce(raw, ''), chr(0)) THEN
                   [coalesce([{names}][list_position([{flags}], true)], '(row)'),
                    'NUL byte (\\0) inside the field: not text', NULL]"""


def _insert_incidents_sql(validated: str, ingest_id: int, month: date | None) -> str:
    """Stored rows all carry the file's month (any other is a reject), so the month is one constant, not parsed."""
    sv_types = _sql_list(SV_PROXY_CRIME_TYPES)
    return f"""
        INSERT INTO incidents
        SELECT {ingest_id}::BIGINT * 4294967296 + line, {ingest_id}, line, '{SOURCE}', crime_id,
               DATE '{month.isoformat() if month else None}', NULL, crime_type, NULL,
               CASE WHEN list_contains({sv_types}, crime_type) THEN crime_type END, NULL, NULL, NULL,
               lat, lon, location, lsoa_code, lsoa_name, ?, reported_by, falls_within, outcome, context, false
        FROM ({validated}) WHERE problem IS NULL"""


def iter_sample_paths() -> Iterator[Path]:
    """The real police.uk sample bundled in the package (see ``svduty/data/sample/README.md``)."""
    sample = Path(__file__).parent / "sample"
    yield from sorted(sample.glob("police-uk-*.zip"))
