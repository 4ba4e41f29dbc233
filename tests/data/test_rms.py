"""RMS extract ingest through a mapping file: figures against an independent pandas reading of the example extract,
accounting, no-op/replace, pseudonymisation (no raw identifier anywhere in the workspace), and a hypothesis fuzz."""

from __future__ import annotations

import os
import stat

import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from svduty.data import IngestError, rms
from svduty.data.mapping import Mapping, load_mapping
from svduty.data.workspace import Workspace

MAPPING_PATH, EXTRACT_PATH = rms.example_paths()


@pytest.fixture
def ws(tmp_path):
    w = Workspace.create(tmp_path / "ws")
    yield w
    w.close()


def accounting_holds(con) -> None:
    bad = con.execute(
        """SELECT i.ingest_id FROM ingests i LEFT JOIN (SELECT ingest_id, count(*) n FROM rejects GROUP BY 1) r
           USING (ingest_id) WHERE i.status = 'active' AND (i.rows_read <> i.rows_stored + i.rows_rejected
              OR i.rows_rejected <> coalesce(r.n, 0))"""
    ).fetchall()
    assert bad == []


def test_example_extract_matches_independent_pandas_reading(ws):
    mapping = load_mapping(MAPPING_PATH)
    result = rms.ingest(ws, EXTRACT_PATH, mapping)
    raw = pd.read_csv(EXTRACT_PATH, dtype=str, keep_default_na=False)
    raw["line"] = range(2, len(raw) + 2)
    # independent expectation: the three planted errors, everything else good
    bad_lines = {12, 22, 32}
    good = raw[~raw.line.isin(bad_lines)]
    assert (result.rows_read, result.rows_stored, result.rows_rejected) == (len(raw), len(good), 3)
    con = ws.con
    assert con.execute("SELECT line, field FROM rejects ORDER BY line").fetchall() == [
        (12, "CommittedDate"),
        (22, "HOOffenceCode"),
        (32, "SuspectAge"),
    ]
    crimes = good.drop_duplicates("CrimeRef")
    assert con.execute("SELECT count(*) FROM incidents").fetchall()[0][0] == len(crimes)
    lookup = {code: (o.group, o.sv_category) for code, o in mapping.offence_codes.items()}
    want = crimes.HOOffenceCode.map(lambda c: lookup[c][1]).value_counts().to_dict()
    got = dict(
        con.execute("SELECT sv_category, count(*) FROM incidents WHERE sv_category IS NOT NULL GROUP BY 1").fetchall()
    )
    assert got == want and got["Homicide"] > 0
    # knife: marker Y, or code 10D
    knife = ((crimes.WeaponKnife == "Y") | (crimes.HOOffenceCode == "10D")).sum()
    assert con.execute("SELECT count(*) FROM incidents WHERE knife_flag").fetchall()[0][0] == knife
    assert (
        con.execute("SELECT count(*) FROM incidents WHERE alcohol_flag IS NULL").fetchall()[0][0]
        == (crimes.AlcoholMarker == "").sum()
    )
    # times: date + time; blank time → NULL occurred_at but the month is kept
    with_time = crimes[crimes.CommittedTime != ""]
    assert con.execute("SELECT count(occurred_at) FROM incidents").fetchall()[0][0] == len(with_time)
    first = with_time.iloc[0]
    ts = pd.to_datetime(first.CommittedDate + " " + first.CommittedTime, format="%d/%m/%Y %H:%M")
    sql = "SELECT occurred_at, month FROM incidents WHERE source_ref = ?"
    occurred, month = con.execute(sql, [first.CrimeRef]).fetchall()[0]
    assert pd.Timestamp(occurred) == ts and month == ts.date().replace(day=1)
    # people: one involvement per non-blank victim/suspect (second-suspect rows add to the same crime)
    victims = good[good.VictimID != ""].drop_duplicates(["CrimeRef", "VictimID"])
    suspects = good[good.SuspectID != ""].drop_duplicates(["CrimeRef", "SuspectID"])
    inv = dict(con.execute("SELECT role, count(*) FROM involvements GROUP BY 1").fetchall())
    assert inv == {"victim": len(victims), "suspect": len(suspects)}
    ids = set(victims.VictimID) | set(suspects.SuspectID)
    assert con.execute("SELECT count(*) FROM persons").fetchall()[0][0] == len(ids)
    bands = con.execute("SELECT DISTINCT age_band FROM involvements ORDER BY 1").fetchall()
    assert {b for (b,) in bands} <= {"0-15", "16-24", "25-34", "35-49", "50-64", "65+"}
    assert con.execute("SELECT bool_and(synthetic) FROM incidents").fetchall()[0][0]  # mapping says synthetic
    assert con.execute("SELECT count(lsoa_name) FROM incidents").fetchall()[0][0] == 0  # no ONS tables loaded
    accounting_holds(con)


