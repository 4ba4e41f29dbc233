"""The police.uk adapter on real files: counts checked against Python's own csv module, never against svduty."""

from __future__ import annotations

import csv
import io
import zipfile
from collections import Counter
from pathlib import Path

import pytest

from svduty.data import IngestError, police_uk
from svduty.data.schema import SV_PROXY_CRIME_TYPES
from svduty.data.status import workspace_status

HEADER = (
    "Crime ID,Month,Reported by,Falls within,Longitude,Latitude,Location,LSOA code,LSOA name,Crime type,"
    "Last outcome category,Context"
)
GOOD = ",2021-08,Durham Constabulary,Durham Constabulary,-1.57,54.77,On or near A Street,E01020634,Durham 001A,{},,"


def raw_rows(data: bytes) -> list[list[str]]:
    """Independent reading of a police.uk CSV with the csv module (BOM and CRLF handled by Python)."""
    text = data.decode("utf-8-sig")
    return list(csv.reader(io.StringIO(text)))[1:]


def sample_zip() -> Path:
    (path,) = list(police_uk.iter_sample_paths())
    return path


def test_bundled_sample_counts_match_an_independent_count(workspace):
    expected: Counter[tuple[str, str]] = Counter()
    expected_lines: set[tuple[str, int, str, str]] = set()
    no_location = 0
    with zipfile.ZipFile(sample_zip()) as archive:
        names = [n for n in archive.namelist() if n.endswith("-street.csv")]
        for name in names:
            for line, row in enumerate(raw_rows(archive.read(name)), start=2):
                expected[(row[1], row[9])] += 1
                expected_lines.add((row[1], line, row[9], row[6]))
                no_location += row[4] == ""
    assert len(names) == 36

    results = police_uk.ingest(workspace, [sample_zip()])

    assert len(results) == 36
    assert all(r.rows_read == r.rows_stored + r.rows_rejected for r in results)
    got = Counter(
        {
            (month.strftime("%Y-%m"), crime_type): n
            for month, crime_type, n in workspace.con.execute(
                "SELECT month, offence_group, count(*) FROM incidents GROUP BY ALL"
            ).fetchall()
        }
    )
    assert got == expected
    assert sum(expected.values()) == 22_480  # MANIFEST.md
    got_lines = workspace.con.execute(
        "SELECT strftime(month, '%Y-%m'), line, offence_group, location FROM incidents"
    ).fetchall()
    assert set(got_lines) == expected_lines  # each row keeps the line it came from
    (blank,) = workspace.con.execute("SELECT count(*) FROM incidents WHERE lat IS NULL").fetchone()
    assert blank == no_location > 0


def test_serious_violence_proxy_and_columns(workspace):
    police_uk.ingest(workspace, [sample_zip()])
    rows = workspace.con.execute(
        "SELECT offence_group, sv_category, count(*) FROM incidents WHERE sv_category IS NOT NULL GROUP BY ALL"
    ).fetchall()
    assert {r[0] for r in rows} == set(SV_PROXY_CRIME_TYPES)
    assert all(r[0] == r[1] for r in rows)
    # ASB has no Crime ID and no outcome: stored with NULLs, not dropped
    (asb_with_id,) = workspace.con.execute(
        "SELECT count(*) FROM incidents WHERE offence_group = 'Anti-social behaviour' AND source_ref IS NOT NULL"
    ).fetchone()
    assert asb_with_id == 0
    (synthetic,) = workspace.con.execute("SELECT count(*) FROM incidents WHERE synthetic").fetchone()
    assert synthetic == 0


def test_every_real_file_ingests_and_counts_match(workspace, real_data):
    """All 76 real files (City of London 36 months, 40 forces for 2021-08): per force x crime type counts."""
    folders = [real_data / "police-uk" / "city-of-london", real_data / "police-uk" / "national"]
    expected: Counter[tuple[str, str, str]] = Counter()
    files = sorted(p for folder in folders for p in folder.rglob("*-street.csv"))
    latest: dict[str, Path] = {p.name: p for p in files}  # national 2021-08 City file replaces the earlier one
    for name, path in latest.items():
        force = name[8:-11]
        for row in raw_rows(path.read_bytes()):
            expected[(force, row[1], row[9])] += 1

    results = police_uk.ingest(workspace, folders)

    assert len(results) == 76
    replaced = [r for r in results if r.status == "replaced"]
    assert [r.file_name for r in replaced] == ["2021-08-city-of-london-street.csv"]
    got = Counter(
        {
            (force, month.strftime("%Y-%m"), crime_type): n
            for force, month, crime_type, n in workspace.con.execute(
                "SELECT force, month, offence_group, count(*) FROM incidents GROUP BY ALL"
            ).fetchall()
        }
    )
    assert got == expected
    status = workspace_status(workspace.con)
    assert status["incidents"] == sum(expected.values())
    assert status["superseded_files"] == 1
    assert status["totals"]["rows_read"] == status["totals"]["rows_stored"] + status["totals"]["rows_rejected"]
    # Quoted LSOA names with commas survive (British Transport Police, Dorset, Leicestershire)
    (quoted,) = workspace.con.execute(
        "SELECT count(*) FROM incidents WHERE lsoa_name = 'Bournemouth, Christchurch and Poole 031E'"
    ).fetchone()
    assert quoted > 0


