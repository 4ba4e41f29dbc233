"""The CLI as a newcomer meets it: full values in piped output, forgiving --force/--area with "did you mean",
warnings for an empty or misnamed file, the period stated when it is narrowed, readable --help."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import time
from datetime import date
from pathlib import Path

import pytest
from typer.testing import CliRunner

from svduty.analysis.sna import Period
from svduty.cli.main import app
from svduty.cli.sna import period_notes
from svduty.data import UnknownNameError, police_uk, population
from svduty.data.names import check_area, resolve_force
from svduty.data.workspace import Workspace

runner = CliRunner()
HEADER = (
    "Crime ID,Month,Reported by,Falls within,Longitude,Latitude,Location,LSOA code,LSOA name,Crime type,"
    "Last outcome category,Context\n"
)
ROW = (
    "ab12,{month},Durham Constabulary,Durham Constabulary,-1.571,54.776,On or near Claypath,E01020634,"
    "County Durham 026B,Robbery,,\n"
)


@pytest.fixture(scope="module")
def sample_ws(tmp_path_factory) -> Path:
    """The bundled City of London sample and ONS population, as `make run` loads them."""
    path = tmp_path_factory.mktemp("newcomer") / "ws"
    with Workspace.create(path) as ws:
        police_uk.ingest(ws, list(police_uk.iter_sample_paths()))
        population.ingest(ws, population.sample_paths())
    return path


def _piped(*args: str) -> subprocess.CompletedProcess:
    """svduty with stdout a pipe (as in `| cat`, a log or CI) and no COLUMNS hint."""
    env = {k: v for k, v in os.environ.items() if k not in ("COLUMNS", "LINES")}
    return subprocess.run([sys.executable, "-m", "svduty.cli", *args], capture_output=True, text=True, env=env)


def test_piped_status_keeps_every_value_whole(sample_ws):
    piped = _piped("status", "--workspace", str(sample_ws))
    assert piped.returncode == 0, piped.stderr
    assert "…" not in piped.stdout
    report = json.loads(_piped("status", "--json", "--workspace", str(sample_ws)).stdout)
    rows = {line for line in piped.stdout.splitlines() if "│" in line}
    for f in report["ingests"]:  # each file's row carries its full path, force and source, uncut
        assert any(f["file"] in row and (f["force"] or "") in row and f["source"] in row for row in rows), f
    crime_types = {c["crime_type"] for c in report["counts"]}
    assert all(any(t in row for row in rows) for t in crime_types)  # "Violence and sexual offences" whole


def test_status_separates_incident_rows_from_population_rows(sample_ws):
    result = runner.invoke(app, ["status", "--workspace", str(sample_ws)])
    report = json.loads(runner.invoke(app, ["status", "--json", "--workspace", str(sample_ws)]).stdout)
    kinds = report["totals_by_kind"]
    police = [f for f in report["ingests"] if f["source"] == "police.uk"]
    assert kinds["incident"]["rows_read"] == sum(f["rows_read"] for f in police) == 22_480
    pop = [f for f in report["ingests"] if f["source"] in ("population", "lsoa-lookup")]
    assert kinds["population"]["rows_read"] == sum(f["rows_read"] for f in pop) > 0
    assert "incident rows: 36 files, read 22,480 = stored 22,480 + rejected 0" in result.output
    assert f"population rows: 2 files, read {kinds['population']['rows_read']:,}" in result.output


@pytest.mark.parametrize(
    "name", ["city-of-london", "City of London", "City of London Police", "CITY OF LONDON POLICE", " city of london "]
)
def test_force_by_slug_name_or_published_name(sample_ws, name):
    with Workspace.open(sample_ws, read_only=True) as ws:
        assert resolve_force(ws.con, name) == "city-of-london"


def test_unknown_force_answers_at_once_with_did_you_mean(sample_ws):
    started = time.monotonic()
    result = runner.invoke(app, ["sna", "--force", "City of Londn", "--workspace", str(sample_ws), "--out", "x"])
    assert time.monotonic() - started < 10
    assert result.exit_code == 1
    message = " ".join(result.output.split())
    assert "no such force in the workspace, which holds city-of-london (City of London Police)" in message
    assert "Did you mean city-of-london (City of London Police)?" in message
    assert "Traceback" not in result.output and not Path("x").exists()
    hot = runner.invoke(app, ["hotspots", "--force", "durham", "--workspace", str(sample_ws)])
    assert hot.exit_code == 1 and "which holds city-of-london" in " ".join(hot.output.split())


def test_unknown_area_lists_the_areas_and_suggests_one(sample_ws):
    with Workspace.open(sample_ws, read_only=True) as ws:
        for good in ("City of London", "city of london 001", "E09000001", "e01000"):
            assert check_area(ws.con, good) == good
        with pytest.raises(UnknownNameError, match=r"which holds City of London \(E09000001\).*Did you mean City"):
            check_area(ws.con, "Cty of London")
        with pytest.raises(UnknownNameError, match="no such area"):
            check_area(ws.con, "E09000099")


def test_header_only_file_ingests_with_a_warning(tmp_path):
    path = tmp_path / "2021-08-durham-street.csv"
    path.write_text(HEADER)
    result = runner.invoke(app, ["ingest", "police-uk", str(path), "--workspace", str(tmp_path / "ws")])
    assert result.exit_code == 0, result.output
    assert "warning:" in result.output and "header only, no data rows" in result.output


def test_rows_for_another_month_than_the_name_are_reported(tmp_path):
    path = tmp_path / "2021-08-durham-street.csv"
    path.write_text(HEADER + ROW.format(month="2021-08") + ROW.format(month="2021-09") * 2)
    result = runner.invoke(app, ["ingest", "police-uk", str(path), "--workspace", str(tmp_path / "ws")])
    assert result.exit_code == 0, result.output
    text = " ".join(result.output.split())
    assert "2 of 3 rows are for another month than 2021-08, the month its name gives: 2021-09 (2)" in text


def test_narrowed_period_is_stated():
    period = Period(
        date(2018, 12, 1),
        date(2019, 5, 1),
        date(2018, 6, 1),
        date(2018, 11, 1),
        6,
        date(2018, 12, 1),
        date(2021, 11, 1),
    )
    notes = period_notes(period, date(2018, 1, 1), date(2019, 5, 1))
    assert notes == [
        "--from 2018-01 is before the data start: the data in scope cover 2018-12 to 2021-11, so the period is "
        "2018-12 to 2019-05"
    ]
    short = Period(
        date(2021, 6, 1), date(2021, 11, 1), date(2020, 12, 1), date(2021, 5, 1), 6, date(2021, 6, 1), date(2021, 11, 1)
    )
    assert "6 months, not the usual 12" in period_notes(short, None, None)[0]


@pytest.mark.slow
def test_sna_shows_its_stages_and_the_narrowed_period(sample_ws, tmp_path):
    result = _piped(
        "sna",
        "--workspace",
        str(sample_ws),
        "--force",
        "City of London Police",
        "--from",
        "2018-01",
        "--to",
        "2019-05",
        "--no-pdf",
        "--out",
        str(tmp_path / "sna"),
    )
    assert result.returncode == 0, result.stderr
    stages = re.findall(r"✓ (.+) \(\d+\.\d s\)", result.stderr)
    assert stages[:3] == ["loading the analysis libraries", "scope and period", "crime types, trends and times"]
    assert "writing the report" in stages
    assert "note: --from 2018-01 is before the data start" in result.stderr
    assert "SNA December 2018 to May 2019" in result.stderr


def test_help_shows_readable_metavars():
    for command in (["sna"], ["hotspots"], ["ingest", "police-uk"], ["status"]):
        text = runner.invoke(app, [*command, "--help"], env={"COLUMNS": "150"}).output
        assert not re.search(r"<(bool|str|path|int|float|list\[[^\]]*\])>", text, re.IGNORECASE), (command, text)
    sna_help = runner.invoke(app, ["sna", "--help"], env={"COLUMNS": "150"}).output
    assert re.search(r"--from\s+MONTH", sna_help) and re.search(r"--workspace\s+-w\s+DIR", sna_help)
    assert re.search(r"paths\.\.\.\s+PATH\.\.\.", runner.invoke(app, ["ingest", "police-uk", "--help"]).output)
