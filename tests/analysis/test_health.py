"""svduty.analysis.health against independent counts of the raw example files and a brute-force kernel sum."""

from __future__ import annotations

import csv
import io
from collections import Counter
from datetime import date

import numpy as np
import pytest

from svduty.analysis import AnalysisError, health
from svduty.data import admissions, istv
from svduty.data.health_examples import write_examples
from svduty.data.health_mapping import load_admissions_mapping, load_istv_mapping
from svduty.data.workspace import Workspace


@pytest.fixture
def loaded(tmp_path):
    paths = write_examples(tmp_path / "ex", seed=21)
    ws = Workspace.create(tmp_path / "ws")
    istv.ingest(ws, paths["istv.csv"], load_istv_mapping())
    istv.ingest(ws, paths["istv.xml"], load_istv_mapping())
    admissions.ingest(ws, paths["admissions.csv"], load_admissions_mapping())
    yield ws, paths
    ws.close()


def raw_admissions(path) -> list[dict]:
    return list(csv.DictReader(io.StringIO(path.read_text(), newline="")))


def independent_u25_x99(rows: list[dict], start: date, end: date, lsoas: set[str] | None = None) -> int:
    """X99 admissions of under-25s from the raw rows: age if given, else the band's upper end below 25."""
    n = 0
    for r in rows:
        day = date.fromisoformat(r["Admission Date"])
        if not (start <= day.replace(day=1) <= end) or not r["External Cause"].startswith("X99"):
            continue
        if lsoas is not None and r["Residence LSOA"] not in lsoas:
            continue
        if r["Age"]:
            n += int(r["Age"]) < 25
        else:
            top = 120 if r["Age Band"].endswith("+") else int(r["Age Band"].split("-")[1])
            n += top < 25
    return n


def test_success_measure_1_equals_an_independent_count_of_x99_under_25s(loaded):
    ws, paths = loaded
    rows = raw_admissions(paths["admissions.csv"])
    measure = health.sharp_object_admissions(ws.con)
    assert measure.available and measure.synthetic and "admissions.csv" in measure.source
    years = health.measure_years(date(2021, 11, 1), date(2019, 4, 1))
    assert [f"{s:%Y-%m} to {e:%Y-%m}" for s, e in years] == list(measure.table["year"])
    for (start, end), got in zip(years, measure.table["count"], strict=True):
        assert got == independent_u25_x99(rows, start, end)
    assert measure.latest["count"] == independent_u25_x99(rows, *years[-1]) > 0
    # restricted to residents of two LSOAs (rows with no LSOA but the same district count through the lookup only)
    area = health.sharp_object_admissions(ws.con, years, lsoas=["E01000001", "E01032739"])
    for (start, end), got in zip(years, area.table["count"], strict=True):
        assert got == independent_u25_x99(rows, start, end, {"E01000001", "E01032739"})


def test_rates_use_residents_under_25(loaded):
    ws, _ = loaded
    ws.con.execute(
        """INSERT INTO population VALUES ('E01000001', 'City of London 001A', 2021, '0-15', 'all', 150, 'test', NULL),
                  ('E01000001', 'City of London 001A', 2021, '16-24', 'all', 250, 'test', NULL),
                  ('E01000001', 'City of London 001A', 2021, '25-34', 'all', 600, 'test', NULL)"""
    )
    table = health.sharp_object_admissions(ws.con, lsoas=["E01000001"]).table
    last = table.iloc[-1]
    assert last["residents_under_25"] == 400
    assert last["per_100k_under_25"] == pytest.approx(last["count"] / 400 * 100_000)


def test_no_admissions_means_unavailable(tmp_path):
    with Workspace.create(tmp_path / "ws") as ws:
        measure = health.sharp_object_admissions(ws.con)
    assert not measure.available and measure.summary()["latest"] is None


def test_ed_assaults_by_month_method_location_equal_the_raw_rows(loaded):
    ws, paths = loaded
    mapping = load_istv_mapping()
    expected = Counter()
    for r in csv.DictReader(io.StringIO(paths["istv.csv"].read_text(), newline="")):
        method = mapping.methods[r["Assault Method"]].label
        place = mapping.location_types[r["Assault Location Type"]].label
        expected[(r["Arrival Date Time"][:7] + "-01", method, place)] += 1
    table = health.ed_assaults_by_month(ws.con, (date(2021, 6, 1), date(2021, 8, 1)))
    got = Counter(
        {
            (str(m)[:10], meth, loc): n
            for m, meth, loc, n in table[["month", "method", "location_type", "attendances"]].itertuples(index=False)
        }
    )
    assert got == expected
    assert set(table["source"]) == {"ISTV extract"} and table["synthetic"].all()


