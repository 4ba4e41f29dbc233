"""Synthetic control (Abadie & Gardeazabal 2003; Abadie, Diamond & Hainmueller 2010, *JASA* 105:493).

The synthetic unit is a weighted average of donor units, weights non-negative and summing to one, chosen so that
the donors' predictors match the treated unit's over the pre-period::

    W* = argmin_W (X1 − X0·W)' V (X1 − X0·W)   subject to  W ≥ 0, ΣW = 1

Predictors are scaled by their standard deviation across units (as R ``Synth`` and pysyncon do). Options:

- ``outcomes``: every pre-period value of the outcome, V = identity: the weights minimise the pre-period fit
  directly (the usual choice when the pre-period is long; covariates then add nothing, Abadie 2021 §3).
- ``means``: the outcome's mean over each third of the pre-period plus its overall level and trend, with V chosen by
  the nested optimisation of Abadie & Gardeazabal (V minimises the pre-period outcome MSPE of the synthetic unit).

The inner problem is a simplex-constrained least squares: solved by scipy's NNLS with the sum-to-one constraint as
a heavily weighted extra row, then made exact by solving the equality-constrained least squares on the support
NNLS found (its KKT system). Several treated units are summed into one treated series.

Inference (Abadie et al. 2010 §2.4; Abadie 2021 §4): **placebo in space** — every donor in turn is treated as if
it had been, with the remaining donors as its pool; the p-value is the share of all units (treated included) whose
post/pre RMSPE ratio is at least the treated unit's, so its smallest possible value is 1/(J+1). **Placebo in
time** — the same fit with a fake intervention date inside the pre-period; a large 'effect' there says the
synthetic unit does not track the treated unit even without an intervention.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
from scipy import optimize

from svduty.analysis.evaluation import EvaluationError

PREDICTORS = ("outcomes", "means")


def simplex_weights(X1: np.ndarray, X0: np.ndarray, v: np.ndarray | None = None) -> np.ndarray:
    """argmin_w Σ_k v_k (X1_k − (X0·w)_k)² subject to w ≥ 0, Σw = 1 (``X0``: predictors × donors)."""
    k, J = X0.shape
    sv = np.sqrt(np.ones(k) if v is None else np.asarray(v, dtype=float))
    A, b = X0 * sv[:, None], X1 * sv
    big = 1e3 * max(1.0, float(np.abs(A).max()))
    w, _ = optimize.nnls(np.vstack([A, np.full(J, big)]), np.append(b, big), maxiter=50 * J)
    # exact equality on NNLS's support: minimise |A_S w − b|² s.t. 1'w = 1 (KKT), drop negatives and repeat
    support = w > 1e-12
    for _ in range(J):
        S = np.flatnonzero(support)
        if not len(S):
            break
        As = A[:, S]
        kkt = np.block([[2 * As.T @ As, np.ones((len(S), 1))], [np.ones((1, len(S))), np.zeros((1, 1))]])
        rhs = np.append(2 * As.T @ b, 1.0)
        sol = np.linalg.lstsq(kkt, rhs, rcond=None)[0][: len(S)]
        if (sol >= -1e-12).all():
            w = np.zeros(J)
            w[S] = np.clip(sol, 0, None)
            break
        support[S[sol < 0]] = False
    w = np.clip(w, 0, None)
    return w / w.sum()


def _predictors(pre: np.ndarray, kind: str) -> np.ndarray:
    """Predictor rows for units in columns, from the pre-period outcomes (periods × units)."""
    if kind == "outcomes":
        return pre
    if kind == "means":
        thirds = np.array_split(np.arange(pre.shape[0]), min(3, pre.shape[0]))
        rows = [pre[idx].mean(axis=0) for idx in thirds]
        t = np.arange(pre.shape[0]) - (pre.shape[0] - 1) / 2
        rows.append(pre.mean(axis=0))
        rows.append((t @ (pre - pre.mean(axis=0))) / max(1e-12, float(t @ t)))
        return np.vstack(rows)
    raise EvaluationError(f"--predictors {kind!r} is not one of {', '.join(PREDICTORS)}")


def _scaled(X1: np.ndarray, X0: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    sd = np.hstack([X0, X1[:, None]]).std(axis=1, ddof=1)
    sd = np.where(sd > 0, sd, 1.0)
    return X1 / sd, X0 / sd[:, None]


def fit_weights(y1_pre: np.ndarray, Y0_pre: np.ndarray, predictors: str = "outcomes") -> tuple[np.ndarray, np.ndarray]:
    """Weights (donors) and V (predictors) for a treated pre-period series and donor pre-period matrix."""
    X1, X0 = _scaled(_predictors(y1_pre[:, None], predictors)[:, 0], _predictors(Y0_pre, predictors))
    if predictors == "outcomes":
        return simplex_weights(X1, X0), np.ones(len(X1))

    def loss(z: np.ndarray) -> float:
        v = np.exp(z) / np.exp(z).sum()
        w = simplex_weights(X1, X0, v)
        return float(np.mean((y1_pre - Y0_pre @ w) ** 2))

    best = optimize.minimize(loss, np.zeros(len(X1)), method="Nelder-Mead", options={"maxiter": 400, "xatol": 1e-4})
    v = np.exp(best.x) / np.exp(best.x).sum()
    return simplex_weights(X1, X0, v), v


def rmspe(gap: np.ndarray) -> float:
    return float(np.sqrt(np.mean(gap**2))) if len(gap) else float("nan")


@dataclass
class SynthResult:
    treated: list[str]
    t0: int
    periods: pd.DatetimeIndex
    weights: pd.DataFrame  # unit, unit_name, weight
    v: np.ndarray
    predictors: str
    table: pd.DataFrame  # period, treated, synthetic, gap
    pre_rmspe: float
    post_rmspe: float
    ratio: float
    att: float  # mean post-period gap
    cumulative: float
    relative: float
    placebos: pd.DataFrame  # unit, pre_rmspe, post_rmspe, ratio, gaps (per period)
    placebo_gaps: pd.DataFrame  # period × unit gaps (placebos)
    p_value: float
    p_value_filtered: float | None
    filtered_n: int
    placebo_time: dict[str, Any]
    notes: list[str] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        top = self.weights[self.weights["weight"] > 1e-6]
        return {
            "design": "synthetic control",
            "treated": self.treated,
            "interruption": f"{self.periods[self.t0]:%Y-%m}",
            "n_pre": int(self.t0),
            "n_post": int(len(self.periods) - self.t0),
            "donors": len(self.weights),
            "predictors": self.predictors,
            "weights": [
                {"unit": r.unit, "unit_name": r.unit_name, "weight": float(r.weight)} for r in top.itertuples()
            ],
            "pre_rmspe": self.pre_rmspe,
            "post_rmspe": self.post_rmspe,
            "rmspe_ratio": self.ratio,
            "att": self.att,
            "cumulative_effect": self.cumulative,
            "relative_change": self.relative,
            "placebo_in_space_p": self.p_value,
            "placebo_in_space_p_filtered": self.p_value_filtered,
            "placebo_filter": "placebos with pre-period MSPE over 5 times the treated unit's left out",
            "placebos_kept_after_filter": self.filtered_n,
            "smallest_possible_p": 1 / (len(self.placebos) + 1),
            "placebo_in_time": self.placebo_time,
            "notes": self.notes,
        }


def _fit_one(y1: np.ndarray, Y0: np.ndarray, t0: int, predictors: str) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    w, v = fit_weights(y1[:t0], Y0[:t0], predictors)
    return w, v, y1 - Y0 @ w


def placebo_in_space(Y: np.ndarray, t0: int, predictors: str = "outcomes") -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Each column of ``Y`` (periods × donors) as a placebo treated unit against the others: (pre RMSPE, post RMSPE,
    gaps periods × donors)."""
    T, J = Y.shape
    gaps = np.empty((T, J))
    for j in range(J):
        others = np.delete(np.arange(J), j)
        _, _, gaps[:, j] = _fit_one(Y[:, j], Y[:, others], t0, predictors)
    pre = np.sqrt((gaps[:t0] ** 2).mean(axis=0))
    post = np.sqrt((gaps[t0:] ** 2).mean(axis=0))
    return pre, post, gaps


