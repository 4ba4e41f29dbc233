"""ISTV adapter on the example files: counts against an independent reading of the raw files, planted bad rows,
re-ingest, replacement of a site × period, refusal of overlapping periods, geocoding and synthetic labels."""

from __future__ import annotations

import csv
import io
import xml.etree.ElementTree as ET
from collections import Counter
from pathlib import Path

import pytest

from svduty.data import IngestError, istv
from svduty.data.health_examples import write_examples
from svduty.data.health_mapping import WORKING_LIST_NAME, IstvMapping, load_istv_mapping
from svduty.data.synth import run as synth_run
from svduty.data.workspace import Workspace


@pytest.fixture
def examples(tmp_path) -> dict[str, Path]:
    return write_examples(tmp_path / "examples", seed=11)


@pytest.fixture
def ws(tmp_path):
    with Workspace.create(tmp_path / "ws") as workspace:
        yield workspace


def raw_csv_counts(path: Path) -> Counter:
    """Month × method × location type straight from the CSV text (no svduty code)."""
    rows = csv.DictReader(io.StringIO(path.read_text(encoding="utf-8"), newline=""))
    return Counter((r["Arrival Date Time"][:7], r["Assault Method"], r["Assault Location Type"]) for r in rows)


def raw_xml_counts(path: Path) -> Counter:
    root = ET.parse(path).getroot()
    return Counter(
        (
            a.findtext("ArrivalDateTimeAtAccidentAndEmergencyDepartment")[:7],
            a.findtext("AssaultMethod"),
            a.findtext("AssaultLocationType"),
        )
        for a in root.iter("Assault")
    )


def stored_counts(ws: Workspace, file_name: str) -> Counter:
    rows = ws.con.execute(
        """SELECT strftime(arrived_at, '%Y-%m'), method_code, location_type_code, count(*)
           FROM ed_assaults e JOIN ingests i USING (ingest_id) WHERE i.file_name = ? GROUP BY ALL""",
        [file_name],
    ).fetchall()
    return Counter({(m, code, loc): n for m, code, loc, n in rows})


def test_counts_by_month_method_location_equal_an_independent_count(ws, examples):
    mapping = load_istv_mapping()
    for name in ("istv.csv", "istv.xml"):
        result = istv.ingest(ws, examples[name], mapping)
        assert result.rows_rejected == 0 and result.status == "ingested"
    expected_csv, expected_xml = raw_csv_counts(examples["istv.csv"]), raw_xml_counts(examples["istv.xml"])
    assert stored_counts(ws, "istv.csv") == expected_csv
    assert stored_counts(ws, "istv.xml") == expected_xml
    assert sum(expected_csv.values()) == 360 and sum(expected_xml.values()) == 120
    # three months in the CSV's header period, one in the XML's
    assert {k[0] for k in expected_csv} == {"2021-06", "2021-07", "2021-08"}
    assert {k[0] for k in expected_xml} == {"2021-09"}


def test_rows_are_labelled_synthetic_and_geocoded_from_known_places(ws, examples):
    mapping = load_istv_mapping()
    istv.ingest(ws, examples["istv.csv"], mapping)
    istv.ingest(ws, examples["istv.xml"], mapping)
    assert ws.con.execute("SELECT bool_and(synthetic) FROM ed_attendances").fetchone() == (True,)
    assert ws.con.execute("SELECT bool_and(synthetic) FROM istv_submissions").fetchone() == (True,)
    # every description naming a gazetteer place is located to that place's LSOA; the others are unlocated
    rows = ws.con.execute("SELECT location_description, lsoa_code, located_by FROM ed_assaults").fetchall()
    for description, lsoa, how in rows:
        named = [p for p in mapping.places if description and p.lower() in description.lower()]
        if named:
            longest = max(named, key=len)
            assert (lsoa, how) == (mapping.places[longest].lsoa_code, "place"), description
        else:
            assert lsoa is None and how is None, description
    # home assaults are never placed
    assert ws.con.execute(
        "SELECT count(*) FROM ed_attendances WHERE assault_location = 'home' AND lsoa_code IS NOT NULL"
    ).fetchone() == (0,)


