"""Difference-in-differences on a balanced unit × period panel: two-way fixed effects, event study, and the
Callaway–Sant'Anna estimator for staggered adoption.

- **TWFE** (``twfe``): ``y_it = a_i + l_t + b·D_it + e_it``, unit and period effects absorbed by two-way demeaning
  (exact on a balanced panel, Frisch–Waugh–Lovell). Standard errors clustered by unit, CR1 with the small-sample
  factor ``G/(G−1)·(N−1)/(N−K)``, where K counts the regressors and the T period effects (the unit effects are
  nested in the clusters and do not count: R fixest's and pyfixest's default); t with G−1 df.
  With staggered adoption and effects that change over time TWFE is biased (Goodman-Bacon 2021), so
  ``evaluate`` reports Callaway–Sant'Anna as the headline whenever adoption is staggered.
- **Event study** (``event_study``): the same regression with one indicator per period relative to adoption
  (leads and lags, the period before adoption as reference); the pre-trend test is the cluster-robust Wald test
  that all leads are zero, as F(q, G−1).
- **Callaway & Sant'Anna (2021)**, *J Econometrics* 225:200 (``callaway_santanna``): ATT(g, t) for each adoption
  cohort g and period t by 2×2 comparisons with never-treated units (or not-yet-treated ones), base period g−1 for
  t ≥ g and t−1 before (the R ``did`` package's "varying" base); aggregated to an overall ATT (cohort-size
  weights over post-adoption cells) and by event time. Standard errors from the influence functions, including
  the estimation of the weights, clustered by unit. Valid under staggered adoption with heterogeneous effects.

Own implementation (numpy), checked in the tests against pyfixest and linearmodels (TWFE, event study) and
against the ``differences`` package and a brute-force 2×2 computation (Callaway–Sant'Anna).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
from scipy import stats

from svduty.analysis.evaluation import EvaluationError


@dataclass
class Wide:
    """The panel as a units × periods matrix with each unit's adoption position (−1 = never treated)."""

    y: np.ndarray
    units: list[str]
    periods: pd.DatetimeIndex
    adoption: np.ndarray  # position of the first treated period, −1 if never


def to_wide(panel: pd.DataFrame, adoption: dict[str, Any], value: str = "value") -> Wide:
    """``panel`` (unit, period, value) → matrix; ``adoption`` maps treated units to their first treated period."""
    wide = panel.pivot_table(index="unit", columns="period", values=value, aggfunc="sum")
    if wide.isna().any().any():
        raise EvaluationError("the panel is not balanced: every unit needs a value in every period")
    periods = pd.DatetimeIndex(wide.columns)
    units = [str(u) for u in wide.index]
    pos = np.full(len(units), -1)
    unknown = sorted(set(map(str, adoption)) - set(units))
    if unknown:
        raise EvaluationError(f"treated units not in the panel: {', '.join(unknown[:5])}")
    for i, unit in enumerate(units):
        when = adoption.get(unit)
        if when is None:
            continue
        hits = np.flatnonzero(periods == pd.Timestamp(when))
        if not len(hits):
            raise EvaluationError(f"adoption {pd.Timestamp(when):%Y-%m} of {unit} is not a period of the panel")
        pos[i] = hits[0]
    if not (pos >= 0).any():
        raise EvaluationError("no treated units: give --treated (units or a prefix)")
    if (pos == 0).any():
        raise EvaluationError("a unit treated from the first period has no pre-period: start the series earlier")
    return Wide(wide.to_numpy(dtype=float), units, periods, pos)


def _demean(a: np.ndarray) -> np.ndarray:
    """Two-way within transformation of a units × periods (× k) array."""
    return a - a.mean(axis=1, keepdims=True) - a.mean(axis=0, keepdims=True) + a.mean(axis=(0, 1), keepdims=True)


def cluster_ols(y: np.ndarray, X: np.ndarray, *, absorbed_k: int) -> tuple[np.ndarray, np.ndarray, int]:
    """OLS of demeaned ``y`` (units × periods) on demeaned ``X`` (units × periods × k); CR1 covariance by unit.

    Returns (coefficients, covariance, clusters). ``absorbed_k`` = fixed effects that count toward K.
    """
    G, T, k = X.shape
    Xf, yf = X.reshape(G * T, k), y.reshape(G * T)
    XtX_inv = np.linalg.pinv(Xf.T @ Xf)
    beta = XtX_inv @ Xf.T @ yf
    resid = (yf - Xf @ beta).reshape(G, T)
    scores = np.einsum("gtk,gt->gk", X, resid)  # Σ_t x_gt u_gt per cluster
    meat = scores.T @ scores
    n, K = G * T, k + absorbed_k
    factor = G / (G - 1) * (n - 1) / (n - K)
    return beta, factor * XtX_inv @ meat @ XtX_inv, G


