"""Risk factors partners hold (``risk_factors``, LSOA level) against serious violence in the area's LSOAs.

Per table present: its total over the area, the rate per 100 of its denominator (or per 1,000 residents when the
partner gives none), the LSOAs where it is highest, and Spearman's rank correlation with serious violence across the
area's LSOAs (scipy). Tables not loaded are listed as absent, so the report can say what partners could add.
"""

from __future__ import annotations

import duckdb
import numpy as np
import pandas as pd
from scipy import stats

from svduty.data.risk_factors import TABLES


def assess(con: duckdb.DuckDBPyConnection, lsoas: pd.DataFrame) -> dict[str, object]:
    names = {r[0] for r in con.execute("SELECT table_name FROM information_schema.tables").fetchall()}
    present: dict[str, dict[str, object]] = {}
    if "risk_factors" in names:
        frame = con.execute(
            "SELECT r.table_name, r.period, r.lsoa_code AS code, r.count, r.denominator, r.synthetic "
            "FROM risk_factors r JOIN ingests g USING (ingest_id) WHERE g.status = 'active'"
        ).df()
        area = lsoas.loc[lsoas["in_area"], ["code", "name", "count", "persons"]].rename(columns={"count": "sv"})
        for table, part in frame.groupby("table_name"):
            latest = sorted(part["period"].unique())[-1]
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
            top = joined[covered].sort_values(["rate", "code"], ascending=[False, True]).head(3)
            present[str(table)] = {
                "label": TABLES.get(str(table), str(table)),
                "period": latest,
                "lsoas_covered": int(covered.sum()),
                "area_lsoas": len(joined),
                "total": float(joined["count"].sum()),
                "rate": float(joined.loc[covered, "count"].sum() / base[covered].sum() * per),
                "rate_unit": "per 100 of the partner's denominator" if has_den else "per 1,000 residents",
                "spearman": float(rho),
                "spearman_p": float(p),
                "top": [f"{r['name']} ({r['rate']:.1f})" for _, r in top.iterrows()],
                "synthetic": bool(frame.loc[frame["table_name"] == table, "synthetic"].any()),
                "table": joined[["code", "name", "count", "denominator", "rate", "sv"]],
            }
    absent = [label for key, label in TABLES.items() if key not in present]
    return {"present": present, "absent": absent}
