"""Fairness by age band, sex and ethnic group: who the threshold selects, and whom it gets wrong, group by group.

Per group: ``n``, ``selection_rate`` (share at or above the threshold), ``fpr`` (selected among those without the
outcome), ``fnr`` (not selected among those with it), score quantiles, and ``disparity_ratio`` = the group's
selection rate ÷ the highest group's (the reference). ``four_fifths_flag`` is set when that ratio is below 0.8 —
the "four-fifths rule" of adverse-impact analysis, used here as a screen: selection by this index means being put
before a panel, which can bring support and intrusion alike, so any flagged gap is for the panel to look at, in
either direction. "Not recorded" is a group of its own (it is never dropped: people whose ethnicity is missing can
be treated differently too). Groups under ``SMALL_GROUP`` people get ``small_group = true``: their rates are noise.
``p_value_vs_reference`` (Fisher's exact test of the group's selection against the reference group's) tells a real
gap from the sampling noise of small numbers: a flag with a large p-value may be chance.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy import stats

from svduty.analysis.risk.scoring import month_number

NOT_RECORDED = "Not recorded"
SMALL_GROUP = 10
FOUR_FIFTHS = 0.8
ATTRIBUTES = ("age_band", "sex", "ethnic_group")
QUANTILES = (0.1, 0.25, 0.5, 0.75, 0.9)
FAIRNESS_COLUMNS = (
    "attribute",
    "group",
    "n",
    "outcomes",
    "selected",
    "selection_rate",
    "fpr",
    "fnr",
    *(f"score_q{int(q * 100):02d}" for q in QUANTILES),
    "score_mean",
    "reference_group",
    "disparity_ratio",
    "four_fifths_flag",
    "p_value_vs_reference",
    "small_group",
)


def age_band(age) -> str:
    """Bands split at 18, the youth justice boundary; the index is meant for young people's support."""
    if age is None or (isinstance(age, float) and np.isnan(age)):
        return NOT_RECORDED
    age = int(age)
    if age < 18:
        return "under 18"
    if age <= 24:
        return "18-24"
    if age <= 34:
        return "25-34"
    return "35 and over"


def person_groups(involvements: pd.DataFrame, attributes: pd.DataFrame | None, as_of) -> pd.DataFrame:
    """Each person's age band (age at their latest record up to ``as_of``), sex and ethnic group."""
    a = as_of.year * 12 + as_of.month - 1
    df = involvements.loc[month_number(involvements["month"]) <= a].copy()
    df["_m"] = month_number(df["month"])
    latest = df.sort_values(["person", "_m", "incident_id"]).groupby("person").tail(1).set_index("person")
    out = pd.DataFrame(index=latest.index.astype(str))
    out["age_band"] = [age_band(x) for x in latest["age"]] if "age" in latest else NOT_RECORDED
    sex = latest["sex"] if "sex" in latest else pd.Series(None, index=latest.index)
    out["sex"] = [s if isinstance(s, str) and s in ("male", "female") else NOT_RECORDED for s in sex]
    eth = (
        attributes.set_index("person")["ethnic_group"].reindex(out.index)
        if attributes is not None and len(attributes)
        else pd.Series(None, index=out.index, dtype=object)
    )
    out["ethnic_group"] = [e if isinstance(e, str) and e else NOT_RECORDED for e in eth]
    return out.reset_index(names="person")


def _rate(num: int, den: int) -> float:
    return num / den if den else float("nan")


def fairness_table(cohort: pd.DataFrame, groups: pd.DataFrame) -> pd.DataFrame:
    """One row per attribute × group; ``cohort`` has person, score, selected, outcome."""
    df = cohort.merge(groups, on="person", how="left")
    for attr in ATTRIBUTES:
        df[attr] = df[attr].fillna(NOT_RECORDED) if attr in df else NOT_RECORDED
    rows = []
    for attr in ATTRIBUTES:
        part = []
        for group, g in df.groupby(attr, sort=True):
            sel, y = g["selected"].to_numpy(bool), g["outcome"].to_numpy(bool)
            q = np.quantile(g["score"], QUANTILES) if len(g) else [np.nan] * len(QUANTILES)
            part.append(
                {
                    "attribute": attr,
                    "group": group,
                    "n": len(g),
                    "outcomes": int(y.sum()),
                    "selected": int(sel.sum()),
                    "selection_rate": _rate(int(sel.sum()), len(g)),
                    "fpr": _rate(int((sel & ~y).sum()), int((~y).sum())),
                    "fnr": _rate(int((~sel & y).sum()), int(y.sum())),
                    **{f"score_q{int(p * 100):02d}": float(v) for p, v in zip(QUANTILES, q, strict=True)},
                    "score_mean": float(g["score"].mean()),
                    "small_group": len(g) < SMALL_GROUP,
                }
            )
        best = max(part, key=lambda r: (r["selection_rate"], r["n"]))
        for r in part:
            r["reference_group"] = best["group"]
            ratio = _rate(r["selection_rate"], best["selection_rate"]) if best["selection_rate"] else float("nan")
            r["disparity_ratio"] = ratio
            r["four_fifths_flag"] = bool(ratio < FOUR_FIFTHS) if not np.isnan(ratio) else False
            table = [[r["selected"], r["n"] - r["selected"]], [best["selected"], best["n"] - best["selected"]]]
            r["p_value_vs_reference"] = 1.0 if r is best else float(stats.fisher_exact(table)[1])
        rows.extend(part)
    return pd.DataFrame(rows, columns=list(FAIRNESS_COLUMNS))


# -- the same table at several candidate thresholds (shown before one is adopted) ---------------------------------
TOP_SHARES = (0.01, 0.02, 0.05, 0.10)
SWEEP_COLUMNS = ("threshold_label", "threshold", "overall_selected", "overall_selection_rate", *FAIRNESS_COLUMNS)


def candidate_thresholds(scores, own: float, shares=TOP_SHARES) -> list[tuple[str, float]]:
    """The definition's own threshold and, for each share, the score that puts the top share of people at or above it.

    ``top 5%`` is the score of the ⌈0.05·n⌉-th highest person (ties at that score are selected too, so the share
    selected can be a little over 5%). People with a zero score are never selected by a top-share cut: a cut of 0
    would select everyone, so such a candidate is dropped. Labels are stable text for CSV and the web page.
    """
    values = np.sort(np.asarray(scores, dtype=float))[::-1]
    out: list[tuple[str, float]] = [("definition", float(own))]
    for share in shares:
        if len(values) == 0:
            break
        k = max(1, int(np.ceil(share * len(values))))
        cut = float(values[k - 1])
        if cut > 0:
            out.append((f"top {share * 100:g}%", cut))
    return out


def fairness_sweep(cohort: pd.DataFrame, groups: pd.DataFrame, thresholds: list[tuple[str, float]]) -> pd.DataFrame:
    """``fairness_table`` at each candidate threshold (selected = score ≥ threshold), stacked, one block a threshold."""
    parts = []
    for label, t in thresholds:
        c = cohort.assign(selected=cohort["score"].to_numpy(float) >= t)
        table = fairness_table(c, groups)
        table.insert(0, "overall_selection_rate", _rate(int(c["selected"].sum()), len(c)))
        table.insert(0, "overall_selected", int(c["selected"].sum()))
        table.insert(0, "threshold", float(t))
        table.insert(0, "threshold_label", label)
        parts.append(table)
    if not parts:
        return pd.DataFrame(columns=list(SWEEP_COLUMNS))
    return pd.concat(parts, ignore_index=True)[list(SWEEP_COLUMNS)]
