"""kill -9 in the middle of an ISTV file leaves the workspace as it was before that file; a retry then succeeds."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from svduty.data import istv
from svduty.data.health_examples import write_examples
from svduty.data.health_mapping import load_istv_mapping
from svduty.data.workspace import Workspace

HEADER = (
    "Site Code,Reporting Period Start Date,Reporting Period End Date,Arrival Date Time,Assault Date Time,"
    "Assault Method,Assault Method Other Description,Assault Location Type,Assault Location Description,Age Band,"
    "Sex,Synthetic\r\n"
)
ROW = "SYN09,2021-07-01,2021-07-31,2021-07-{:02d} 23:40,2021-07-{:02d} 23:05,03,,02,bar on Moorgate,16-24,M,true\r\n"
ROWS = 60_000


def snapshot(ws_dir: Path) -> tuple:
    with Workspace.open(ws_dir, read_only=True) as ws:
        return (
            ws.con.execute("SELECT count(*), coalesce(sum(attendance_id), 0) FROM ed_attendances").fetchone(),
            ws.con.execute("SELECT ingest_id, sha256, status FROM ingests ORDER BY 1").fetchall(),
            ws.con.execute("SELECT count(*) FROM istv_submissions").fetchone(),
            ws.con.execute("SELECT count(*) FROM istv_assaults").fetchone(),
            ws.con.execute("SELECT count(*) FROM rejects").fetchone(),
        )


@pytest.fixture
def prepared(tmp_path):
    ws_dir = tmp_path / "ws"
    examples = write_examples(tmp_path / "ex", seed=5)
    with Workspace.create(ws_dir) as ws:
        istv.ingest(ws, examples["istv.csv"], load_istv_mapping())
    big = tmp_path / "big.csv"
    big.write_text(HEADER + "".join(ROW.format(1 + i % 31, 1 + i % 31) for i in range(ROWS)))
    return ws_dir, big


def ingest_in_child(ws_dir: Path, path: Path, pause_inside_transaction: bool) -> subprocess.Popen:
    code = textwrap.dedent(
        f"""
        import time
        from pathlib import Path
        from svduty.data import istv
        from svduty.data.health_mapping import load_istv_mapping
        from svduty.data.workspace import Workspace
        if {pause_inside_transaction!r}:
            real = istv._store
            def paused(con, parsed, *args):
                real(con, parsed, *args)
                print("inside-transaction", len(parsed.rows), flush=True)
                time.sleep(60)
            istv._store = paused
        print("started", flush=True)
        with Workspace.open(Path({str(ws_dir)!r})) as ws:
            istv.ingest(ws, Path({str(path)!r}), load_istv_mapping())
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
    assert child.stdout.readline().split() == ["inside-transaction", str(ROWS)]  # rows written, not committed
    os.kill(child.pid, signal.SIGKILL)
    child.wait()

    assert snapshot(ws_dir) == before
    with Workspace.open(ws_dir) as ws:
        result = istv.ingest(ws, big, load_istv_mapping())
    assert result.status == "ingested" and result.rows_stored == ROWS
    assert snapshot(ws_dir)[0][0] == before[0][0] + ROWS


def test_kill_at_an_arbitrary_moment_is_all_or_nothing(prepared):
    ws_dir, big = prepared
    before = snapshot(ws_dir)
    child = ingest_in_child(ws_dir, big, pause_inside_transaction=False)
    assert child.stdout is not None
    assert child.stdout.readline().strip() == "started"
    time.sleep(1.0)
    os.kill(child.pid, signal.SIGKILL)
    child.wait()

    state = snapshot(ws_dir)
    assert state == before or state[0][0] == before[0][0] + ROWS  # never a partial file
    with Workspace.open(ws_dir) as ws:
        result = istv.ingest(ws, big, load_istv_mapping())
    assert result.rows_read == ROWS
    assert snapshot(ws_dir)[0][0] == before[0][0] + ROWS
