"""Population and LSOA-lookup ingest: layouts, accounting, no-op, replacement, and figures checked against
independent counts of the real ONS files (pandas / pyreadr / MANIFEST totals), never against svduty's own output."""

from __future__ import annotations

import gzip
import io
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from svduty.data import IngestError
from svduty.data import population as P
from svduty.data.workspace import Workspace

REAL = Path(__file__).resolve().parents[2] / ".." / "shared" / "data" / "real" / "ons"
LOOKUP_NAME = "LSOA_(2011)_to_LSOA_(2021)_to_Local_Authority_District_(2022)_Best_Fit_Lookup_for_EW_(V2).csv"

BANDS = list(P.CENSUS21_AGE_BANDS)


@pytest.fixture
def ws(tmp_path):
    w = Workspace.create(tmp_path / "ws")
    yield w
    w.close()


def census_csv(rows: list[tuple[str, str, str, str]]) -> bytes:
    lines = ["lsoa21_code,lsoa21_name,age_group,usual_residents"]
    lines += [",".join(r) for r in rows]
    return ("\n".join(lines) + "\n").encode()


def full_area(code: str, name: str, values: list[int]) -> list[tuple[str, str, str, str]]:
    return [(code, name, b, f"{v}.0") for b, v in zip(BANDS, values, strict=True)]


def accounting_holds(w: Workspace) -> None:
    bad = w.con.execute(
        """SELECT i.ingest_id FROM ingests i LEFT JOIN (SELECT ingest_id, count(*) n FROM rejects GROUP BY 1) r
           USING (ingest_id) WHERE i.rows_read <> i.rows_stored + i.rows_rejected
              OR i.rows_rejected <> coalesce(r.n, 0)"""
    ).fetchall()
    assert bad == []


def test_census21_csv_bands_all_rows_and_rejects(ws, tmp_path):
    rows = full_area("E01000001", "City of London 001A", [10, 20, 30, 40, 50, 60])
    rows += full_area("E01000002", "City of London 001B", [1, 2, 3, 4, 5, 6])
    rows[8] = ("E01000002", "City of London 001B", "Aged 25 to 34 years", "lots")  # bad count
    rows.append(("X123", "Nowhere", BANDS[0], "5"))  # bad code
    rows.append(("E01000001", "City of London 001A", "Aged 16 to 24 years", "99"))  # duplicate key
    rows.append(("E01000003", "City of London 001C", "Aged 99 and over", "1"))  # unknown band
    path = tmp_path / "census.csv"
    path.write_bytes(census_csv(rows))
    result = P.ingest_file(ws, path)
    assert (result.rows_read, result.rows_stored, result.rows_rejected) == (15, 11, 4)
    con = ws.con
    got = dict(con.execute("SELECT age_band, persons FROM population WHERE area_code = 'E01000001'").fetchall())
    assert got == {"0-15": 10, "16-24": 20, "25-34": 30, "35-49": 40, "50-64": 50, "65+": 60, "all": 210}
    # an area with a rejected band gets no 'all' row: its total would be wrong
    assert (
        con.execute("SELECT count(*) FROM population WHERE area_code='E01000002' AND age_band='all'").fetchone()[0] == 0
    )
    rejects = con.execute("SELECT line, field, reason, value FROM rejects ORDER BY line").fetchall()
    assert rejects == [
        (10, "usual_residents", "not a non-negative number", "lots"),
        (14, "lsoa21_code", "not an LSOA code (E01/W01 + 6 digits)", "X123"),
        (15, "age_group", "duplicate LSOA × age group in the file", "Aged 16 to 24 years"),
        (16, "age_group", "unknown Census 2021 age group", "Aged 99 and over"),
    ]
    accounting_holds(ws)
    # same content again: a no-op
    again = P.ingest_file(ws, path)
    assert again.status == "unchanged" and again.ingest_id == result.ingest_id
    assert con.execute("SELECT count(*) FROM ingests").fetchone()[0] == 1


def test_newer_file_replaces_rows_and_supersedes(ws, tmp_path):
    a = tmp_path / "a.csv"
    a.write_bytes(census_csv(full_area("E01000001", "A", [1, 1, 1, 1, 1, 1])))
    b = tmp_path / "b.csv.gz"
    b.write_bytes(gzip.compress(census_csv(full_area("E01000001", "A", [2, 2, 2, 2, 2, 2]))))
    first = P.ingest_file(ws, a)
    second = P.ingest_file(ws, b)
    assert second.status == "replaced" and second.replaced == [first.ingest_id]
    assert ws.con.execute("SELECT persons FROM population WHERE age_band='all'").fetchone()[0] == 12
    status = ws.con.execute("SELECT status FROM ingests ORDER BY ingest_id").fetchall()
    assert status == [("superseded",), ("active",)]