@dataclass
class DiDResult:
    estimator: str
    att: float
    se: float
    ci: tuple[float, float]
    p: float
    clusters: int
    n_treated: int
    n_control: int
    n_periods: int
    alpha: float
    staggered: bool
    event: pd.DataFrame  # event_time, estimate, se, ci_low, ci_high
    pretrend_f: float | None = None
    pretrend_p: float | None = None
    pretrend_df: tuple[int, int] | None = None
    pretrend_test: str = ""
    twfe: dict[str, Any] = field(default_factory=dict)
    group_time: pd.DataFrame | None = None
    means: pd.DataFrame | None = None  # period, treated mean, comparison mean
    notes: list[str] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        return {
            "design": "difference-in-differences",
            "estimator": self.estimator,
            "att": self.att,
            "att_ci": list(self.ci),
            "att_se": self.se,
            "att_p": self.p,
            "clusters": self.clusters,
            "n_treated": self.n_treated,
            "n_control": self.n_control,
            "n_periods": self.n_periods,
            "alpha": self.alpha,
            "staggered": self.staggered,
            "pretrend_f": self.pretrend_f,
            "pretrend_p": self.pretrend_p,
            "pretrend_df": list(self.pretrend_df) if self.pretrend_df else None,
            "pretrend_test": self.pretrend_test,
            "twfe": self.twfe,
            "event_study": _records(self.event),
            "group_time": _records(self.group_time) if self.group_time is not None else None,
            "notes": self.notes,
        }


def _records(frame: pd.DataFrame) -> list[dict[str, Any]]:
    return [
        {k: (None if isinstance(v, float) and not np.isfinite(v) else v) for k, v in r.items()}
        for r in frame.to_dict("records")
    ]


def _inference(est: float, se: float, df: int, alpha: float) -> tuple[tuple[float, float], float]:
    crit = stats.t.ppf(1 - alpha / 2, df)
    p = float(2 * stats.t.sf(abs(est / se), df)) if se > 0 else float("nan")
    return (est - crit * se, est + crit * se), p


def twfe(w: Wide, alpha: float = 0.05) -> dict[str, Any]:
    """The static two-way fixed-effects estimate of D_it (treated and adopted) with unit-clustered errors."""
    G, T = w.y.shape
    D = ((w.adoption[:, None] >= 0) & (np.arange(T)[None, :] >= w.adoption[:, None])).astype(float)
    beta, cov, G = cluster_ols(_demean(w.y), _demean(D)[:, :, None], absorbed_k=T)
    se = float(np.sqrt(cov[0, 0]))
    ci, p = _inference(float(beta[0]), se, G - 1, alpha)
    return {"att": float(beta[0]), "se": se, "ci": list(ci), "p": p}


def event_study(w: Wide, alpha: float = 0.05, window: tuple[int, int] | None = None) -> dict[str, Any]:
    """TWFE with relative-time indicators for treated units (reference: the period before adoption).

    ``window`` (lo, hi) bins relative times beyond it into its end points. Returns the coefficient table and the
    pre-trend Wald test on the leads.
    """
    G, T = w.y.shape
    rel = np.where(w.adoption[:, None] >= 0, np.arange(T)[None, :] - w.adoption[:, None], np.iinfo(int).min)
    treated = w.adoption >= 0
    if window:
        rel = np.where(treated[:, None], np.clip(rel, window[0], window[1]), rel)
    times = sorted(set(rel[treated].ravel()) - {-1})
    X = np.stack([(rel == k).astype(float) for k in times], axis=2)
    beta, cov, G = cluster_ols(_demean(w.y), _demean(X), absorbed_k=T)
    se = np.sqrt(np.diag(cov))
    crit = stats.t.ppf(1 - alpha / 2, G - 1)
    table = pd.DataFrame({"event_time": times, "estimate": beta, "se": se})
    table["ci_low"], table["ci_high"] = beta - crit * se, beta + crit * se
    table["p"] = 2 * stats.t.sf(np.abs(beta / np.where(se > 0, se, np.nan)), G - 1)
    ref = pd.DataFrame(
        {"event_time": [-1], "estimate": [0.0], "se": [0.0], "ci_low": [0.0], "ci_high": [0.0], "p": [np.nan]}
    )
    table = pd.concat([table, ref]).sort_values("event_time").reset_index(drop=True)
    leads = [i for i, k in enumerate(times) if k < -1]
    out: dict[str, Any] = {"table": table}
    if leads:
        b, V = beta[leads], cov[np.ix_(leads, leads)]
        q = len(leads)
        wald = float(b @ np.linalg.pinv(V) @ b)
        df2 = G - 1
        if q <= df2:  # cluster-robust Wald test of all leads, as F(q, G−1)
            out.update(f=wald / q, p=float(stats.f.sf(wald / q, q, df2)), df=(q, df2), test="joint")
        else:  # more leads than clusters: the covariance has rank < q, so test the mean lead (1 df) instead
            g = np.full(q, 1 / q)
            t_stat = float(g @ b / np.sqrt(g @ V @ g))
            out.update(f=t_stat**2, p=float(2 * stats.t.sf(abs(t_stat), df2)), df=(1, df2), test="mean lead")
    return out


