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


PERSON_MAPPING = """table = "youth_justice"
level = "person"
period = "2022/23"
person = "PersonRef"
lsoa_code = "LSOA21CD"
age_band = "AgeBand"
flag = "InCohort"
date = "StartDate"
"""
# distinct persons flagged / listed per LSOA: E01000002's 3 is suppressed, and as the only one so is the next smallest
# count (E01032740's 6) — the area total would otherwise give it back
FLAGGED = {"E01000001": 12, "E01000002": 3, "E01000003": 7, "E01000005": 0, "E01032739": 9, "E01032740": 6}
UNFLAGGED = {"E01000001": 4, "E01000002": 5, "E01000003": 0, "E01000005": 6, "E01032739": 2, "E01032740": 1}


def _person_csv(path: Path) -> tuple[Path, list[int]]:
    """Person rows with repeats (a second event of a flagged person, a flagged person first listed unflagged) and one
    bad row of each kind; returns the file and the line numbers that must be rejected."""
    rows, n = [], 0
    for code in CITY:
        for flagged, k in ((True, FLAGGED[code]), (False, UNFLAGGED[code])):
            for _ in range(k):
                n += 1
                rows.append([f"YJ{n:04d}", code, ["10-14", "15-17"][n % 2], "Y" if flagged else "N", "2022-06-01"])
    rows.append(["YJ0001", "E01000001", "15-17", "Y", "03/09/2022"])  # the same person again: counted once
    first_flagged_2 = next(r for r in rows if r[1] == "E01000002" and r[3] == "Y")
    rows.insert(0, [first_flagged_2[0], "E01000002", "15-17", "N", ""])  # listed unflagged first, flagged later
    bad = [
        ["", "E01000001", "10-14", "Y", ""],  # blank person
        ["YJ9001", "E0100000X", "10-14", "Y", ""],  # not an LSOA code
        ["YJ9002", "E01000001", "teen", "Y", ""],  # not an age band
        ["YJ9003", "E01000001", "15-17", "maybe", ""],  # not a flag
        ["YJ9004", "E01000001", "15-17", "Y", "31/02/2022"],  # not a date
        ["YJ0001", "E01000003", "15-17", "Y", ""],  # the same person in another LSOA
    ]
    rows += bad
    lines = ["PersonRef,LSOA21CD,AgeBand,InCohort,StartDate"] + [",".join(r) for r in rows]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path, list(range(len(rows) - len(bad) + 2, len(rows) + 2))


def test_person_level_table_counted_into_lsoas_suppressed_and_never_stored(ws_path: Path, tmp_path: Path):
    import pandas as pd

    mapping = tmp_path / "yj.toml"
    mapping.write_text(PERSON_MAPPING, encoding="utf-8")
    data, bad_lines = _person_csv(tmp_path / "yj.csv")
    run = CliRunner().invoke(
        app, ["ingest", "risk-factors", str(data), "--mapping", str(mapping), "--workspace", str(ws_path)]
    )
    assert run.exit_code == 0, run.output
    raw = pd.read_csv(data, dtype=str, keep_default_na=False)
    assert f"{len(raw)} rows read, {len(raw) - 6} stored, 6 rejected" in run.output

    # independent count from the raw file: the good rows are all but the six bad ones at the end
    good = raw.iloc[: len(raw) - 6]
    flagged = good[good["InCohort"] == "Y"].groupby("LSOA21CD")["PersonRef"].nunique()
    listed = good.groupby("LSOA21CD")["PersonRef"].nunique()
    assert flagged.reindex(CITY, fill_value=0).to_dict() == FLAGGED
    with Workspace.open(ws_path, read_only=True) as ws:
        con = ws.con
        stored = con.execute(
            "SELECT lsoa_code, count, denominator FROM risk_factors JOIN ingests USING (ingest_id) "
            "WHERE status = 'active' AND table_name = 'youth_justice' ORDER BY 1"
        ).df()
        ingest = con.execute(
            "SELECT source, rows_read, rows_stored, rows_rejected FROM ingests WHERE force = 'youth_justice'"
        ).fetchone()
        rejects = con.execute(
            "SELECT line, field, reason, raw FROM rejects JOIN ingests USING (ingest_id) "
            "WHERE force = 'youth_justice' ORDER BY line"
        ).df()
        # no person reference anywhere in the workspace: every text column of every table
        refs = set(raw["PersonRef"]) - {""}
        texts = con.execute(
            "SELECT table_name, column_name FROM information_schema.columns WHERE data_type = 'VARCHAR'"
        ).fetchall()
        for table, column in texts:
            values = {str(v[0]) for v in con.execute(f'SELECT DISTINCT "{column}" FROM "{table}"').fetchall()}
            assert not any(ref in v for v in values for ref in refs), (table, column)
        a = assess(con, sna.Scope())
    assert ingest == ("risk-factors (persons)", len(raw), len(raw) - 6, 6)
    assert stored.set_index("lsoa_code")["count"].to_dict() == {k: float(v) for k, v in FLAGGED.items()}
    assert stored.set_index("lsoa_code")["denominator"].to_dict() == listed.astype(float).to_dict()
    assert list(rejects["line"]) == bad_lines
    assert list(rejects["field"]) == ["PersonRef", "LSOA21CD", "AgeBand", "InCohort", "StartDate", "LSOA21CD"]
    assert rejects["reason"].iloc[-1].startswith("the same person is in another LSOA on line")
    assert rejects["raw"].str.contains(r"\[person\]").all()

    # the report: totals from the unsuppressed counts, small LSOA numbers hidden in the text and the table
    found = a.risk["present"]["youth_justice"]
    assert found["total"] == sum(FLAGGED.values())
    assert found["rate"] == pytest.approx(sum(FLAGGED.values()) / listed.sum() * 100)
    table = a.tables["risk_youth_justice"].set_index("code")
    assert set(table.index[table["suppressed"]]) == {"E01000002", "E01032740"}
    assert table.loc[table["suppressed"], ["count", "denominator", "rate"]].isna().all().all()
    assert table.loc["E01000001", "count"] == 12
    ctx = build_sections(a, "City of London", [])["risk"].ctx
    text = ctx["items"][0]["text"]
    assert "2 LSOAs with fewer than 5 are not shown" in text and "no person is shown" in text
    names = a.tables["lsoa_sv"].set_index("code")["name"]
    for code in ("E01000002", "E01032740"):
        assert names[code] not in text  # a suppressed LSOA is never in the "highest in" list
