"""SNA figures checked against independent pandas computations on the raw police.uk and ONS files.

The workspace is built with the real adapter from the 36 real City of London CSVs; population and the LSOA lookup
are inserted straight from the real ONS CSVs with DuckDB. Every expected number below is recomputed from the raw
files with pandas, never taken from svduty's output.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from svduty.analysis import costs, sna
from svduty.analysis.needs_assessment import assess
from svduty.analysis.priorities import Candidate, rank_priorities, trend_factor
from svduty.data import police_uk
from svduty.data.workspace import Workspace

SV = ("Violence and sexual offences", "Robbery", "Possession of weapons")
LOOKUP = "LSOA_(2011)_to_LSOA_(2021)_to_Local_Authority_District_(2022)_Best_Fit_Lookup_for_EW_(V2).csv"
PERIOD = ("2020-12", "2021-11")
PREVIOUS = ("2019-12", "2020-11")


@pytest.fixture(scope="module")
def raw(real_data: Path) -> pd.DataFrame:
    files = sorted((real_data / "police-uk" / "city-of-london").glob("*/*.csv"))
    frame = pd.concat([pd.read_csv(f, dtype=str) for f in files], ignore_index=True)
    assert len(frame) == 22480  # MANIFEST.md
    return frame


@pytest.fixture(scope="module")
def census(real_data: Path) -> pd.Series:
    frame = pd.read_csv(real_data / "ons" / "census21_pop_lsoa21_by_age.csv")
    return frame.groupby("lsoa21_code")["usual_residents"].sum()


@pytest.fixture(scope="module")
def lookup(real_data: Path) -> pd.DataFrame:
    return pd.read_csv(real_data / "ons" / LOOKUP, encoding="utf-8-sig", dtype=str)


@pytest.fixture(scope="module")
def con(city_of_london_workspace: Path):
    ws = Workspace.open(city_of_london_workspace, read_only=True)
    yield ws.con
    ws.close()


@pytest.fixture(scope="module")
def assessment(con):
    return assess(con, sna.Scope())


def in_months(frame: pd.DataFrame, months: tuple[str, str]) -> pd.DataFrame:
    return frame[(frame["Month"] >= months[0]) & (frame["Month"] <= months[1])]


def test_period_defaults_to_latest_12_months(assessment):
    p = assessment.period
    assert (p.start, p.end) == (date(2020, 12, 1), date(2021, 11, 1))
    assert (p.prev_start, p.prev_end) == (date(2019, 12, 1), date(2020, 11, 1))


def test_headline_matches_raw_counts(assessment, raw):
    cur, prev = in_months(raw, PERIOD), in_months(raw, PREVIOUS)
    all_crime = int((cur["Crime type"] != "Anti-social behaviour").sum())
    sv_cur = cur[cur["Crime type"].isin(SV)]
    sv_prev = prev[prev["Crime type"].isin(SV)]
    h = assessment.headline
    assert h["all_crime"] == all_crime == 5214
    assert h["anti_social_behaviour"] == int((cur["Crime type"] == "Anti-social behaviour").sum())
    assert h["serious_violence"] == len(sv_cur) == 1156
    assert h["by_crime_type"] == sv_cur["Crime type"].value_counts().to_dict()
    assert h["sv_share"] == pytest.approx(len(sv_cur) / all_crime)
    assert h["change_vs_previous"] == pytest.approx(len(sv_cur) / len(sv_prev))


def test_every_crime_type_and_previous_period(assessment, raw):
    table = assessment.tables["by_crime_type"].set_index("crime_type")
    expected = in_months(raw, PERIOD)["Crime type"].value_counts()
    expected_prev = in_months(raw, PREVIOUS)["Crime type"].value_counts()
    for crime_type, n in expected.items():
        assert table.loc[crime_type, "count"] == n
        assert table.loc[crime_type, "previous"] == expected_prev.get(crime_type, 0)
        assert bool(table.loc[crime_type, "serious_violence"]) == (crime_type in SV)


def test_monthly_series_and_rolling_mean(assessment, raw):
    monthly = assessment.tables["monthly"].set_index("month")
    sv = raw[raw["Crime type"].isin(SV)]
    by_month = sv.groupby("Month").size()
    assert len(monthly) == 36
    assert (monthly["serious_violence"] == by_month.reindex(monthly.index)).all()
    for crime_type in SV:
        expected = sv[sv["Crime type"] == crime_type].groupby("Month").size().reindex(monthly.index, fill_value=0)
        assert (monthly[crime_type] == expected).all()
    last12 = by_month.sort_index().iloc[-12:].mean()
    assert monthly["rolling_12m_mean"].iloc[-1] == pytest.approx(last12)
    assert monthly["rolling_12m_mean"].iloc[:11].isna().all()
    seasonal = assessment.tables["seasonal"].set_index("calendar_month")
    november = by_month[[m for m in by_month.index if m.endswith("-11")]].mean()
    assert seasonal.loc[11, "mean_serious_violence"] == pytest.approx(november)
    assert seasonal.loc[11, "index"] == pytest.approx(november / by_month.mean() * 100)


def test_lsoa_counts_rates_and_area(assessment, raw, census, lookup):
    cur = in_months(raw, PERIOD)
    sv = cur[cur["Crime type"].isin(SV)]
    counts = sv["LSOA code"].value_counts()
    table = assessment.tables["lsoa_sv"].set_index("code")
    for code, n in counts.head(20).items():
        assert table.loc[code, "count"] == n
        if code in census.index:  # matched directly (same code in 2011 and 2021)
            assert table.loc[code, "rate_per_1000"] == pytest.approx(n / census[code] * 1000)
    # The area: all LSOAs of the LAD holding ≥5% of located incidents (City of London, E09000001).
    lad_of = lookup.set_index("LSOA11CD")["LAD22CD"]
    share = raw["LSOA code"].dropna().map(lad_of).value_counts(normalize=True)
    home = sorted(share[share >= 0.05].index)
    assert home == ["E09000001"]
    city = lookup[lookup["LAD22CD"] == "E09000001"]
    assert set(table.index[table["in_area"]]) == set(city["LSOA11CD"])
    residents = census.reindex(city["LSOA21CD"].unique()).sum()
    assert assessment.residents == pytest.approx(residents)
    assert assessment.notes["sv_rows_without_location"] == int(sv["LSOA code"].isna().sum())


def test_concentration_over_area_lsoas(assessment, raw, lookup):
    cur = in_months(raw, PERIOD)
    sv = cur[cur["Crime type"].isin(SV)]
    city = lookup.loc[lookup["LAD22CD"] == "E09000001", "LSOA11CD"]
    counts = sv["LSOA code"].value_counts().reindex(city, fill_value=0).sort_values()
    conc = assessment.places.concentration
    # six LSOAs: the top 1%, 5% and 10% are each the single busiest LSOA
    assert conc["top_1pct"] == pytest.approx(counts.max() / counts.sum())
    assert conc["top_10pct"] == pytest.approx(counts.max() / counts.sum())
    n = len(counts)
    gini = ((2 * np.arange(1, n + 1) - n - 1) * counts.to_numpy()).sum() / (n * counts.sum())
    assert conc["gini"] == pytest.approx(gini)
    grid = conc["grid"]
    assert 0 < grid["top_1pct"] < grid["top_5pct"] < grid["top_10pct"] <= 1


def test_outcomes_match_raw(assessment, raw):
    cur = in_months(raw, PERIOD)
    sv = cur[cur["Crime type"].isin(SV)]
    expected = sv["Last outcome category"].fillna("No outcome recorded").value_counts()
    table = assessment.tables["outcomes"].set_index("outcome")
    for outcome, n in expected.items():
        assert table.loc[outcome, "total"] == n


def test_cost_by_hand(assessment, raw, lookup):
    cur = in_months(raw, PERIOD)
    n_vso = int((cur["Crime type"] == "Violence and sexual offences").sum())
    n_rob = int((cur["Crime type"] == "Robbery").sum())
    # 2021-22 over 2015-16: HMT March 2026 deflators (2024-25 = 100); 2021-22 interpolated log-linearly
    factor = (85.10 * 91.2996) ** 0.5 / 74.5804
    # national mix (ye March 2020): homicide, VWI, VWOI, stalking & harassment (uncosted), rape, other sexual
    counts = np.array([695, 557000, 651000, 531000, 59104, 104140])
    unit = np.array([3_217_740, 14_050, 5_930, 0, 39_360, 6_520])
    vso_unit = (counts * unit).sum() / counts.sum()
    expected = n_vso * vso_unit * factor + n_rob * 11_320 * factor
    assert assessment.price_year == "2021-22"
    assert assessment.cost_total == pytest.approx(expected, abs=2)
    # per resident: only the crimes inside the area's LSOAs (issue 19, item 6), over the area's residents
    city = lookup[lookup["LAD22CD"] == "E09000001"]
    inside = cur[cur["LSOA code"].isin(set(city["LSOA11CD"]) | set(city["LSOA21CD"]))]
    area_vso = int((inside["Crime type"] == "Violence and sexual offences").sum())
    area_rob = int((inside["Crime type"] == "Robbery").sum())
    area_cost = area_vso * vso_unit * factor + area_rob * 11_320 * factor
    assert area_vso < n_vso
    per_resident = assessment.cost.set_index("crime_type").loc["Total", "per_resident_central"]
    assert per_resident == pytest.approx(area_cost / assessment.residents, abs=0.01)


def test_no_record_level_data_means_unavailable_not_crash(assessment):
    assert not assessment.has_record_level
    assert assessment.synthetic_sections == []
    assert all(not m.available for m in assessment.measures)
    assert assessment.tables["hour_weekday"].empty
    # without record-level data only the three police.uk categories and the place candidate compete
    assert sorted(assessment.priorities["kind"]) == ["crime type"] * 3 + ["place"]


def test_priorities_derived_and_linked(assessment):
    pr = assessment.priorities
    assert list(pr["rank"]) == list(range(1, len(pr) + 1))
    assert (pr["score"].diff().dropna() <= 0).all()
    vso = pr.set_index("name").loc["Violence and sexual offences"]
    assert vso["trend"] == pytest.approx(min(2, 990 / 795))
    for refs in pr["evidence"]:
        assert refs and all(r.removeprefix("tables/").removesuffix(".csv") in assessment.tables for r in refs)


@pytest.mark.parametrize(
    ("area", "expected_filter"),
    [
        ("E01000", lambda f: f["LSOA code"].fillna("").str.startswith("E01000")),
        ("City of London", lambda f: f["LSOA name"].fillna("").str.lower().str.startswith("city of london")),
    ],
)
def test_area_filters(con, raw, area, expected_filter):
    a = assess(con, sna.Scope(area=area))
    cur = in_months(raw, PERIOD)
    cur = cur[expected_filter(cur)]
    assert a.headline["serious_violence"] == int(cur["Crime type"].isin(SV).sum())


def test_area_by_local_authority_code(con, raw, lookup):
    a = assess(con, sna.Scope(area="E09000001", start=date(2021, 1, 1), end=date(2021, 6, 1)))
    codes = set(lookup.loc[lookup["LAD22CD"] == "E09000001", "LSOA11CD"]) | set(
        lookup.loc[lookup["LAD22CD"] == "E09000001", "LSOA21CD"]
    )
    cur = in_months(raw, ("2021-01", "2021-06"))
    cur = cur[cur["LSOA code"].isin(codes)]
    assert a.period.months == 6
    assert (a.period.prev_start, a.period.prev_end) == (date(2020, 7, 1), date(2020, 12, 1))
    assert a.headline["serious_violence"] == int(cur["Crime type"].isin(SV).sum())
    assert a.headline["all_crime"] == int((cur["Crime type"] != "Anti-social behaviour").sum())


def test_force_filter_and_errors(con):
    assert assess(con, sna.Scope(force="City of London Police")).headline["serious_violence"] == 1156
    with pytest.raises(sna.SnaError, match="no incidents"):
        assess(con, sna.Scope(force="durham"))
    with pytest.raises(sna.SnaError, match="cover 2018-12 to 2021-11"):
        assess(con, sna.Scope(start=date(2025, 1, 1), end=date(2025, 12, 1)))
    with pytest.raises(sna.SnaError, match="after"):
        assess(con, sna.Scope(start=date(2021, 6, 1), end=date(2021, 1, 1)))


def test_no_previous_period_in_data(con):
    a = assess(con, sna.Scope(start=date(2018, 12, 1), end=date(2019, 11, 1)))
    assert a.headline["change_vs_previous"] is None
    assert (a.priorities["trend"] == 1.0).all()


def test_measure_years_oldest_first():
    p = sna.Period(date(2020, 12, 1), date(2021, 11, 1), date(2019, 12, 1), date(2020, 11, 1), 12,
                   date(2018, 12, 1), date(2021, 11, 1))  # fmt: skip
    assert sna.measure_years(p) == [
        (date(2018, 12, 1), date(2019, 11, 1)),
        (date(2019, 12, 1), date(2020, 11, 1)),
        (date(2020, 12, 1), date(2021, 11, 1)),
    ]


def test_priority_score_by_hand():
    def gini(c):
        c = np.sort(np.asarray(c, float))
        n = c.size
        return float(((2 * np.arange(1, n + 1) - n - 1) * c).sum() / (n * c.sum()))

    a = Candidate("A", "crime type", 100, 50, 1000.0, np.array([100, 0, 0, 0]), ("tables/x.csv",))
    b = Candidate("B", "crime type", 100, 100, 2000.0, np.array([25, 25, 25, 25]), ("tables/y.csv",))
    ranked = rank_priorities([a, b], total_harm_gbp=300_000.0, gini=gini).set_index("name")
    # A: share 1/3, trend clipped 2, Gini 0.75 -> 100 * 1/3 * 2 * 1.75
    assert ranked.loc["A", "score"] == pytest.approx(100 / 3 * 2 * 1.75)
    # B: share 2/3, trend 1, Gini 0 -> 66.7
    assert ranked.loc["B", "score"] == pytest.approx(200 / 3)
    assert ranked.loc["A", "rank"] == 1
    assert trend_factor(10, 100) == 0.5 and trend_factor(10, None) == 1.0 and trend_factor(10, 0) == 1.0


def test_costs_module_constants_documented():
    assert costs.financial_year(date(2021, 3, 1)) == "2020-21"
    assert costs.financial_year(date(2021, 4, 1)) == "2021-22"


def test_by_local_authority_matches_lookup_join(assessment, raw, lookup):
    cur = in_months(raw, PERIOD)
    sv = cur[cur["Crime type"].isin(SV)].dropna(subset=["LSOA code"])
    lad_of = pd.concat(
        [lookup.set_index("LSOA11CD")["LAD22CD"], lookup.drop_duplicates("LSOA21CD").set_index("LSOA21CD")["LAD22CD"]]
    )
    lad_of = lad_of[~lad_of.index.duplicated()]
    expected = sv["LSOA code"].map(lad_of).value_counts()
    table = assessment.tables["by_local_authority"].set_index("lad_code")
    for lad, n in expected.items():
        assert table.loc[lad, "count"] == n
    assert table.loc["E09000001", "rate_per_1000"] == pytest.approx(expected["E09000001"] / assessment.residents * 1000)


def test_residents_by_age_bands(tmp_path):
    ws = Workspace.create(tmp_path / "ws")
    rows = [
        ("E01000001", 2021, "0-15", 100.0),
        ("E01000001", 2021, "16-24", 50.0),
        ("E01000001", 2021, "25-34", 200.0),
        ("E01000002", 2021, "0-15", 10.0),
        ("E01000002", 2021, "65+", 40.0),
        ("E01000003", 2021, "0-15", 999.0),  # not in the area
    ]
    ws.con.executemany(
        "INSERT INTO population (area_code, year, age_band, sex, persons, source) VALUES (?, ?, ?, 'all', ?, 't')",
        rows,
    )
    lsoas = pd.DataFrame({"code": ["E01000001", "E01000002", "E01000003"], "in_area": [True, True, False]})
    got = sna.residents_by_age(ws.con, lsoas, 2021)
    assert got == {"under_25": 160.0, "25_and_over": 240.0, "areas": 2.0}
    ws.con.execute("DELETE FROM population WHERE age_band <> 'all'")
    assert sna.residents_by_age(ws.con, lsoas, 2021) is None
    ws.close()


def test_record_level_extract_costed_by_category(tmp_path):
    """A police record extract (the SYNTHETIC example through the real RMS adapter): SV per category, homicide
    measure and cost by hand from the raw CSV and the mapping's offence-code lookup."""
    import tomllib

    from svduty.data import rms
    from svduty.data.mapping import load_mapping

    mapping_path, extract = rms.example_paths()
    lookup_codes = tomllib.loads(mapping_path.read_text())["offence_codes"]
    ws = Workspace.create(tmp_path / "ws")
    rms.ingest(ws, extract, load_mapping(mapping_path))
    a = assess(ws.con, sna.Scope())
    raw = pd.read_csv(extract, dtype=str)
    # rows the adapter rejects (the example holds deliberate errors) are identified from the rejects table's line
    # numbers; everything else is recomputed from the CSV
    rejected = {int(r[0]) for r in ws.con.execute("SELECT line FROM rejects").fetchall()}
    raw = raw[~(raw.index + 2).isin(rejected)].drop_duplicates("CrimeRef")
    raw["month"] = pd.to_datetime(raw["CommittedDate"], format="%d/%m/%Y").dt.strftime("%Y-%m")
    raw["sv"] = raw["HOOffenceCode"].map(lambda c: lookup_codes.get(c, {}).get("sv_category"))
    cur = raw[(raw["month"] >= f"{a.period.start:%Y-%m}") & (raw["month"] <= f"{a.period.end:%Y-%m}")]
    expected = cur["sv"].value_counts().to_dict()
    assert {k: v for k, v in a.headline["by_crime_type"].items() if v} == expected
    factor = costs.load_deflator().factor(a.price_year)
    rr99 = {"Homicide": 3_217_740, "Violence with injury": 14_050, "Robbery": 11_320, "Possession of weapons": 0}
    assert a.cost_total == pytest.approx(sum(n * rr99[k] * factor for k, n in expected.items()), abs=len(expected))
    homicide = next(m for m in a.measures if m.key == "homicide_u25")
    assert homicide.available and homicide.synthetic  # the example extract is labelled synthetic
    ws.close()