def test_no_raw_identifier_stored_anywhere(ws):
    rms.ingest(ws, EXTRACT_PATH, load_mapping(MAPPING_PATH))
    raw = pd.read_csv(EXTRACT_PATH, dtype=str, keep_default_na=False)
    ids = {i for i in set(raw.VictimID) | set(raw.SuspectID) if i}
    con = ws.con
    text = []
    for (table,) in con.execute(
        "SELECT table_name FROM information_schema.tables WHERE table_type = 'BASE TABLE'"
    ).fetchall():
        cols = [
            c
            for c, t in con.execute(
                f"SELECT column_name, data_type FROM information_schema.columns WHERE table_name = '{table}'"
            ).fetchall()
            if t == "VARCHAR"
        ]
        for col in cols:
            text += [v for (v,) in con.execute(f"SELECT {col} FROM {table} WHERE {col} IS NOT NULL").fetchall()]
    blob = "\n".join(text)
    assert not [i for i in ids if i in blob]
    key = ws.path / "pseudonymisation.key"
    assert stat.S_IMODE(os.stat(key).st_mode) == 0o600


def test_no_op_replace_and_conflicting_rows(ws, tmp_path):
    mapping = load_mapping(MAPPING_PATH)
    header = EXTRACT_PATH.read_text().splitlines()[0]
    row = "A/1,8N,Assault,01/02/2021,23:15,E01000001,51.51,-0.09,x,Y,N,N,Charged,V1,19,F,S1,22,M"
    second = "A/1,8N,Assault,01/02/2021,23:15,E01000001,51.51,-0.09,x,Y,N,N,Charged,,,,S2,17,M"
    clash = "A/1,8N,Assault,02/02/2021,23:15,E01000001,51.51,-0.09,x,Y,N,N,Charged,,,,S3,17,M"
    quoted = 'B/2,34B,"Robbery, with\nline break",03/02/2021,,,,,"a ""place""",N,,N,,V9,70,M,,,'
    path = tmp_path / "extract.csv"
    path.write_text("\n".join([header, row, second, clash, quoted]) + "\n")
    first = rms.ingest(ws, path, mapping)
    assert (first.rows_read, first.rows_stored, first.rows_rejected) == (4, 3, 1)
    con = ws.con
    assert con.execute("SELECT line, field, reason FROM rejects").fetchall() == [
        (4, "CrimeRef", "same crime reference as line 2 but a different offence or date")
    ]
    assert con.execute("SELECT line, occurred_at IS NULL FROM incidents ORDER BY line").fetchall() == [
        (2, False),
        (5, True),  # the quoted record starts on line 5 and spans two lines
    ]
    assert con.execute("SELECT count(*) FROM involvements").fetchall()[0][0] == 4
    assert rms.ingest(ws, path, mapping).status == "unchanged"
    # same file name, changed content: replaces, and the old involvements and orphaned persons go
    path.write_text("\n".join([header, row]) + "\n")
    again = rms.ingest(ws, path, mapping)
    assert again.status == "replaced" and again.replaced == [first.ingest_id]
    assert con.execute("SELECT count(*) FROM incidents").fetchall()[0][0] == 1
    assert con.execute("SELECT count(*) FROM involvements").fetchall()[0][0] == 2
    assert con.execute("SELECT count(*) FROM persons").fetchall()[0][0] == 2
    accounting_holds(con)


def test_file_level_errors_are_one_line(ws, tmp_path):
    mapping = load_mapping(MAPPING_PATH)
    path = tmp_path / "x.csv"
    path.write_text("CrimeRef,Other\n1,2\n")
    with pytest.raises(IngestError, match=r"x\.csv, line 1: header lacks column\(s\) the mapping names: "):
        rms.ingest(ws, path, mapping)
    path.write_text("")
    with pytest.raises(IngestError, match="empty file"):
        rms.ingest(ws, path, mapping)
    bad = tmp_path / "m.toml"
    bad.write_text(
        'name = "x"\nrecord_id = "a"\noffence_code = "b"\ndate = "c"\n[offence_codes]\n'
        '"1" = { group = "H", sv_category = "Murders" }\n'
    )
    with pytest.raises(IngestError, match=r"m\.toml, field 'offence_codes\.1\.sv_category'.*unknown SV category"):
        load_mapping(bad)
    bad.write_text(
        'name = "x"\nrecord_id = "a"\noffence_code = "b"\ndate = "c"\noffence_codes = {}\nencoding = "klingon"\n'
    )
    with pytest.raises(IngestError, match="unknown text encoding"):
        load_mapping(bad)


def test_offence_code_normalisation_and_pseudonym_namespace():
    m = Mapping(
        name="t", record_id="r", offence_code="o", date="d", offence_codes={"8N": {"group": "V"}, "4.1": {"group": "H"}}
    )
    assert m.offence("008N").group == "V" and m.offence("4/1").group == "H" and m.offence("9") is None
    from svduty.data.pseudonymise import pseudonym

    key = b"k" * 32
    assert pseudonym(key, "a", "P1") == pseudonym(key, "a", " P1 ") != pseudonym(key, "b", "P1")
    assert pseudonym(key, "a", "P1") != pseudonym(b"j" * 32, "a", "P1")


