"""Power and minimum detectable effect (MDE) for a planned evaluation, so a board knows before funding whether an
effect of the size it hopes for could be seen at all.

MDE = (t_{1−α/2} + t_{power}) × SE(estimate) (Bloom 1995, *Evaluation Review* 19:547), with the SE the design would
have:

- **ITS** (``its_mde``): the sampling SE of the OLS level-change coefficient of ``its.design_matrix`` when the
  errors are AR(1) with standard deviation σ and lag-1 autocorrelation ρ: Var(b) = (X'X)⁻¹ X'ΣX (X'X)⁻¹ with
  Σ_st = σ² ρ^|s−t|. σ and ρ come from the partnership's own series (``series_noise``: residuals of trend +
  seasonality fitted to the pre-period).
- **DiD** (``did_mde``): McKenzie (2012, *J Dev Econ* 99:210, eq. 3) for m pre and r post periods, n_T treated and
  n_C comparison units and within-unit correlation ρ: Var = σ²(1/n_T + 1/n_C)·[(1+(m−1)ρ)/m + (1+(r−1)ρ)/r − 2ρ].
  σ² and ρ from a panel (``panel_noise``: period effects removed, ρ the intra-unit correlation).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from scipy import stats

from svduty.analysis.evaluation import EvaluationError
from svduty.analysis.evaluation.its import design_matrix


def _multiplier(df: float, alpha: float, power: float) -> float:
    return float(stats.t.ppf(1 - alpha / 2, df) + stats.t.ppf(power, df))


def its_se(
    n_pre: int,
    n_post: int,
    sigma: float,
    rho: float,
    *,
    seasonality: str = "month",
    frequency: str = "month",
    start: str = "2020-01-01",
) -> tuple[float, int]:
    """Sampling SE of the level change under AR(1) errors, and the residual degrees of freedom."""
    n = n_pre + n_post
    periods = pd.Series(pd.date_range(start, periods=n, freq="QS" if frequency == "quarter" else "MS"))
    X = design_matrix(periods, n_pre, seasonality=seasonality, frequency=frequency)[0].to_numpy()
    if n - X.shape[1] < 1:
        raise EvaluationError(f"{n} periods are too few for the {X.shape[1]} parameters of this design")
    lag = np.abs(np.subtract.outer(np.arange(n), np.arange(n)))
    cov_e = sigma**2 * rho**lag
    bread = np.linalg.inv(X.T @ X)
    V = bread @ X.T @ cov_e @ X @ bread
    return float(np.sqrt(V[2, 2])), n - X.shape[1]


def its_mde(
    n_pre: int,
    n_post: int,
    sigma: float,
    rho: float = 0.0,
    *,
    alpha: float = 0.05,
    power: float = 0.8,
    seasonality: str = "month",
    frequency: str = "month",
) -> dict[str, float]:
    se, df = its_se(n_pre, n_post, sigma, rho, seasonality=seasonality, frequency=frequency)
    return {"se": se, "df": df, "mde": _multiplier(df, alpha, power) * se}


def did_mde(
    n_treated: int,
    n_control: int,
    m_pre: int,
    r_post: int,
    sigma: float,
    rho: float = 0.0,
    *,
    alpha: float = 0.05,
    power: float = 0.8,
) -> dict[str, float]:
    if min(n_treated, n_control, m_pre, r_post) < 1:
        raise EvaluationError("DiD power needs at least one treated and one comparison unit, pre- and post-period")
    bracket = (1 + (m_pre - 1) * rho) / m_pre + (1 + (r_post - 1) * rho) / r_post - 2 * rho
    se = float(np.sqrt(sigma**2 * (1 / n_treated + 1 / n_control) * max(bracket, 0.0)))
    df = max(1, n_treated + n_control - 2)
    return {"se": se, "df": df, "mde": _multiplier(df, alpha, power) * se}


def series_noise(frame: pd.DataFrame, *, seasonality: str = "month", frequency: str = "month") -> dict[str, float]:
    """σ, lag-1 ρ and mean of a series' residuals after trend and seasonality (the pre-intervention noise)."""
    y = frame["value"].to_numpy(dtype=float)
    X = design_matrix(frame["period"], len(frame), seasonality=seasonality, frequency=frequency)[0]
    X = X.drop(columns=["post", "time_since"]).to_numpy()
    if len(y) - X.shape[1] < 3:
        raise EvaluationError(f"{len(y)} periods are too few to estimate the noise (try --seasonality none)")
    beta = np.linalg.lstsq(X, y, rcond=None)[0]
    e = y - X @ beta
    sigma = float(np.sqrt(e @ e / (len(y) - X.shape[1])))
    rho = float(np.clip(np.corrcoef(e[:-1], e[1:])[0, 1], -0.95, 0.95)) if len(e) > 3 else 0.0
    return {"sigma": sigma, "rho": rho, "mean": float(y.mean()), "periods": len(y)}


