"""Synthetic-control benchmark: 300 donor units × 60 months, one treated unit, weights fitted on 48 pre-months, then
placebo-in-space over every donor — svduty beside pysyncon on the same data.

The data are a factor model (three random-walk factors, unit loadings on the simplex-like range, noise), with a
planted −3 effect on the treated unit, which is a convex combination of eight donors plus noise. pysyncon is run
with the same problem (each pre-period outcome a predictor, V = identity on predictors scaled by their standard
deviation, as svduty's ``outcomes`` option). Its placebo loop is pysyncon's ``Synth.fit`` once per donor; with
``--placebos N`` only the first N donors are run through pysyncon and its full-loop time is extrapolated (stated).

Run: ``.venv/bin/python benchmarks/evaluation.py [--placebos N]``.
"""

from __future__ import annotations

import argparse
import time
import warnings

import numpy as np
import pandas as pd

from svduty.analysis.evaluation import synth

J, T, T0 = 300, 60, 48


def make_data(seed: int = 2026) -> tuple[pd.DataFrame, np.ndarray, list[str], pd.DatetimeIndex]:
    rng = np.random.default_rng(seed)
    factors = rng.normal(size=(T, 3)).cumsum(axis=0)
    Y = 20 + factors @ rng.uniform(0, 1, size=(3, J)) + rng.normal(scale=0.8, size=(T, J))
    w = np.zeros(J)
    w[rng.choice(J, 8, replace=False)] = rng.dirichlet(np.ones(8))
    treated = Y @ w + rng.normal(scale=0.5, size=T)
    treated[T0:] -= 3.0
    Y = np.column_stack([treated, Y])
    units = [f"u{j:03d}" for j in range(J + 1)]
    periods = pd.date_range("2019-01-01", periods=T, freq="MS")
    panel = pd.DataFrame(
        {
            "unit": np.repeat(units, T),
            "unit_name": np.repeat(units, T),
            "period": np.tile(periods, J + 1),
            "value": Y.T.ravel(),
        }
    )
    return panel, Y, units, periods


def pysyncon_fit(panel: pd.DataFrame, treated: str, controls: list[str], periods: pd.DatetimeIndex):
    from pysyncon import Dataprep, Synth

    dp = Dataprep(
        foo=panel,
        predictors=[],
        predictors_op="mean",
        dependent="value",
        unit_variable="unit",
        time_variable="period",
        treatment_identifier=treated,
        controls_identifier=controls,
        time_predictors_prior=periods[:T0],
        time_optimize_ssr=periods[:T0],
        special_predictors=[("value", [p], "mean") for p in periods[:T0]],
    )
    model = Synth()
    model.fit(dp, custom_V=np.ones(T0))
    Z0, Z1 = dp.make_outcome_mats(time_period=periods)
    gap = Z1.to_numpy() - Z0.to_numpy() @ model.W
    return np.asarray(model.W), gap


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--placebos", type=int, default=2, help="donors run through pysyncon's placebo loop")
    args = parser.parse_args()
    warnings.filterwarnings("ignore")
    panel, Y, units, periods = make_data()

    t = time.perf_counter()
    ours = synth.estimate(panel, [units[0]], periods[T0])
    t_ours = time.perf_counter() - t
    t = time.perf_counter()
    synth.simplex_weights(*synth._scaled(Y[:T0, 0], Y[:T0, 1:]))
    t_ours_fit = time.perf_counter() - t

    t = time.perf_counter()
    w_ref, gap_ref = pysyncon_fit(panel, units[0], units[1:], periods)
    t_ref_fit = time.perf_counter() - t
    w_ours = ours.weights.set_index("unit")["weight"].reindex(units[1:]).to_numpy()

    n = min(args.placebos, J)
    t = time.perf_counter()
    ratios = []
    donors = units[1:]
    sub = panel[panel["unit"] != units[0]]
    for j in range(n):
        _, gap = pysyncon_fit(sub, donors[j], [d for d in donors if d != donors[j]], periods)
        ratios.append(np.sqrt(np.mean(gap[T0:] ** 2)) / np.sqrt(np.mean(gap[:T0] ** 2)))
    t_ref_placebo = (time.perf_counter() - t) * J / max(n, 1)
    ours_ratios = ours.placebos["ratio"].to_numpy()[:n]

    print(f"synthetic control, {J} donors × {T} months ({T0} pre), placebo-in-space over all {J} donors")
    print(f"{'':44s}{'svduty':>12s}{'pysyncon':>14s}")
    print(f"{'one fit (weights), s':44s}{t_ours_fit:12.3f}{t_ref_fit:14.3f}")
    label = "placebo-in-space, s" + ("" if n == J else f" (pysyncon: {n} run, ×{J / n:.0f})")
    print(f"{label:44s}{t_ours:12.2f}{t_ref_placebo:14.1f}")
    print(f"max |weight difference|, treated fit: {np.abs(w_ours - w_ref).max():.2e}")
    print(f"max |gap difference|, all 60 months:   {np.abs(ours.table['gap'].to_numpy() - gap_ref).max():.2e}")
    print(f"max |post/pre RMSPE ratio difference|, first {n} placebos: {np.abs(ours_ratios - ratios).max():.2e}")
    sd = np.hstack([Y[:T0, 1:], Y[:T0, :1]]).std(axis=1, ddof=1)
    loss = lambda w: float(np.sum(((Y[:T0, 0] - Y[:T0, 1:] @ w) / sd) ** 2))  # noqa: E731
    print(f"pre-period loss (scaled): svduty {loss(w_ours):.6f}, pysyncon {loss(w_ref):.6f}")
    print(f"estimate: mean post gap {ours.att:+.3f} (planted −3), placebo p = {ours.p_value:.4f}")


if __name__ == "__main__":
    main()