def test_reingest_same_content_is_a_no_op(workspace):
    first = police_uk.ingest(workspace, [sample_zip()])
    before = workspace.con.execute("SELECT count(*), max(ingest_id) FROM incidents").fetchone()
    again = police_uk.ingest(workspace, [sample_zip()])
    assert {r.status for r in again} == {"unchanged"}
    assert [r.ingest_id for r in again] == [r.ingest_id for r in first]
    assert workspace.con.execute("SELECT count(*), max(ingest_id) FROM incidents").fetchone() == before
    (n_ingests,) = workspace.con.execute("SELECT count(*) FROM ingests").fetchone()
    assert n_ingests == 36


def write(tmp_path: Path, name: str, body: str | bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(body if isinstance(body, bytes) else body.encode())
    return path


def test_changed_file_replaces_the_old_rows_in_one_go(workspace, tmp_path):
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    v1 = write(tmp_path / "a", "2021-08-durham-street.csv", HEADER + "\n" + GOOD.format("Robbery") + "\n")
    v2 = write(
        tmp_path / "b",
        "2021-08-durham-street.csv",
        "\n".join([HEADER, GOOD.format("Drugs"), GOOD.format("Burglary"), "bad,row"]) + "\n",
    )
    first = police_uk.ingest(workspace, [v1])[0]
    second = police_uk.ingest(workspace, [v2])[0]
    assert second.status == "replaced" and second.replaced == [first.ingest_id]
    assert workspace.con.execute("SELECT offence_group FROM incidents ORDER BY line").fetchall() == [
        ("Drugs",),
        ("Burglary",),
    ]
    assert workspace.con.execute("SELECT ingest_id, line FROM rejects").fetchall() == [(second.ingest_id, 4)]
    assert workspace.con.execute("SELECT ingest_id, status FROM ingests ORDER BY 1").fetchall() == [
        (first.ingest_id, "superseded"),
        (second.ingest_id, "active"),
    ]


def test_bom_crlf_blank_lines_quotes_and_rejects(workspace, tmp_path):
    lines = [
        HEADER,
        GOOD.format("Robbery"),  # 2 stored
        "",  # 3 blank: not a row
        GOOD.format("Robbery").replace("2021-08", "2021-09"),  # 4 month outside the file's month
        GOOD.format("Robbery").replace("-1.57", "abc"),  # 5 longitude not a number
        GOOD.format("Robbery").replace("54.77", "40.10"),  # 6 latitude outside the UK
        GOOD.format("Burglary").replace("On or near A Street", '"On or near Castle, Keep"'),  # 7 stored, quoted
        GOOD.format("Teleportation"),  # 8 unknown crime type
        ",2021-08,Durham Constabulary,Durham Constabulary,,,,,,Anti-social behaviour,,",  # 9 stored, no location
        GOOD.format("Drugs") + ",extra",  # 10 wrong number of fields
        GOOD.format("Drugs").replace("-1.57", ""),  # 11 latitude without longitude
        GOOD.format("Drugs").replace("E01020634", "DURHAM"),  # 12 not an ONS code
        GOOD.format("Drugs").replace("On or near A Street", '"unterminated'),  # 13 unbalanced quote
    ]
    path = write(tmp_path, "2021-08-durham-street.csv", b"\xef\xbb\xbf" + "\r\n".join(lines).encode() + b"\r\n")

    result = police_uk.ingest(workspace, [path])[0]

    assert (result.rows_read, result.rows_stored, result.rows_rejected) == (11, 3, 8)
    stored = workspace.con.execute("SELECT line, location, lat FROM incidents ORDER BY line").fetchall()
    assert stored == [(2, "On or near A Street", 54.77), (7, "On or near Castle, Keep", 54.77), (9, None, None)]
    rejects = workspace.con.execute("SELECT line, field, reason, value FROM rejects ORDER BY line").fetchall()
    assert rejects == [
        (4, "Month", "month outside the file's month", "2021-09"),
        (5, "Longitude", "longitude not a number", "abc"),
        (6, "Latitude", "latitude outside the UK", "40.10"),
        (8, "Crime type", "unknown crime type", "Teleportation"),
        (10, "(row)", "wrong number of fields", "13 fields, expected 12"),
        (11, "Longitude", "latitude given without longitude", "54.77"),
        (12, "LSOA code", "not an ONS area code", "DURHAM"),
        (13, "(row)", "cannot parse quoted fields (unexpected end of data)", None),
    ]
    raws = dict(workspace.con.execute("SELECT line, raw FROM rejects").fetchall())
    assert raws[5] == lines[4]  # the whole raw line is kept, so nothing is lost


def test_invalid_utf8_lines_are_rejected_not_fatal(workspace, tmp_path):
    body = (HEADER + "\n" + GOOD.format("Robbery") + "\n").encode() + "Caf\xe9,x\n".encode("latin-1")
    result = police_uk.ingest(workspace, [write(tmp_path, "2021-08-durham-street.csv", body)])[0]
    assert (result.rows_read, result.rows_stored, result.rows_rejected) == (2, 1, 1)
    assert workspace.con.execute("SELECT line, reason, raw FROM rejects").fetchall() == [
        (3, "not valid UTF-8 text", "Caf\\xe9,x")
    ]


@pytest.mark.parametrize(
    ("header", "message"),
    [
        (HEADER.replace(",Context", ""), "missing 'Context'"),
        (HEADER.replace("Month", "Mnth"), "missing 'Month'; unexpected 'Mnth'"),
        (HEADER.replace("Crime ID,Month", "Month,Crime ID"), "columns out of order"),
        ("", "empty file"),
    ],
)
def test_wrong_header_is_one_clear_error_naming_the_file(workspace, tmp_path, header, message):
    path = write(tmp_path, "2021-08-durham-street.csv", header + "\n" + GOOD.format("Robbery") + "\n")
    with pytest.raises(IngestError) as info:
        police_uk.ingest(workspace, [path])
    text = str(info.value)
    assert str(path) in text and message in text
    (n,) = workspace.con.execute("SELECT count(*) FROM ingests").fetchone()
    assert n == 0


def test_zip_reads_only_street_files(workspace, tmp_path):
    archive = tmp_path / "download.zip"
    with zipfile.ZipFile(archive, "w") as z:
        z.writestr("2021-08/2021-08-durham-street.csv", HEADER + "\r\n" + GOOD.format("Robbery") + "\r\n")
        z.writestr("2021-08/2021-08-durham-outcomes.csv", "Crime ID,Month\n")
        z.writestr("2021-08/2021-08-durham-stop-and-search.csv", "Type,Date\n")
    results = police_uk.ingest(workspace, [archive])
    assert [(r.file_name, r.rows_stored) for r in results] == [("2021-08-durham-street.csv", 1)]
    assert results[0].path.endswith("download.zip!2021-08/2021-08-durham-street.csv")


def test_unnamed_file_takes_force_and_month_from_its_rows(workspace, tmp_path):
    path = write(tmp_path, "export.csv", HEADER + "\n" + GOOD.format("Robbery") + "\n")
    result = police_uk.ingest(workspace, [path])[0]
    assert result.force == "durham-constabulary" and result.month.isoformat() == "2021-08-01"


def test_bad_inputs_are_clear_errors(workspace, tmp_path):
    with pytest.raises(IngestError, match="no such file"):
        police_uk.ingest(workspace, [tmp_path / "missing.csv"])
    (tmp_path / "empty").mkdir()
    with pytest.raises(IngestError, match=r"holds no police\.uk"):
        police_uk.ingest(workspace, [tmp_path / "empty"])
    with pytest.raises(IngestError, match="not a readable zip"):
        police_uk.ingest(workspace, [write(tmp_path, "x.zip", b"not a zip")])


def test_fast_path_line_numbers_are_exact_on_a_large_file(workspace, tmp_path, monkeypatch):
    """200,000 rows read in parallel chunks: every stored and rejected row keeps its true line number."""

    def no_exact_path(*args, **kwargs):
        raise AssertionError("the fast path should have been taken")

    monkeypatch.setattr(police_uk, "_exact_source", no_exact_path)
    bad_lines = {5, 65_537, 123_457, 200_001}
    rows = []
    for line in range(2, 200_002):
        location = f"On or near Line {line}"
        month = "2021-09" if line in bad_lines else "2021-08"
        rows.append(GOOD.format("Robbery").replace("On or near A Street", location).replace("2021-08", month))
    path = write(tmp_path, "2021-08-durham-street.csv", HEADER + "\r\n" + "\r\n".join(rows) + "\r\n")

    (result,) = police_uk.ingest(workspace, [path])

    assert (result.rows_read, result.rows_stored, result.rows_rejected) == (200_000, 199_996, 4)
    (mismatched,) = workspace.con.execute(
        "SELECT count(*) FROM incidents WHERE location <> 'On or near Line ' || line"
    ).fetchone()
    assert mismatched == 0
    rejects = workspace.con.execute("SELECT line, raw FROM rejects ORDER BY line").fetchall()
    assert [r[0] for r in rejects] == sorted(bad_lines)
    assert all(f"On or near Line {line}," in raw for line, raw in rejects)


def test_same_content_under_another_name_is_not_stored_twice(workspace, tmp_path):
    body = HEADER + "\n" + GOOD.format("Robbery") + "\n"
    first = police_uk.ingest(workspace, [write(tmp_path, "2021-08-durham-street.csv", body)])[0]
    again = police_uk.ingest(workspace, [write(tmp_path, "export.csv", body)])[0]
    assert again.status == "unchanged" and again.ingest_id == first.ingest_id
    assert workspace.con.execute("SELECT count(*) FROM incidents").fetchone() == (1,)


def test_glob_characters_in_a_path_read_that_file_only(workspace, tmp_path):
    (tmp_path / "d[1]").mkdir()
    (tmp_path / "d1").mkdir()
    real = write(tmp_path / "d[1]", "2021-08-durham-street.csv", HEADER + "\n" + GOOD.format("Robbery") + "\n")
    write(tmp_path / "d1", "2021-08-durham-street.csv", HEADER + "\n" + GOOD.format("Burglary") + "\n")
    police_uk.ingest(workspace, [real])
    assert workspace.con.execute("SELECT offence_group FROM incidents").fetchall() == [("Robbery",)]


def test_a_lone_carriage_return_breaks_the_line_as_a_reader_would(workspace, tmp_path):
    """A CR on its own is a line end to Python's csv module, Excel and DuckDB alike: two rows, numbered as such."""
    rows = [GOOD.format("Robbery"), GOOD.format("Drugs") + "\r" + GOOD.format("Burglary"), GOOD.format("Robbery")]
    body = HEADER + "\n" + "\n".join(rows) + "\n"
    path = write(tmp_path, "2021-08-durham-street.csv", body)
    result = police_uk.ingest(workspace, [path])[0]
    expected = list(csv.reader(io.StringIO(body, newline="")))[1:]  # the reference reader's rows
    assert (result.rows_read, result.rows_stored, result.rows_rejected) == (len(expected), 4, 0)
    got = workspace.con.execute("SELECT line, offence_group FROM incidents ORDER BY line").fetchall()
    assert got == [(i + 2, row[9]) for i, row in enumerate(expected)]


def test_classic_mac_line_ends_ingest_every_row(workspace, tmp_path):
    rows = [GOOD.format("Robbery"), GOOD.format("Drugs"), GOOD.format("Burglary")]
    body = "\r".join([HEADER, *rows]) + "\r"
    result = police_uk.ingest(workspace, [write(tmp_path, "2021-08-durham-street.csv", body)])[0]
    assert (result.rows_read, result.rows_stored, result.rows_rejected) == (3, 3, 0)
    assert workspace.con.execute("SELECT line FROM incidents ORDER BY line").fetchall() == [(2,), (3,), (4,)]


def test_impossible_month_in_a_file_name_is_a_clear_error(workspace, tmp_path):
    body = HEADER + "\n" + GOOD.format("Robbery").replace("2021-08", "0000-01") + "\n"
    with pytest.raises(IngestError, match="not a month"):
        police_uk.ingest(workspace, [write(tmp_path, "0000-01-durham-street.csv", body)])


def test_replacing_a_month_removes_its_people_and_synthetic_fields(workspace, tmp_path):
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    v1 = write(tmp_path / "a", "2021-08-durham-street.csv", HEADER + "\n" + GOOD.format("Robbery") + "\n")
    v2 = write(tmp_path / "b", "2021-08-durham-street.csv", HEADER + "\n" + GOOD.format("Drugs") + "\n")
    first = police_uk.ingest(workspace, [v1])[0]
    incident_id = first.ingest_id * 4294967296 + 2
    workspace.con.execute(
        "INSERT INTO involvements (incident_id, role, synthetic) VALUES (?, 'victim', true)", [incident_id]
    )
    police_uk.ingest(workspace, [v2])
    assert workspace.con.execute("SELECT count(*) FROM involvements").fetchone() == (0,)
