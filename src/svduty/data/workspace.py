"""The workspace: one folder holding an embedded DuckDB file with the canonical tables.

``Workspace.open`` migrates an older workspace forward; ``Workspace.create`` makes a new one. A DuckDB file
allows one writing process at a time; a second one gets a clear ``WorkspaceError`` instead of a lock traceback.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import duckdb

from svduty.data import WorkspaceError
from svduty.data.schema import LATEST_VERSION, MIGRATIONS

DB_FILE = "svduty.duckdb"
DEFAULT_WORKSPACE = "workspace"


def default_workspace_dir() -> Path:
    """``$SVDUTY_WORKSPACE`` if set, else ``./workspace``."""
    return Path(os.environ.get("SVDUTY_WORKSPACE") or DEFAULT_WORKSPACE)


@dataclass
class Workspace:
    path: Path
    con: duckdb.DuckDBPyConnection

    @property
    def db_path(self) -> Path:
        return self.path / DB_FILE

    # -- lifecycle ---------------------------------------------------------------------------------------------
    @classmethod
    def create(cls, path: Path | str | None = None) -> Workspace:
        """Create the folder and database if missing, and bring the schema to the latest version."""
        path = Path(path) if path is not None else default_workspace_dir()
        try:
            path.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise WorkspaceError(f"cannot create workspace folder {path}: {exc.strerror}") from exc
        ws = cls(path, _connect(path / DB_FILE, read_only=False))
        ws.migrate()
        return ws

    @classmethod
    def open(cls, path: Path | str | None = None, *, read_only: bool = False) -> Workspace:
        """Open an existing workspace (migrating it forward unless read-only)."""
        path = Path(path) if path is not None else default_workspace_dir()
        db = path / DB_FILE
        if not db.exists():
            raise WorkspaceError(f"no workspace at {path} (run `svduty init --workspace {path}` first)")
        ws = cls(path, _connect(db, read_only=read_only))
        version = ws.schema_version()
        if version > LATEST_VERSION:
            ws.close()
            raise WorkspaceError(
                f"workspace {path} has schema version {version}, newer than this svduty ({LATEST_VERSION}); "
                "upgrade svduty"
            )
        if not read_only and version < LATEST_VERSION:
            ws.migrate()
        return ws

    def close(self) -> None:
        self.con.close()

    def __enter__(self) -> Workspace:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- schema ------------------------------------------------------------------------------------------------
    def schema_version(self) -> int:
        exists = self.con.execute(
            "SELECT count(*) FROM information_schema.tables WHERE table_name = 'schema_migrations'"
        ).fetchone()
        if not exists or not exists[0]:
            return 0
        row = self.con.execute("SELECT coalesce(max(version), 0) FROM schema_migrations").fetchone()
        return int(row[0]) if row else 0

    def migrate(self) -> list[int]:
        """Apply pending migrations in order, each atomically. Returns the versions applied."""
        self.con.execute(
            "CREATE TABLE IF NOT EXISTS schema_migrations "
            "(version INTEGER PRIMARY KEY, description VARCHAR, applied_at TIMESTAMP)"
        )
        current = self.schema_version()
        applied = []
        for migration in MIGRATIONS:
            if migration.version <= current:
                continue
            with self.transaction():
                for statement in migration.statements:
                    self.con.execute(statement)
                self.con.execute(
                    "INSERT INTO schema_migrations VALUES (?, ?, ?)",
                    [migration.version, migration.description, datetime.now(UTC).replace(tzinfo=None)],
                )
            applied.append(migration.version)
        return applied

    @contextmanager
    def transaction(self) -> Iterator[duckdb.DuckDBPyConnection]:
        """All-or-nothing: a crash or exception inside leaves the workspace as it was before."""
        self.con.execute("BEGIN TRANSACTION")
        try:
            yield self.con
        except BaseException:
            self.con.execute("ROLLBACK")
            raise
        self.con.execute("COMMIT")

    def next_id(self, table: str, column: str) -> int:
        row = self.con.execute(f"SELECT coalesce(max({column}), 0) + 1 FROM {table}").fetchone()
        return int(row[0]) if row else 1


def _connect(db: Path, *, read_only: bool) -> duckdb.DuckDBPyConnection:
    try:
        con = duckdb.connect(str(db), read_only=read_only)
    except duckdb.IOException as exc:
        msg = str(exc)
        if "lock" in msg.lower():
            raise WorkspaceError(f"workspace {db.parent} is in use by another svduty process") from exc
        raise WorkspaceError(f"cannot open workspace {db.parent}: {msg.splitlines()[0]}") from exc
    # DuckDB's own progress bar would print into CLI output and logs; the CLI draws its own.
    con.execute("SET enable_progress_bar = false")
    return con