HEADER = (
    "Site Code,Reporting Period Start Date,Reporting Period End Date,Arrival Date Time,Assault Date Time,"
    "Assault Method,Assault Method Other Description,Assault Location Type,Assault Location Description,Age Band,"
    "Sex,Synthetic\r\n"
)
GOOD = (
    "SYN02,2021-07-01,2021-07-31,2021-07-10 23:40,2021-07-10 23:05,03,,02,outside shops on Cheapside,16-24,M,true\r\n"
)
BAD = {
    # line: (row, field, reason)
    3: (GOOD.replace("2021-07-10 23:40", "2021-07-10 25:61"), "Arrival Date Time", "not a valid date and time"),
    4: (GOOD.replace("2021-07-10 23:05", "2021-07-11 02:00"), "Assault Date Time", "arrival before the assault"),
    5: (GOOD.replace(",03,", ",42,"), "Assault Method", "assault method not in svduty's working list"),
    6: (
        GOOD.replace("2021-07-10 23:40", "2021-08-02 01:00").replace("2021-07-10 23:05", "2021-08-02 00:30"),
        "Arrival Date Time",
        "arrival outside the submission's reporting period",
    ),
    7: (GOOD.replace(",02,outside", ",,outside"), "Assault Location Type", "blank assault location type"),
    8: (GOOD.replace(",16-24,", ",teenager,"), "Age Band", "age band not understood"),
    9: (GOOD.replace("2021-07-10 23:05", "2021-05-01 10:00"), "Assault Date Time", "assault more than 31 days"),
    10: (
        GOOD.replace("SYN02,2021-07-01", "SYN02,2021-06-01"),
        "Reporting Period Start Date",
        "reporting period differs",
    ),
    11: (GOOD.replace(",M,", ",M,extra,"), "(row)", "wrong number of fields"),
}


def planted_file(tmp_path: Path) -> Path:
    path = tmp_path / "planted.csv"
    lines = [HEADER, GOOD]
    lines += [BAD[n][0] for n in sorted(BAD)]
    lines += [GOOD.replace("23:40", "23:50")]
    path.write_text("".join(lines), encoding="utf-8")
    return path


def test_planted_bad_rows_are_rejected_with_their_reason(ws, tmp_path):
    result = istv.ingest(ws, planted_file(tmp_path), load_istv_mapping())
    assert (result.rows_read, result.rows_stored, result.rows_rejected) == (11, 2, 9)
    rejects = {
        line: (field, reason, raw)
        for line, field, reason, raw in ws.con.execute("SELECT line, field, reason, raw FROM rejects").fetchall()
    }
    assert set(rejects) == set(BAD)
    for line, (row, field, reason) in BAD.items():
        assert rejects[line][0] == field
        assert rejects[line][1].startswith(reason), (line, rejects[line][1])
        assert rejects[line][2] == row.rstrip("\r\n")  # the raw line is kept, so nothing is lost


def test_xml_planted_bad_assaults_name_their_element_and_line(ws, examples, tmp_path):
    text = examples["istv.xml"].read_text()
    first = text.index("<AssaultMethod>")
    bad = text[:first] + "<AssaultMethod>77</AssaultMethod>" + text[text.index("</AssaultMethod>", first) + 16 :]
    path = tmp_path / "bad.xml"
    path.write_text(bad)
    result = istv.ingest(ws, path, load_istv_mapping())
    assert result.rows_rejected == 1 and result.rows_stored == 119
    line, field, reason, value, raw = ws.con.execute("SELECT line, field, reason, value, raw FROM rejects").fetchone()
    assert (field, reason, value) == ("AssaultMethod", f"assault method not in {WORKING_LIST_NAME}", "77")
    assert bad.splitlines()[line - 1].strip() == "<Assault>" and "<AssaultMethod>77" in raw


