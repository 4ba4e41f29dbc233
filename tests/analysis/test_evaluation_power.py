"""Power and MDE checked by simulation: the formula SE is the spread of the estimate, and an effect of the MDE is
detected with the stated power."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from svduty.analysis.evaluation import power
from svduty.analysis.evaluation.its import design_matrix


def test_its_se_is_the_monte_carlo_spread_and_mde_has_80_percent_power():
    rng = np.random.default_rng(4)
    n_pre, n_post, sigma, rho, sims = 30, 18, 4.0, 0.3, 4000
    n = n_pre + n_post
    X = design_matrix(pd.Series(pd.date_range("2020-01-01", periods=n, freq="MS")), n_pre)[0].to_numpy()
    e = np.empty((n, sims))
    e[0] = rng.normal(size=sims) / np.sqrt(1 - rho**2)
    for i in range(1, n):
        e[i] = rho * e[i - 1] + rng.normal(size=sims)
    m = power.its_mde(n_pre, n_post, sigma, rho)
    Y = sigma * np.sqrt(1 - rho**2) * e + m["mde"] * X[:, 2:3]  # innovations scaled so Var(e_t) = σ²
    B = np.linalg.lstsq(X, Y, rcond=None)[0]
    assert B[2].std() == pytest.approx(m["se"], rel=0.05)
    detected = np.abs(B[2] / m["se"]) > stats.t.ppf(0.975, m["df"])
    assert detected.mean() == pytest.approx(0.8, abs=0.03)


def test_did_mde_matches_simulation_of_mckenzie_design():
    rng = np.random.default_rng(9)
    nt, nc, m_pre, r_post, sigma, rho, sims = 20, 30, 6, 6, 2.0, 0.5, 4000
    G, T = nt + nc, m_pre + r_post
    unit = rng.normal(scale=sigma * np.sqrt(rho), size=(sims, G, 1))
    y = unit + rng.normal(scale=sigma * np.sqrt(1 - rho), size=(sims, G, T))
    diff = y[:, :, m_pre:].mean(axis=2) - y[:, :, :m_pre].mean(axis=2)
    est = diff[:, :nt].mean(axis=1) - diff[:, nt:].mean(axis=1)
    m = power.did_mde(nt, nc, m_pre, r_post, sigma, rho)
    assert est.std() == pytest.approx(m["se"], rel=0.05)


def test_noise_estimates_recover_sigma_and_rho():
    rng = np.random.default_rng(2)
    n = 240
    e = np.empty(n)
    e[0] = rng.normal()
    for i in range(1, n):
        e[i] = 0.4 * e[i - 1] + rng.normal()
    frame = pd.DataFrame({"period": pd.date_range("2000-01-01", periods=n, freq="MS"), "value": 20 + 3 * e})
    noise = power.series_noise(frame)
    assert noise["rho"] == pytest.approx(0.4, abs=0.12)
    assert noise["sigma"] == pytest.approx(3 / np.sqrt(1 - 0.16), rel=0.15)