# -- Callaway–Sant'Anna ----------------------------------------------------------------------------------------
def callaway_santanna(w: Wide, control: str = "never", alpha: float = 0.05) -> dict[str, Any]:
    """ATT(g, t) with unit influence functions, and the simple and event-time aggregations."""
    G, T = w.y.shape
    n = G
    cohorts = sorted(int(g) for g in set(w.adoption[w.adoption >= 0]))
    never = w.adoption < 0
    if control == "never" and not never.any():
        raise EvaluationError("no never-treated units to compare with: use not-yet-treated controls")
    rows, ifs = [], []
    for g in cohorts:
        in_g = w.adoption == g
        for t in range(1, T):
            base = g - 1 if t >= g else t - 1
            if control == "never":
                ctrl = never
            else:  # not yet treated by t (and by the base period), excluding cohort g
                later = np.maximum(t, base)
                ctrl = never | ((w.adoption > later) & (w.adoption != g))
            if not ctrl.any():
                continue
            dy = w.y[:, t] - w.y[:, base]
            mg, mc = dy[in_g].mean(), dy[ctrl].mean()
            inf = np.zeros(n)
            inf[in_g] = n * (dy[in_g] - mg) / in_g.sum()
            inf[ctrl] -= n * (dy[ctrl] - mc) / ctrl.sum()
            rows.append({"cohort": g, "period": t, "event_time": t - g, "att": mg - mc, "post": t >= g})
            ifs.append(inf)
    if not rows:
        raise EvaluationError("no group-time comparisons could be made (no controls)")
    gt = pd.DataFrame(rows)
    psi = np.array(ifs)  # cells × units
    gt["se"] = np.sqrt((psi**2).sum(axis=1)) / n
    crit = stats.norm.ppf(1 - alpha / 2)
    gt["ci_low"], gt["ci_high"] = gt["att"] - crit * gt["se"], gt["att"] + crit * gt["se"]
    p_g = np.array([(w.adoption == g).mean() for g in gt["cohort"]])
    member = np.array([(w.adoption == g).astype(float) for g in gt["cohort"]])  # cells × units
    overall = _aggregate(gt["att"].to_numpy(), psi, p_g, member, gt["post"].to_numpy(), n)
    dynamic = []
    for e in sorted(gt["event_time"].unique()):
        keep = (gt["event_time"] == e).to_numpy()
        est, se = _aggregate(gt["att"].to_numpy(), psi, p_g, member, keep, n)
        dynamic.append({"event_time": int(e), "estimate": est, "se": se})
    dyn = pd.DataFrame(dynamic)
    dyn["ci_low"], dyn["ci_high"] = dyn["estimate"] - crit * dyn["se"], dyn["estimate"] + crit * dyn["se"]
    dyn["p"] = 2 * stats.norm.sf(np.abs(dyn["estimate"] / dyn["se"].where(dyn["se"] > 0)))
    est, se = overall
    pre = gt[~gt["post"]]
    out = {"att": est, "se": se, "group_time": gt, "dynamic": dyn}
    if len(pre):  # joint test that pre-adoption ATT(g, t) are zero (Wald with the IF covariance)
        idx = np.flatnonzero(~gt["post"].to_numpy())
        V = psi[idx] @ psi[idx].T / n**2
        b = pre["att"].to_numpy()
        wald = float(b @ np.linalg.pinv(V) @ b)
        rank = int(np.linalg.matrix_rank(V))
        out.update(pretrend_chi2=wald, pretrend_p=float(stats.chi2.sf(wald, max(rank, 1))), pretrend_df=rank)
    return out