CELL = st.one_of(
    st.sampled_from(
        [
            "",
            "A/1",
            "A/2",
            "8N",
            "34B",
            "10D",
            "999",
            "01/02/2021",
            "31/02/2021",
            "12:30",
            "25:99",
            "E01000001",
            "E0100",
            "51.5",
            "-0.1",
            "99",
            "Y",
            "N",
            "maybe",
            "M",
            "F",
            "Q",
            "17",
            "-3",
            "200",
            "P1",
            "1e3",
            "nan",
        ]
    ),
    st.text(alphabet=st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=8),
    st.text(alphabet=',"\n\r; \t\x00', max_size=4),
)


VALID = [
    "A/1",
    "8N",
    "Assault",
    "01/02/2021",
    "23:15",
    "E01000001",
    "51.51",
    "-0.09",
    "x",
    "Y",
    "N",
    "N",
    "Charged",
    "V1",
    "19",
    "F",
    "S1",
    "22",
    "M",
]
# a valid row with a few cells replaced: most rows then store, so the storing path is fuzzed too
MUTATED = st.lists(st.tuples(st.integers(0, len(VALID) - 1), CELL), max_size=3).map(
    lambda changes: [dict(changes).get(i, c) for i, c in enumerate(VALID)]
)


@pytest.fixture(scope="module")
def fuzz_ws(fuzz_dir):
    w = Workspace.create(fuzz_dir / "rms-ws")
    yield w
    w.close()


FUZZ_MAPPING = load_mapping(MAPPING_PATH)
FUZZ_HEADER = EXTRACT_PATH.read_text().splitlines()[0]


@pytest.mark.fuzz
@given(
    rows=st.lists(st.one_of(MUTATED, st.lists(CELL, min_size=0, max_size=22)), max_size=12),
    tail=st.binary(max_size=12),
)
def test_fuzz_never_crashes_and_accounting_holds(fuzz_ws, fuzz_examples, rows, tail):
    fuzz_examples["rms"] += 1
    ws, mapping, header = fuzz_ws, FUZZ_MAPPING, FUZZ_HEADER
    body = "\n".join(",".join(cells) for cells in rows)
    data = (header + "\n" + body).encode("utf-8", errors="surrogatepass") + tail
    try:
        result = rms.ingest_bytes(ws, data, mapping, display="fuzz.csv", file_name="fuzz.csv")
    except IngestError:
        return
    assert result.rows_read == result.rows_stored + result.rows_rejected
    accounting_holds(ws.con)
    n = ws.con.execute("SELECT count(*) FROM incidents WHERE ingest_id = ?", [result.ingest_id]).fetchall()[0][0]
    assert n <= result.rows_stored


def test_lsoa_names_from_ons_tables(ws, tmp_path):
    lookup = tmp_path / "lookup.csv"
    lookup.write_text(
        "LSOA11CD,LSOA11NM,LSOA21CD,LSOA21NM,LAD22CD,LAD22NM,LAD22NMW\n"
        "E01000001,City of London 001A,E01000001,City of London 001A,E09000001,City of London,\n"
    )
    from svduty.data import population

    population.ingest_file(ws, lookup)
    rms.ingest(ws, EXTRACT_PATH, load_mapping(MAPPING_PATH))
    names = ws.con.execute("SELECT DISTINCT lsoa_code, lsoa_name FROM incidents WHERE lsoa_name IS NOT NULL").fetchall()
    assert names == [("E01000001", "City of London 001A")]


def test_cli_commands(tmp_path):
    """The three commands end to end through Typer: output, exit codes, one-line errors."""
    from typer.testing import CliRunner

    from svduty.cli.main import app

    runner = CliRunner()
    w = str(tmp_path / "ws")
    r = runner.invoke(app, ["ingest", "rms", "--example", "--workspace", w])
    assert r.exit_code == 0 and "450" in r.output and "SYNTHETIC" in r.output
    r = runner.invoke(app, ["ingest", "rms", "--example", "--workspace", w])
    assert r.exit_code == 0 and "unchanged" in r.output
    bad = tmp_path / "m.yaml"
    bad.write_text("name: x\n")
    r = runner.invoke(app, ["ingest", "rms", str(EXTRACT_PATH), "--mapping", str(bad), "--workspace", w])
    assert r.exit_code == 1 and "m.yaml, field 'record_id': Field required" in r.output
    assert "Traceback" not in r.output
    pop = tmp_path / "census.csv"
    pop.write_text("lsoa21_code,lsoa21_name,age_group,usual_residents\nE01000001,A,Aged 16 to 24 years,5\n")
    r = runner.invoke(app, ["ingest", "population", str(pop), "--workspace", w])
    assert r.exit_code == 0 and "Census 2021" in r.output
    r = runner.invoke(app, ["synth", "--workspace", w, "--seed", "3"])
    assert r.exit_code == 0 and "SYNTHETIC" in r.output and "nothing to enrich" in r.output
    r = runner.invoke(app, ["synth", "--workspace", w, "--clear"])
    assert r.exit_code == 0 and "removed 1 synthetic layer" in r.output
