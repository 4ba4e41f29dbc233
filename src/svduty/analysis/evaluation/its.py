"""Interrupted time series: segmented regression with a level and a slope change at the interruption.

Model (Wagner et al. 2002, *J Clin Pharm Ther* 27:299; Bernal, Cummins & Gasparrini 2017, *Int J Epidemiol*
46:348)::

    y_t = b0 + b1·time + b2·post + b3·time_since [+ b4·after_end + b5·time_since_end] + seasonality + e_t

``post`` is 1 from the first period of the intervention; ``time_since`` counts periods since it (0 in the first);
with an end of the intervention, ``after_end`` and ``time_since_end`` let the effect change once it stops
(a temporary effect shows as ``b4 ≈ −b2``). Seasonality is month-of-year (or quarter) indicators, Fourier terms
(two harmonics of the year for months, one for quarters) or none.

- ``ols``: least squares; standard errors Newey–West HAC (Bartlett kernel), with the lag from the Newey–West
  (1994) rule ``floor(4·(n/100)^(2/9))`` unless given, and the small-sample correction of ``hac`` (variance
  rescaled to be unbiased, t reference with Satterthwaite degrees of freedom, under a working AR(1) model):
  without it Newey–West on 36 months finds a "significant" change in a quarter of series that have none.
- ``poisson``: GLM Poisson (log link) with log(residents/1,000) as offset when rates are asked for, HAC sandwich
  standard errors (so over-dispersion and autocorrelation do not shrink them); coefficients are log rate ratios.
- ``negbin``: negative binomial (NB2, dispersion by maximum likelihood), same offset and HAC errors.

All fits are statsmodels. The counterfactual is the fitted model with the intervention terms set to zero; its
interval, and those of the period-by-period, cumulative and relative effects, come from the HAC covariance
(delta method for the log-link models). Checks: Ljung–Box test of residual autocorrelation, Durbin–Watson, and a
placebo interruption half-way through the pre-period fitted to the pre-period alone.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

import numpy as np
import pandas as pd
import statsmodels.api as sm
from scipy import stats

from svduty.analysis.evaluation import EvaluationError
from svduty.analysis.evaluation.hac import newey_west_lags, small_sample, working_rho

SEASONALITY = ("month", "fourier", "none")
MODELS = ("ols", "poisson", "negbin")
INTERVENTION_TERMS = ("post", "time_since", "after_end", "time_since_end")


@dataclass
class ITSResult:
    model: str  # the formula as text
    family: str
    seasonality: str
    frequency: str
    interruption: str
    end: str | None
    n_pre: int
    n_post: int
    hac_lags: int
    alpha: float
    coefficients: pd.DataFrame  # term, estimate, se, ci_low, ci_high, p
    table: pd.DataFrame  # period, label, observed, fitted, counterfactual, cf_low, cf_high, effect, …
    effect: dict[str, Any]
    checks: dict[str, Any]
    scale: str  # "additive" (ols) or "log" (poisson, negbin)
    value_label: str = ""
    notes: list[str] = field(default_factory=list)

    def coef(self, term: str) -> pd.Series:
        return self.coefficients.set_index("term").loc[term]

    def to_json(self) -> dict[str, Any]:
        level, slope = self.coef("post"), self.coef("time_since")
        out: dict[str, Any] = {
            "design": "interrupted time series",
            "level_change": float(level["estimate"]),
            "level_change_ci": [float(level["ci_low"]), float(level["ci_high"])],
            "level_change_p": float(level["p"]),
            "level_change_se": float(level["se"]),
            "level_change_se_hac": float(level["se_hac"]),
            "slope_change": float(slope["estimate"]),
            "slope_change_ci": [float(slope["ci_low"]), float(slope["ci_high"])],
            "slope_change_p": float(slope["p"]),
            "relative_change": self.effect["relative"],
            "relative_change_ci": self.effect["relative_ci"],
            "hac_lags": self.hac_lags,
            "n_pre": self.n_pre,
            "n_post": self.n_post,
            "model": self.model,
            "family": self.family,
            "scale": self.scale,
            "seasonality": self.seasonality,
            "frequency": self.frequency,
            "interruption": self.interruption,
            "end": self.end,
            "alpha": self.alpha,
            "effect": self.effect,
            "checks": self.checks,
            "coefficients": _records(self.coefficients),
            "notes": self.notes,
        }
        if self.scale == "log":
            out["level_change_ratio"] = float(np.exp(level["estimate"]))
            out["level_change_ratio_ci"] = [float(np.exp(level["ci_low"])), float(np.exp(level["ci_high"]))]
        if self.end:
            for term in ("after_end", "time_since_end"):
                row = self.coef(term)
                out[term] = float(row["estimate"])
                out[f"{term}_ci"] = [float(row["ci_low"]), float(row["ci_high"])]
                out[f"{term}_p"] = float(row["p"])
        return out


def _records(frame: pd.DataFrame) -> list[dict[str, Any]]:
    return [
        {k: (None if isinstance(v, float) and not np.isfinite(v) else v) for k, v in r.items()}
        for r in frame.to_dict("records")
    ]


# -- design --------------------------------------------------------------------------------------------------------
def _index_of(periods: pd.Series, when: date | pd.Timestamp, frequency: str) -> int:
    """Position of the period containing ``when`` (a month inside a quarter selects that quarter)."""
    stamp = pd.Timestamp(when)
    if frequency == "quarter":
        stamp = stamp.to_period("Q").start_time
    hits = np.flatnonzero(pd.to_datetime(periods).to_numpy() == stamp.to_datetime64())
    if not len(hits):
        first, last = pd.Timestamp(periods.iloc[0]), pd.Timestamp(periods.iloc[-1])
        raise EvaluationError(f"{stamp:%Y-%m} is outside the series ({first:%Y-%m} to {last:%Y-%m})")
    return int(hits[0])


def design_matrix(
    periods: pd.Series,
    t0: int,
    *,
    t_end: int | None = None,
    seasonality: str = "month",
    frequency: str = "month",
) -> tuple[pd.DataFrame, str]:
    """The segmented-regression design (one row per period) and its formula as text.

    ``t0`` is the position of the first intervention period; ``t_end`` the position of the last one.
    """
    if seasonality not in SEASONALITY:
        raise EvaluationError(f"--seasonality {seasonality!r} is not one of {', '.join(SEASONALITY)}")
    n = len(periods)
    time = np.arange(n, dtype=float)
    X = pd.DataFrame({"const": 1.0, "time": time, "post": (time >= t0).astype(float)})
    X["time_since"] = np.where(time >= t0, time - t0, 0.0)
    terms = ["time", "post", "time_since"]
    if t_end is not None:
        X["after_end"] = (time > t_end).astype(float)
        X["time_since_end"] = np.where(time > t_end, time - t_end - 1, 0.0)
        terms += ["after_end", "time_since_end"]
    stamps = pd.to_datetime(periods).reset_index(drop=True)
    cycle = stamps.dt.quarter.to_numpy() if frequency == "quarter" else stamps.dt.month.to_numpy()
    length = 4 if frequency == "quarter" else 12
    name = "quarter" if frequency == "quarter" else "month"
    if seasonality == "month":
        present = sorted(set(cycle))
        for c in present[1:]:  # the first calendar period present is the reference
            X[f"{name}_{c}"] = (cycle == c).astype(float)
        terms.append(f"C({name}_of_year)")
    elif seasonality == "fourier":
        harmonics = 1 if frequency == "quarter" else 2
        for k in range(1, harmonics + 1):
            X[f"sin{k}"] = np.sin(2 * np.pi * k * cycle / length)
            X[f"cos{k}"] = np.cos(2 * np.pi * k * cycle / length)
            terms += [f"sin(2π·{k}·{name}/{length})", f"cos(2π·{k}·{name}/{length})"]
    return X, " + ".join(terms)


# -- fit -----------------------------------------------------------------------------------------------------------
def _fit(y: np.ndarray, X: pd.DataFrame, family: str, lags: int, offset: np.ndarray | None, use_t: bool = True):
    cov = {"maxlags": lags}
    if family == "ols":
        return sm.OLS(y, X).fit(cov_type="HAC", cov_kwds=cov, use_t=use_t)
    if family == "poisson":
        return sm.GLM(y, X, family=sm.families.Poisson(), offset=offset).fit(cov_type="HAC", cov_kwds=cov)
    if family == "negbin":
        import warnings

        from statsmodels.tools.sm_exceptions import ConvergenceWarning, HessianInversionWarning

        model = sm.NegativeBinomial(y, X, loglike_method="nb2", offset=offset)
        # start from the Poisson fit (the NB2 mean model), dispersion 0.1: Newton from zeros can overflow
        poisson = sm.GLM(y, X, family=sm.families.Poisson(), offset=offset).fit()
        start = np.append(np.asarray(poisson.params), 0.1)
        with warnings.catch_warnings(), np.errstate(all="ignore"):
            warnings.simplefilter("ignore", ConvergenceWarning)
            warnings.simplefilter("ignore", HessianInversionWarning)  # dispersion at its boundary (no excess)
            res = model.fit(start, method="bfgs", cov_type="HAC", cov_kwds=cov, disp=0, maxiter=2000)
            if not res.mle_retvals.get("converged", True) or not np.all(np.isfinite(res.params)):
                res = model.fit(start, method="nm", cov_type="HAC", cov_kwds=cov, disp=0, maxiter=20000)
        if not res.mle_retvals.get("converged", True) or not np.all(np.isfinite(res.params)):
            raise EvaluationError("the negative-binomial fit did not converge: use --model poisson or ols")
        return res
    raise EvaluationError(f"--model {family!r} is not one of {', '.join(MODELS)}")


def fit_its(
    frame: pd.DataFrame,
    interruption: date,
    *,
    end: date | None = None,
    seasonality: str = "month",
    family: str = "ols",
    frequency: str = "month",
    hac_lags: int | None = None,
    alpha: float = 0.05,
    rate: bool = False,
    checks: bool = True,
    value_label: str = "",
) -> ITSResult:
    """Fit the segmented regression to ``frame`` (columns period, value, count, residents; one row per period)."""
    if family not in MODELS:
        raise EvaluationError(f"--model {family!r} is not one of {', '.join(MODELS)}")
    frame = frame.reset_index(drop=True)
    periods = frame["period"]
    t0 = _index_of(periods, interruption, frequency)
    t_end = _index_of(periods, end, frequency) if end is not None else None
    if t_end is not None and t_end < t0:
        raise EvaluationError(f"--end {pd.Timestamp(end):%Y-%m} is before --interruption {interruption:%Y-%m}")
    if t_end is not None and t_end >= len(frame) - 2:
        raise EvaluationError("--end leaves fewer than 2 periods after the intervention: drop --end or get more data")
    n_pre, n_post = t0, len(frame) - t0
    X, rhs = design_matrix(periods, t0, t_end=t_end, seasonality=seasonality, frequency=frequency)
    if n_pre < 3 or n_post < 2:
        raise EvaluationError(
            f"ITS needs at least 3 periods before and 2 after the interruption (has {n_pre}, {n_post})"
        )
    if len(frame) - X.shape[1] < 3:
        raise EvaluationError(
            f"{len(frame)} periods are too few for {X.shape[1]} parameters (try --seasonality fourier or none)"
        )
    lags = newey_west_lags(len(frame)) if hac_lags is None else int(hac_lags)
    scale = frame["residents"].to_numpy(dtype=float) / 1000 if rate else np.ones(len(frame))
    if family == "ols":
        y = frame["value"].to_numpy(dtype=float)
        offset = None
    else:
        y = frame["count"].to_numpy(dtype=float)
        offset = np.log(scale) if rate else None
    res = _fit(y, X, family, lags, offset)
    names = list(X.columns)
    params = pd.Series(np.asarray(res.params)[: len(names)], index=names)
    cov = np.asarray(res.cov_params())[: len(names), : len(names)]
    rho_w = float(working_rho(np.asarray(res.resid))) if family == "ols" else None
    adjust = _adjuster(X, lags, rho_w)
    coefficients = _coef_table(params, cov, adjust, alpha)
    table, effect = _effects(frame, X, params, cov, adjust, alpha, family, scale, offset, t0, t_end)
    dep = "rate per 1,000" if rate and family == "ols" else "count"
    model = f"{dep} ~ {rhs}" + (" + offset(log(residents/1000))" if rate and family != "ols" else "")
    result = ITSResult(
        model=model,
        family=FAMILY_NAMES[family],
        seasonality=seasonality,
        frequency=frequency,
        interruption=f"{periods.iloc[t0]:%Y-%m}",
        end=f"{periods.iloc[t_end]:%Y-%m}" if t_end is not None else None,
        n_pre=n_pre,
        n_post=n_post,
        hac_lags=lags,
        alpha=alpha,
        coefficients=coefficients,
        table=table,
        effect=effect,
        checks={},
        scale="additive" if family == "ols" else "log",
        value_label=value_label,
    )
    if rho_w is not None:
        level_row = coefficients.set_index("term").loc["post"]
        result.checks["hac_small_sample"] = {
            "working_rho": rho_w,
            "level_change_variance_factor": float((level_row["se"] / level_row["se_hac"]) ** 2),
            "level_change_df": float(level_row["df"]),
        }
    if family == "negbin":
        result.checks["negbin_alpha"] = float(np.asarray(res.params)[-1])
    if checks:
        result.checks.update(_checks(res, frame, family, y, X, t0, seasonality, frequency, rate, alpha))
        result.notes += _notes(result, frame, family)
    return result


def _window_effect(frame, observed, eff, eff_se, eff_crit, fit0, grad, grad0, se_crit, adjust, t0, t_end) -> dict:
    """Sums over the intervention window: cumulative and relative effect, with intervals (delta method)."""
    last = t_end if t_end is not None else len(eff) - 1
    window = slice(t0, last + 1)
    g_sum = grad[window].sum(axis=0)
    total = float(eff[window].sum())
    total_se_a, total_crit_a = se_crit(g_sum[None, :])
    total_se, total_crit = float(total_se_a[0]), float(total_crit_a[0])
    cf_total = float(fit0[window].sum())
    # relative = Σeffect / Σcounterfactual; gradient by the quotient rule
    g_cf = grad0[window].sum(axis=0)
    g_rel = (g_sum * cf_total - total * g_cf) / cf_total**2 if cf_total else np.full_like(g_sum, np.nan)
    rel = total / cf_total if cf_total else float("nan")
    rel_se_a, rel_crit_a = se_crit(g_rel[None, :]) if cf_total else (np.array([np.nan]), np.array([np.nan]))
    rel_se, rel_crit = float(rel_se_a[0]), float(rel_crit_a[0])
    first_se, first_crit = float(eff_se[t0]), float(eff_crit[t0])
    effect = {
        "window": f"{frame['period'].iloc[t0]:%Y-%m} to {frame['period'].iloc[last]:%Y-%m}",
        "periods": int(last - t0 + 1),
        "first_period_effect": float(eff[t0]),
        "first_period_effect_ci": [float(eff[t0] - first_crit * first_se), float(eff[t0] + first_crit * first_se)],
        "last_period_effect": float(eff[last]),
        "cumulative": total,
        "cumulative_ci": [total - total_crit * total_se, total + total_crit * total_se],
        "cumulative_p": float(2 * stats.t.sf(abs(total / total_se), adjust(g_sum[None, :])[1][0]))
        if total_se
        else None,
        "counterfactual_total": cf_total,
        "observed_total": float(observed[window].sum()),
        "relative": rel,
        "relative_ci": [rel - rel_crit * rel_se, rel + rel_crit * rel_se],
    }
    return effect


def _adjuster(X: pd.DataFrame, lags: int, rho_w: float | None):
    """rows → (variance factors, degrees of freedom): the small-sample correction of ``hac`` for OLS (working
    AR(1) with ``rho_w``); none (normal reference) for the log-link models."""
    Xa = X.to_numpy(dtype=float)

    def adjust(rows: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        if rho_w is None:
            rows = np.atleast_2d(rows)
            return np.ones(len(rows)), np.full(len(rows), np.inf)
        return small_sample(Xa, lags, rho_w, rows)

    return adjust


FAMILY_NAMES = {"ols": "OLS", "poisson": "GLM Poisson (log link)", "negbin": "negative binomial NB2 (log link)"}


def _coef_table(params: pd.Series, cov: np.ndarray, adjust, alpha: float) -> pd.DataFrame:
    raw = np.sqrt(np.diag(cov))
    factor, df = adjust(np.eye(len(params)))
    se = raw * np.sqrt(factor)
    crit = stats.t.ppf(1 - alpha / 2, df)
    z = params.to_numpy() / se
    return pd.DataFrame(
        {
            "term": params.index,
            "estimate": params.to_numpy(),
            "se": se,
            "ci_low": params.to_numpy() - crit * se,
            "ci_high": params.to_numpy() + crit * se,
            "p": 2 * stats.t.sf(np.abs(z), df),
            "se_hac": raw,
            "df": df,
        }
    )


def _effects(
    frame: pd.DataFrame,
    X: pd.DataFrame,
    params: pd.Series,
    cov: np.ndarray,
    adjust,
    alpha: float,
    family: str,
    scale: np.ndarray,
    offset: np.ndarray | None,
    t0: int,
    t_end: int | None,
) -> tuple[pd.DataFrame, dict[str, Any]]:
    """Fitted, counterfactual and effect per period on the value scale, and their sums, with intervals."""
    X1 = X.to_numpy(dtype=float)
    X0 = X.copy()
    for term in INTERVENTION_TERMS:
        if term in X0:
            X0[term] = 0.0
    X0 = X0.to_numpy(dtype=float)
    b = params.to_numpy()
    off = np.zeros(len(X1)) if offset is None else offset
    q = 1 - alpha / 2

    def se_crit(rows: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        factor, df = adjust(rows)
        return np.sqrt(np.einsum("ij,jk,ik->i", rows, cov, rows) * factor), stats.t.ppf(q, df)

    if family == "ols":
        fit1, fit0 = X1 @ b, X0 @ b
        grad1, grad0 = X1, X0
        cf_se, cf_crit = se_crit(X0)
        cf_low, cf_high = fit0 - cf_crit * cf_se, fit0 + cf_crit * cf_se
    else:  # means of the value (count / scale) under the log link; delta-method gradients
        mu1, mu0 = np.exp(X1 @ b + off) / scale, np.exp(X0 @ b + off) / scale
        fit1, fit0 = mu1, mu0
        grad1, grad0 = X1 * mu1[:, None], X0 * mu0[:, None]
        eta_se, cf_crit = se_crit(X0)
        cf_low, cf_high = fit0 * np.exp(-cf_crit * eta_se), fit0 * np.exp(cf_crit * eta_se)
    grad = grad1 - grad0
    eff = fit1 - fit0
    eff_se, eff_crit = se_crit(grad)
    observed = frame["value"].to_numpy(dtype=float)
    table = pd.DataFrame(
        {
            "period": frame["period"],
            "label": frame.get("label", pd.to_datetime(frame["period"]).dt.strftime("%Y-%m")),
            "observed": observed,
            "fitted": fit1,
            "counterfactual": fit0,
            "counterfactual_low": cf_low,
            "counterfactual_high": cf_high,
            "effect": np.where(np.arange(len(X1)) >= t0, eff, 0.0),
            "effect_low": np.where(np.arange(len(X1)) >= t0, eff - eff_crit * eff_se, 0.0),
            "effect_high": np.where(np.arange(len(X1)) >= t0, eff + eff_crit * eff_se, 0.0),
            "phase": np.where(
                np.arange(len(X1)) < t0,
                "before",
                np.where(
                    t_end is not None and np.arange(len(X1)) > (t_end if t_end is not None else 0),
                    "after end",
                    "intervention",
                ),
            ),
        }
    )
    effect = _window_effect(frame, observed, eff, eff_se, eff_crit, fit0, grad, grad0, se_crit, adjust, t0, t_end)
    return table, effect


# -- checks --------------------------------------------------------------------------------------------------------
def _checks(res, frame, family, y, X, t0, seasonality, frequency, rate, alpha) -> dict[str, Any]:
    from statsmodels.stats.diagnostic import acorr_ljungbox
    from statsmodels.stats.stattools import durbin_watson

    resid = np.asarray(res.resid if family == "ols" else res.resid_pearson)
    n = len(resid)
    cycle = 4 if frequency == "quarter" else 12
    lag = max(1, min(cycle, n // 4))
    lb = acorr_ljungbox(resid, lags=[lag], return_df=True)
    out: dict[str, Any] = {
        "ljung_box_lag": lag,
        "ljung_box_p": float(lb["lb_pvalue"].iloc[0]),
        "durbin_watson": float(durbin_watson(resid)),
        "residual_lag1_autocorrelation": float(np.corrcoef(resid[:-1], resid[1:])[0, 1]) if n > 2 else None,
    }
    if family != "ols":
        mu = np.asarray(res.fittedvalues if family == "poisson" else res.predict())
        out["pearson_dispersion"] = float(np.sum((y - mu) ** 2 / mu) / max(1, n - X.shape[1]))
    out["placebo"] = _placebo(frame, family, t0, seasonality, frequency, rate, alpha)
    return out


def _placebo(frame, family, t0, seasonality, frequency, rate, alpha) -> dict[str, Any]:
    """A fake interruption half-way through the pre-period, fitted to the pre-period only: a 'significant'
    level change there says the model finds effects where none were (a pre-existing change or a poor fit)."""
    pre = frame.iloc[:t0].reset_index(drop=True)
    fake = t0 // 2
    if fake < 3 or t0 - fake < 2:
        return {"done": False, "reason": f"the pre-period has {t0} periods: too few for a placebo interruption"}
    used = seasonality
    for option in dict.fromkeys([seasonality, "fourier", "none"]):
        X, _ = design_matrix(pre["period"], fake, seasonality=option, frequency=frequency)
        if len(pre) - X.shape[1] >= 5:
            used = option
            break
    else:
        return {"done": False, "reason": "the pre-period is too short for a placebo fit"}
    try:
        res = fit_its(
            pre,
            pre["period"].iloc[fake],
            seasonality=used,
            family=family,
            frequency=frequency,
            alpha=alpha,
            rate=rate,
            checks=False,
        )
    except (EvaluationError, ValueError, np.linalg.LinAlgError) as exc:
        return {"done": False, "reason": str(exc)}
    level = res.coef("post")
    return {
        "done": True,
        "interruption": res.interruption,
        "seasonality": used,
        "level_change": float(level["estimate"]),
        "level_change_ci": [float(level["ci_low"]), float(level["ci_high"])],
        "level_change_p": float(level["p"]),
        "passed": bool(level["p"] >= alpha),
    }


def _notes(result: ITSResult, frame: pd.DataFrame, family: str) -> list[str]:
    notes = []
    c = result.checks
    if c.get("ljung_box_p") is not None and c["ljung_box_p"] < 0.05:
        notes.append(
            f"Residuals remain autocorrelated (Ljung–Box p = {c['ljung_box_p']:.3f} at lag {c['ljung_box_lag']}): "
            "the HAC errors allow for it (with the short-series correction for OLS), but the less the series "
            "resembles its working AR(1) model, the less exact the interval."
        )
    if family == "ols" and float(frame["count"].mean()) < 10:
        notes.append("Counts are small (mean under 10 a period): a Poisson or negative-binomial model fits better.")
    if family == "poisson" and c.get("pearson_dispersion", 1) > 1.5:
        notes.append(
            f"Counts are over-dispersed (Pearson χ²/df = {c['pearson_dispersion']:.1f}): the HAC errors allow for "
            "it; a negative-binomial model is the alternative."
        )
    placebo = c.get("placebo") or {}
    if placebo.get("done") and not placebo.get("passed"):
        notes.append(
            f"The placebo interruption at {placebo['interruption']} also shows a level change "
            f"(p = {placebo['level_change_p']:.3f}): the pre-period was not stable, so part of the estimate may "
            "not be the intervention."
        )
    if family != "ols":
        notes.append(
            "The HAC errors of the log-link model have no small-sample correction (the OLS ones do): on short "
            "series they can be too narrow, so read its interval as a lower bound on the uncertainty."
        )
    if result.n_pre < 12:
        notes.append(f"Only {result.n_pre} periods before the interruption: trend and seasonality are poorly known.")
    return notes