def _sape_workbook(rows, sheet="Mid-2019 Persons", sex_cols=False) -> bytes:
    book = openpyxl.Workbook()
    sheet_ = book.active
    sheet_.title = sheet
    sheet_.append(["Mid-2019 Population Estimates for Lower Layer Super Output Areas in England and Wales"])
    sheet_.append([])
    sheet_.append(["Contains public sector information licensed under the Open Government Licence v3.0."])
    ages = [str(a) for a in range(90)] + ["90+"]
    if sex_cols:
        header = (
            ["LSOA 2021 Code", "LSOA 2021 Name", "Total"] + [f"F{a}" for a in range(91)] + [f"M{a}" for a in range(91)]
        )
    else:
        header = ["Area Codes", "LA (2019 boundaries)", "LSOA", "All Ages", *ages]
    sheet_.append(header)
    for r in rows:
        sheet_.append(r)
    buf = io.BytesIO()
    book.save(buf)
    return buf.getvalue()


def test_mid_year_single_year_layout(ws, tmp_path):
    singles = list(range(91))  # 0..90 persons at age a
    good = ["E01000001", "City of London", "City of London 001A", sum(singles), *singles]
    wrong_total = ["E01000002", "City of London", "City of London 001B", 5, *singles]
    bad_cell = ["E01000003", "City of London", "City of London 001C", sum(singles), "x", *singles[1:]]
    path = tmp_path / "SAPE22DT2-mid-2019-lsoa-syoa-estimates.xlsx"
    path.write_bytes(_sape_workbook([good, wrong_total, bad_cell]))
    result = P.ingest_file(ws, path)
    assert (result.rows_read, result.rows_stored, result.rows_rejected) == (3, 1, 2)
    con = ws.con
    rows = dict(con.execute("SELECT age_band, persons FROM population WHERE year = 2019").fetchall())
    assert rows["all"] == sum(singles) and rows["17"] == 17 and rows["90+"] == 90 and len(rows) == 92
    assert con.execute("SELECT DISTINCT sex FROM population").fetchall() == [("all",)]
    assert con.execute("SELECT DISTINCT area_name FROM population").fetchall() == [("City of London 001A",)]
    reasons = con.execute("SELECT line, field, reason FROM rejects ORDER BY line").fetchall()
    assert reasons == [
        (6, "All Ages", "total differs from the sum of single-year ages"),
        (7, "0", "not a non-negative number"),
    ]
    accounting_holds(ws)


def test_mid_year_sex_columns_layout(ws, tmp_path):
    f = [1] * 91
    m = [2] * 91
    path = tmp_path / "sapelsoasyoa-mid-2022.xlsx"
    rows = [["E01000001", "City of London 001A", 273, *f, *m]]
    path.write_bytes(_sape_workbook(rows, sheet="Mid-2022 LSOA 2021", sex_cols=True))
    result = P.ingest_file(ws, path)
    assert result.rows_stored == 1
    sql = "SELECT sex, age_band, persons FROM population WHERE age_band IN ('all', '5')"
    got = {(s, b): p for s, b, p in ws.con.execute(sql).fetchall()}
    want = {("all", "all"): 273, ("female", "all"): 91, ("male", "all"): 182, ("female", "5"): 1, ("male", "5"): 2}
    assert got == want


def test_unrecognised_file_is_one_clear_error(ws, tmp_path):
    path = tmp_path / "x.csv"
    path.write_text("a,b,c\n1,2,3\n")
    with pytest.raises(IngestError, match=r"x\.csv, line 1: not a recognised ONS population"):
        P.ingest_file(ws, path)
    empty = tmp_path / "e.csv"
    empty.write_text("")
    with pytest.raises(IngestError, match="empty file"):
        P.ingest_file(ws, empty)


