"""Bookkeeping shared by every source adapter: what makes "nothing lost" and "re-ingest is a no-op" true.

Each adapter turns one input file into a ``FileResult`` inside one workspace transaction:
one row in ``ingests`` (content hash, rows read / stored / rejected, with ``read = stored + rejected`` enforced by a
CHECK constraint), the stored rows in their table and the rest in ``rejects``. A file whose content is already active
for the same source and key (e.g. force × month) is a no-op; a changed file for the same key supersedes the old rows.
"""

from __future__ import annotations

import hashlib
import os
import stat
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path
from typing import TYPE_CHECKING

import duckdb

from svduty.data import IngestError

if TYPE_CHECKING:
    import pyarrow as pa

# Tables whose rows belong to an ingest and are removed when it is superseded.
INGEST_OWNED_TABLES: tuple[str, ...] = (
    "incidents",
    "rejects",
    "ed_attendances",
    "istv_assaults",
    "hospital_admissions",
    "risk_factors",
)
INCIDENT_OWNED_TABLES: tuple[str, ...] = ("involvements", "incident_synthetic_fields")


@dataclass
class FileResult:
    """What happened to one input file; the CLI prints these and ``status`` re-reads them from ``ingests``."""

    path: str
    file_name: str
    sha256: str
    status: str  # 'ingested' | 'replaced' | 'unchanged'
    ingest_id: int | None = None
    rows_read: int = 0
    rows_stored: int = 0
    rows_rejected: int = 0
    force: str | None = None
    month: date | None = None
    replaced: list[int] = field(default_factory=list)
    message: str = ""
    warnings: list[str] = field(default_factory=list)  # what a person should look at, e.g. an empty file


