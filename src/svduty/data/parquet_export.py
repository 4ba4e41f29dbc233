"""The workspace as a Parquet dataset: what a Spark cluster (or any Parquet reader) reads instead of the DuckDB file.

Layout of ``OUT``::

    svduty_export.json                 schema version, tables, row counts (a reader refuses another version)
    incidents/part_force=<slug>/part_month=<YYYY-MM>/*.parquet    every column, partitioned by force and month
    <table>.parquet                    every other base table (small: lookups, population, ingests, …)

Left out: the log of free-text reads and the workspace settings; ISTV free-text fields are written empty (they may
name people, and svduty reads them only through a logged command).

The partition columns are copies (``part_force``, ``part_month``), so the files keep every canonical column and its
type: readers select the canonical columns and need no partition-type inference. A dataset of the same layout on
object storage (``s3a://…``) is read the same way by Spark.
"""

from __future__ import annotations

import json
import shutil
from datetime import UTC, datetime
from pathlib import Path

import duckdb

from svduty.data import IngestError
from svduty.data.schema import LATEST_VERSION, MIGRATIONS

MANIFEST = "svduty_export.json"
PARTITIONED = "incidents"
# Not analysis data: the append-only log of who read ISTV free text, and the workspace's own settings.
# Incidents are written this many rows at a time (whole months): bounded memory on a national decade.
EXPORT_BATCH_ROWS = 4_000_000
NOT_EXPORTED = ("description_reads", "workspace_settings")
# Free text that may name people (read only through `svduty ed-descriptions`, which logs each read): exported empty.
FREE_TEXT = {"istv_assaults": ("location_description", "method_other")}


class ExportError(IngestError):
    """The Parquet dataset cannot be written or read (wrong folder, other schema version)."""


def base_tables(con: duckdb.DuckDBPyConnection) -> list[str]:
    rows = con.execute(
        "SELECT table_name FROM information_schema.tables WHERE table_type = 'BASE TABLE' "
        "AND table_schema = 'main' AND table_name <> 'schema_migrations' ORDER BY 1"
    ).fetchall()
    return [r[0] for r in rows if r[0] not in NOT_EXPORTED]


def _select(table: str) -> str:
    blank = FREE_TEXT.get(table, ())
    if not blank:
        return f'SELECT * FROM "{table}"'
    return f'SELECT * REPLACE ({", ".join(f"NULL::VARCHAR AS {c}" for c in blank)}) FROM "{table}"'


def export(con: duckdb.DuckDBPyConnection, out: Path, schema_version: int, *, replace: bool = False) -> dict:
    """Write every base table of the workspace to ``out`` (incidents partitioned by force and month)."""
    out = Path(out)
    if out.exists() and any(out.iterdir()):
        if not replace or not (out / MANIFEST).exists():
            raise ExportError(f"{out}: the folder is not empty (give an empty or new folder, or --replace an export)")
        shutil.rmtree(out)
    out.mkdir(parents=True, exist_ok=True)
    counts: dict[str, int] = {}
    for table in base_tables(con):
        row = con.execute(f'SELECT count(*) FROM "{table}"').fetchone()
        counts[table] = int(row[0]) if row else 0
        if table == PARTITIONED:
            _export_incidents(con, out / table)
            if not counts[table]:  # an empty table still leaves its schema for readers
                (out / table).mkdir(exist_ok=True)
                target = str(out / table / "empty.parquet").replace("'", "''")
                con.execute(f"COPY (SELECT * FROM {table} LIMIT 0) TO '{target}' (FORMAT parquet)")
        else:
            target = str(out / f"{table}.parquet").replace("'", "''")
            con.execute(f"COPY (SELECT * FROM \"{table}\") TO '{target}' (FORMAT parquet)")
    manifest = {
        "format": "svduty workspace export",
        "schema_version": schema_version,
        "partitioned": {PARTITIONED: ["part_force", "part_month"]},
        "tables": counts,
        "not_exported": list(NOT_EXPORTED),
        "blanked_free_text": {t: list(c) for t, c in FREE_TEXT.items()},
        "exported_at": datetime.now(UTC).isoformat(timespec="seconds"),
    }
    (out / MANIFEST).write_text(json.dumps(manifest, indent=2) + "\n")
    return manifest


def _month_batches(con: duckdb.DuckDBPyConnection, rows: int) -> list[tuple[object, object]]:
    """Consecutive months in batches of about ``rows`` incidents (at least one month each)."""
    months = con.execute(f"SELECT month, count(*) FROM {PARTITIONED} GROUP BY 1 ORDER BY 1").fetchall()
    batches: list[tuple[object, object]] = []
    start, size = None, 0
    for month, n in months:
        start = month if start is None else start
        size += int(n)
        if size >= rows:
            batches.append((start, month))
            start, size = None, 0
    if start is not None:
        batches.append((start, months[-1][0]))
    return batches


def _export_incidents(con: duckdb.DuckDBPyConnection, target_dir: Path) -> None:
    """Incidents partitioned by force and month, written a batch of months at a time so memory stays bounded
    whatever the size of the table (one COPY of a national decade held every open partition's buffers at once).

    Each batch writes its own ``part_month`` folders, so batches never touch each other's files. Row order inside
    a file is not kept (``preserve_insertion_order`` off for the copy): readers order by key.
    """
    target = str(target_dir).replace("'", "''")
    (setting,) = con.execute("SELECT current_setting('preserve_insertion_order')").fetchone() or (True,)
    con.execute("SET preserve_insertion_order = false")
    try:
        for first, last in _month_batches(con, EXPORT_BATCH_ROWS):
            con.execute(
                f"COPY (SELECT *, coalesce(force, 'none') AS part_force, strftime(month, '%Y-%m') AS part_month "
                f"FROM {PARTITIONED} WHERE month BETWEEN ? AND ?) TO '{target}' (FORMAT parquet, "
                "PARTITION_BY (part_force, part_month), WRITE_PARTITION_COLUMNS false, OVERWRITE_OR_IGNORE true)",
                [first, last],
            )
    finally:
        con.execute(f"SET preserve_insertion_order = {'true' if setting in (True, 'true') else 'false'}")


def read_manifest(path: str | Path, expected_version: int) -> dict:
    """The export's manifest; refuses a dataset of another schema version (its columns may differ)."""
    file = Path(path) / MANIFEST
    if not file.exists():
        raise ExportError(f"{path}: no {MANIFEST} (not a dataset written by `svduty export parquet`)")
    manifest = json.loads(file.read_text())
    if manifest.get("schema_version") != expected_version:
        raise ExportError(
            f"{path}: exported at workspace schema version {manifest.get('schema_version')}, this svduty reads "
            f"version {expected_version} (export the workspace again)"
        )
    return manifest


def table_path(root: str, table: str) -> str:
    root = root.rstrip("/")
    return f"{root}/{table}" if table == PARTITIONED else f"{root}/{table}.parquet"


def empty_workspace() -> duckdb.DuckDBPyConnection:
    """An in-memory DuckDB with the canonical schema (tables and views) at the current version, no rows."""
    con = duckdb.connect(":memory:")
    for migration in MIGRATIONS:
        for statement in migration.statements:
            con.execute(statement)
    return con


def current_version() -> int:
    return LATEST_VERSION
