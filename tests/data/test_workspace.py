"""Workspace life cycle: create, migrate an older schema forward, refuse a newer one, one writer at a time."""

from __future__ import annotations

import subprocess
import sys

import duckdb
import pytest

from svduty.data import WorkspaceError
from svduty.data.schema import LATEST_VERSION, MIGRATIONS
from svduty.data.workspace import DB_FILE, Workspace

CANONICAL = {"incidents", "persons", "involvements", "ed_attendances", "population", "ingests", "rejects"}


def test_create_has_the_canonical_tables(workspace):
    tables = {r[0] for r in workspace.con.execute("SELECT table_name FROM information_schema.tables").fetchall()}
    assert tables >= CANONICAL | {"schema_migrations"}
    assert workspace.schema_version() == LATEST_VERSION
    versions = [r[0] for r in workspace.con.execute("SELECT version FROM schema_migrations ORDER BY 1").fetchall()]
    assert versions == [m.version for m in MIGRATIONS]


def test_a_first_release_workspace_migrates_forward(tmp_path):
    folder = tmp_path / "old"
    folder.mkdir()
    con = duckdb.connect(str(folder / DB_FILE))
    con.execute(
        "CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, description VARCHAR, applied_at TIMESTAMP)"
    )
    for statement in MIGRATIONS[0].statements:
        con.execute(statement)
    con.execute("INSERT INTO schema_migrations VALUES (1, 'canonical tables', now())")
    con.execute(
        "INSERT INTO ingests VALUES (1, 'police.uk', 'f.csv', 'f.csv', 'abc', 'durham', DATE '2021-08-01', 1, 1, 0,"
        " 'active', NULL, now())"
    )
    con.close()

    with Workspace.open(folder) as ws:
        assert ws.schema_version() == LATEST_VERSION
        assert ws.con.execute("SELECT sha256 FROM ingests").fetchall() == [("abc",)]  # data kept


def test_a_newer_workspace_is_refused(tmp_path):
    with Workspace.create(tmp_path / "ws") as ws:
        ws.con.execute("INSERT INTO schema_migrations VALUES (?, 'from the future', now())", [LATEST_VERSION + 1])
    with pytest.raises(WorkspaceError, match="newer than this svduty"):
        Workspace.open(tmp_path / "ws")


def test_missing_workspace_is_a_clear_error(tmp_path):
    with pytest.raises(WorkspaceError, match="svduty init"):
        Workspace.open(tmp_path / "nowhere")


def test_a_second_writer_gets_a_clear_error(tmp_path):
    with Workspace.create(tmp_path / "ws"):
        code = (
            "from svduty.data.workspace import Workspace\n"
            "from svduty.data import WorkspaceError\n"
            f"try:\n    Workspace.open({str(tmp_path / 'ws')!r})\n"
            "except WorkspaceError as e:\n    print(e)\n"
        )
        out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert "in use by another svduty process" in out
