"""Hospital admissions adapter: ICD-10 grouping against an independent count of the raw rows, planted bad rows,
replacement, fuzzing, and the agreement each ingest came under."""

from __future__ import annotations

import csv
import io
import json
import tempfile
from collections import Counter
from datetime import date
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from svduty.data import IngestError, admissions, istv
from svduty.data import agreements as agreements_mod
from svduty.data.health_examples import write_examples
from svduty.data.health_mapping import load_admissions_mapping, load_istv_mapping
from svduty.data.status import workspace_status
from svduty.data.workspace import Workspace

MAPPING = load_admissions_mapping()
HEADER = (
    "Admission Date,Age,Age Band,Sex,External Cause,Residence LSOA,Residence Local Authority,Provider,Synthetic\r\n"
)
GOOD = "2021-03-04,19,16-24,M,X99.1,E01000001,E09000001,Trust,true\r\n"


@pytest.fixture
def ws(tmp_path):
    with Workspace.create(tmp_path / "ws") as workspace:
        yield workspace


def test_cause_groups_equal_an_independent_count(ws, tmp_path):
    path = write_examples(tmp_path / "ex", seed=3)["admissions.csv"]
    result = admissions.ingest(ws, path, MAPPING)
    assert result.rows_rejected == 0 and result.rows_stored == 600
    raw = list(csv.DictReader(io.StringIO(path.read_text(), newline="")))
    expected = Counter()
    for r in raw:
        code = r["External Cause"].replace(".", "")
        letter, number = code[0], int(code[1:3])
        if letter == "X" and number == 99:
            expected["X99 assault by sharp object"] += 1
        elif (letter == "X" and 85 <= number <= 98) or (letter == "Y" and number <= 9):
            expected["X85-Y09 other assault"] += 1
        else:
            expected["other"] += 1
    stored = dict(ws.con.execute("SELECT cause_group, count(*) FROM hospital_admissions GROUP BY 1").fetchall())
    assert stored == dict(expected)
    assert ws.con.execute("SELECT bool_and(synthetic) FROM hospital_admissions").fetchone() == (True,)


def test_age_bands_give_bounds_and_ages_win(ws, tmp_path):
    path = tmp_path / "a.csv"
    path.write_text(HEADER + GOOD + GOOD.replace(",19,", ",,") + GOOD.replace(",19,16-24,", ",,under 16,"))
    admissions.ingest(ws, path, MAPPING)
    assert ws.con.execute("SELECT age, age_min, age_max FROM hospital_admissions ORDER BY line").fetchall() == [
        (19, 19, 19),
        (None, 16, 24),
        (None, 0, 15),
    ]


BAD = {
    3: (GOOD.replace("2021-03-04", "2021-02-30"), "Admission Date", "not a date in the format"),
    4: (GOOD.replace("X99.1", "knife"), "External Cause", "not an ICD-10 code"),
    5: (GOOD.replace(",19,", ",150,"), "Age", "age not a whole number"),
    6: (GOOD.replace(",19,", ",30,"), "Age Band", "age band does not contain the age"),
    7: (GOOD.replace("E01000001", "E0100001"), "Residence LSOA", "not an LSOA code"),
    8: (GOOD.replace(",M,", ",Q,"), "Sex", "sex not in the mapping's sex_values"),
    9: (GOOD.replace("X99.1", ""), "External Cause", "blank external cause code"),
    10: (
        GOOD.replace("2021-03-04", f"{date.today().year + 1}-01-01"),
        "Admission Date",
        "admission date in the future",
    ),
}


def test_planted_bad_rows_are_rejected_with_their_reason(ws, tmp_path):
    path = tmp_path / "bad.csv"
    path.write_text(HEADER + GOOD + "".join(BAD[n][0] for n in sorted(BAD)))
    result = admissions.ingest(ws, path, MAPPING)
    assert (result.rows_read, result.rows_stored, result.rows_rejected) == (9, 1, 8)
    got = {
        line: (field, reason)
        for line, field, reason in ws.con.execute("SELECT line, field, reason FROM rejects").fetchall()
    }
    for line, (_, field, reason) in BAD.items():
        assert got[line][0] == field and got[line][1].startswith(reason), (line, got[line])


