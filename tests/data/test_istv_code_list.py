"""A user-supplied code list for ASSAULT METHOD and ASSAULT LOCATION TYPE (the NHS Data Dictionary's national codes
once a partnership has them): it replaces the mapping's working list, unknown codes are rejected naming it, local
codes reach it through the mapping's aliases, and a malformed list is refused with its file, line and column.

The lists written here are TEST lists, named as such: svduty ships no national code list (see
``svduty.data.health_mapping``)."""

from __future__ import annotations

import csv
import io
from collections import Counter
from pathlib import Path

import pytest

from svduty.data import IngestError, istv
from svduty.data.health_examples import write_examples
from svduty.data.health_mapping import (
    WORKING_LIST_NAME,
    default_istv_mapping_path,
    load_code_list,
    load_istv_mapping,
)
from svduty.data.workspace import Workspace

TEST_SOURCE = "TEST list for svduty's tests (not a national code list)"


@pytest.fixture
def ws(tmp_path):
    with Workspace.create(tmp_path / "ws") as workspace:
        yield workspace


def write_code_list(path: Path, methods: dict[str, tuple[str, str]], locations: dict[str, tuple[str, str]]) -> Path:
    with path.open("w", newline="", encoding="utf-8") as handle:
        out = csv.writer(handle)
        out.writerow(["data_element", "code", "label", "group", "source"])
        out.writerows(["ASSAULT METHOD", c, label, group, TEST_SOURCE] for c, (label, group) in methods.items())
        out.writerows(
            ["Assault Location Type", c, label, group, TEST_SOURCE] for c, (label, group) in locations.items()
        )
    return path


# Every code the example generator writes except method 99, with labels unlike the working list's.
METHODS = {
    "01": ("TEST body part", "body part"),
    "02": ("TEST blunt", "blunt object"),
    "03": ("TEST knife", "sharp object"),
    "04": ("TEST glass", "glass or bottle"),
    "05": ("TEST gun", "firearm"),
    "06": ("TEST other", "other"),
}
LOCATIONS = {c: (f"TEST place {c}", g) for c, g in (("01", "home"), ("02", "street"), ("03", "licensed premises"))}
LOCATIONS |= {c: (f"TEST place {c}", "other") for c in ("04", "05", "06", "07", "99")}


def raw_rows(path: Path) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(path.read_text(encoding="utf-8"), newline="")))


def test_a_code_list_file_replaces_the_working_list_and_names_itself_in_rejections(ws, tmp_path):
    examples = write_examples(tmp_path / "examples", seed=5)
    codes = write_code_list(tmp_path / "codes.csv", METHODS, LOCATIONS)
    mapping = load_istv_mapping(None, codes)
    assert mapping.code_list_name == TEST_SOURCE and set(mapping.methods) == set(METHODS)

    result = istv.ingest(ws, examples["istv.csv"], mapping)

    rows = raw_rows(examples["istv.csv"])
    kept = [r for r in rows if r["Assault Method"] != "99"]
    assert (result.rows_read, result.rows_stored, result.rows_rejected) == (len(rows), len(kept), len(rows) - len(kept))
    assert len(kept) < len(rows)  # the generator writes some 'not known' methods, which this list lacks
    # counts by month × method × location type equal an independent count of the raw rows the list accepts
    expected = Counter((r["Arrival Date Time"][:7], r["Assault Method"], r["Assault Location Type"]) for r in kept)
    stored = ws.con.execute(
        "SELECT strftime(arrived_at, '%Y-%m'), method_code, location_type_code, count(*) FROM ed_assaults GROUP BY ALL"
    ).fetchall()
    assert Counter({(m, c, loc): n for m, c, loc, n in stored}) == expected
    labels = dict(ws.con.execute("SELECT DISTINCT method_code, method_label FROM ed_assaults").fetchall())
    assert labels == {c: METHODS[c][0] for c in labels}  # the list's labels, not the working list's
    reasons = ws.con.execute("SELECT DISTINCT field, reason, value FROM rejects").fetchall()
    assert reasons == [("Assault Method", f"assault method not in {TEST_SOURCE}", "99")]


