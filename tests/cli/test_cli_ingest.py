"""The CLI as a user runs it: init, ingest, status --json, and one-line errors with a non-zero exit code."""

from __future__ import annotations

import json
import subprocess
import sys

from typer.testing import CliRunner

from svduty.cli.main import app

runner = CliRunner()


def test_init_ingest_sample_and_status_json(tmp_path):
    ws = str(tmp_path / "ws")
    assert runner.invoke(app, ["init", "--workspace", ws]).exit_code == 0
    first = runner.invoke(app, ["ingest", "police-uk", "--sample", "--workspace", ws])
    assert first.exit_code == 0, first.output
    assert "22,480 rows stored, 0 rejected" in first.output.replace("\n", " ")
    again = runner.invoke(app, ["ingest", "police-uk", "--sample", "--workspace", ws])
    assert "36 unchanged" in again.output

    result = runner.invoke(app, ["status", "--workspace", ws, "--json"])
    assert result.exit_code == 0
    report = json.loads(result.stdout)
    assert report["incidents"] == 22_480
    assert len(report["ingests"]) == 36
    for f in report["ingests"]:
        assert {"file", "sha256", "rows_read", "rows_stored", "rows_rejected"} <= set(f)
        assert f["rows_read"] == f["rows_stored"] + f["rows_rejected"]
    assert report["rejects_by_reason"] == {}

    table = runner.invoke(app, ["status", "--workspace", ws], env={"COLUMNS": "200"})
    assert table.exit_code == 0 and "incident rows: 36 files, read 22,480 = stored 22,480 + rejected 0" in table.output


def test_user_errors_are_one_line_without_traceback(tmp_path):
    bad = tmp_path / "2021-08-durham-street.csv"
    bad.write_text("Crime ID,Month\n,2021-08\n")
    for args in (
        ["ingest", "police-uk", str(bad), "--workspace", str(tmp_path / "ws")],
        ["ingest", "police-uk", str(tmp_path / "nope.csv"), "--workspace", str(tmp_path / "ws")],
        ["status", "--workspace", str(tmp_path / "no-workspace")],
    ):
        proc = subprocess.run([sys.executable, "-m", "svduty.cli", *args], capture_output=True, text=True)
        assert proc.returncode == 1, proc
        assert "Traceback" not in proc.stderr + proc.stdout
        assert proc.stderr.startswith("error: ")


def test_help_has_examples():
    result = runner.invoke(app, ["ingest", "police-uk", "--help"], env={"COLUMNS": "200"})
    assert result.exit_code == 0
    assert "svduty ingest police-uk --sample" in result.output
