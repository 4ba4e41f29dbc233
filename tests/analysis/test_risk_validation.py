"""Validation and fairness of the risk index against independent computations: scikit-learn's AUC, precision and
recall, a direct O(m·n) DeLong variance, and fairlearn's MetricFrame (or the same rates counted by hand)."""

from __future__ import annotations

import itertools
from datetime import date

import numpy as np
import pandas as pd
import pytest
from sklearn.metrics import precision_score, recall_score, roc_auc_score

from svduty.analysis import AnalysisError
from svduty.analysis.risk import (
    IndexDefinition,
    candidate_thresholds,
    delong_auc,
    fairness_sweep,
    fairness_table,
    validate,
)
from svduty.analysis.risk.fairness import NOT_RECORDED
from svduty.analysis.risk.validation import calibration_table

from .test_risk_scoring import BASE

MISSING = "missing: "


def delong_direct(y, s) -> tuple[float, float]:
    """DeLong's variance from the pairwise kernel ψ(x, y) = 1[x > y] + ½·1[x = y], with no ranks at all."""
    pos, neg = s[y], s[~y]
    psi = (pos[:, None] > neg[None, :]) + 0.5 * (pos[:, None] == neg[None, :])
    auc = psi.mean()
    v10, v01 = psi.mean(axis=1), psi.mean(axis=0)
    var = v10.var(ddof=1) / len(pos) + v01.var(ddof=1) / len(neg)
    return auc, var**0.5


def test_delong_auc_matches_sklearn_and_the_direct_variance():
    rng = np.random.default_rng(5)
    y = rng.random(400) < 0.2
    s = np.round(rng.normal(size=400) + 0.8 * y, 1)  # rounding makes ties, which both must handle
    auc, se = delong_auc(y, s)
    assert auc == pytest.approx(roc_auc_score(y, s), abs=1e-12)
    ref_auc, ref_se = delong_direct(y, s)
    assert auc == pytest.approx(ref_auc, abs=1e-12) and se == pytest.approx(ref_se, rel=1e-9)
    with pytest.raises(AnalysisError):
        delong_auc(np.zeros(5, bool), np.arange(5))


def test_calibration_table_by_hand():
    scores = np.arange(20, dtype=float)
    outcome = scores >= 16
    t = calibration_table(scores, outcome)
    assert t["n"].tolist() == [2] * 10
    assert t["observed_rate"].tolist() == [0.0] * 8 + [1.0, 1.0]
    assert t["score_min"].tolist()[-1] == 18 and t["score_max"].tolist()[0] == 1
    tied = calibration_table(np.array([0, 0, 0, 0, 0, 0, 1, 2, 3, 4.0]), np.array([0, 1, 0, 0, 0, 0, 1, 1, 0, 1], bool))
    assert tied["decile"].tolist() == [6, 7, 8, 9, 10]  # the six zeros stay together, in one band
    assert tied["n"].tolist() == [6, 1, 1, 1, 1] and tied["outcomes"].tolist() == [1, 1, 1, 0, 1]


def records(n_people: int = 300, seed: int = 2) -> pd.DataFrame:
    """People with weapons records in 2020 and, for some, a knife record in 2021 — likelier for the busy ones."""
    rng = np.random.default_rng(seed)
    rows = []
    inc = itertools.count(1)
    for p in range(n_people):
        k = rng.poisson(1.5) + 1
        for _ in range(k):
            rows.append((f"p{p}", next(inc), f"2020-{rng.integers(1, 13):02d}", "W", bool(rng.random() < 0.3)))
        if rng.random() < 0.05 + 0.08 * k:
            rows.append((f"p{p}", next(inc), f"2021-{rng.integers(1, 13):02d}", "W", True))
    df = pd.DataFrame(rows, columns=["person", "incident_id", "month", "offence_group", "knife_flag"])
    df["month"] = pd.to_datetime(df["month"] + "-01")
    df["role"] = "suspect"
    df["synthetic"] = True
    return df