def _aggregate(
    att: np.ndarray, psi: np.ndarray, p_g: np.ndarray, member: np.ndarray, keep: np.ndarray, n: int
) -> tuple[float, float]:
    """Cohort-share-weighted mean of the kept ATT(g, t) and its SE, with the weights' own influence function
    (Callaway & Sant'Anna 2021, section 4; the R ``did`` package's ``wif``)."""
    keep = np.asarray(keep, dtype=bool)
    if not keep.any():
        return float("nan"), float("nan")
    pg, a, ps, mem = p_g[keep], att[keep], psi[keep], member[keep]
    S = pg.sum()
    wts = pg / S
    est = float(wts @ a)
    # IF of the weights: d(p_k/S) = (1{G=g_k} − p_k)/S − p_k·Σ_l(1{G=g_l} − p_l)/S², on the scale of psi
    # (estimate − truth ≈ mean of the IF over units)
    dev = mem - pg[:, None]  # cells × units, = 1{G_i = g_k} − p_k
    wif = dev / S - np.outer(pg, dev.sum(axis=0)) / S**2
    inf = wts @ ps + a @ wif
    return est, float(np.sqrt((inf**2).sum()) / n)


def estimate(
    panel: pd.DataFrame,
    adoption: dict[str, Any],
    *,
    alpha: float = 0.05,
    control: str = "never",
    window: tuple[int, int] | None = None,
) -> DiDResult:
    """Everything a DiD evaluation reports: TWFE, event study with pre-trend test, and Callaway–Sant'Anna."""
    w = to_wide(panel, adoption)
    G, T = w.y.shape
    treated = w.adoption >= 0
    if (~treated).sum() < 2:
        raise EvaluationError("DiD needs at least 2 comparison units (units never treated)")
    staggered = len(set(w.adoption[treated])) > 1
    static = twfe(w, alpha)
    es = event_study(w, alpha, window)
    cs = callaway_santanna(w, control, alpha)
    notes = []
    if staggered:
        att, se = cs["att"], cs["se"]
        crit = stats.norm.ppf(1 - alpha / 2)
        ci, p = (att - crit * se, att + crit * se), float(2 * stats.norm.sf(abs(att / se)))
        estimator = "Callaway–Sant'Anna (staggered adoption)"
        event = cs["dynamic"]
        pre_f, pre_p, pre_df = cs.get("pretrend_chi2"), cs.get("pretrend_p"), (cs.get("pretrend_df") or 0, 0)
        pre_test = "joint Wald (χ²) on pre-adoption ATT(g, t)"
        notes.append(
            "Adoption is staggered: the headline is Callaway–Sant'Anna, valid when effects differ by cohort or "
            "over time; the two-way fixed-effects estimate is shown for comparison only."
        )
    else:
        att, se = static["att"], static["se"]
        ci, p = tuple(static["ci"]), static["p"]
        estimator = "two-way fixed effects (unit and period), SEs clustered by unit"
        event = es["table"]
        pre_f, pre_p, pre_df = es.get("f"), es.get("p"), es.get("df")
        pre_test = {
            "joint": "joint Wald F on all leads",
            "mean lead": "t test of the mean lead (more leads than clusters: a joint test is impossible)",
        }.get(es.get("test", ""), "")
    if G < 30:
        notes.append(
            f"Only {G} clusters: cluster-robust errors are unreliable with few clusters (Cameron, Gelbach & Miller "
            "2008); read the interval as approximate."
        )
    if treated.sum() == 1:
        notes.append("One treated unit: DiD inference rests on a single unit; synthetic control suits this better.")
    t_idx = np.arange(T)
    first = int(w.adoption[treated].min())
    means = pd.DataFrame(
        {
            "period": w.periods,
            "treated": w.y[treated].mean(axis=0),
            "comparison": w.y[~treated].mean(axis=0),
            "post": t_idx >= first,
        }
    )
    return DiDResult(
        estimator=estimator,
        att=float(att),
        se=float(se),
        ci=(float(ci[0]), float(ci[1])),
        p=float(p),
        clusters=G,
        n_treated=int(treated.sum()),
        n_control=int((~treated).sum()),
        n_periods=T,
        alpha=alpha,
        staggered=staggered,
        event=event,
        pretrend_f=pre_f,
        pretrend_p=pre_p,
        pretrend_df=pre_df,
        pretrend_test=pre_test,
        twfe=static | {"callaway_santanna_att": cs["att"], "callaway_santanna_se": cs["se"]},
        group_time=cs["group_time"],
        means=means,
        notes=notes,
    )