def permutation_p(treated_ratio: float, placebo_ratios: np.ndarray) -> float:
    """Share of all units (treated included) whose post/pre RMSPE ratio is at least the treated unit's."""
    return float((1 + np.sum(placebo_ratios >= treated_ratio - 1e-12)) / (len(placebo_ratios) + 1))


def estimate(
    panel: pd.DataFrame,
    treated: list[str],
    interruption: Any,
    *,
    predictors: str = "outcomes",
    placebo_time_shift: int | None = None,
) -> SynthResult:
    """Synthetic control for ``treated`` (summed) with every other unit of ``panel`` as donor."""
    wide = panel.pivot_table(index="period", columns="unit", values="value", aggfunc="sum")
    if wide.isna().any().any():
        raise EvaluationError("the panel is not balanced: every unit needs a value in every period")
    periods = pd.DatetimeIndex(wide.index)
    names = panel.drop_duplicates("unit").set_index("unit")["unit_name"] if "unit_name" in panel else None
    cols = [str(c) for c in wide.columns]
    wide.columns = cols
    missing = sorted(set(treated) - set(cols))
    if missing:
        raise EvaluationError(f"treated units not in the panel: {', '.join(missing[:5])}")
    hits = np.flatnonzero(periods == pd.Timestamp(interruption))
    if not len(hits):
        raise EvaluationError(f"--interruption {pd.Timestamp(interruption):%Y-%m} is not a period of the series")
    t0 = int(hits[0])
    if t0 < 3 or len(periods) - t0 < 1:
        raise EvaluationError(f"synthetic control needs at least 3 pre-periods and 1 post-period (has {t0})")
    donors = [c for c in cols if c not in set(treated)]
    # a donor whose pre-period never changes (e.g. an LSOA with no crime in any month before) carries nothing to
    # match on, and as a placebo it is fitted perfectly (pre-period RMSPE 0, ratio infinite): leave it out
    constant = [c for c in donors if np.ptp(wide[c].to_numpy(dtype=float)[:t0]) == 0]
    donors = [c for c in donors if c not in set(constant)]
    if len(donors) < 2:
        raise EvaluationError("synthetic control needs at least 2 donor units")
    y1 = wide[treated].sum(axis=1).to_numpy(dtype=float)
    Y0 = wide[donors].to_numpy(dtype=float)
    w, v, gap = _fit_one(y1, Y0, t0, predictors)
    pre_r, post_r = rmspe(gap[:t0]), rmspe(gap[t0:])
    ratio = post_r / pre_r if pre_r > 0 else float("inf")
    p_pre, p_post, p_gaps = placebo_in_space(Y0, t0, predictors)
    p_ratio = np.where(p_pre > 0, p_post / np.where(p_pre > 0, p_pre, 1), np.inf)
    p_value = permutation_p(ratio, p_ratio)
    keep = p_pre**2 <= 5 * pre_r**2
    p_filtered = permutation_p(ratio, p_ratio[keep]) if keep.any() else None
    synthetic = Y0 @ w
    cf_total = float(synthetic[t0:].sum())
    table = pd.DataFrame({"period": periods, "treated": y1, "synthetic": synthetic, "gap": gap})
    weights = pd.DataFrame(
        {"unit": donors, "unit_name": [str(names.get(d, d)) if names is not None else d for d in donors], "weight": w}
    ).sort_values("weight", ascending=False, ignore_index=True)
    placebos = pd.DataFrame({"unit": donors, "pre_rmspe": p_pre, "post_rmspe": p_post, "ratio": p_ratio})
    result = SynthResult(
        treated=list(treated),
        t0=t0,
        periods=periods,
        weights=weights,
        v=v,
        predictors=predictors,
        table=table,
        pre_rmspe=pre_r,
        post_rmspe=post_r,
        ratio=float(ratio),
        att=float(gap[t0:].mean()),
        cumulative=float(gap[t0:].sum()),
        relative=float(gap[t0:].sum() / cf_total) if cf_total else float("nan"),
        placebos=placebos,
        placebo_gaps=pd.DataFrame(p_gaps, index=periods, columns=donors),
        p_value=p_value,
        p_value_filtered=p_filtered,
        filtered_n=int(keep.sum()),
        placebo_time=placebo_in_time(y1, Y0, t0, periods, predictors, placebo_time_shift),
    )
    result.notes = _notes(result, y1, t0)
    if constant:
        result.notes.append(
            f"{len(constant)} donor(s) with the same value in every pre-period were left out of the pool."
        )
    return result


