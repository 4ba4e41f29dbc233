"""Newey–West (HAC) variances for short series, with the small-sample correction that makes them honest.

Newey & West (1987) with the Bartlett kernel is consistent, but on the series partnerships have (three years of
months) it is badly biased downward: residuals are shrunk by the fit and the step regressor of an interrupted time
series is persistent. In simulation (tests/analysis/test_evaluation_its.py) plain Newey–West with a t reference
rejects a true null of no level change about 25% of the time at the 5% level on 36 months with month-of-year
terms, and about 14% on 72 months.

The correction follows Bell & McCaffrey (2002) and Imbens & Kolesár (2016, *Rev Econ Stat* 98:701) for robust
variances, applied to the HAC estimator: under a working model for the errors — AR(1) with ρ̂, the lag-1
autocorrelation of the OLS residuals, clipped to [0, 0.9] — the HAC estimate of Var(c'b) is a quadratic form in the
residuals whose mean and variance are known exactly. The variance is rescaled by (true variance ÷ its expected HAC
estimate) and referred to a t distribution with Satterthwaite degrees of freedom 2·E²/Var. The HAC estimator itself
(and so its robustness when the working model is wrong) is unchanged; both corrections tend to 1 and ∞ as the series
grows. With the correction the false-positive rate in the same simulations is close to 5%.
"""

from __future__ import annotations

import numpy as np


def newey_west_lags(n: int) -> int:
    """Newey & West (1994) rule of thumb for the Bartlett-kernel bandwidth: floor(4·(n/100)^(2/9))."""
    return int(np.floor(4 * (n / 100) ** (2 / 9)))


def bartlett_weights(n: int, lags: int) -> np.ndarray:
    lag = np.abs(np.subtract.outer(np.arange(n), np.arange(n)))
    return np.where(lag <= lags, 1 - lag / (lags + 1), 0.0)


def ols_hac_many(X: np.ndarray, Y: np.ndarray, lags: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """OLS of every column of ``Y`` on ``X`` with the Newey–West covariance (no small-sample factor, as
    statsmodels' ``cov_type='HAC'``). Returns (coefficients k × m, covariances m × k × k, residuals n × m)."""
    XtXi = np.linalg.inv(X.T @ X)
    B = XtXi @ X.T @ Y
    U = Y - X @ B
    S = np.einsum("tk,ts->stk", X, U)
    meat = np.einsum("stk,stl->skl", S, S)
    for j in range(1, lags + 1):
        G = np.einsum("stk,stl->skl", S[:, j:], S[:, :-j])
        meat += (1 - j / (lags + 1)) * (G + G.transpose(0, 2, 1))
    return B, XtXi @ meat @ XtXi, U


def working_rho(resid: np.ndarray) -> np.ndarray | float:
    """Lag-1 autocorrelation of residuals (columns = series), clipped to [0, 0.9] for the working model."""
    r = np.sum(resid[1:] * resid[:-1], axis=0) / np.sum(resid * resid, axis=0)
    return np.clip(r, 0.0, 0.9)


def small_sample(X: np.ndarray, lags: int, rho: float, rows: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """For each row g of ``rows`` (a linear combination g'b): (variance factor, Satterthwaite df) of its HAC
    variance under AR(1) working errors with autocorrelation ``rho``."""
    n = X.shape[0]
    XtXi = np.linalg.inv(X.T @ X)
    M = np.eye(n) - X @ XtXi @ X.T
    lag = np.abs(np.subtract.outer(np.arange(n), np.arange(n)))
    sigma = float(rho) ** lag
    K = bartlett_weights(n, lags)
    C = np.atleast_2d(rows) @ XtXi @ X.T  # each row: the weights of y in g'b
    factors, dfs = np.ones(len(C)), np.full(len(C), np.inf)
    MSM = M @ sigma @ M
    for i, c in enumerate(C):
        if not np.any(c):
            continue
        A = np.outer(c, c) * K
        expected = float(np.sum(A * MSM))  # E[û'Aû] = tr(A·MΣM)
        AS = M @ A @ MSM  # (M A M Σ) has the trace powers of the quadratic form (M idempotent)
        var_half = float(np.sum(AS * AS.T))  # tr((MAMΣ)²)
        true = float(c @ sigma @ c)
        if expected > 0 and var_half > 0:
            factors[i] = true / expected
            dfs[i] = expected**2 / var_half
    return factors, dfs