def test_persistence_lsoa_level_matches_raw(assessment, raw, lookup):
    from scipy import stats

    city = lookup.loc[lookup["LAD22CD"] == "E09000001", "LSOA11CD"]
    sv = raw[raw["Crime type"].isin(SV)]
    years = [("2018-12", "2019-11"), ("2019-12", "2020-11"), ("2020-12", "2021-11")]
    counts = [in_months(sv, y)["LSOA code"].value_counts().reindex(city, fill_value=0) for y in years]
    table = assessment.tables["persistence"]
    assert list(table["from_year"]) == ["2018-12 to 2019-11", "2019-12 to 2020-11"]
    for i in range(2):
        rho = stats.spearmanr(counts[i].to_numpy(), counts[i + 1].to_numpy()).statistic
        assert table.loc[i, "lsoa_spearman"] == pytest.approx(rho)
        top_a, top_b = counts[i].idxmax(), counts[i + 1].idxmax()  # 6 LSOAs: the top 5% is the busiest one
        assert table.loc[i, "lsoa_jaccard"] == (1.0 if top_a == top_b else 0.0)
    classes = assessment.tables["persistence_classes"].set_index("class")
    # every cell of the concentration grid gets exactly one class; the busiest LSOA is hot every year
    assert classes["grid_cells"].sum() == assessment.tables["concentration"].iloc[1]["places"]
    assert classes.loc["persistent", "lsoas"] == 1


