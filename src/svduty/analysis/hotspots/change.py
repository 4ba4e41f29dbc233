"""Change in each cell between a before and an after period, with its significance (sfhotspot ``hotspot_change``).

sfhotspot's ``hotspot_change`` returns ``n_before``, ``n_after`` and ``change`` per cell and no test. A board also
asks whether a cell's change is more than chance, so each cell gets the exact conditional test for two Poisson
counts (Przyborowski & Wilenski 1940; R ``poisson.test(c(n_after, n_before), c(T_after, T_before))``): given the
cell's n = n_before + n_after incidents, n_after ~ Binomial(n, p₀) under the null, tested two-sided as R's
``binom.test`` does (``scipy.stats.binomtest``: the probabilities no more likely than the observed one).

Two nulls, both reported:

* ``rate`` (default for the classes): the cell's monthly rate did not change, p₀ = T_after / (T_before + T_after)
  with T the periods' lengths in months;
* ``area``: the cell changed no more than the whole area did, p₀ = N_after / (N_before + N_after) over all cells —
  "is this place getting worse faster than everywhere else?", which a city-wide fall (a lockdown) cannot mask.

Many cells are tested at once, so p-values are adjusted with the Benjamini–Hochberg false discovery rate over the
cells with any incident (Benjamini & Hochberg 1995), as the Gi* classes are.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy import stats

from svduty.analysis import AnalysisError

CHANGE_CLASSES: tuple[str, ...] = (
    "Significant increase",
    "Increase, not significant",
    "No change",
    "Decrease, not significant",
    "Significant decrease",
    "No incidents",
)
NULLS = ("rate", "area")


@dataclass
class ChangeResult:
    """Per-cell ``before``/``after``/``change``; for each null, the two-sided ``p_*`` and BH ``q_*``; ``classes``."""

    before: np.ndarray
    after: np.ndarray
    change: np.ndarray
    p_rate: np.ndarray
    q_rate: np.ndarray
    p_area: np.ndarray
    q_area: np.ndarray
    classes: np.ndarray
    null: str
    alpha: float
    share_rate: float
    share_area: float

    def counts_by_class(self) -> dict[str, int]:
        return {c: int((self.classes == c).sum()) for c in CHANGE_CLASSES}


def conditional_p(after, total, share: float) -> np.ndarray:
    """Two-sided exact binomial p of ``after`` out of ``total`` at probability ``share``; 1 where total is 0."""
    after = np.asarray(after, dtype=np.int64)
    total = np.asarray(total, dtype=np.int64)
    p = np.ones(after.size)
    pairs, inverse = np.unique(np.column_stack([after, total]), axis=0, return_inverse=True)
    values = np.array([stats.binomtest(int(k), int(n), share).pvalue if n > 0 else 1.0 for k, n in pairs])
    p[:] = values[inverse.ravel()]
    return p


def _bh(p: np.ndarray, tested: np.ndarray) -> np.ndarray:
    q = np.ones(p.size)
    if tested.any():
        q[tested] = stats.false_discovery_control(p[tested], method="bh")
    return q


def change(
    before,
    after,
    *,
    before_months: float = 1.0,
    after_months: float = 1.0,
    null: str = "rate",
    alpha: float = 0.05,
) -> ChangeResult:
    """Counts per cell before and after (aligned with one grid's cells), their change and its significance."""
    b = np.asarray(before).ravel()
    a = np.asarray(after).ravel()
    if b.shape != a.shape:
        raise AnalysisError(f"before and after differ in length ({b.size} vs {a.size} cells)")
    if np.any(b < 0) or np.any(a < 0) or np.any(b != np.round(b)) or np.any(a != np.round(a)):
        raise AnalysisError("change needs counts (whole numbers, not negative) in both periods")
    if null not in NULLS:
        raise AnalysisError(f"unknown null {null!r}; use 'rate' or 'area'")
    if not (before_months > 0 and after_months > 0):
        raise AnalysisError("both periods must be at least a month long")
    b = b.astype(np.int64)
    a = a.astype(np.int64)
    n = a + b
    if n.sum() == 0:
        raise AnalysisError("no incidents in either period")
    share_rate = after_months / (before_months + after_months)
    share_area = float(a.sum() / n.sum())
    tested = n > 0
    p_rate = conditional_p(a, n, share_rate)
    # with every incident in one period the area null is degenerate (share 0 or 1): no cell differs from it
    p_area = conditional_p(a, n, share_area) if 0 < share_area < 1 else np.ones(n.size)
    q_rate, q_area = _bh(p_rate, tested), _bh(p_area, tested)
    q = q_rate if null == "rate" else q_area
    expected = n * (share_rate if null == "rate" else share_area)
    up, down = a > expected, a < expected
    classes = np.full(n.size, "No change", dtype=object)
    classes[up] = "Increase, not significant"
    classes[down] = "Decrease, not significant"
    classes[up & (q <= alpha)] = "Significant increase"
    classes[down & (q <= alpha)] = "Significant decrease"
    classes[~tested] = "No incidents"
    return ChangeResult(b, a, a - b, p_rate, q_rate, p_area, q_area, classes, null, alpha, share_rate, share_area)
