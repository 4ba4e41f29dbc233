"""Themes from real data: the police.uk categories that bear on the Duty beyond the serious violence proxy.

Pure (the SNA's ``sna_inc`` view and its LSOA table in, tables out).

* *Drugs and weapons with violence* — an **indicator** of exploitation and county-lines activity, not a measure of
  it: police.uk "Drugs" and "Possession of weapons" records are largely proactive (found by police activity), so
  where they cluster with violence shows where enforcement and violence meet. Per area LSOA: counts of each; the
  LSOAs in the top 10% (at least one) for drugs *and* for violence; Spearman's rank correlation across the area's
  LSOAs (scipy), with its p-value.
* *Robbery* and *public order*: counts this period and the previous one, and the LSOAs where they concentrate.
* *Night-time economy*: from real record-level times (``occurred_at``) where loaded — the share of serious
  violence on Friday and Saturday nights, 20:00–04:00 — with any synthetic times reported as such; police.uk has
  no time of day, and the table says so instead of guessing.
"""

from __future__ import annotations

import duckdb
import numpy as np
import pandas as pd
from scipy import stats

from svduty.analysis.sna import Period

VIOLENCE = "Violence and sexual offences"
THEME_TYPES = ("Drugs", "Possession of weapons", "Robbery", "Public order", VIOLENCE)
NTE_SQL = (
    "i.occurred_at IS NOT NULL AND ((isodow(i.occurred_at) IN (5, 6) AND hour(i.occurred_at) >= 20) "
    "OR (isodow(i.occurred_at) IN (6, 7) AND hour(i.occurred_at) < 4))"
)


def per_lsoa(con: duckdb.DuckDBPyConnection, period: Period, lsoas: pd.DataFrame) -> pd.DataFrame:
    """Counts per area LSOA of each theme type (and all SV) in the period, zeros included."""
    area = lsoas.loc[lsoas["in_area"], ["code", "name", "count"]].rename(columns={"count": "serious_violence"})
    frame = con.execute(
        "SELECT lsoa_code AS code, offence_group AS type, count(*) AS n FROM sna_inc "
        "WHERE month BETWEEN ? AND ? AND lsoa_code IS NOT NULL AND offence_group IN (SELECT unnest(?::VARCHAR[])) "
        "GROUP BY 1, 2",
        [period.start, period.end, list(THEME_TYPES)],
    ).df()
    wide = frame.pivot_table(index="code", columns="type", values="n", aggfunc="sum", fill_value=0)
    wide = wide.reindex(columns=list(THEME_TYPES), fill_value=0)
    out = area.merge(wide, left_on="code", right_index=True, how="left").fillna(dict.fromkeys(THEME_TYPES, 0))
    for t in THEME_TYPES:
        out[t] = out[t].astype(int)
    return out.reset_index(drop=True)


def colocation(table: pd.DataFrame, with_type: str = "Drugs") -> dict[str, object]:
    """Co-location of ``with_type`` and violence over the area's LSOAs (the indicator above)."""
    n = len(table)
    if n < 3 or table[with_type].sum() == 0 or table[VIOLENCE].sum() == 0:
        return {"lsoas": n, "available": False}
    k = max(1, int(np.ceil(0.1 * n)))
    # the top 10% (at least one) among LSOAs with any: ties at zero are no hot spot
    top_x = set(table[table[with_type] > 0].sort_values([with_type, "code"], ascending=[False, True]).head(k)["code"])
    top_v = set(table[table[VIOLENCE] > 0].sort_values([VIOLENCE, "code"], ascending=[False, True]).head(k)["code"])
    both = top_x & top_v
    rho, p = stats.spearmanr(table[with_type], table[VIOLENCE])
    in_both = table[table["code"].isin(both)]
    return {
        "available": True,
        "lsoas": n,
        "top_n": k,
        "both": len(both),
        "both_names": list(in_both.sort_values(VIOLENCE, ascending=False)["name"].head(5)),
        "expected_both_if_unrelated": k * k / n,
        "violence_share_in_both": float(in_both[VIOLENCE].sum() / table[VIOLENCE].sum()),
        "spearman": float(rho),
        "spearman_p": float(p),
    }


def summary(con: duckdb.DuckDBPyConnection, period: Period) -> pd.DataFrame:
    """Each theme type: count this period, previous period (when covered), change."""
    frame = con.execute(
        "SELECT offence_group AS type, count(*) FILTER (WHERE month BETWEEN ? AND ?) AS count, "
        "count(*) FILTER (WHERE month BETWEEN ? AND ?) AS previous FROM sna_inc "
        "WHERE offence_group IN (SELECT unnest(?::VARCHAR[])) GROUP BY 1",
        [period.start, period.end, period.prev_start, period.prev_end, list(THEME_TYPES)],
    ).df()
    frame = frame.set_index("type").reindex(list(THEME_TYPES), fill_value=0).reset_index()
    if not period.has_previous:
        frame["previous"] = np.nan
    frame["change_pct"] = (frame["count"] / frame["previous"].where(frame["previous"] > 0) - 1) * 100
    return frame


def night_time(con: duckdb.DuckDBPyConnection, period: Period) -> dict[str, object]:
    """Share of SV on Friday and Saturday nights from real times; None figures when no record has a time."""
    names = {r[0] for r in con.execute("SELECT table_name FROM information_schema.tables").fetchall()}
    synthetic_time = (
        "(i.synthetic OR EXISTS (SELECT 1 FROM incident_synthetic_fields f WHERE f.incident_id = i.incident_id "
        "AND f.occurred_at))"
        if "incident_synthetic_fields" in names
        else "i.synthetic"
    )
    row = con.execute(
        f"SELECT count(*) FILTER (WHERE i.occurred_at IS NOT NULL), count(*) FILTER (WHERE {NTE_SQL}), "
        f"count(*) FILTER (WHERE i.occurred_at IS NOT NULL AND {synthetic_time}), count(*) "
        "FROM sna_inc i WHERE i.sv_category IS NOT NULL AND i.month BETWEEN ? AND ?",
        [period.start, period.end],
    ).fetchone()
    timed, nte, synthetic, total = (int(x) for x in row) if row else (0, 0, 0, 0)
    return {
        "timed": timed,
        "night_time": nte,
        "share": nte / timed if timed else None,
        "synthetic_times": synthetic,
        "total": total,
        # Fri 20:00 – Sun 04:00 is 16 of the week's 168 hours: the share if violence ignored the clock
        "even_share": 16 / 168,
    }


def assess(con: duckdb.DuckDBPyConnection, period: Period, lsoas: pd.DataFrame) -> dict[str, object]:
    table = per_lsoa(con, period, lsoas)
    return {
        "per_lsoa": table,
        "summary": summary(con, period),
        "drugs": colocation(table, "Drugs"),
        "weapons": colocation(table, "Possession of weapons"),
        "night_time": night_time(con, period),
    }