def test_without_population_or_lookup(real_data, tmp_path, raw):
    """Only police.uk files (empty population and lookup tables): rates and £ per resident are absent, the area
    is the LSOAs seen in the data, and nothing crashes."""
    ws = Workspace.create(tmp_path / "ws")
    city = real_data / "police-uk" / "city-of-london"
    police_uk.ingest(ws, [city / "2021-09", city / "2021-10", city / "2021-11"])
    a = assess(ws.con, sna.Scope())
    assert a.residents is None and a.period.months == 3
    assert a.notes["area_method"].startswith("LSOAs with at least one incident")
    cur = in_months(raw, ("2021-09", "2021-11"))
    sv = cur[cur["Crime type"].isin(SV)]
    assert a.headline["serious_violence"] == len(sv)
    counts = sv["LSOA code"].value_counts()
    assert a.places.concentration["top_1pct"] == pytest.approx(
        counts.sort_values(ascending=False).iloc[: int(np.ceil(0.01 * cur["LSOA code"].nunique()))].sum() / counts.sum()
    )
    assert np.isnan(a.cost.set_index("crime_type").loc["Total", "per_resident_central"])
    ws.close()


def _expected_residents(lookup: pd.DataFrame, census: pd.Series, codes11: set[str]) -> float:
    """Residents of 2011 LSOAs: direct census match, else their best-fit 2021 LSOA shared equally among the 2011
    LSOAs that best-fit it (as documented in ``sna.lsoa_table``)."""
    sharers = lookup.groupby("LSOA21CD")["LSOA11CD"].count()
    to21 = lookup.drop_duplicates("LSOA11CD").set_index("LSOA11CD")["LSOA21CD"]
    return float(sum(census[c] if c in census.index else census[to21[c]] / sharers[to21[c]] for c in codes11))


