"""Synthetic control checked against pysyncon (weights and gaps, same data, V = identity on scaled predictors), an
independent SLSQP solve of the simplex least squares, and a brute-force placebo-in-space permutation."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from scipy import optimize

from svduty.analysis.evaluation import EvaluationError, synth


def factor_panel(seed: int = 3, J: int = 40, T: int = 30, t0: int = 20, effect: float = -3.0):
    rng = np.random.default_rng(seed)
    f = rng.normal(size=(T, 3)).cumsum(axis=0)
    Y = 10 + f @ rng.uniform(0, 1, size=(3, J + 1)) + rng.normal(scale=0.5, size=(T, J + 1))
    Y[t0:, 0] += effect
    units = [f"u{j:03d}" for j in range(J + 1)]
    periods = pd.date_range("2019-01-01", periods=T, freq="MS")
    rows = [(u, u, p, Y[t, j]) for j, u in enumerate(units) for t, p in enumerate(periods)]
    return pd.DataFrame(rows, columns=["unit", "unit_name", "period", "value"]), units, periods, Y


def slsqp(X1, X0):
    J = X0.shape[1]
    res = optimize.minimize(
        lambda w: np.sum((X1 - X0 @ w) ** 2),
        np.full(J, 1 / J),
        jac=lambda w: -2 * X0.T @ (X1 - X0 @ w),
        bounds=[(0, 1)] * J,
        constraints=[{"type": "eq", "fun": lambda w: w.sum() - 1}],
        method="SLSQP",
        options={"ftol": 1e-14, "maxiter": 2000},
    )
    return res.x


def test_simplex_weights_match_an_independent_solver():
    rng = np.random.default_rng(0)
    for _ in range(5):
        X0 = rng.normal(size=(12, 8))
        X1 = X0 @ rng.dirichlet(np.ones(8)) + rng.normal(scale=0.3, size=12)
        ours, ref = synth.simplex_weights(X1, X0), slsqp(X1, X0)
        assert ours.min() >= 0 and ours.sum() == pytest.approx(1, abs=1e-12)
        assert np.sum((X1 - X0 @ ours) ** 2) <= np.sum((X1 - X0 @ ref) ** 2) + 1e-10
        assert np.abs(ours - ref).max() < 1e-4


def test_weights_and_gaps_match_pysyncon():
    from pysyncon import Dataprep, Synth

    panel, units, periods, Y = factor_panel()
    t0 = 20
    ours = synth.estimate(panel, ["u000"], periods[t0])
    dp = Dataprep(
        foo=panel,
        predictors=[],
        predictors_op="mean",
        dependent="value",
        unit_variable="unit",
        time_variable="period",
        treatment_identifier="u000",
        controls_identifier=units[1:],
        time_predictors_prior=periods[:t0],
        time_optimize_ssr=periods[:t0],
        special_predictors=[("value", [p], "mean") for p in periods[:t0]],
    )
    ref = Synth()
    ref.fit(dp, custom_V=np.ones(t0))
    w_ref = pd.Series(ref.W, index=units[1:])
    w_ours = ours.weights.set_index("unit")["weight"].reindex(units[1:])
    assert (w_ours - w_ref).abs().max() < 5e-3  # pysyncon's SLSQP stops at ~1e-4 on the objective
    Z0, Z1 = dp.make_outcome_mats(time_period=periods)
    gap_ref = Z1.to_numpy() - Z0.to_numpy() @ ref.W
    assert np.abs(gap_ref - ours.table["gap"].to_numpy()).max() < 0.01
    # ours is at least as good a solution of the same problem
    sd = np.hstack([Y[:t0, 1:], Y[:t0, :1]]).std(axis=1, ddof=1)
    loss = lambda w: np.sum(((Y[:t0, 0] - Y[:t0, 1:] @ w) / sd) ** 2)  # noqa: E731
    assert loss(w_ours.to_numpy()) <= loss(ref.W) + 1e-9
    assert ours.att == pytest.approx(-3.0, abs=1.0)


def test_placebo_p_value_equals_brute_force_permutation():
    panel, _units, periods, Y = factor_panel(seed=5, J=15, T=24, t0=16, effect=-4.0)
    r = synth.estimate(panel, ["u000"], periods[16])
    t0 = 16

    def ratio(j: int, pool: list[int]) -> float:
        sd = np.hstack([Y[:t0, pool], Y[:t0, [j]]]).std(axis=1, ddof=1)
        w = slsqp(Y[:t0, j] / sd, Y[:t0, pool] / sd[:, None])
        gap = Y[:, j] - Y[:, pool] @ w
        return np.sqrt(np.mean(gap[t0:] ** 2)) / np.sqrt(np.mean(gap[:t0] ** 2))

    treated = ratio(0, list(range(1, 16)))
    placebo = [ratio(j, [k for k in range(1, 16) if k != j]) for j in range(1, 16)]
    brute = (1 + sum(p >= treated for p in placebo)) / 16
    assert r.ratio == pytest.approx(treated, rel=1e-3)
    assert r.placebos["ratio"].to_numpy() == pytest.approx(np.array(placebo), rel=1e-3)
    assert r.p_value == pytest.approx(brute)
    assert r.p_value == pytest.approx(1 / 16)  # a planted −4 on noise 0.5 ranks first
    pt = r.placebo_time
    assert pt["done"] and pt["rmspe_ratio"] < r.ratio


def test_means_predictors_and_errors():
    panel, _units, periods, _ = factor_panel(J=12)
    r = synth.estimate(panel, ["u000"], periods[20], predictors="means")
    assert r.weights["weight"].sum() == pytest.approx(1)
    assert r.v.sum() == pytest.approx(1)
    with pytest.raises(EvaluationError, match="not in the panel"):
        synth.estimate(panel, ["zzz"], periods[20])
    with pytest.raises(EvaluationError, match="predictors"):
        synth.estimate(panel, ["u000"], periods[20], predictors="covariates")
