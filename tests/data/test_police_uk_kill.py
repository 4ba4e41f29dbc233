"""kill -9 in the middle of a file leaves the workspace as it was before that file; a retry then succeeds."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from svduty.data import police_uk
from svduty.data.workspace import Workspace

HEADER = (
    "Crime ID,Month,Reported by,Falls within,Longitude,Latitude,Location,LSOA code,LSOA name,Crime type,"
    "Last outcome category,Context\r\n"
)
ROW = (
    "{},2021-08,Durham Constabulary,Durham Constabulary,-1.571,54.776,On or near Claypath,E01020634,"
    "County Durham 026B,Violence and sexual offences,Under investigation,\r\n"
)


def snapshot(ws_dir: Path) -> tuple:
    with Workspace.open(ws_dir, read_only=True) as ws:
        return (
            ws.con.execute("SELECT count(*), coalesce(sum(incident_id), 0) FROM incidents").fetchone(),
            ws.con.execute("SELECT ingest_id, sha256, status FROM ingests ORDER BY 1").fetchall(),
            ws.con.execute("SELECT count(*) FROM rejects").fetchone(),
        )


@pytest.fixture
def prepared(tmp_path):
    """A workspace that already holds one file, and a second, big file to be killed half-way through."""
    ws_dir = tmp_path / "ws"
    first = tmp_path / "2021-07-durham-street.csv"
    first.write_text(HEADER + ROW.format("a").replace("2021-08", "2021-07") * 3)
    with Workspace.create(ws_dir) as ws:
        police_uk.ingest(ws, [first])
    big = tmp_path / "2021-08-durham-street.csv"
    with big.open("w") as f:
        f.write(HEADER)
        chunk = "".join(ROW.format(f"{i:x}") for i in range(10_000))
        for _ in range(60):  # 600,000 rows
            f.write(chunk)
    return ws_dir, big


def ingest_in_child(ws_dir: Path, path: Path, pause_inside_transaction: bool) -> subprocess.Popen:
    """Run an ingest in a child process; optionally stop it inside the transaction, after the rows are inserted."""
    code = textwrap.dedent(
        f"""
        import sys, time
        from pathlib import Path
        from svduty.data import police_uk
        from svduty.data.workspace import Workspace
        if {pause_inside_transaction!r}:
            real = police_uk.record_ingest
            def paused(con, result, source):
                print("inside-transaction", result.rows_stored, flush=True)
                time.sleep(60)
                real(con, result, source)
            police_uk.record_ingest = paused
        print("started", flush=True)
        with Workspace.open(Path({str(ws_dir)!r})) as ws:
            police_uk.ingest(ws, [Path({str(path)!r})])
        print("done", flush=True)
        """
    )
    return subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, text=True)


def test_kill_inside_the_transaction_leaves_workspace_unchanged(prepared):
    ws_dir, big = prepared
    before = snapshot(ws_dir)
    child = ingest_in_child(ws_dir, big, pause_inside_transaction=True)
    assert child.stdout is not None
    assert child.stdout.readline().strip() == "started"
    line = child.stdout.readline().split()
    assert line == ["inside-transaction", "600000"]  # rows are in the open transaction now
    os.kill(child.pid, signal.SIGKILL)
    child.wait()

    assert snapshot(ws_dir) == before
    with Workspace.open(ws_dir) as ws:
        (result,) = police_uk.ingest(ws, [big])
    assert result.status == "ingested" and result.rows_stored == 600_000
    after = snapshot(ws_dir)
    assert after[0][0] == before[0][0] + 600_000


def test_kill_at_an_arbitrary_moment_is_all_or_nothing(prepared):
    ws_dir, big = prepared
    before = snapshot(ws_dir)
    child = ingest_in_child(ws_dir, big, pause_inside_transaction=False)
    assert child.stdout is not None
    assert child.stdout.readline().strip() == "started"
    time.sleep(0.6)
    os.kill(child.pid, signal.SIGKILL)
    child.wait()

    state = snapshot(ws_dir)
    assert state == before or state[0][0] == before[0][0] + 600_000  # never a partial file
    with Workspace.open(ws_dir) as ws:
        (result,) = police_uk.ingest(ws, [big])
    assert result.rows_read == 600_000
    assert snapshot(ws_dir)[0][0] == before[0][0] + 600_000