@pytest.mark.parametrize(
    ("area", "matches"),
    [
        ("E0100000", lambda lk: lk["LSOA11CD"].str.startswith("E0100000") | lk["LSOA21CD"].str.startswith("E0100000")),
        ("e0100000", lambda lk: lk["LSOA11CD"].str.startswith("E0100000") | lk["LSOA21CD"].str.startswith("E0100000")),
        (
            "islington 0",
            lambda lk: (
                lk["LSOA11NM"].str.lower().str.startswith("islington 0")
                | lk["LSOA21NM"].str.lower().str.startswith("islington 0")
            ),
        ),
    ],
)
def test_lsoa_prefix_area_includes_lsoas_without_incidents(con, raw, census, lookup, area, matches):
    """E0100000 selects E01000001-3, 5 (City of London, with crimes) and E01000006-9 (Barking and Dagenham,
    none in the City's data): all eight are the area, so its residents are all eight LSOAs' (fix of --area)."""
    expected = set(lookup.loc[matches(lookup), "LSOA11CD"])
    seen = set(raw["LSOA code"].dropna())
    assert expected - seen and expected & seen  # the prefix matches LSOAs with and without incidents
    a = assess(con, sna.Scope(area=area))
    table = a.tables["lsoa_sv"]
    assert table["in_area"].all()
    assert set(table["code"]) == expected | (set(table["code"]) & seen)
    assert expected <= set(table["code"])
    zero = table[~table["code"].isin(seen)]
    assert len(zero) and (zero["count"] == 0).all() and zero["persons"].notna().all()
    codes = set(table["code"])
    assert a.residents == pytest.approx(_expected_residents(lookup, census, codes))
    cur = in_months(raw, PERIOD)
    sv = cur[cur["Crime type"].isin(SV) & cur["LSOA code"].isin(codes)]
    assert a.headline["serious_violence"] == len(sv)