def test_validation_against_sklearn():
    d = IndexDefinition.from_dict(BASE | {"threshold": 120.0})
    df = records()
    v = validate(df, d, date(2020, 12, 1), 12)
    later = set(df.loc[(df["month"] >= "2021-01-01") & df["knife_flag"], "person"])
    c = v.cohort
    assert v.n == df.loc[df["month"] < "2021-01-01", "person"].nunique() == len(c)
    assert c["outcome"].tolist() == c["person"].isin(later).tolist()
    assert v.auc == pytest.approx(roc_auc_score(c["outcome"], c["score"]), abs=1e-12)
    assert v.auc_low < v.auc < v.auc_high and v.auc > 0.5
    assert v.precision == pytest.approx(precision_score(c["outcome"], c["selected"]))
    assert v.recall == pytest.approx(recall_score(c["outcome"], c["selected"]))
    assert (v.outcome_from, v.outcome_to) == (date(2021, 1, 1), date(2021, 12, 1))
    assert v.synthetic and any("SYNTHETIC" in x for x in v.caveats) and any("record" in x for x in v.caveats)
    assert v.to_dict()["as_of"] == "2020-12" and len(v.to_dict()["calibration"]) == 10


def test_validation_needs_the_later_period():
    d = IndexDefinition.from_dict(BASE)
    with pytest.raises(AnalysisError, match="needs 12 months of data after 2021-06"):
        validate(records(), d, date(2021, 6, 1), 12)


def cohort_and_groups(seed: int = 9, n: int = 500):
    rng = np.random.default_rng(seed)
    cohort = pd.DataFrame(
        {
            "person": [f"p{i}" for i in range(n)],
            "score": rng.gamma(1.0, 100.0, n),
            "outcome": rng.random(n) < 0.15,
        }
    )
    cohort["selected"] = cohort["score"] >= 150
    groups = pd.DataFrame(
        {
            "person": cohort["person"],
            "age_band": rng.choice(["under 18", "18-24", "25-34"], n),
            "sex": rng.choice(["male", "female", NOT_RECORDED], n, p=[0.7, 0.25, 0.05]),
            "ethnic_group": rng.choice(["A", "B", "C", NOT_RECORDED], n),
        }
    )
    return cohort, groups


def test_fairness_by_hand():
    cohort, groups = cohort_and_groups()
    t = fairness_table(cohort, groups)
    df = cohort.merge(groups, on="person")
    for attr in ("age_band", "sex", "ethnic_group"):
        part = t[t["attribute"] == attr].set_index("group")
        rates = {}
        for g, rows in df.groupby(attr):
            n, sel, y = len(rows), rows["selected"].to_numpy(), rows["outcome"].to_numpy()
            rates[g] = sum(sel) / n
            assert part.loc[g, "n"] == n
            assert part.loc[g, "selection_rate"] == pytest.approx(sum(sel) / n)
            assert part.loc[g, "fpr"] == pytest.approx(sum(sel & ~y) / sum(~y))
            assert part.loc[g, "fnr"] == pytest.approx(sum(~sel & y) / sum(y))
            assert part.loc[g, "score_q50"] == pytest.approx(float(np.median(rows["score"])))
        best = max(rates.values())
        for g, r in rates.items():
            assert part.loc[g, "disparity_ratio"] == pytest.approx(r / best)
            assert bool(part.loc[g, "four_fifths_flag"]) == (r / best < 0.8)
    assert NOT_RECORDED in set(t.loc[t["attribute"] == "ethnic_group", "group"])