def test_reingest_is_a_noop_and_a_changed_file_replaces_the_same_site_and_period(ws, examples, tmp_path):
    mapping = load_istv_mapping()
    istv.ingest(ws, examples["istv.csv"], mapping)
    again = istv.ingest(ws, examples["istv.csv"], mapping)
    assert again.status == "unchanged"
    lines = examples["istv.csv"].read_text().splitlines(keepends=True)
    changed = tmp_path / "istv-resent.csv"
    changed.write_text("".join(lines[:-10]))  # the ED resends the quarter with ten assaults fewer
    result = istv.ingest(ws, changed, mapping)
    assert result.status == "replaced" and result.rows_stored == 350
    assert ws.con.execute("SELECT count(*) FROM ed_attendances").fetchone() == (350,)
    assert ws.con.execute("SELECT count(*) FROM istv_assaults").fetchone() == (350,)  # detail goes with its rows
    assert ws.con.execute("SELECT count(*) FROM ingests WHERE status = 'superseded'").fetchone() == (1,)


def test_an_overlapping_period_of_the_same_site_is_refused_whole(ws, examples, tmp_path):
    mapping = load_istv_mapping()
    istv.ingest(ws, examples["istv.csv"], mapping)
    july = tmp_path / "july.csv"
    july.write_text(HEADER + GOOD.replace("SYN02", "SYN01"))
    with pytest.raises(IngestError, match="overlaps ingest #1"):
        istv.ingest(ws, july, mapping)
    assert ws.con.execute("SELECT count(*) FROM ingests").fetchone() == (1,)
    other_site = tmp_path / "other-site.csv"
    other_site.write_text(HEADER + GOOD)
    assert istv.ingest(ws, other_site, mapping).rows_stored == 1


def test_file_level_problems_are_one_clear_error(ws, tmp_path):
    mapping = load_istv_mapping()
    cases = {
        "no-header.csv": ("", "empty file"),
        "bad.xml": ("<ISTVSubmission><SubmissionHeader>", "not well-formed XML"),
        "doctype.xml": ('<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "b">]><x/>', "DOCTYPE"),
        "no-period.xml": ("<ISTVSubmission><SubmissionHeader/></ISTVSubmission>", "submission header lacks"),
        "wrong-cols.csv": ("a,b,c\r\n1,2,3\r\n", "header lacks column"),
    }
    for name, (text, message) in cases.items():
        path = tmp_path / name
        path.write_text(text)
        with pytest.raises(IngestError, match=message):
            istv.ingest(ws, path, mapping)


def test_postcodes_in_descriptions_use_the_mappings_lookup(ws, tmp_path):
    lookup = tmp_path / "postcodes.csv"
    lookup.write_text("pcds,lsoa21cd,lat,long\r\nEC2V 6DN,E01032739,51.5151,-0.0921\r\n")
    mapping = IstvMapping.model_validate(load_istv_mapping().model_dump() | {"postcode_lookup": {"path": lookup}})
    path = tmp_path / "pc.csv"
    path.write_text(HEADER + GOOD.replace("outside shops on Cheapside", "car park ec2v6dn"))
    istv.ingest(ws, path, mapping)
    assert ws.con.execute("SELECT lsoa_code, located_by, lat FROM ed_assaults").fetchone() == (
        "E01032739",
        "postcode",
        51.5151,
    )


def test_synthetic_layer_still_works_beside_ingested_istv(tmp_path, examples):
    """`svduty synth` fills ed_attendances too: it keeps working, and clearing it leaves ingested rows alone."""
    from svduty.data import police_uk

    with Workspace.create(tmp_path / "ws2") as ws:
        police_uk.ingest(ws, list(police_uk.iter_sample_paths()))
        istv.ingest(ws, examples["istv.csv"], load_istv_mapping())
        result = synth_run(ws, seed=3)
        assert result.ed_attendances > 0
        counts = ws.con.execute(
            "SELECT count(*) FILTER (WHERE ingest_id IS NULL), count(*) FILTER (WHERE ingest_id IS NOT NULL) "
            "FROM ed_attendances"
        ).fetchone()
        assert counts == (result.ed_attendances, 360)
        synth_run(ws, seed=3)  # re-run replaces the layer only
        assert ws.con.execute("SELECT count(*) FROM ed_attendances WHERE ingest_id IS NOT NULL").fetchone() == (360,)
