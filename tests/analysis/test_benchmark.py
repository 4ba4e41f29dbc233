"""Benchmarking on the real 40-force national month: ranks against an independent DuckDB count of the raw files
and residents from the raw Census 2021 file and ONS lookups (not through svduty)."""

from __future__ import annotations

import csv
from datetime import date
from pathlib import Path

import duckdb
import pandas as pd
import pytest

from svduty.analysis import benchmark
from svduty.data.workspace import Workspace

from ..conftest import ONS_LOOKUP
from .test_force_area import MERGED

SV = ("Violence and sexual offences", "Robbery", "Possession of weapons")
AUG = date(2021, 8, 1)


@pytest.fixture(scope="module")
def result(national_workspace: Path):
    with Workspace.open(national_workspace, read_only=True) as ws:
        first = benchmark.assess(ws.con, "derbyshire", AUG, AUG, list(SV))
        again = benchmark.assess(ws.con, "derbyshire", AUG, AUG, list(SV))
    return first, again


def _independent_rates(real_data: Path) -> pd.DataFrame:
    rows = []
    for path in sorted((real_data / "police-uk" / "national" / "2021-08").glob("*-street.csv")):
        # one file at a time: DuckDB sniffs a glob's dialect from its first file only
        ((n,),) = duckdb.sql(
            f"""SELECT count(*) FROM read_csv('{path}', all_varchar = true) WHERE "Crime type" IN {SV}"""
        ).fetchall()
        rows.append({"force": path.name[len("2021-08-") : -len("-street.csv")], "n": n})
    counts = pd.DataFrame(rows)
    with (real_data / "geo" / "lookup_ltla24_csp24_pfa24.csv").open(encoding="utf-8-sig") as fh:
        pfa_rows = list(csv.DictReader(fh))
    pfa_of_code = {r["ltla24_code"]: r["pfa24_name"] for r in pfa_rows}
    pfa_of_merged = {
        old: r["pfa24_name"] for r in pfa_rows if r["ltla24_name"] in MERGED for old in MERGED[r["ltla24_name"]]
    }
    lk = pd.read_csv(real_data / "ons" / ONS_LOOKUP, encoding="utf-8-sig")
    lk["pfa"] = lk["LAD22CD"].map(pfa_of_code).fillna(lk["LAD22NM"].map(pfa_of_merged))
    census = pd.read_csv(real_data / "ons" / "census21_pop_lsoa21_by_age.csv")
    c21 = census.groupby(["lsoa21_code", "lsoa21_name"], as_index=False)["usual_residents"].sum()
    by21 = lk.drop_duplicates("LSOA21CD").set_index("LSOA21CD")["pfa"]
    by_name = lk.drop_duplicates("LAD22NM").set_index("LAD22NM")["pfa"]
    c21["pfa"] = c21["lsoa21_code"].map(by21).fillna(c21["lsoa21_name"].str.rsplit(" ", n=1).str[0].map(by_name))
    residents = c21.groupby("pfa")["usual_residents"].sum()
    slug_pfa = {f: f.replace("-and-", " and ").replace("-", " ").title() for f in counts["force"]}
    names = {n.lower().replace("&", "and").replace("-", " "): n for n in residents.index}
    special = {"city-of-london": "London, City of", "dyfed-powys": "Dyfed-Powys"}
    counts["pfa"] = counts["force"].map(lambda f: special.get(f) or names.get(slug_pfa[f].lower().replace("-", " ")))
    counts = counts.dropna(subset=["pfa"])
    counts["rate"] = counts["n"] / counts["pfa"].map(residents) * 1000
    return counts.sort_values("rate", ascending=False).reset_index(drop=True)


def test_ranks_equal_independent_duckdb_count(result, real_data: Path):
    b, _ = result
    expected = _independent_rates(real_data)
    forces = b.tables["benchmark_forces"]
    assert len(forces) == len(expected) == 38  # 40 files, less British Transport Police and Northern Ireland
    assert list(forces["pfa"]) == list(expected["pfa"])
    assert list(forces["incidents"]) == list(expected["n"])
    pd.testing.assert_series_equal(forces["rate_per_1000"], expected["rate"], check_names=False, rtol=1e-9)
    me = forces[forces["is_area"]].iloc[0]
    assert me["pfa"] == "Derbyshire" and me["rank"] == expected.index[expected["pfa"] == "Derbyshire"][0] + 1
    totals = b.tables["benchmark_totals"].set_index("pfa")
    assert totals.iloc[0]["incidents"] == expected["n"].sum()


def test_similar_group_is_reproducible_and_excludes_the_area(result):
    b, again = result
    assert b.group == again.group
    assert len(b.group) == benchmark.GROUP_SIZE and "Derbyshire" not in b.group
    d = b.tables["similar_forces"]["distance"]
    assert d.is_monotonic_increasing
    forces = b.tables["benchmark_forces"]
    assert set(forces.loc[forces["similar"], "pfa"]) == set(b.group) & set(forces["pfa"])
