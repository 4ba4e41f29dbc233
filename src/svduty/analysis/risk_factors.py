"""Risk factors partners hold (``risk_factors``, LSOA level) against serious violence in the area's LSOAs.

Per table present: its total over the area, the rate per 100 of its denominator (or per 1,000 residents when the
partner gives none), the LSOAs where it is highest, and Spearman's rank correlation with serious violence across the
area's LSOAs (scipy). Tables not loaded are listed as absent, so the report can say what partners could add.

A table that came from person-level rows (ingest source ``risk-factors (persons)``) has small numbers suppressed as
an analyst publishing partner data would: an LSOA's count, denominator and rate are not shown when the count or the
denominator is 1 to 4 (primary suppression), and when exactly one LSOA is suppressed so is the next smallest count
(secondary suppression, so the area total cannot be differenced back to it); an area total under 5 is not shown
either, and the "highest in" list names only LSOAs shown. Correlations use the unsuppressed counts, as a coefficient
reveals no person.
"""

from __future__ import annotations

import duckdb
import numpy as np
import pandas as pd
from scipy import stats

from svduty.data.risk_factors import PERSON_SOURCE, TABLES

SMALL = 5  # person-level counts below this (and above zero) are not shown


def suppress(joined: pd.DataFrame) -> pd.DataFrame:
    """Primary (1–4 in count or denominator) and secondary suppression of an LSOA table (``suppressed`` column)."""
    out = joined.copy()
    count, den = out["count"], out["denominator"]
    small = ((count > 0) & (count < SMALL)) | ((den > 0) & (den < SMALL))
    if int(small.sum()) == 1:  # one hidden cell could be had back from the total: hide the next smallest too
        rest = out.loc[~small & (count > 0), "count"]
        if len(rest):
            small |= out.index == rest.sort_values(kind="stable").index[0]
    out["suppressed"] = small.to_numpy()
    out.loc[small, ["count", "denominator", "rate"]] = np.nan
    return out


def assess(con: duckdb.DuckDBPyConnection, lsoas: pd.DataFrame) -> dict[str, object]:
    names = {r[0] for r in con.execute("SELECT table_name FROM information_schema.tables").fetchall()}
    present: dict[str, dict[str, object]] = {}
    if "risk_factors" in names:
        frame = con.execute(
            "SELECT r.table_name, r.period, r.lsoa_code AS code, r.count, r.denominator, r.synthetic, "
            f"g.source = '{PERSON_SOURCE}' AS persons_level "
            "FROM risk_factors r JOIN ingests g USING (ingest_id) WHERE g.status = 'active'"
        ).df()
        area = lsoas.loc[lsoas["in_area"], ["code", "name", "count", "persons"]].rename(columns={"count": "sv"})
        for table, part in frame.groupby("table_name"):
            latest = sorted(part["period"].unique())[-1]
            person_level = bool(part.loc[part["period"] == latest, "persons_level"].any())
            part = (
                part[part["period"] == latest]
                .groupby("code", as_index=False)[["count", "denominator"]]
                .sum(min_count=1)
            )
            joined = area.merge(part, on="code", how="left")
            covered = joined["count"].notna()
            if not covered.any():
                continue
            has_den = joined.loc[covered, "denominator"].notna().all()
            base = joined["denominator"] if has_den else joined["persons"]
            per = 100 if has_den else 1000
            joined["rate"] = joined["count"] / base * per
            rho, p = (
                stats.spearmanr(joined.loc[covered, "count"], joined.loc[covered, "sv"])
                if covered.sum() >= 3
                else (np.nan, np.nan)
            )
            total = float(joined["count"].sum())
            rate = float(joined.loc[covered, "count"].sum() / base[covered].sum() * per)
            shown = suppress(joined) if person_level else joined.assign(suppressed=False)
            top = shown[covered & ~shown["suppressed"]].sort_values(["rate", "code"], ascending=[False, True]).head(3)
            small_total = person_level and 0 < total < SMALL
            present[str(table)] = {
                "label": TABLES.get(str(table), str(table)),
                "period": latest,
                "lsoas_covered": int(covered.sum()),
                "area_lsoas": len(joined),
                "total": np.nan if small_total else total,
                "rate": np.nan if small_total else rate,
                "person_level": person_level,
                "suppressed_lsoas": int(shown["suppressed"].sum()),
                "rate_unit": "per 100 of the partner's denominator" if has_den else "per 1,000 residents",
                "spearman": float(rho),
                "spearman_p": float(p),
                "top": [f"{r['name']} ({r['rate']:.1f})" for _, r in top.iterrows()],
                "synthetic": bool(frame.loc[frame["table_name"] == table, "synthetic"].any()),
                "table": shown[
                    ["code", "name", "count", "denominator", "rate", "sv"] + (["suppressed"] * person_level)
                ],
            }
    absent = [label for key, label in TABLES.items() if key not in present]
    return {"present": present, "absent": absent}