def test_same_name_replaces_and_same_content_is_a_noop(ws, tmp_path):
    path = tmp_path / "hes.csv"
    path.write_text(HEADER + GOOD * 3)
    admissions.ingest(ws, path, MAPPING)
    assert admissions.ingest(ws, path, MAPPING).status == "unchanged"
    path.write_text(HEADER + GOOD * 5)
    assert admissions.ingest(ws, path, MAPPING).status == "replaced"
    assert ws.con.execute("SELECT count(*) FROM hospital_admissions").fetchone() == (5,)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.tuples(st.integers(0, 8), st.text(max_size=12)), max_size=15))
def test_fuzzed_cells_never_crash_and_always_add_up(changes):
    lines = []
    for column, text in changes:
        cells = GOOD.rstrip("\r\n").split(",")
        cells[column] = "".join(c for c in text if c not in ',"\r\n\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029')
        lines.append(",".join(cells))
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "a.csv"
        path.write_text(HEADER + "\r\n".join(lines) + ("\r\n" if lines else ""), encoding="utf-8")
        with Workspace.create(Path(tmp) / "ws") as ws:
            try:
                result = admissions.ingest(ws, path, MAPPING)
            except IngestError:
                return
            assert result.rows_read == result.rows_stored + result.rows_rejected
            assert result.rows_read == sum(1 for line in lines if line.strip(" \t"))


def register(tmp_path: Path, *, require: bool = False, status: str = "active", ends: str = "2099-12-31") -> Path:
    path = tmp_path / "register.json"
    path.write_text(
        json.dumps(
            {
                "require_current_agreement": require,
                "agreements": [
                    {
                        "reference": "DSA-1",
                        "title": "ED ISTV to the CSP",
                        "datasets": ["istv"],
                        "status": status,
                        "starts_on": "2020-01-01",
                        "review_on": "2021-01-01",
                        "ends_on": ends,
                    }
                ],
            }
        )
    )
    return path


def test_agreements_are_found_recorded_and_enforced(ws, tmp_path):
    examples = write_examples(tmp_path / "ex", seed=1)
    agreements_mod.load_register(ws.con, register(tmp_path))
    found = agreements_mod.check(ws.con, "istv")
    assert (found.reference, found.state) == ("DSA-1", "current")
    assert agreements_mod.check(ws.con, "admissions").state == "none"
    assert agreements_mod.check(ws.con, "istv", "DSA-9").state == "named, not in register"
    assert agreements_mod.check(ws.con, "istv", today=date(2019, 6, 1)).state == "none"
    istv.ingest(ws, examples["istv.csv"], load_istv_mapping(), found)
    admissions.ingest(ws, examples["admissions.csv"], MAPPING, agreements_mod.check(ws.con, "admissions"))
    by_source = {f["source"]: f["agreement"] for f in workspace_status(ws.con)["ingests"]}
    assert by_source == {
        "istv": {"reference": "DSA-1", "checked": "current"},
        "admissions": {"reference": None, "checked": "none"},
    }
    # the setting turns the warning into a refusal, before anything is read
    agreements_mod.load_register(ws.con, register(tmp_path, require=True, status="expired"))
    assert agreements_mod.required(ws.con)
    with pytest.raises(IngestError, match="refused because this workspace requires"):
        agreements_mod.enforce(ws.con, agreements_mod.check(ws.con, "istv"), "x.csv")
    agreements_mod.set_required(ws.con, False)
    agreements_mod.enforce(ws.con, agreements_mod.check(ws.con, "istv"), "x.csv")  # warns only


def test_bad_register_files_are_one_line_errors(ws, tmp_path):
    path = tmp_path / "r.toml"
    path.write_text('[[agreements]]\nreference = "A"\ndatasets = ["istv"]\nstatus = "signed"\n')
    with pytest.raises(IngestError, match="status must be one of"):
        agreements_mod.load_register(ws.con, path)
    path.write_text('[[agreements]]\nreference = "A"\ndatasets = ["istv"]\nstatus = "active"\nends_on = "soon"\n')
    with pytest.raises(IngestError, match="not a date"):
        agreements_mod.load_register(ws.con, path)
    assert ws.con.execute("SELECT count(*) FROM data_sharing_agreements").fetchone() == (0,)