def test_lookup_and_area_mapping_both_vintages(ws, tmp_path):
    lookup = (
        "\ufeffObjectId,LSOA11CD,LSOA11NM,LSOA21CD,LSOA21NM,LAD22CD,LAD22NM,LAD22NMW\n"
        "1,E01000001,City of London 001A,E01000001,City of London 001A,E09000001,City of London,\n"
        "2,E01000002,City of London 001B,E01000099,City of London 001X,E09000001,City of London,\n"
        "3,E01000003,City of London 001C,E01000099,City of London 001X,E09000001,City of London,\n"
        "4,E0100000,broken,E01000001,x,E09000001,City of London,\n"
    )
    path = tmp_path / "lookup.csv"
    path.write_bytes(lookup.encode("utf-8"))
    r = P.ingest_file(ws, path)
    assert (r.rows_read, r.rows_stored, r.rows_rejected) == (4, 3, 1)
    pop = tmp_path / "census.csv"
    rows = full_area("E01000001", "City of London 001A", [1, 1, 1, 1, 1, 1])
    rows += full_area("E01000099", "City of London 001X", [10, 10, 10, 10, 10, 10])
    rows += full_area("E01000100", "City of London 001Y", [5, 5, 5, 5, 5, 5])  # a split: nobody's best fit
    pop.write_bytes(census_csv(rows))
    P.ingest_file(ws, pop)
    areas = {r[0]: r[1:] for r in P.lsoa_areas(ws.con).fetchall()}
    assert areas["E01000002"] == (2011, "E01000099", "E09000001", "City of London", "lookup")
    assert areas["E01000099"][0] == 2021
    assert areas["E01000100"] == (2021, "E01000100", "E09000001", "City of London", "name")
    popn = {r[0]: (r[2], r[3]) for r in P.lsoa_population(ws.con, 2021).fetchall()}
    assert popn["E01000001"] == (6, "direct")
    assert popn["E01000002"] == (30, "via 2021 best fit, shared by 2")
    assert popn["E01000100"] == (30, "direct")


@pytest.mark.skipif(not REAL.exists(), reason="missing: ../shared/data/real ONS files")
def test_real_files_match_independent_reads(ws):
    """The bundled sample (Census 2021 + lookup) against pandas reads of the published files and the MANIFEST."""
    for p in P.sample_paths():
        P.ingest_file(ws, p)
    con = ws.con
    # independent: pandas read of the raw published CSV
    raw = pd.read_csv(REAL / "census21_pop_lsoa21_by_age.csv")
    assert len(raw) == 214032
    totals = raw.groupby("lsoa21_code")["usual_residents"].sum()
    ours = dict(con.execute("SELECT area_code, persons FROM population WHERE year=2021 AND age_band='all'").fetchall())
    assert len(ours) == len(totals) == 35672
    assert all(ours[k] == v for k, v in totals.items())
    assert sum(ours.values()) == 59_597_114  # MANIFEST section 6
    under25 = raw[raw.age_group.isin(BANDS[:2])].usual_residents.sum()
    sql = "SELECT sum(persons) FROM population WHERE age_band IN ('0-15', '16-24')"
    assert con.execute(sql).fetchone()[0] == under25
    lk = pd.read_csv(REAL / LOOKUP_NAME, encoding="utf-8-sig", dtype=str)
    sql = "SELECT count(*), count(DISTINCT lsoa21_code), count(DISTINCT lad_code) FROM lsoa_lookup"
    assert con.execute(sql).fetchone() == (
        34753,
        34628,
        331,
    )
    sample = lk.sample(50, random_state=1)
    for _, row in sample.iterrows():
        sql = "SELECT lsoa21_code, lad_code FROM lsoa_lookup WHERE lsoa11_code = ?"
        got = con.execute(sql, [row.LSOA11CD]).fetchall()[0]
        assert got == (row.LSOA21CD, row.LAD22CD)
    # every LSOA code of either vintage maps to one of the 331 districts
    n = P.lsoa_areas(con).aggregate("count(*), count(DISTINCT lad_code)").fetchall()[0]
    assert n[0] == 34753 + 986 + 1039 and n[1] == 331
    accounting_holds(ws)


@pytest.mark.skipif(not REAL.exists(), reason="missing: ../shared/data/real ONS files")
def test_real_rda_and_mid2018_workbook():
    """The .rda parses to the same figures pyreadr gives; the mid-2018 workbook (header on row 5) to the MANIFEST's."""
    import pyreadr

    rda_path = REAL / "census21_pop.rda"
    parsed = P.parse(rda_path.read_bytes(), rda_path.name, display=str(rda_path))
    rda = next(iter(pyreadr.read_r(str(rda_path)).values()))
    assert parsed.read == len(rda) == 214032 and not parsed.rejects
    bands = sum(p[5] for p in parsed.population if p[3] != "all")
    assert bands == rda.usual_residents.sum() == 59_597_114
    x = REAL / "mid2018_popdensity_engandwales.xlsx"
    parsed = P.parse(x.read_bytes(), x.name, display=str(x))
    assert (parsed.read, parsed.stored_source_rows, len(parsed.rejects), parsed.year) == (34753, 34753, 0, 2018)
    assert sum(p[5] for p in parsed.population) == 59_115_809  # MANIFEST section 5
    first = parsed.population[0]
    # row 6 of the sheet, read independently with openpyxl
    sheet = openpyxl.load_workbook(x, read_only=True)["Mid-2018 Population Density"]
    row6 = next(sheet.iter_rows(min_row=6, max_row=6, max_col=3, values_only=True))
    assert (first[0], first[1], first[5]) == (row6[0], row6[1], row6[2])