def sha256_bytes(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def now_utc() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


def find_unchanged(con: duckdb.DuckDBPyConnection, source: str, sha256: str) -> int | None:
    """The active ingest already holding exactly this content, if any.

    Matched on content alone, not on the key (force, month): the same bytes saved under another file name would
    otherwise be keyed differently and stored twice.
    """
    row = con.execute(
        """SELECT ingest_id FROM ingests WHERE status = 'active' AND source = ? AND sha256 = ?
           ORDER BY ingest_id LIMIT 1""",
        [source, sha256],
    ).fetchone()
    return int(row[0]) if row else None


def mark_if_unchanged(con: duckdb.DuckDBPyConnection, result: FileResult, source: str) -> bool:
    """If this content is already active, fill ``result`` from that ingest ('unchanged') and return True."""
    unchanged = find_unchanged(con, source, result.sha256)
    if unchanged is None:
        return False
    row = con.execute(
        "SELECT rows_read, rows_stored, rows_rejected FROM ingests WHERE ingest_id = ?", [unchanged]
    ).fetchone()
    assert row is not None
    result.status, result.ingest_id = "unchanged", unchanged
    result.rows_read, result.rows_stored, result.rows_rejected = (int(v) for v in row)
    result.message = f"same content as ingest #{unchanged}: nothing to do"
    return True


def active_for_key(con: duckdb.DuckDBPyConnection, source: str, force: str | None, month: date | None) -> list[int]:
    """Active ingests a new file for the same source × force × month replaces."""
    rows = con.execute(
        """SELECT ingest_id FROM ingests WHERE status = 'active' AND source = ?
           AND force IS NOT DISTINCT FROM ? AND month IS NOT DISTINCT FROM ? ORDER BY ingest_id""",
        [source, force, month],
    ).fetchall()
    return [int(r[0]) for r in rows]


def next_ingest_id(con: duckdb.DuckDBPyConnection) -> int:
    row = con.execute("SELECT coalesce(max(ingest_id), 0) + 1 FROM ingests").fetchone()
    return int(row[0]) if row else 1


def supersede(con: duckdb.DuckDBPyConnection, old_ids: Iterable[int], new_id: int) -> None:
    """Remove the rows of replaced ingests and keep their ``ingests`` rows as history (status 'superseded')."""
    ids = list(old_ids)
    if not ids:
        return
    marks = ", ".join("?" for _ in ids)
    for table in INGEST_OWNED_TABLES:
        con.execute(f"DELETE FROM {table} WHERE ingest_id IN ({marks})", ids)
    # Rows keyed by incident (incident_id = ingest_id * 2^32 + line): victims/suspects and the synthetic layer's
    # per-incident bookkeeping go with their incidents instead of being left pointing at nothing.
    for table in INCIDENT_OWNED_TABLES:
        con.execute(f"DELETE FROM {table} WHERE incident_id // 4294967296 IN ({marks})", ids)
    con.execute(
        f"UPDATE ingests SET status = 'superseded', superseded_by = ? WHERE ingest_id IN ({marks})",
        [new_id, *ids],
    )


def record_ingest(con: duckdb.DuckDBPyConnection, result: FileResult, source: str) -> None:
    """Write the ``ingests`` row; the CHECK constraint refuses any accounting that does not add up."""
    con.execute(
        """INSERT INTO ingests (ingest_id, source, path, file_name, sha256, force, month, rows_read, rows_stored,
               rows_rejected, status, superseded_by, ingested_at)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'active', NULL, ?)""",
        [
            result.ingest_id,
            source,
            result.path,
            result.file_name,
            result.sha256,
            result.force,
            result.month,
            result.rows_read,
            result.rows_stored,
            result.rows_rejected,
            now_utc(),
        ],
    )


_NOT_REGULAR = {
    stat.S_IFIFO: "a named pipe",
    stat.S_IFSOCK: "a socket",
    stat.S_IFCHR: "a character device",
    stat.S_IFBLK: "a block device",
}


def check_regular_file(path: Path) -> None:
    """Refuse a named pipe, socket or device given as input: reading one would wait for ever or never end."""
    try:
        mode = path.stat().st_mode
    except OSError as exc:
        raise IngestError(f"cannot read file ({exc.strerror or exc})", file=str(path)) from exc
    if not stat.S_ISREG(mode) and not stat.S_ISDIR(mode):
        kind = _NOT_REGULAR.get(stat.S_IFMT(mode), "not a regular file")
        raise IngestError(f"{kind}, not a file: give a saved file instead", file=str(path))


def read_regular_file(path: Path) -> bytes:
    """The bytes of a regular file; a pipe, socket or device is refused without blocking on it.

    Opened non-blocking and checked on the open descriptor, so a path swapped for a pipe after a first check is
    refused too.
    """
    check_regular_file(path)
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    except OSError as exc:
        raise IngestError(f"cannot read file ({exc.strerror or exc})", file=str(path)) from exc
    try:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            raise IngestError("not a regular file: give a saved file instead", file=str(path))
        with os.fdopen(fd, "rb", closefd=False) as handle:
            return handle.read()
    except OSError as exc:
        raise IngestError(f"cannot read file ({exc.strerror or exc})", file=str(path)) from exc
    finally:
        os.close(fd)


# -- row-level bookkeeping of the mapped partner-data adapters (ISTV, admissions) ---------------------------------
# A reject as stored: (line, field, reason, value, raw text of the row).
RejectRow = tuple[int, str, str, str | None, str | None]


class RowReject(Exception):
    """One row cannot be stored: ``key`` names the field (a column, or a layout key the adapter turns into one)."""

    def __init__(self, key: str, reason: str, value: str | None = None):
        super().__init__(reason)
        self.key, self.reason, self.value = key, reason, value

    def as_reject(self, line: int, field_name: str, raw: str | None) -> RejectRow:
        return (line, field_name, self.reason, None if self.value is None else self.value[:200], raw)


@dataclass
class ParsedRows:
    """What an adapter made of one file: rows read, rows to store and rejects (read = stored + rejected)."""

    read: int = 0
    rows: list[dict] = field(default_factory=list)
    rejects: list[RejectRow] = field(default_factory=list)

    def check_accounted(self, display: str) -> None:
        """Every row stored or rejected; anything else is a bug in the adapter, never a data problem."""
        if self.read != len(self.rows) + len(self.rejects):
            raise AssertionError(f"{display}: read {self.read}, stored {len(self.rows)}, rejected {len(self.rejects)}")


def insert_rejects(con: duckdb.DuckDBPyConnection, ingest_id: int, file_name: str, rejects: list[RejectRow]) -> None:
    if rejects:
        con.executemany(
            "INSERT INTO rejects (ingest_id, file_name, line, field, reason, value, raw) VALUES (?, ?, ?, ?, ?, ?, ?)",
            [(ingest_id, file_name, *r) for r in rejects],
        )


def rows_table(rows: list[dict], ingest_id: int, id_column: str, columns: Iterable[str], types: dict) -> pa.Table:
    """The parsed rows as an Arrow table: ``id_column`` (ingest id × 2³² + line), ``line``, then ``columns``.

    Each column's Arrow type comes from ``types``, else string.
    """
    import pyarrow as pa

    base = ingest_id * 4294967296
    return pa.table(
        {
            id_column: pa.array([base + r["line"] for r in rows], pa.int64()),
            "line": pa.array([r["line"] for r in rows], pa.int64()),
            **{c: pa.array([r[c] for r in rows], types.get(c, pa.string())) for c in columns},
        }
    )