def placebo_in_time(
    y1: np.ndarray, Y0: np.ndarray, t0: int, periods: pd.DatetimeIndex, predictors: str, shift: int | None
) -> dict[str, Any]:
    """Refit with a fake intervention ``shift`` periods before the real one, on pre-period data only."""
    shift = shift or max(1, t0 // 3)
    fake = t0 - shift
    if fake < 3:
        return {"done": False, "reason": f"{t0} pre-periods are too few for a placebo date"}
    _, _, gap = _fit_one(y1[:t0], Y0[:t0], fake, predictors)
    pre_r, post_r = rmspe(gap[:fake]), rmspe(gap[fake:])
    return {
        "done": True,
        "fake_interruption": f"{periods[fake]:%Y-%m}",
        "pre_rmspe": pre_r,
        "post_rmspe": post_r,
        "rmspe_ratio": post_r / pre_r if pre_r > 0 else None,
        "mean_gap": float(gap[fake:].mean()),
    }


def _notes(r: SynthResult, y1: np.ndarray, t0: int) -> list[str]:
    notes = []
    level = float(np.mean(np.abs(y1[:t0]))) or 1.0
    if r.pre_rmspe > 0.1 * level:
        notes.append(
            f"The pre-period fit is loose (RMSPE {r.pre_rmspe:.2f} against a mean of {level:.2f}): the donors do not "
            "reproduce the treated unit well, so the gap after the intervention is hard to attribute."
        )
    if len(r.placebos) < 19:
        notes.append(
            f"With {len(r.placebos)} donors the smallest possible placebo p-value is 1/{len(r.placebos) + 1} = "
            f"{1 / (len(r.placebos) + 1):.2f}: a 5% test is impossible; read the placebo rank, not significance."
        )
    top = r.weights["weight"].iloc[0]
    if top > 0.8:
        notes.append(f"One donor carries {top:.0%} of the weight: the comparison is close to a single unit.")
    return notes
