"""Benchmarking: the area's serious violence against England & Wales and a group of similar police force areas.

Pure (a DuckDB connection in, tables out); it reads every force in the workspace, not only the scope, so it runs
when a workspace holds several forces (for example the 40-force national month of police.uk).

* *Rates.* For each force with a police force area (``svduty.data.geography``) and records in the period: its
  serious violence records (all it recorded in the period, as in the headline) per 1,000 residents of its police
  force area, with an exact Poisson 95% interval. "England & Wales" is all those forces pooled (and says how many
  of the 43 force areas of England and Wales it covers).
* *Residents* of a force area: the population of the year the SNA uses over the 2021 LSOAs of its authorities
  (each 2021 LSOA to its authority through the ONS lookup, or by its name for LSOAs created by splits), or over the
  2011 LSOAs when the population is of 2011 LSOAs.
* *Similar forces* (after HMICFRS's "most similar groups", which use more variables): every force area of England
  and Wales is described by its population density (residents per km², log scale) and its deprivation (the share of
  its LSOAs in the most deprived fifth of its nation's Index of Multiple Deprivation, IMD 2019 or WIMD 2019); both are
  standardised over the 43 areas, and the group is the ``GROUP_SIZE`` nearest areas by Euclidean distance. Fixed
  data, no randomness: the group is reproducible. Density uses the Census 2021 residents shipped with the sample
  when the workspace's population is not of 2021.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

import duckdb
import numpy as np
import pandas as pd

from svduty.analysis import tables
from svduty.analysis.deprivation import poisson_interval
from svduty.analysis.engine import Engine, duckdb_engine
from svduty.data import deprivation as dep
from svduty.data import geography

GROUP_SIZE = 7
MIN_FORCES = 3


@dataclass
class Benchmark:
    force: str  # the area's PFA name
    tables: dict[str, pd.DataFrame] = field(default_factory=dict)
    group: list[str] = field(default_factory=list)
    notes: dict[str, object] = field(default_factory=dict)


def _pfa_of_lad22(lads: pd.Series) -> pd.Series:
    pfa = {r.lad_code: r.pfa_name for r in geography.authorities()}
    return lads.map(lambda c: pfa.get(geography.lad24(c)))


def pfa_profile(con: duckdb.DuckDBPyConnection, year: int) -> pd.DataFrame:
    """Per police force area: residents, area km², density, share of LSOAs in the most deprived fifth."""
    lookup = con.execute("SELECT lsoa11_code, lsoa21_code, lad_code, lad_name FROM lsoa_lookup").df()
    pop = con.execute(
        """
        SELECT area_code, any_value(area_name) AS area_name, any_value(persons) AS persons FROM population
        WHERE age_band = 'all' AND sex = 'all' AND year = (
            SELECT year FROM population WHERE age_band = 'all' AND sex = 'all'
            GROUP BY year ORDER BY abs(year - ?), year DESC LIMIT 1)
        GROUP BY 1
        """,
        [year],
    ).df()
    lad_by_21 = lookup.drop_duplicates("lsoa21_code").set_index("lsoa21_code")["lad_code"]
    lad_by_11 = lookup.set_index("lsoa11_code")["lad_code"]
    by_name = lookup.drop_duplicates("lad_name").set_index("lad_name")["lad_code"]
    pop["lad_code"] = pop["area_code"].map(lad_by_21)
    if pop["lad_code"].isna().mean() > 0.5:  # a population of 2011 LSOAs
        pop["lad_code"] = pop["area_code"].map(lad_by_11)
    name_lad = pop["area_name"].str.replace(r" \d{3}[A-Z]$", "", regex=True).map(by_name)
    pop["lad_code"] = pop["lad_code"].fillna(name_lad)
    pop = pop.dropna(subset=["lad_code"])
    pop["pfa"] = _pfa_of_lad22(pop["lad_code"])
    residents = pop.groupby("pfa")["persons"].sum()
    lads = lookup.drop_duplicates("lad_code")[["lad_code"]].assign(pfa=lambda f: _pfa_of_lad22(f["lad_code"]))
    lads["km2"] = lads["lad_code"].map(geography.lad_areas())
    area = lads.groupby("pfa")["km2"].sum()
    lsoas = lookup[["lsoa11_code", "lad_code"]].assign(pfa=lambda f: _pfa_of_lad22(f["lad_code"]))
    ref = dep.reference()
    deciles = ref[ref["index"].isin(["imd2019", "wimd2019"])].set_index("lsoa_code")["decile"]
    lsoas["deprived"] = lsoas["lsoa11_code"].map(deciles) <= 2
    deprived = lsoas.groupby("pfa")["deprived"].mean()
    out = pd.DataFrame({"residents": residents, "area_km2": area, "deprived_fifth_share": deprived}).dropna()
    out["density_per_km2"] = out["residents"] / out["area_km2"]
    out.index.name = "pfa"
    return out.reset_index()


def similar_group(profile: pd.DataFrame, pfa: str, size: int = GROUP_SIZE) -> pd.DataFrame:
    """The ``size`` force areas nearest ``pfa`` on standardised log density and deprivation, with distances."""
    f = profile.set_index("pfa")
    z = pd.DataFrame(
        {
            "density": np.log(f["density_per_km2"]),
            "deprivation": f["deprived_fifth_share"],
        }
    )
    z = (z - z.mean()) / z.std(ddof=0)
    distance = np.sqrt(((z - z.loc[pfa]) ** 2).sum(axis=1)).drop(pfa)
    near = distance.sort_values(kind="stable").head(size)
    return f.loc[near.index].assign(distance=near).reset_index()


def assess(
    con: duckdb.DuckDBPyConnection,
    force: str | None,
    start: date,
    end: date,
    categories: list[str],
    engine: Engine | None = None,
) -> Benchmark | None:
    """Rates and mix of every force in the workspace for the period; None below ``MIN_FORCES`` forces.

    The counts are over every force's incidents: on Spark (``engine``) the whole dataset, not the driver's copy."""
    pfa = geography.pfa_name(force)
    if pfa is None:
        return None
    eng = engine or duckdb_engine(con)
    counts = eng.run(
        tables.force_category_counts(tables.canonical("incidents"), tables.canonical("ingests"), start, end)
    )
    counts["pfa"] = counts["force"].map(geography.pfa_name)
    counts = counts.dropna(subset=["pfa"])
    if counts["pfa"].nunique() < MIN_FORCES or pfa not in set(counts["pfa"]):
        return None
    profile = pfa_profile(con, end.year)
    wide = counts.pivot_table(index="pfa", columns="sv_category", values="n", aggfunc="sum", fill_value=0)
    wide = wide.reindex(columns=[c for c in categories if c in wide.columns])
    rates = profile.set_index("pfa").join(wide.sum(axis=1).rename("incidents"), how="inner")
    group = similar_group(profile, pfa)
    rates = _with_rates(rates.reset_index())
    rates["is_area"] = rates["pfa"] == pfa
    rates["similar"] = rates["pfa"].isin(group["pfa"])
    rates = rates.sort_values("rate_per_1000", ascending=False, kind="stable").reset_index(drop=True)
    rates.insert(0, "rank", np.arange(1, len(rates) + 1))
    total = pd.DataFrame(
        [
            {"pfa": "England & Wales (forces in the workspace)", **_pooled(rates)},
            {"pfa": "Similar force areas (pooled)", **_pooled(rates[rates["similar"]])},
        ]
    )
    mix = (wide.div(wide.sum(axis=1), axis=0)).reset_index()
    pooled_mix = (wide.sum() / wide.sum().sum()).rename("England & Wales (forces in the workspace)")
    mix = pd.concat([mix, pooled_mix.to_frame().T.rename_axis("pfa").reset_index()], ignore_index=True)
    group = group.assign(in_workspace=group["pfa"].isin(rates["pfa"]))
    return Benchmark(
        force=pfa,
        tables={
            "benchmark_forces": rates[
                [
                    "rank",
                    "pfa",
                    "incidents",
                    "residents",
                    "rate_per_1000",
                    "rate_ci_low",
                    "rate_ci_high",
                    "density_per_km2",
                    "deprived_fifth_share",
                    "is_area",
                    "similar",
                ]
            ],
            "benchmark_totals": _with_rates(total),
            "benchmark_mix": mix,
            "similar_forces": group[["pfa", "distance", "density_per_km2", "deprived_fifth_share", "in_workspace"]],
        },
        group=list(group["pfa"]),
        notes={"forces": len(rates), "pfas_in_england_and_wales": len(profile), "group_size": GROUP_SIZE},
    )


def _pooled(frame: pd.DataFrame) -> dict[str, float]:
    return {"incidents": float(frame["incidents"].sum()), "residents": float(frame["residents"].sum())}


def _with_rates(frame: pd.DataFrame) -> pd.DataFrame:
    low, high = poisson_interval(frame["incidents"].to_numpy())
    res = frame["residents"].to_numpy(dtype=float)
    return frame.assign(
        rate_per_1000=frame["incidents"] / res * 1000, rate_ci_low=low / res * 1000, rate_ci_high=high / res * 1000
    )