def test_share_not_in_police_at_lsoa_month(tmp_path):
    header = (
        "Site Code,Reporting Period Start Date,Reporting Period End Date,Arrival Date Time,Assault Date Time,"
        "Assault Method,Assault Method Other Description,Assault Location Type,Assault Location Description,"
        "Age Band,Sex,Synthetic\r\n"
    )
    row = "S1,2021-07-01,2021-07-31,2021-07-{d} 23:40,2021-07-{d} 23:05,01,,02,{where},16-24,M,false\r\n"
    body = header + "".join(
        row.format(d=10 + i, where=w)
        for i, w in enumerate(["Cheapside"] * 4 + ["Aldgate High Street"] * 2 + ["Vine Street", "in a park"])
    )
    path = tmp_path / "s1.csv"
    path.write_text(body)
    with Workspace.create(tmp_path / "ws") as ws:
        istv.ingest(ws, path, load_istv_mapping())
        # police: 1 violence in E01032739 (Cheapside's LSOA), 5 in E01000005, 3 in a month ED does not cover
        for lsoa, month, n in (
            ("E01032739", "2021-07-01", 1),
            ("E01000005", "2021-07-01", 5),
            ("E01032739", "2021-08-01", 3),
        ):
            for k in range(n):
                ws.con.execute(
                    "INSERT INTO incidents (incident_id, ingest_id, source, month, offence_group, lsoa_code) "
                    "VALUES (?, 99, 'police.uk', ?, 'Violence and sexual offences', ?)",
                    [hash((lsoa, month, k)) % 10**9, month, lsoa],
                )
        gap = health.ed_not_in_police(ws.con)
    # Cheapside LSOA: 4 ED vs 1 police -> 3 unmatched; E01000005: 3 ED (Aldgate High St + Vine St) vs 5 -> 0
    assert (gap.ed_compared, gap.unmatched, gap.ed_unlocated, gap.months) == (7, 3, 1, 1)
    assert gap.share == pytest.approx(3 / 7)


def brute_quartic(cx, cy, x, y, h):
    d2 = (cx[:, None] - x[None, :]) ** 2 + (cy[:, None] - y[None, :]) ** 2
    k = np.where(d2 < h * h, 3 / (np.pi * h * h) * (1 - d2 / (h * h)) ** 2, 0.0)
    return k.sum(axis=1) * 1e6


def test_dual_kde_matches_a_brute_force_kernel_sum():
    rng = np.random.default_rng(4)
    xa, ya = rng.normal(530_000, 400, 80), rng.normal(180_000, 400, 80)
    xb, yb = rng.normal(530_300, 600, 150), rng.normal(180_100, 600, 150)
    grid, table = health.dual_kde(xa, ya, xb, yb, cell_size=100, bandwidth=500, method="ratio")
    cx, cy = grid.centres()
    ref_a, ref_b = brute_quartic(cx, cy, xa, ya, 500), brute_quartic(cx, cy, xb, yb, 500)
    both = (ref_a > 1e-3 * ref_a.max()) & (ref_b > 1e-3 * ref_b.max())
    np.testing.assert_allclose(table["kde_a"].to_numpy()[both], ref_a[both], rtol=1e-6)
    np.testing.assert_allclose(table["value"].to_numpy()[both], ref_a[both] / ref_b[both], rtol=1e-6)
    assert table["count_a"].sum() == 80 and table["count_b"].sum() == 150
    _, diff = health.dual_kde(xa, ya, xb, yb, cell_size=100, bandwidth=500, method="diff", grid=grid)
    assert diff["value"].sum() == pytest.approx(0, abs=1e-12)
    _, log = health.dual_kde(xa, ya, xb, yb, method="log", grid=grid, bandwidth=500)
    np.testing.assert_allclose(log["value"].to_numpy()[both], np.log(ref_a[both] / ref_b[both]), rtol=1e-6)
    with pytest.raises(AnalysisError, match="unknown dual KDE method"):
        health.dual_kde(xa, ya, xb, yb, method="product")


def test_ed_police_dual_kde_on_the_workspace(loaded):
    ws, _ = loaded
    ws.con.execute(
        """INSERT INTO incidents (incident_id, ingest_id, source, month, offence_group, lat, lon, lsoa_code)
           SELECT row_number() OVER (), 99, 'police.uk', DATE '2021-07-01', 'Violence and sexual offences',
                  51.513 + (i % 7) * 0.001, -0.09 + (i % 11) * 0.002, 'E01032739' FROM range(60) t(i)"""
    )
    grid, table = health.ed_police_dual_kde(ws.con, (date(2021, 6, 1), date(2021, 9, 1)))
    points = health.ed_points(ws.con)
    assert table["count_a"].sum() == len(points) and table["count_b"].sum() == 60
    assert table.attrs["synthetic"] is True and grid.n_cells == len(table)
    assert {"location_description"}.isdisjoint(points.columns)  # free text never leaves the workspace


def test_sources_name_each_figures_origin(loaded):
    ws, _ = loaded
    s = health.sources(ws.con)
    assert "site SYN01" in s["ed"] and "SYNTHETIC" in s["ed"]
    assert "coded by svduty's working list (not checked against the NHS Data Dictionary" in s["ed"]
    assert s["admissions"].startswith("hospital admissions extract, 600 admissions")
    assert "quarter to a third" in s["gap"]