def test_area_codes_case_insensitive(con, raw, lookup):
    a = assess(con, sna.Scope(area="e09000001"))
    b = assess(con, sna.Scope(area="E09000001"))
    codes = set(lookup.loc[lookup["LAD22CD"] == "E09000001", "LSOA11CD"])
    cur = in_months(raw, PERIOD)
    expected = int((cur["Crime type"].isin(SV) & cur["LSOA code"].isin(codes)).sum())
    assert a.headline["serious_violence"] == b.headline["serious_violence"] == expected


def test_change_p_value_by_hand():
    from math import comb

    assert sna.change_p_value(3, 0) == pytest.approx(0.25)  # 2 × (1/2)^3
    # 7 vs 3: two-sided exact binomial, P(X ≥ 7) + P(X ≤ 3) with X ~ Bin(10, 1/2)
    tail = sum(comb(10, k) for k in range(7, 11)) / 2**10
    assert sna.change_p_value(7, 3) == pytest.approx(2 * tail)
    assert np.isnan(sna.change_p_value(0, 0))


def test_partly_covered_previous_period_is_not_compared(con, raw):
    """2019-06..2020-05: the previous 12 months (2018-06..2019-05) are only half in the data (from 2018-12), so no
    previous count, change or p-value anywhere (was +104%, p=5e-49 against six months)."""
    a = assess(con, sna.Scope(start=date(2019, 6, 1), end=date(2020, 5, 1)))
    assert raw["Month"].min() == "2018-12" and not a.period.has_previous
    ct = a.tables["by_crime_type"].set_index("crime_type")
    expected = in_months(raw, ("2019-06", "2020-05"))["Crime type"].value_counts()
    assert (ct.loc[expected.index, "count"] == expected).all()
    for table in ("by_crime_type", "lsoa_sv", "by_local_authority"):
        assert a.tables[table]["previous"].isna().all(), table
    assert ct[["change_pct", "change_p_value"]].isna().all().all()
    assert a.headline["change_vs_previous"] is None and a.headline["previous_serious_violence"] is None
    assert a.priorities["previous"].isna().all()
    # a fully covered previous period still compares (2019-12..2020-11 vs 2018-12..2019-11)
    b = assess(con, sna.Scope(start=date(2019, 12, 1), end=date(2020, 11, 1)))
    prev = in_months(raw, ("2018-12", "2019-11"))["Crime type"].value_counts()
    got = b.tables["by_crime_type"].set_index("crime_type")["previous"]
    assert b.period.has_previous and (got.loc[prev.index] == prev).all()


