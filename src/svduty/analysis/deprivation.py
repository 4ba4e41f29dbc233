"""Why: serious violence by deprivation — rates per 1,000 residents by IMD decile and domain, with inequality.

Pure: the SNA's LSOA table (``sna.lsoa_table``: code, count, persons, in_area) and the LSOA 2011↔2021 lookup in,
tables and statistics out. Indices from ``svduty.data.deprivation`` (IMD 2019 and WIMD 2019 on 2011 LSOAs, IoD 2025
on 2021 LSOAs; England and Wales never pooled).

*Vintages.* A 2011 code takes its 2011 index directly. A 2021 code takes the index of its 2011 best-fit parent(s)
in the ONS lookup (the most deprived, when 2011 LSOAs merged), and a 2021 LSOA created by a split (no one's best
fit) the index of the 2011 LSOA that contains it (``deprivation.split_parents``). IoD 2025 runs the other way: a
2011 code that changed takes its best-fit 2021 LSOA's decile.

*Statistics.* Rates with exact Poisson 95% intervals (Garwood 1936); the rate ratio of the most to the least
deprived decile (log-normal interval); the slope index of inequality (SII: weighted least squares of the decile
rates on the midpoint of each decile's cumulative share of residents, ranked from most deprived, sign flipped so
that a positive SII means more violence at the deprived end; 95% interval from 2,000 Poisson simulations, seed 0)
with the relative index RII = SII / overall rate; and the concentration index over deciles (Kakwani, Wagstaff & van
Doorslaer 1997, grouped data: −1 to 1, negative when violence concentrates among the more deprived).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from scipy import stats

from svduty.data import deprivation as ref

RATE_COLUMNS = ["imd_decile", "incidents", "residents", "rate_per_1000", "rate_ci_low", "rate_ci_high"]


@dataclass
class DeprivationResult:
    index: str | None  # the area's main index: imd2019 (England) or wimd2019 (Wales); None when nothing matched
    tables: dict[str, pd.DataFrame] = field(default_factory=dict)
    stats: dict[str, dict[str, float | int | str | None]] = field(default_factory=dict)
    notes: dict[str, object] = field(default_factory=dict)


def poisson_interval(count: np.ndarray, level: float = 0.95) -> tuple[np.ndarray, np.ndarray]:
    """Exact (Garwood) interval for a Poisson count."""
    count = np.asarray(count, dtype=float)
    a = (1 - level) / 2
    low = np.where(count > 0, stats.chi2.ppf(a, 2 * count) / 2, 0.0)
    high = stats.chi2.ppf(1 - a, 2 * count + 2) / 2
    return low, high


def _member(values: pd.Series, members: set[str]) -> pd.Series:
    """``values.isin(members)`` for a Python set (pandas' isin on Arrow strings walks the whole list each call)."""
    return values.map(members.__contains__).astype(bool)


def _best_parent(codes: pd.Series, lookup: pd.DataFrame, table: pd.DataFrame) -> pd.Series:
    """A 2021 code's 2011 LSOA for counting crimes: its best-fit parent (the most deprived, when several merged),
    else for a split the 2011 LSOA containing it."""
    pairs = codes.rename("code").to_frame().merge(lookup[["code11", "code21"]], left_on="code", right_on="code21")
    pairs["rank"] = pairs["code11"].map(table["rank"])
    best = pairs.sort_values("rank").drop_duplicates("code").set_index("code")["code11"]
    return codes.map(best).fillna(codes.map(ref.split_parents()))


def units(
    area: pd.DataFrame, lookup: pd.DataFrame | None, population: pd.Series, index: str
) -> tuple[pd.DataFrame, dict[str, int]]:
    """The area as the index's own LSOAs (2011 for IMD/WIMD 2019, 2021 for IoD 2025), with crimes and residents.

    ``area``: the SNA's in-area rows (code, count); ``population``: residents by LSOA code (the year the SNA uses).
    Returns columns ``code, count, persons`` plus the index's rank, decile and domain deciles, and how codes matched.
    """
    table = ref.index_table(index)
    codes = area["code"]
    in_table = set(table.index)
    set11 = set(lookup["code11"]) if lookup is not None else set()
    set21 = set(lookup["code21"]) if lookup is not None else set()
    own = _member(codes, in_table)
    via = {"direct": int(own.sum())}
    persons = pd.Series(dtype=float)
    if lookup is None:
        target = codes.where(own)
        unit_codes = set(target.dropna())
        persons = population.reindex(sorted(unit_codes))
    elif index == "iod2025":  # 2011 code → its best-fit 2021 LSOA
        bf = lookup.drop_duplicates("code11").set_index("code11")["code21"]
        target = codes.where(own, codes.map(bf))
        via["2011→2021 best fit"] = int((~own & target.notna()).sum())
        unit_codes = set(target.dropna())
        pop_2021 = not (set21 - set11).isdisjoint(population.index)
        if pop_2021:
            persons = population.reindex(sorted(unit_codes))
        else:  # 2011 residents: each 2021 LSOA sums the 2011 LSOAs that best-fit it
            pairs = lookup[_member(lookup["code21"], unit_codes)]
            persons = pairs.assign(p=pairs["code11"].map(population)).groupby("code21")["p"].sum(min_count=1)
    else:  # 2011 index: crimes to the best (most deprived) parent, residents to every parent
        is11 = _member(codes, set11)
        target = codes.where(own | is11, _best_parent(codes, lookup, table))
        via["2011 parent"] = int((~(own | is11) & target.notna()).sum())
        merged_into = lookup.loc[_member(lookup["code21"], set(codes[~is11])), "code11"]
        unit_codes = set(target.dropna()) | set(merged_into)
        if not (set21 - set11).isdisjoint(population.index):  # Census 2021 residents: shared back to 2011 LSOAs
            k = lookup.groupby("code21")["code11"].transform("count")
            share = lookup.assign(p=lookup["code21"].map(population) / k).set_index("code11")["p"]
            persons = share.reindex(sorted(unit_codes))
            # 2021 LSOAs created by splits are nobody's best fit: their residents go to the containing 2011 LSOA
            splits = codes[~_member(codes, set11 | set21)]
            extra = population.reindex(splits).groupby(splits.map(ref.split_parents()).to_numpy()).sum()
            persons = persons.add(extra.reindex(persons.index).fillna(0.0), fill_value=0.0)
        else:
            persons = population.reindex(sorted(unit_codes))
    counts = area.assign(unit=target).dropna(subset=["unit"]).groupby("unit")["count"].sum()
    frame = pd.DataFrame({"persons": persons})
    frame.index.name = "code"
    frame["count"] = counts.reindex(frame.index).fillna(0).astype(int)
    frame = frame.join(table)
    unmatched = area.loc[target.isna(), "count"]
    via["unmatched"] = int(target.isna().sum())
    via["incidents_unmatched"] = int(unmatched.sum())
    return frame.reset_index(), via


def rates_by(frame: pd.DataFrame, key: str) -> pd.DataFrame:
    """Incidents, residents and the rate per 1,000 with its interval, by the values of ``key`` (1 … 10)."""
    ok = frame.dropna(subset=[key])
    g = ok.groupby(ok[key].astype(int))
    out = pd.DataFrame({"incidents": g["count"].sum(), "residents": g["persons"].sum(min_count=1)}).reindex(
        range(1, 11)
    )
    out["incidents"] = out["incidents"].fillna(0).astype(int)
    low, high = poisson_interval(out["incidents"].to_numpy())
    res = out["residents"].to_numpy(dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        out["rate_per_1000"] = out["incidents"] / res * 1000
        out["rate_ci_low"] = low / res * 1000
        out["rate_ci_high"] = high / res * 1000
    out.index.name = "imd_decile"
    return out.reset_index()[RATE_COLUMNS]


def inequality(table: pd.DataFrame, seed: int = 0, draws: int = 2000) -> dict[str, float | int | None]:
    """SII, RII, concentration index and the most/least deprived rate ratio for one decile table."""
    t = table[(table["residents"] > 0)].reset_index(drop=True)
    if len(t) < 2 or t["incidents"].sum() == 0:
        return {"deciles": len(t)}
    w = t["residents"].to_numpy(float) / t["residents"].sum()
    x = np.cumsum(w) - w / 2  # midpoint rank, 0 = most deprived
    counts = t["incidents"].to_numpy(float)
    pop = t["residents"].to_numpy(float)

    def sii(c: np.ndarray) -> np.ndarray:
        y = c / pop * 1000  # one row per draw
        xm, ym = np.sum(w * x), (y * w).sum(axis=-1, keepdims=True)
        slope = (w * (x - xm) * (y - ym)).sum(axis=-1) / np.sum(w * (x - xm) ** 2)
        return -slope

    sims = sii(np.random.default_rng(seed).poisson(counts, size=(draws, len(counts))).astype(float))
    point = float(sii(counts[None, :])[0])
    overall = counts.sum() / pop.sum() * 1000
    cum_p = np.concatenate([[0.0], np.cumsum(w)])
    cum_l = np.concatenate([[0.0], np.cumsum(counts) / counts.sum()])
    ci = float(np.sum(cum_p[:-1] * cum_l[1:] - cum_p[1:] * cum_l[:-1]))
    first, last = t.iloc[0], t.iloc[-1]
    ratio = first["rate_per_1000"] / last["rate_per_1000"] if last["rate_per_1000"] > 0 else np.nan
    se = np.sqrt(1 / first["incidents"] + 1 / last["incidents"]) if first["incidents"] and last["incidents"] else np.nan
    return {
        "deciles": len(t),
        "most_deprived_decile": int(first["imd_decile"]),
        "least_deprived_decile": int(last["imd_decile"]),
        "rate_ratio": float(ratio),
        "rate_ratio_ci_low": float(ratio * np.exp(-1.96 * se)) if np.isfinite(se) else None,
        "rate_ratio_ci_high": float(ratio * np.exp(1.96 * se)) if np.isfinite(se) else None,
        "sii_per_1000": point,
        "sii_ci_low": float(np.percentile(sims, 2.5)),
        "sii_ci_high": float(np.percentile(sims, 97.5)),
        "rii": float(point / overall) if overall else None,
        "concentration_index": ci,
        "overall_rate_per_1000": float(overall),
    }


def assess(lsoas: pd.DataFrame, lookup: pd.DataFrame | None, population: pd.Series) -> DeprivationResult:
    """Deprivation tables and statistics for the area (``in_area`` rows of the SNA's LSOA table).

    ``population``: residents by LSOA code for the year the SNA uses (``sna.population_by_lsoa``).
    """
    area = lsoas.loc[lsoas["in_area"], ["code", "count"]].reset_index(drop=True)
    english = area[area["code"].str.startswith("E")]
    welsh = area[area["code"].str.startswith("W")]
    result = DeprivationResult(index=None)
    notes: dict[str, object] = {"lsoas": len(area)}
    for index, part in (("imd2019", english), ("wimd2019", welsh), ("iod2025", english)):
        if part.empty:
            continue
        frame, via = units(part, lookup, population, index)
        if frame["decile"].notna().sum() == 0:
            continue
        name = {"imd2019": "deprivation", "wimd2019": "deprivation_wales", "iod2025": "deprivation_iod2025"}[index]
        table = rates_by(frame, "decile")
        result.tables[name] = table
        result.stats[index] = inequality(table)
        notes[index] = {"units": len(frame), **via}
        if index != "iod2025":
            domains = []
            for domain in ref.DOMAINS:
                dt = rates_by(frame, domain)
                s = inequality(dt)
                domains.append(
                    dt.rename(columns={"imd_decile": "decile"}).assign(
                        domain=ref.DOMAIN_LABELS[domain], sii_per_1000=s.get("sii_per_1000")
                    )
                )
            result.tables[f"{name}_domains"] = pd.concat(domains, ignore_index=True)[
                ["domain", "decile", *RATE_COLUMNS[1:], "sii_per_1000"]
            ]
    if "deprivation" in result.tables:
        result.index = "imd2019"
    elif "deprivation_wales" in result.tables:
        # a Welsh area: its deciles are WIMD's, and tables/deprivation.csv carries them (never England's)
        result.index = "wimd2019"
        result.tables["deprivation"] = result.tables.pop("deprivation_wales")
        result.tables["deprivation_domains"] = result.tables.pop("deprivation_wales_domains")
    result.notes = notes
    return result