def test_fairness_matches_fairlearn_metricframe():
    fairlearn = pytest.importorskip("fairlearn.metrics", reason=MISSING + "fairlearn (in the test extra)")
    cohort, groups = cohort_and_groups(seed=4)
    t = fairness_table(cohort, groups)
    df = cohort.merge(groups, on="person")
    for attr in ("age_band", "sex", "ethnic_group"):
        mf = fairlearn.MetricFrame(
            metrics={
                "selection_rate": fairlearn.selection_rate,
                "fpr": fairlearn.false_positive_rate,
                "fnr": fairlearn.false_negative_rate,
            },
            y_true=df["outcome"].astype(int),
            y_pred=df["selected"].astype(int),
            sensitive_features=df[attr],
        )
        ours = t[t["attribute"] == attr].set_index("group")
        for g, row in mf.by_group.iterrows():
            assert ours.loc[g, "selection_rate"] == pytest.approx(row["selection_rate"])
            assert ours.loc[g, "fpr"] == pytest.approx(row["fpr"])
            assert ours.loc[g, "fnr"] == pytest.approx(row["fnr"])
        ratio = mf.ratio(method="between_groups")["selection_rate"]  # min/max across groups
        assert ours["disparity_ratio"].min() == pytest.approx(ratio)


def test_candidate_thresholds_by_hand():
    scores = [0, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18]  # 20 people
    got = dict(candidate_thresholds(scores, own=7.5))
    # top 1%, 2% and 5% of 20: the 1st highest (18); top 10%: the 2nd highest (17)
    assert got == {"definition": 7.5, "top 1%": 18.0, "top 2%": 18.0, "top 5%": 18.0, "top 10%": 17.0}
    assert dict(candidate_thresholds([0.0] * 5, own=1.0)) == {"definition": 1.0}  # a cut of 0 would select all


def test_fairness_sweep_matches_fairlearn_metricframe_at_every_threshold():
    fairlearn = pytest.importorskip("fairlearn.metrics", reason=MISSING + "fairlearn (in the test extra)")
    cohort, groups = cohort_and_groups(seed=7)
    thresholds = candidate_thresholds(cohort["score"], own=float(np.quantile(cohort["score"], 0.8)))
    assert [label for label, _ in thresholds][:1] == ["definition"] and len(thresholds) >= 3
    sweep = fairness_sweep(cohort, groups, thresholds)
    df = cohort.merge(groups, on="person")
    for label, t in thresholds:
        block = sweep[sweep["threshold_label"] == label]
        assert (block["threshold"] == t).all()
        selected = (df["score"] >= t).astype(int)
        assert block["overall_selected"].iloc[0] == selected.sum()
        assert block["overall_selection_rate"].iloc[0] == pytest.approx(selected.mean())
        for attr in ("age_band", "sex", "ethnic_group"):
            mf = fairlearn.MetricFrame(
                metrics={
                    "selection_rate": fairlearn.selection_rate,
                    "fpr": fairlearn.false_positive_rate,
                    "fnr": fairlearn.false_negative_rate,
                },
                y_true=df["outcome"].astype(int),
                y_pred=selected,
                sensitive_features=df[attr],
            )
            ours = block[block["attribute"] == attr].set_index("group")
            for g, row in mf.by_group.iterrows():
                assert ours.loc[g, "selection_rate"] == pytest.approx(row["selection_rate"])
                assert ours.loc[g, "fpr"] == pytest.approx(row["fpr"], nan_ok=True)
                assert ours.loc[g, "fnr"] == pytest.approx(row["fnr"], nan_ok=True)
            ratio = mf.ratio(method="between_groups")["selection_rate"]
            if np.isfinite(ratio):
                assert ours["disparity_ratio"].min() == pytest.approx(ratio)
                assert bool(ours["four_fifths_flag"].any()) == bool(ratio < 0.8)


def test_fairness_sweep_at_the_own_threshold_is_the_fairness_table():
    cohort, groups = cohort_and_groups(seed=4)
    sweep = fairness_sweep(cohort, groups, [("definition", 150.0)])  # the cut cohort_and_groups selects with
    table = fairness_table(cohort, groups)
    pd.testing.assert_frame_equal(
        sweep.drop(columns=["threshold_label", "threshold", "overall_selected", "overall_selection_rate"]), table
    )