def test_share_of_sv_is_of_the_areas_located_sv(assessment, raw, lookup):
    """share_of_sv: an LSOA's SV over the SV located in the area's LSOAs (City of London's six), not over every
    located crime including those just over the boundary."""
    cur = in_months(raw, PERIOD)
    sv = cur[cur["Crime type"].isin(SV)].dropna(subset=["LSOA code"])
    city = set(lookup.loc[lookup["LAD22CD"] == "E09000001", "LSOA11CD"])
    in_area = sv[sv["LSOA code"].isin(city)]
    assert len(in_area) < len(sv)  # some located SV falls outside the City's LSOAs
    table = assessment.tables["lsoa_sv"].set_index("code")
    expected = in_area["LSOA code"].value_counts() / len(in_area)
    for code, share in expected.items():
        assert table.loc[code, "share_of_sv"] == pytest.approx(share)
    assert table.loc[table["in_area"], "share_of_sv"].sum() == pytest.approx(1.0)
    assert table.loc[~table["in_area"], "share_of_sv"].isna().all()


def test_to_after_data_end_is_clipped_before_default_start(con, raw):
    """--to 2022-05 (six months after the data end): the period is the data's last 12 months, not 6."""
    a = assess(con, sna.Scope(end=date(2022, 5, 1)))
    last = sorted(raw["Month"].unique())[-12:]
    assert (a.period.start, a.period.end, a.period.months) == (date(2020, 12, 1), date(2021, 11, 1), 12)
    assert (f"{a.period.start:%Y-%m}", f"{a.period.end:%Y-%m}") == (last[0], last[-1])
    cur = in_months(raw, (last[0], last[-1]))
    assert a.headline["serious_violence"] == int(cur["Crime type"].isin(SV).sum())
    b = assess(con, sna.Scope(start=date(2021, 6, 1), end=date(2022, 5, 1)))  # an explicit --from is kept
    assert (b.period.start, b.period.end, b.period.months) == (date(2021, 6, 1), date(2021, 11, 1), 6)


