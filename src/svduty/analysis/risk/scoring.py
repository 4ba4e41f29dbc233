"""Scoring: involvements in, one score per person out, with every contribution listed so the score explains itself.

For each counted involvement (a counted role, a counted offence group, inside the look-back window, not proactively
found where the data mark that, with a sourced gravity figure):

    contribution = gravity_days × 0.5 ** (age_months / half_life_months) × knife_factor × frequency_factor

where ``age_months`` = months from the involvement's month to the as-of month (0 for the as-of month itself),
``knife_factor`` = ``knife_weight`` if the record carries the knife flag else 1, and ``frequency_factor`` follows the
definition's frequency mode (1 for ``sum``). The score is the sum of a person's contributions — computed from the
very rows written to ``components.csv``, so they add up to it.

Window: the ``lookback_months`` calendar months ending with the as-of month, both ends inclusive. With as-of
2021-11 and 36 months the window is 2018-12 … 2021-11; 2018-11 is out, and so is anything after 2021-11.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

import numpy as np
import pandas as pd

from svduty.analysis import AnalysisError
from svduty.analysis.risk.definition import IndexDefinition

REQUIRED = ("person", "incident_id", "month", "offence_group", "role", "knife_flag")
SCORE_COLUMNS = ("person", "score", "rank", "above_threshold", "index_version", "synthetic")
COMPONENT_COLUMNS = (
    "person",
    "incident_id",
    "month",
    "offence_group",
    "gravity",
    "age_months",
    "recency_factor",
    "knife_flag",
    "knife_factor",
    "frequency_factor",
    "contribution",
)


@dataclass(frozen=True)
class Scored:
    """Scores (one row per person in the cohort), components (one per counted involvement), and what was left out."""

    scores: pd.DataFrame
    components: pd.DataFrame
    as_of: date
    excluded: dict[str, int] = field(default_factory=dict)


def month_number(values) -> np.ndarray:
    """Calendar month number (year × 12 + month − 1) of dates, datetimes or a datetime Series."""
    s = pd.to_datetime(pd.Series(values))
    return (s.dt.year * 12 + s.dt.month - 1).to_numpy(dtype=np.int64)


def month_start(number: int) -> date:
    return date(number // 12, number % 12 + 1, 1)


def recency_factor(age_months, half_life_months: float):
    """0.5 ** (age / half-life): 1 in the as-of month, ½ one half-life earlier."""
    return np.power(0.5, np.asarray(age_months, dtype=float) / half_life_months)


def in_window(record_month: np.ndarray, as_of_month: int, lookback_months: int) -> np.ndarray:
    """True for months in (as_of − lookback, as_of], i.e. the ``lookback`` months ending with the as-of month."""
    return (record_month <= as_of_month) & (record_month > as_of_month - lookback_months)


def gravity_days(definition: IndexDefinition, groups, codes=None) -> np.ndarray:
    """Gravity (days) of each record: the code-level weight, else the group's; NaN when none or unsourced."""
    codes = [None] * len(groups) if codes is None else codes
    days = {w.key(): w.days for w in definition.gravity}  # an unsourced code entry stays NaN: no group fallback
    out = np.full(len(groups), np.nan)
    for i, (g, c) in enumerate(zip(groups, codes, strict=True)):
        code = None if c is None or (isinstance(c, float) and np.isnan(c)) else str(c)
        value = days.get((g, code)) if code is not None and (g, code) in days else days.get((g, None))
        if value is not None:
            out[i] = value
    return out


def frequency_factors(person: np.ndarray, base: np.ndarray, definition: IndexDefinition) -> np.ndarray:
    """Per-record factor: 1 (sum), 1 for a person's n largest else 0 (top_n), or ratio**(k-1) for the k-th largest."""
    mode = definition.frequency.mode
    if mode == "sum" or len(base) == 0:
        return np.ones(len(base))
    order = np.lexsort((-base, person))  # by person, then largest first (stable: earlier rows win ties)
    k = np.empty(len(base), dtype=np.int64)
    ranks = pd.Series(person[order]).groupby(person[order]).cumcount().to_numpy()
    k[order] = ranks + 1
    if mode == "top_n":
        return (k <= definition.frequency.n).astype(float)
    return np.power(float(definition.frequency.ratio), k - 1)