def panel_noise(panel: pd.DataFrame) -> dict[str, float]:
    """σ and intra-unit correlation ρ of a unit × period panel after period effects are removed."""
    wide = panel.pivot_table(index="unit", columns="period", values="value", aggfunc="sum").to_numpy(dtype=float)
    G, T = wide.shape
    if G < 3 or T < 2:
        raise EvaluationError("a panel for DiD power needs at least 3 units and 2 periods")
    e = wide - wide.mean(axis=0, keepdims=True)
    msb = T * ((e.mean(axis=1) - e.mean()) ** 2).sum() / (G - 1)
    msw = ((e - e.mean(axis=1, keepdims=True)) ** 2).sum() / (G * (T - 1))
    var_u = max(0.0, (msb - msw) / T)
    rho = var_u / (var_u + msw) if var_u + msw > 0 else 0.0
    return {"sigma": float(np.sqrt(var_u + msw)), "rho": float(rho), "mean": float(wide.mean()), "units": G}


@dataclass
class PowerResult:
    design: str
    noise: dict[str, float]
    alpha: float
    power: float
    headline: dict[str, Any]
    curve: pd.DataFrame  # the MDE as the design grows (post periods or treated units)

    def to_json(self) -> dict[str, Any]:
        return {
            "design": f"power / minimum detectable effect ({self.design})",
            "alpha": self.alpha,
            "power": self.power,
            "noise": self.noise,
            **self.headline,
            "curve": self.curve.to_dict("records"),
        }


def its_power(
    frame: pd.DataFrame,
    n_pre: int,
    n_post: int,
    *,
    alpha: float = 0.05,
    power: float = 0.8,
    seasonality: str = "month",
    frequency: str = "month",
) -> PowerResult:
    noise = series_noise(frame, seasonality=seasonality, frequency=frequency)
    head = its_mde(
        n_pre,
        n_post,
        noise["sigma"],
        noise["rho"],
        alpha=alpha,
        power=power,
        seasonality=seasonality,
        frequency=frequency,
    )
    rows = []
    for post in range(2, max(n_post, 24) + 1):
        try:
            m = its_mde(
                n_pre,
                post,
                noise["sigma"],
                noise["rho"],
                alpha=alpha,
                power=power,
                seasonality=seasonality,
                frequency=frequency,
            )
        except EvaluationError:
            continue
        rows.append({"n_pre": n_pre, "n_post": post, "mde": m["mde"], "mde_pct_of_mean": m["mde"] / noise["mean"]})
    headline = {
        "n_pre": n_pre,
        "n_post": n_post,
        "mde": head["mde"],
        "se": head["se"],
        "mde_pct_of_mean": head["mde"] / noise["mean"] if noise["mean"] else None,
        "effect": "level change (per period) at the interruption",
    }
    return PowerResult("interrupted time series", noise, alpha, power, headline, pd.DataFrame(rows))


def did_power(
    panel: pd.DataFrame,
    n_treated: int,
    n_control: int,
    m_pre: int,
    r_post: int,
    *,
    alpha: float = 0.05,
    power: float = 0.8,
) -> PowerResult:
    noise = panel_noise(panel)
    head = did_mde(n_treated, n_control, m_pre, r_post, noise["sigma"], noise["rho"], alpha=alpha, power=power)
    rows = []
    for nt in sorted({1, 2, 5, 10, 20, 50, 100, n_treated}):
        m = did_mde(nt, n_control, m_pre, r_post, noise["sigma"], noise["rho"], alpha=alpha, power=power)
        rows.append(
            {
                "n_treated": nt,
                "n_control": n_control,
                "mde": m["mde"],
                "mde_pct_of_mean": m["mde"] / noise["mean"] if noise["mean"] else None,
            }
        )
    headline = {
        "n_treated": n_treated,
        "n_control": n_control,
        "m_pre": m_pre,
        "r_post": r_post,
        "mde": head["mde"],
        "se": head["se"],
        "mde_pct_of_mean": head["mde"] / noise["mean"] if noise["mean"] else None,
        "effect": "average effect per unit and period after adoption",
    }
    return PowerResult("difference-in-differences", noise, alpha, power, headline, pd.DataFrame(rows))