def test_grid_gini_is_generalised_when_cells_outnumber_crimes(assessment, raw):
    """41 m cells over the City outnumber the located SV of a year: the headline grid Gini is Bernasco &
    Steenbeek's (2017) generalised Gini, G' = (n/N)(G − 1) + 1, recomputed here by hand from the cell counts."""
    cur = in_months(raw, PERIOD)
    located = cur[cur["Crime type"].isin(SV) & cur["Latitude"].notna()]
    cells = np.sort(np.asarray(assessment.places.extra["cell_counts"], float))
    grid = assessment.places.concentration["grid"]
    assert 0 < cells.sum() <= len(located)  # points outside the core extent fall off the grid
    n, total = cells.size, cells.sum()
    g = ((2 * np.arange(1, n + 1) - n - 1) * cells).sum() / (n * total)
    assert n > total and grid["places"] == n and grid["incidents"] == total
    assert grid["gini"] == pytest.approx(g)
    assert grid["generalised_gini"] == pytest.approx(n / total * (g - 1) + 1)
    assert grid["gini_reported"] == pytest.approx(n / total * (g - 1) + 1) and grid["gini_reported"] < g
    assert grid["gini_reported_method"] == "generalised Gini (Bernasco & Steenbeek 2017)"
    # LSOAs (6 places, ~1,000 crimes): the ordinary Gini
    lsoa = assessment.tables["concentration"].iloc[0]
    assert lsoa["generalised_gini"] == pytest.approx(lsoa["gini"])