def check_columns(involvements: pd.DataFrame) -> None:
    missing = [c for c in REQUIRED if c not in involvements.columns]
    if missing:
        raise AnalysisError(f"involvements table lacks column(s) {', '.join(missing)}")


def latest_month(involvements: pd.DataFrame) -> date:
    check_columns(involvements)
    if involvements.empty:
        raise AnalysisError("no involvements with a person: nothing to score (ingest RMS data or run svduty synth)")
    return month_start(int(month_number(involvements["month"]).max()))


def score(involvements: pd.DataFrame, definition: IndexDefinition, as_of: date | None = None) -> Scored:
    """Score every person with a record in a counted role inside the window (score 0 if nothing counted)."""
    check_columns(involvements)
    as_of = as_of or latest_month(involvements)
    as_of_m = as_of.year * 12 + as_of.month - 1
    df = involvements.reset_index(drop=True)
    m = month_number(df["month"]) if len(df) else np.array([], dtype=np.int64)
    role_ok = df["role"].isin(definition.roles).to_numpy()
    window = in_window(m, as_of_m, definition.lookback_months)
    cohort_rows = role_ok & window
    group_ok = df["offence_group"].isin(definition.offence_groups).to_numpy()
    proactive = (
        df["proactive"].fillna(False).astype(bool).to_numpy()
        if "proactive" in df.columns and definition.exclude_proactive
        else np.zeros(len(df), dtype=bool)
    )
    codes = df["offence_code"].tolist() if "offence_code" in df.columns else None
    grav = gravity_days(definition, df["offence_group"].tolist(), codes)
    counted = cohort_rows & group_ok & ~proactive & ~np.isnan(grav)
    excluded = {
        "outside window or role": int((~cohort_rows).sum()),
        "offence group not counted": int((cohort_rows & ~group_ok).sum()),
        "proactively found (CCHI rule)": int((cohort_rows & group_ok & proactive).sum()),
        "no sourced gravity figure": int((cohort_rows & group_ok & ~proactive & np.isnan(grav)).sum()),
    }
    c = df.loc[counted].reset_index(drop=True)
    age = as_of_m - m[counted]
    rec = recency_factor(age, definition.half_life_months)
    knife = c["knife_flag"].fillna(False).astype(bool).to_numpy()
    knife_factor = np.where(knife, definition.knife_weight, 1.0)
    base = grav[counted] * rec * knife_factor
    freq = frequency_factors(c["person"].to_numpy(dtype=object), base, definition)
    components = pd.DataFrame(
        {
            "person": c["person"].astype(str),
            "incident_id": c["incident_id"].astype("int64"),
            "month": [month_start(int(x)).strftime("%Y-%m") for x in m[counted]],
            "offence_group": c["offence_group"].astype(str),
            "gravity": grav[counted],
            "age_months": age.astype("int64"),
            "recency_factor": rec,
            "knife_flag": knife,
            "knife_factor": knife_factor,
            "frequency_factor": freq,
            "contribution": base * freq,
        },
        columns=list(COMPONENT_COLUMNS),
    )
    components = components.sort_values(["person", "month", "incident_id"], kind="stable").reset_index(drop=True)
    cohort = df.loc[cohort_rows]
    synthetic = cohort.groupby("person")["synthetic"].any() if "synthetic" in cohort.columns else None
    persons = pd.Index(sorted(cohort["person"].astype(str).unique()), name="person")
    totals = components.groupby("person")["contribution"].sum().reindex(persons, fill_value=0.0)
    scores = pd.DataFrame({"person": persons, "score": totals.to_numpy()})
    scores["rank"] = scores["score"].rank(method="min", ascending=False).astype("int64")
    scores["above_threshold"] = scores["score"] >= definition.threshold
    scores["index_version"] = definition.version
    scores["synthetic"] = (
        synthetic.reindex(persons, fill_value=False).astype(bool).to_numpy() if synthetic is not None else False
    )
    scores = scores.sort_values(["rank", "person"], kind="stable").reset_index(drop=True)
    return Scored(scores=scores[list(SCORE_COLUMNS)], components=components, as_of=as_of, excluded=excluded)
