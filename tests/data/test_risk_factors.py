"""Partner risk-factor tables (LSOA level) through a mapping file: stored or rejected row by row, replaced by a newer
file for the same table and period, and shown in the SNA as a part per table with the others listed as absent."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from scipy import stats
from typer.testing import CliRunner

from svduty.analysis import sna
from svduty.analysis.needs_assessment import assess
from svduty.cli.main import app
from svduty.data.workspace import Workspace
from svduty.report.sna.document import build_sections

CITY = ["E01000001", "E01000002", "E01000003", "E01000005", "E01032739", "E01032740"]
MAPPING = """table = "school_exclusions"
period = "2021/22"
lsoa_code = "LSOA"
count = "Suspensions"
denominator = "Pupils"
synthetic = true
"""


def _csv(path: Path, counts: list[int]) -> Path:
    lines = ["LSOA,Suspensions,Pupils"] + [
        f"{c},{n},{100 + 10 * i}" for i, (c, n) in enumerate(zip(CITY, counts, strict=True))
    ]
    lines += ["NOT-A-CODE,3,50", "E01000001,lots,50"]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


@pytest.fixture
def ws_path(city_of_london_workspace: Path, tmp_path: Path) -> Path:
    copy = tmp_path / "ws"
    shutil.copytree(city_of_london_workspace, copy)
    return copy


def test_ingest_store_reject_replace_and_report(ws_path: Path, tmp_path: Path):
    mapping = tmp_path / "exclusions.toml"
    mapping.write_text(MAPPING, encoding="utf-8")
    first = _csv(tmp_path / "exclusions-a.csv", [5, 0, 2, 1, 7, 3])
    run = CliRunner().invoke(
        app, ["ingest", "risk-factors", str(first), "--mapping", str(mapping), "--workspace", str(ws_path)]
    )
    assert run.exit_code == 0, run.output
    assert "8 rows read, 6 stored, 2 rejected" in run.output
    counts = [6, 1, 2, 1, 9, 3]
    second = _csv(tmp_path / "exclusions-b.csv", counts)
    run = CliRunner().invoke(
        app, ["ingest", "risk-factors", str(second), "--mapping", str(mapping), "--workspace", str(ws_path)]
    )
    assert run.exit_code == 0 and "replaced" in run.output, run.output
    with Workspace.open(ws_path, read_only=True) as ws:
        stored = ws.con.execute(
            "SELECT sum(count) FROM risk_factors JOIN ingests USING (ingest_id) WHERE status = 'active'"
        ).fetchone()[0]
        rejects = ws.con.execute("SELECT field, reason FROM rejects WHERE reason LIKE 'not a%' ORDER BY 1").fetchall()
        a = assess(ws.con, sna.Scope())
    assert stored == sum(counts)
    assert ("LSOA", "not an LSOA code (E01/W01 and six digits)") in rejects and (
        "Suspensions",
        "not a number",
    ) in rejects
    found = a.risk["present"]["school_exclusions"]
    pupils = [100 + 10 * i for i in range(6)]
    assert found["rate"] == pytest.approx(sum(counts) / sum(pupils) * 100)
    sv = a.tables["lsoa_sv"].set_index("code").loc[CITY, "count"]
    assert found["spearman"] == pytest.approx(stats.spearmanr(counts, sv).statistic)
    assert "risk_school_exclusions" in a.synthetic_tables()  # the mapping said synthetic
    ctx = build_sections(a, "City of London", [])["risk"].ctx
    assert [i["key"] for i in ctx["items"]] == ["school_exclusions"]
    assert ctx["absent"] == [
        "Children in need",
        "Young people not in education, employment or training (NEET)",
        "Youth-justice cohort",
    ]


def test_bad_mapping_is_one_line(tmp_path: Path, ws_path: Path):
    mapping = tmp_path / "bad.toml"
    mapping.write_text(MAPPING.replace("school_exclusions", "truancy"), encoding="utf-8")
    data = _csv(tmp_path / "x.csv", [1] * 6)
    run = CliRunner().invoke(
        app, ["ingest", "risk-factors", str(data), "--mapping", str(mapping), "--workspace", str(ws_path)]
    )
    assert run.exit_code != 0
    assert "bad.toml" in run.output and "table" in run.output and "Traceback" not in run.output