def test_the_mapping_can_name_its_code_list_and_translate_local_codes(ws, tmp_path):
    write_code_list(tmp_path / "nhs-codes.csv", METHODS, LOCATIONS)
    text = default_istv_mapping_path().read_text(encoding="utf-8")
    text = text.replace("max_days_before_arrival = 31\n", 'max_days_before_arrival = 31\ncode_list = "nhs-codes.csv"\n')
    text += '\n[method_aliases]\n"KNIFE" = "03"\n"1" = "01"\n\n[location_type_aliases]\n"PUB" = "03"\n'
    (tmp_path / "site.toml").write_text(text, encoding="utf-8")
    mapping = load_istv_mapping(tmp_path / "site.toml")  # code_list is relative to the mapping file
    assert mapping.code_list_name == TEST_SOURCE
    header = (
        "Site Code,Reporting Period Start Date,Reporting Period End Date,Arrival Date Time,Assault Date Time,"
        "Assault Method,Assault Method Other Description,Assault Location Type,Assault Location Description,"
        "Age Band,Sex,Synthetic\n"
    )
    good = "SYN09,2021-07-01,2021-07-31,2021-07-10 23:40,2021-07-10 23:05,{m},,{loc},,16-24,M,true\n"
    extract = tmp_path / "local.csv"
    extract.write_text(
        header
        + good.format(m="knife", loc="pub")
        + good.format(m="1", loc="02")
        + good.format(m="BAT", loc="02"),  # a local code with no alias: rejected, never guessed
        encoding="utf-8",
    )
    result = istv.ingest(ws, extract, mapping)
    assert (result.rows_stored, result.rows_rejected) == (2, 1)
    stored = ws.con.execute(
        "SELECT method_code, method_label, mechanism, location_type_code, assault_location FROM ed_assaults ORDER BY 1"
    ).fetchall()
    assert stored == [
        ("01", "TEST body part", "body part", "02", "street"),
        ("03", "TEST knife", "sharp object", "03", "licensed premises"),
    ]
    assert ws.con.execute("SELECT line, reason, value FROM rejects").fetchall() == [
        (4, f"assault method not in {TEST_SOURCE}", "BAT")
    ]


def test_without_a_code_list_rejections_say_the_working_list_is_unverified(ws, tmp_path):
    mapping = load_istv_mapping()
    assert mapping.code_list_name == WORKING_LIST_NAME and "not checked" in WORKING_LIST_NAME


@pytest.mark.parametrize(
    ("rows", "message", "line", "column"),
    [
        ([["ASSAULT METHOD", "03", "Knife", "stabbing"]], "group 'stabbing' of an assault method", 2, "group"),
        ([["ASSAULT WEAPON", "03", "Knife", "sharp object"]], "neither ASSAULT METHOD nor", 2, "data_element"),
        ([["ASSAULT METHOD", "", "Knife", "sharp object"]], "blank code", 2, "code"),
        (
            [["ASSAULT METHOD", "03", "Knife", "sharp object"], ["ASSAULT METHOD", "03", "Blade", "sharp object"]],
            "code '03' appears twice",
            3,
            "code",
        ),
        ([["ASSAULT METHOD", "03", "Knife", "sharp object"]], "no ASSAULT LOCATION TYPE codes", None, None),
    ],
)
def test_a_malformed_code_list_is_refused_with_file_line_and_column(tmp_path, rows, message, line, column):
    path = tmp_path / "bad-codes.csv"
    with path.open("w", newline="", encoding="utf-8") as handle:
        out = csv.writer(handle)
        out.writerow(["data_element", "code", "label", "group"])
        out.writerows(rows)
    with pytest.raises(IngestError) as err:
        load_code_list(path)
    assert message in str(err.value) and err.value.file == str(path)
    assert (err.value.row, err.value.field) == (line, column)


def test_an_alias_to_a_code_the_list_lacks_is_refused(tmp_path):
    codes = write_code_list(tmp_path / "codes.csv", METHODS, LOCATIONS)
    text = default_istv_mapping_path().read_text(encoding="utf-8")
    text += '\n[method_aliases]\n"NK" = "99"\n'
    (tmp_path / "m.toml").write_text(text, encoding="utf-8")
    load_istv_mapping(tmp_path / "m.toml")  # '99' is in the working list
    with pytest.raises(IngestError, match="method_aliases point at codes not in TEST list"):
        load_istv_mapping(tmp_path / "m.toml", codes)


def test_the_shipped_template_loads_and_matches_the_default_working_list():
    template = default_istv_mapping_path().parent / "istv-code-list-TEMPLATE.csv"
    codes = load_code_list(template)
    default = load_istv_mapping()
    assert codes.methods == default.methods and codes.location_types == default.location_types
    assert "not the NHS Data Dictionary" in codes.name


def test_a_mapping_without_lists_needs_a_code_list(tmp_path):
    text = default_istv_mapping_path().read_text(encoding="utf-8")
    start, end = text.index("[methods]"), text.index("# Known places")
    (tmp_path / "bare.toml").write_text(text[:start] + text[end:], encoding="utf-8")
    with pytest.raises(IngestError, match=r"give the \[methods\] and \[location_types\] code lists"):
        load_istv_mapping(tmp_path / "bare.toml")
    codes = write_code_list(tmp_path / "codes.csv", METHODS, LOCATIONS)
    mapping = load_istv_mapping(tmp_path / "bare.toml", codes)  # as `svduty ingest istv --code-list` does
    assert set(mapping.location_types) == set(LOCATIONS) and mapping.places  # the rest of the mapping is kept
