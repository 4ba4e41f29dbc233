"""Interrupted time series checked against statsmodels written independently (formula API, its own design) and a
hand-written Newey–West; simulations for coverage and false positives of the corrected HAC intervals.

The real series is counted with pandas straight from the 36 City of London police.uk CSVs, not by svduty.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import statsmodels.api as sm
import statsmodels.formula.api as smf

from svduty.analysis.evaluation import EvaluationError
from svduty.analysis.evaluation.hac import newey_west_lags, ols_hac_many, small_sample, working_rho
from svduty.analysis.evaluation.its import design_matrix, fit_its


@pytest.fixture(scope="module")
def monthly(real_data: Path) -> pd.DataFrame:
    files = sorted((real_data / "police-uk" / "city-of-london").glob("*/*.csv"))
    raw = pd.concat([pd.read_csv(f, usecols=["Month", "Crime type"]) for f in files], ignore_index=True)
    counts = raw[raw["Crime type"] != "Anti-social behaviour"].groupby("Month").size()
    frame = pd.DataFrame({"period": pd.to_datetime(counts.index), "count": counts.to_numpy()})
    frame["value"] = frame["count"].astype(float)
    frame["residents"] = 8584.0
    return frame


def independent_frame(monthly: pd.DataFrame) -> pd.DataFrame:
    d = monthly.copy()
    d["t"] = np.arange(len(d))
    t0 = int(np.flatnonzero(d["period"] == "2020-04-01")[0])
    d["step"] = (d["t"] >= t0).astype(int)
    d["since"] = np.clip(d["t"] - t0, 0, None)
    d["moy"] = d["period"].dt.month
    return d


def test_ols_coefficients_and_hac_match_statsmodels_formula(monthly):
    d = independent_frame(monthly)
    ref = smf.ols("value ~ t + step + since + C(moy)", data=d).fit(cov_type="HAC", cov_kwds={"maxlags": 3})
    r = fit_its(monthly, date(2020, 4, 1), seasonality="month")
    coef = r.coefficients.set_index("term")
    assert r.hac_lags == 3 == newey_west_lags(36)
    for ours, theirs in (("post", "step"), ("time_since", "since"), ("time", "t")):
        assert coef.loc[ours, "estimate"] == pytest.approx(ref.params[theirs], rel=1e-9)
        assert coef.loc[ours, "se_hac"] == pytest.approx(ref.bse[theirs], rel=1e-9)
    assert r.n_pre == 16 and r.n_post == 20
    j = r.to_json()
    for key in (
        "level_change",
        "level_change_ci",
        "level_change_p",
        "slope_change",
        "slope_change_p",
        "relative_change",
        "hac_lags",
        "n_pre",
        "n_post",
        "model",
    ):
        assert key in j
    assert j["model"] == "count ~ time + post + time_since + C(month_of_year)"


def test_hand_written_newey_west_equals_statsmodels(monthly):
    X = design_matrix(monthly["period"], 16, seasonality="fourier")[0].to_numpy()
    y = monthly["value"].to_numpy()
    ref = sm.OLS(y, X).fit(cov_type="HAC", cov_kwds={"maxlags": 4})
    # Newey–West by its definition: (X'X)^-1 [Σ_j w_j Σ_t x_t u_t u_{t-j} x_{t-j}'] (X'X)^-1
    u = ref.resid
    meat = np.zeros((X.shape[1], X.shape[1]))
    for s in range(len(y)):
        for t in range(len(y)):
            w = max(0.0, 1 - abs(s - t) / 5)
            meat += w * u[s] * u[t] * np.outer(X[s], X[t])
    bread = np.linalg.inv(X.T @ X)
    assert np.sqrt(np.diag(bread @ meat @ bread)) == pytest.approx(ref.bse, rel=1e-9)
    _, V, _ = ols_hac_many(X, y[:, None], 4)
    assert np.sqrt(np.diag(V[0])) == pytest.approx(ref.bse, rel=1e-9)


def test_poisson_and_negbin_match_statsmodels_with_offset(monthly):
    d = independent_frame(monthly)
    off = np.log(d["residents"] / 1000)
    ref = smf.glm("count ~ t + step + since + C(moy)", data=d, family=sm.families.Poisson(), offset=off).fit(
        cov_type="HAC", cov_kwds={"maxlags": 3}
    )
    r = fit_its(monthly, date(2020, 4, 1), family="poisson", rate=True)
    coef = r.coefficients.set_index("term")
    assert coef.loc["post", "estimate"] == pytest.approx(ref.params["step"], rel=1e-7)
    assert coef.loc["post", "se"] == pytest.approx(ref.bse["step"], rel=1e-6)
    nb = smf.negativebinomial("count ~ t + step + since + C(moy)", data=d, offset=off).fit(disp=0, maxiter=2000)
    rn = fit_its(monthly, date(2020, 4, 1), family="negbin", rate=True)
    assert rn.coef("post")["estimate"] == pytest.approx(nb.params["step"], abs=2e-4)
    # with rates the fitted values are per 1,000 residents
    assert rn.table["observed"].iloc[0] == pytest.approx(monthly["count"].iloc[0])


def test_real_lockdown_example(monthly):
    r = fit_its(monthly, date(2020, 4, 1))
    j = r.to_json()
    assert j["level_change"] < 0 and j["level_change_ci"][1] < 0  # the April 2020 fall is unmistakable
    assert -0.7 < j["relative_change"] < -0.3
    assert j["checks"]["placebo"]["done"] and j["checks"]["placebo"]["interruption"] == "2019-08"
    # the corrected interval is wider than plain Newey–West's
    assert j["level_change_se"] > j["level_change_se_hac"]


def test_temporary_intervention_terms(monthly):
    r = fit_its(monthly, date(2020, 4, 1), end=date(2020, 6, 1))
    j = r.to_json()
    assert j["end"] == "2020-06" and "after_end" in j and "time_since_end" in j
    assert j["effect"]["periods"] == 3
    with pytest.raises(EvaluationError):
        fit_its(monthly, date(2020, 4, 1), end=date(2020, 2, 1))
    with pytest.raises(EvaluationError, match="outside the series"):
        fit_its(monthly, date(2023, 4, 1))


def _ar1(rng, n: int, sims: int, rho: float) -> np.ndarray:
    e = np.empty((n, sims))
    e[0] = rng.normal(size=sims) / np.sqrt(1 - rho**2)
    for i in range(1, n):
        e[i] = rho * e[i - 1] + rng.normal(size=sims)
    return e


def _corrected(X, Y, lags):
    """The estimator fit_its uses (HAC + small-sample correction), vectorised over simulated series."""
    from scipy import stats

    B, V, U = ols_hac_many(X, Y, lags)
    rho = np.round(working_rho(U), 2)
    lo, hi = np.empty(Y.shape[1]), np.empty(Y.shape[1])
    cache: dict[float, tuple] = {}
    for s in range(Y.shape[1]):
        if rho[s] not in cache:
            cache[rho[s]] = small_sample(X, lags, float(rho[s]), np.eye(X.shape[1])[2:3])
        f, df = cache[rho[s]]
        se = np.sqrt(V[s, 2, 2] * f[0])
        c = stats.t.ppf(0.975, df[0])
        lo[s], hi[s] = B[2, s] - c * se, B[2, s] + c * se
    return lo, hi


def test_vectorised_estimator_is_fit_its():
    rng = np.random.default_rng(1)
    n = 48
    periods = pd.Series(pd.date_range("2018-01-01", periods=n, freq="MS"))
    y = 40 + 5 * rng.normal(size=n)
    frame = pd.DataFrame({"period": periods, "value": y, "count": y, "residents": 1.0})
    r = fit_its(frame, date(2020, 1, 1), checks=False)
    X = design_matrix(periods, 24)[0].to_numpy()
    lo, hi = _corrected(X, y[:, None], newey_west_lags(n))
    level = r.coef("post")
    assert (level["ci_low"], level["ci_high"]) == pytest.approx((lo[0], hi[0]), rel=1e-9, abs=1e-9)


SIMS = 400


@pytest.mark.parametrize("effect", [6.0, 0.0])
def test_simulated_coverage_and_false_positives(effect):
    """AR(1) errors (ρ = 0.2), 72 months, seasonality and trend: the corrected 95% interval covers the planted
    level change in 93–97% of 400 series; with no effect it is 'significant' in about 5%."""
    rng = np.random.default_rng(20261201)
    n, t0 = 72, 36
    periods = pd.Series(pd.date_range("2016-01-01", periods=n, freq="MS"))
    X = design_matrix(periods, t0)[0].to_numpy()
    month = periods.dt.month.to_numpy()[:, None]
    trend = 50 + 0.2 * np.arange(n)[:, None] + 5 * np.sin(2 * np.pi * month / 12)
    Y = trend + effect * (np.arange(n)[:, None] >= t0) + 3 * _ar1(rng, n, SIMS, 0.2)
    lo, hi = _corrected(X, Y, newey_west_lags(n))
    covered = np.mean((lo <= effect) & (effect <= hi))
    assert 0.93 <= covered <= 0.97
    if effect == 0.0:
        assert 0.03 <= 1 - covered <= 0.07


def test_plain_newey_west_overrejects_on_short_series():
    """Why the correction exists: on 36 months plain Newey–West + t rejects a true null far above 5%."""
    from scipy import stats

    rng = np.random.default_rng(7)
    n = 36
    X = design_matrix(pd.Series(pd.date_range("2018-12-01", periods=n, freq="MS")), 16)[0].to_numpy()
    Y = _ar1(rng, n, SIMS, 0.0)
    B, V, _ = ols_hac_many(X, Y, newey_west_lags(n))
    plain = np.mean(np.abs(B[2] / np.sqrt(V[:, 2, 2])) > stats.t.ppf(0.975, n - X.shape[1]))
    lo, hi = _corrected(X, Y, newey_west_lags(n))
    assert plain > 0.15
    assert np.mean((lo > 0) | (hi < 0)) < 0.08
