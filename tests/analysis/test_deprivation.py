"""Deprivation rates on the real national month (Durham: County Durham + Darlington), against an independent
computation from the raw IMD 2019 workbook (File 1), the raw ONS lookup, the raw Census 2021 file, the ONS LSOA
boundaries and the raw police.uk file — none of them read through svduty.
"""

from __future__ import annotations

import sqlite3
import struct
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import shapely
from scipy import stats

from svduty.analysis import deprivation, sna
from svduty.analysis.needs_assessment import assess
from svduty.data.workspace import Workspace

from ..conftest import ONS_LOOKUP

SV = ("Violence and sexual offences", "Robbery", "Possession of weapons")
AREA = {"County Durham", "Darlington"}


def _gpkg_geometry(blob: bytes):
    """A GeoPackage geometry blob: 'GP', version, flags, srs id, envelope, then WKB."""
    flags = blob[3]
    envelope = {0: 0, 1: 32, 2: 48, 3: 48, 4: 64}[(flags >> 1) & 0b111]
    assert blob[:2] == b"GP" and struct.calcsize("<i") == 4
    return shapely.from_wkb(blob[8 + envelope :])


def _polygons(path: Path, layer: str, code_column: str, codes: set[str]) -> dict[str, object]:
    with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as db:
        column = db.execute("SELECT column_name FROM gpkg_geometry_columns WHERE table_name = ?", [layer]).fetchone()[0]
        rows = db.execute(f"SELECT {code_column}, {column} FROM {layer}").fetchall()
    return {code: shapely.make_valid(_gpkg_geometry(blob)) for code, blob in rows if code in codes}


@pytest.fixture(scope="module")
def expected(real_data: Path) -> pd.DataFrame:
    imd = pd.read_excel(real_data / "imd" / "File_1_-_IMD2019_Index_of_Multiple_Deprivation.xlsx", sheet_name="IMD2019")
    imd = imd.set_index("LSOA code (2011)")
    decile = imd["Index of Multiple Deprivation (IMD) Decile"]
    rank = imd["Index of Multiple Deprivation (IMD) Rank"]
    lk = pd.read_csv(real_data / "ons" / ONS_LOOKUP, encoding="utf-8-sig")
    area_lk = lk[lk["LAD22NM"].isin(AREA)]
    area11 = set(area_lk["LSOA11CD"])
    census = pd.read_csv(real_data / "ons" / "census21_pop_lsoa21_by_age.csv")
    c21 = census.groupby(["lsoa21_code", "lsoa21_name"])["usual_residents"].sum().reset_index()
    c21 = c21[c21["lsoa21_name"].str.rsplit(" ", n=1).str[0].isin(AREA)].set_index("lsoa21_code")["usual_residents"]
    # residents: a best-fit 2021 LSOA shared equally among its 2011 LSOAs; a split to the 2011 LSOA containing it
    residents = {c: 0.0 for c in area11}
    k = lk.groupby("LSOA21CD")["LSOA11CD"].apply(list)
    splits = {c for c in c21.index if c not in set(lk["LSOA21CD"]) and c not in set(lk["LSOA11CD"])}
    geo = real_data / "geo"
    p21 = _polygons(geo / "lsoa21_boundaries.gpkg", "lsoa21", "lsoa21_code", splits)
    p11 = _polygons(geo / "lsoa11_boundaries.gpkg", "lsoa11", "lsoa11_code", area11)
    container = {}
    for code, poly in p21.items():
        point = poly.representative_point()
        container[code] = next(c for c, q in p11.items() if q.contains(point))
    for code, persons in c21.items():
        if code in splits:
            residents[container[code]] += persons
        else:
            for parent in k[code]:
                residents[parent] += persons / len(k[code])
    # crimes: a 2011 code as it is; a 2021 code to its most deprived best-fit parent, or its containing LSOA
    raw = pd.read_csv(real_data / "police-uk" / "national" / "2021-08" / "2021-08-durham-street.csv", dtype=str)
    sv = raw[raw["Crime type"].isin(SV)]

    def unit(code: str) -> str | None:
        if code in area11:
            return code
        if code in k.index and set(k[code]) & area11:
            return min(k[code], key=lambda c: rank[c])
        return container.get(code)

    units = sv["LSOA code"].dropna().map(unit).dropna()
    by = pd.DataFrame({"residents": pd.Series(residents)})
    by["incidents"] = units.value_counts().reindex(by.index).fillna(0)
    by["imd_decile"] = decile.reindex(by.index)
    out = by.groupby("imd_decile")[["incidents", "residents"]].sum()
    out["rate_per_1000"] = out["incidents"] / out["residents"] * 1000
    out["rate_ci_low"] = stats.chi2.ppf(0.025, 2 * out["incidents"]) / 2 / out["residents"] * 1000
    out["rate_ci_high"] = stats.chi2.ppf(0.975, 2 * out["incidents"] + 2) / 2 / out["residents"] * 1000
    return out