def test_mid_year_csv_one_file_per_sex(ws, tmp_path):
    ages = [str(a) for a in range(90)] + ["90+"]
    header = ",".join(["LSOA Code", "LSOA Name", "All Ages", *ages])
    for sex, n in (("males", 1), ("females", 2)):
        row = ",".join(["E01000001", '"City of London 001A"', str(91 * n), *[str(n)] * 91])
        path = tmp_path / f"SAPE23DT2-mid-2020-lsoa-syoa-{sex}.csv"
        path.write_text(header + "\n" + row + "\n")
        assert P.ingest_file(ws, path).rows_stored == 1
    sql = "SELECT sex, sum(persons) FILTER (WHERE age_band = 'all'), count(*) FROM population GROUP BY 1 ORDER BY 1"
    assert ws.con.execute(sql).fetchall() == [("female", 182, 92), ("male", 91, 92)]
    assert ws.con.execute("SELECT DISTINCT year FROM population").fetchall() == [(2020,)]


def test_workbook_with_a_sheet_per_sex(ws, tmp_path):
    singles = [1] * 91
    book = openpyxl.load_workbook(io.BytesIO(_sape_workbook([["E01000001", "City", "City 001A", 91, *singles]])))
    for title, n in (("Mid-2019 Males", 2), ("Mid-2019 Females", 3)):
        sheet = book.create_sheet(title)
        ages = [str(a) for a in range(90)] + ["90+"]
        sheet.append(["Area Codes", "LA (2019 boundaries)", "LSOA", "All Ages", *ages])
        sheet.append(["E01000001", "City", "City 001A", 91 * n, *[n] * 91])
        sheet.append(["E01000002", "City", "City 001B", -1, *[n] * 91])
    buf = io.BytesIO()
    book.save(buf)
    path = tmp_path / "sape-mid-2019.xlsx"
    path.write_bytes(buf.getvalue())
    r = P.ingest_file(ws, path)
    assert (r.rows_read, r.rows_stored, r.rows_rejected) == (5, 3, 2)
    sql = "SELECT sex, persons FROM population WHERE age_band = 'all' ORDER BY 1"
    assert ws.con.execute(sql).fetchall() == [("all", 91), ("female", 273), ("male", 182)]
    fields = [f for (f,) in ws.con.execute("SELECT field FROM rejects ORDER BY 1").fetchall()]
    assert fields == ["Mid-2019 Females: All Ages", "Mid-2019 Males: All Ages"]


def test_damaged_binary_files_are_one_clear_error(ws, tmp_path):
    for name, message in (
        ("x.xlsx", "not a readable .xlsx workbook"),
        ("x.rda", "not a readable R data file"),
        ("x.csv.gz", "not a readable gzip file"),
    ):
        path = tmp_path / name
        path.write_bytes(b"PK\x03\x04 not really")
        with pytest.raises(IngestError, match=message):
            P.ingest_file(ws, path)


CELLS = st.one_of(
    st.sampled_from(
        [
            "E01000001",
            "E01000002",
            "W01000001",
            "X1",
            "",
            *BANDS,
            "Aged 99",
            "12",
            "1.5",
            "-3",
            "nan",
            "inf",
            "1,000",
            '"',
        ]
    ),
    st.text(max_size=6),
)


@pytest.fixture(scope="module")
def fuzz_ws(fuzz_dir):
    w = Workspace.create(fuzz_dir / "population-ws")
    yield w
    w.close()


@pytest.mark.fuzz
@given(rows=st.lists(st.lists(CELLS, min_size=0, max_size=6), max_size=15), tail=st.binary(max_size=8))
def test_fuzz_census_csv_accounting(fuzz_ws, fuzz_dir, fuzz_examples, rows, tail):
    fuzz_examples["population"] += 1
    ws = fuzz_ws
    data = census_csv([tuple(r) for r in rows]) + tail  # type: ignore[arg-type]
    path = fuzz_dir / "fuzz.csv"
    path.write_bytes(data)
    try:
        result = P.ingest_file(ws, path)
    except IngestError:
        return
    assert result.rows_read == result.rows_stored + result.rows_rejected
    accounting_holds(ws)