def test_force_scope_limits_ed_attendances_and_sharp_object_measure(city_of_london_workspace, tmp_path, raw, lookup):
    """A&E rows have no force: with --force they are limited to the LSOAs of the force's data and area, so an
    attendance in Durham (E01020000, added here) counts without a scope but not for City of London Police."""
    import shutil

    from svduty.data import synth

    path = tmp_path / "ws"
    shutil.copytree(city_of_london_workspace, path)
    ws = Workspace.open(path)
    synth.run(ws, seed=3)
    ws.con.execute(
        "INSERT INTO ed_attendances SELECT max(attendance_id) + 1, NULL, TIMESTAMP '2021-06-15 22:00', 19, '18-24', "
        "'male', 'sharp object', 'street', 'E01020000', true, true FROM ed_attendances"
    )
    ed = ws.con.execute("SELECT * FROM ed_attendances").df()
    codes = set(raw["LSOA code"].dropna()) | set(lookup.loc[lookup["LAD22CD"] == "E09000001", "LSOA11CD"])
    ed["month"] = pd.to_datetime(ed["arrived_at"]).dt.strftime("%Y-%m")
    sharp = ed[(ed["mechanism"] == "sharp object") & ed["admitted"] & (ed["age"] < 25)]
    whole = assess(ws.con, sna.Scope())
    force = assess(ws.con, sna.Scope(force="City of London Police"))
    ws.close()
    cur = in_months(sharp.rename(columns={"month": "Month"}), PERIOD)
    m_all = next(m for m in whole.measures if m.key == "sharp_object_admissions_u25")
    m_force = next(m for m in force.measures if m.key == "sharp_object_admissions_u25")
    assert m_all.latest["count"] == len(cur)
    assert m_force.latest["count"] == int(cur["lsoa_code"].isin(codes).sum()) == len(cur) - 1
    period_ed = in_months(ed.rename(columns={"month": "Month"}), PERIOD)
    assert force.tables["ed_attendances"]["attendances"].sum() == int(period_ed["lsoa_code"].isin(codes).sum())
    assert whole.tables["ed_attendances"]["attendances"].sum() == len(period_ed)