@pytest.fixture(scope="module")
def durham(national_workspace: Path):
    with Workspace.open(national_workspace, read_only=True) as ws:
        return assess(ws.con, sna.Scope(force="durham"))


def test_deprivation_table_equals_independent_computation(durham, expected):
    table = durham.tables["deprivation"].set_index("imd_decile")
    assert list(durham.tables["deprivation"].columns) == [
        "imd_decile",
        "incidents",
        "residents",
        "rate_per_1000",
        "rate_ci_low",
        "rate_ci_high",
    ]
    assert table.index.tolist() == list(range(1, 11))
    np.testing.assert_array_equal(table["incidents"], expected["incidents"].astype(int))
    np.testing.assert_allclose(table["residents"], expected["residents"], rtol=1e-9)
    for column in ("rate_per_1000", "rate_ci_low", "rate_ci_high"):
        np.testing.assert_allclose(table[column], expected[column], rtol=1e-9)
    # every resident and every located crime of the area falls in some decile
    assert table["residents"].sum() == pytest.approx(durham.residents)
    assert table["incidents"].sum() == durham.notes["sv_in_area"]


def test_inequality_measures_by_hand(durham):
    t = durham.tables["deprivation"]
    s = durham.why.stats["imd2019"]
    assert s["rate_ratio"] == pytest.approx(t["rate_per_1000"].iloc[0] / t["rate_per_1000"].iloc[-1])
    # SII: weighted least squares of rate on the residents' midpoint rank (statsmodels as the reference)
    import statsmodels.api as sm

    w = t["residents"] / t["residents"].sum()
    x = w.cumsum() - w / 2
    fit = sm.WLS(t["rate_per_1000"], sm.add_constant(x), weights=w).fit()
    assert s["sii_per_1000"] == pytest.approx(-fit.params.iloc[1])
    assert s["sii_ci_low"] < s["sii_per_1000"] < s["sii_ci_high"]
    # concentration index as twice the covariance of rate and rank over the mean (O'Donnell et al. 2008, grouped)
    mu = np.sum(w * t["rate_per_1000"])
    ci = 2 * np.sum(w * (t["rate_per_1000"] - mu) * (x - np.sum(w * x))) / mu
    assert s["concentration_index"] == pytest.approx(ci, abs=1e-9)
    assert s["concentration_index"] < 0  # violence concentrates in the more deprived neighbourhoods


def test_domains_and_2025_index_and_wales(durham, national_workspace: Path):
    domains = durham.tables["deprivation_domains"]
    assert set(domains["domain"]) == set(deprivation.ref.DOMAIN_LABELS.values())
    for _, d in domains.groupby("domain"):
        assert d["incidents"].sum() == durham.notes["sv_in_area"]
    iod = durham.tables["deprivation_iod2025"]
    assert iod["residents"].sum() == pytest.approx(durham.residents)
    with Workspace.open(national_workspace, read_only=True) as ws:
        gwent = assess(ws.con, sna.Scope(force="gwent"))
    assert gwent.why.index == "wimd2019"  # Welsh LSOAs ranked within Wales, never with England's deciles
    assert "deprivation_iod2025" not in gwent.tables
    assert gwent.tables["deprivation"]["residents"].sum() == pytest.approx(gwent.residents)


def test_report_states_the_vintage_handling(durham, tmp_path: Path):
    from svduty.report.sna.document import build_sections

    text = build_sections(durham, "Durham", [])["why"].ctx["vintage"]
    n = durham.why.notes["imd2019"]
    assert n["direct"] + n["2011 parent"] == durham.why.notes["lsoas"]
    assert f"{n['direct']:,} carry a 2011 code ranked directly" in text
    assert f"{n['2011 parent']:,} 2021 codes take the rank of their 2011 parent" in text
