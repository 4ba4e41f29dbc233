"""Do hot spots persist, emerge or fade? Comparing the same grid across periods.

Stability between consecutive periods is measured two ways: the Jaccard index of the hot-spot sets (share of cells
hot in either period that are hot in both) and Spearman's rank correlation of the counts of all cells (how well one
period's ranking of places predicts the next; cf. Weisburd et al. 2004, *Criminology* 42:283, on the stability of
crime at places).

Each cell is then classified from its run of hot/not-hot periods and a Mann–Kendall trend test on its counts (Mann
1945; Kendall 1975; variance with the tie correction), after the categories of ArcGIS Pro's *Emerging Hot Spot
Analysis* (Esri, "How Emerging Hot Spot Analysis works"), merged into the ones an analyst acts on:

* ``persistent``: hot in at least 90% of periods, including the last, with no significant trend;
* ``intensifying``: as persistent, with a significant upward trend;
* ``diminishing``: as persistent, with a significant downward trend;
* ``new``: hot in the last period only;
* ``emerging``: hot in an unbroken run of periods ending with the last, never before it (Esri "consecutive");
* ``intermittent``: hot in the last period, on and off before (Esri "sporadic"/"oscillating");
* ``fading``: hot before but not in the last period (Esri "historical" and lapsed hot spots);
* ``not a hot spot``: never hot.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy import stats

from svduty.analysis import AnalysisError

PERSISTENCE_CLASSES: tuple[str, ...] = (
    "persistent",
    "intensifying",
    "diminishing",
    "emerging",
    "new",
    "intermittent",
    "fading",
    "not a hot spot",
)


@dataclass
class PersistenceResult:
    """``hot``: (periods, cells) booleans; ``jaccard``/``spearman``: one value per consecutive pair of periods;
    ``trend_s``/``trend_z``/``trend_p``: Mann–Kendall S, z and two-sided p per cell; ``classes`` per cell."""

    labels: list[str]
    hot: np.ndarray
    jaccard: np.ndarray
    spearman: np.ndarray
    trend_s: np.ndarray
    trend_z: np.ndarray
    trend_p: np.ndarray
    classes: np.ndarray

    def counts_by_class(self) -> dict[str, int]:
        return {c: int((self.classes == c).sum()) for c in PERSISTENCE_CLASSES}


def top_cells(counts, top_percent: float) -> np.ndarray:
    """Hot = among the ``top_percent``% of cells with most incidents (ties at the edge included), and count > 0."""
    c = np.asarray(counts, dtype=float)
    k = max(1, int(np.ceil(c.size * top_percent / 100.0 - 1e-9)))
    threshold = np.partition(c, c.size - k)[c.size - k]
    return (c >= threshold) & (c > 0)


def jaccard(a, b) -> float:
    """|A ∩ B| / |A ∪ B| of two boolean masks; NaN when both are empty."""
    a = np.asarray(a, dtype=bool)
    b = np.asarray(b, dtype=bool)
    union = (a | b).sum()
    return float((a & b).sum() / union) if union else float("nan")


def mann_kendall(series: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Mann–Kendall trend test down axis 0 of a (periods, cells) array: S, z (continuity-corrected), two-sided p.

    Var(S) = [n(n−1)(2n+5) − Σ t(t−1)(2t+5)] / 18 over groups of tied values t (Kendall 1975).
    """
    x = np.asarray(series, dtype=float)
    n = x.shape[0]
    s = np.zeros(x.shape[1])
    for i in range(n - 1):
        s += np.sign(x[i + 1 :] - x[i]).sum(axis=0)
    var = np.full(x.shape[1], n * (n - 1) * (2 * n + 5), dtype=float)
    xs = np.sort(x, axis=0)
    # tie groups: run lengths of equal values in each sorted column
    run = np.ones(x.shape[1])
    for i in range(1, n + 1):
        same = xs[i] == xs[i - 1] if i < n else np.zeros(x.shape[1], dtype=bool)
        ended = ~same
        t = run[ended]
        var[ended] -= t * (t - 1) * (2 * t + 5)
        run = np.where(same, run + 1, 1.0)
    var /= 18.0
    with np.errstate(divide="ignore", invalid="ignore"):
        z = np.where(s > 0, (s - 1) / np.sqrt(var), np.where(s < 0, (s + 1) / np.sqrt(var), 0.0))
    z = np.where(var > 0, z, 0.0)
    p = 2 * stats.norm.sf(np.abs(z))
    return s, z, p


def persistence(
    period_counts,
    *,
    hot=None,
    top_percent: float = 5.0,
    labels: list[str] | None = None,
    trend_alpha: float = 0.05,
    persistent_share: float = 0.9,
) -> PersistenceResult:
    """Compare hot spots across periods (oldest first) on one grid.

    ``period_counts``: a list of count arrays, one per period, aligned with the same ``Grid.cells``. ``hot``: optional
    list of boolean masks (e.g. Gi* hot at 95%, ``np.char.startswith(result.classes, "Hot")``) — by default a cell is
    hot when it is in the top ``top_percent``% of cells that period (:func:`top_cells`).
    """
    counts = [np.asarray(c, dtype=float).ravel() for c in period_counts]
    if len(counts) < 2:
        raise AnalysisError("persistence needs at least two periods")
    n = counts[0].size
    if any(c.size != n for c in counts):
        raise AnalysisError("every period must have one count per cell of the same grid")
    x = np.vstack(counts)
    t = x.shape[0]
    if hot is None:
        h = np.vstack([top_cells(c, top_percent) for c in counts])
    else:
        h = np.vstack([np.asarray(m, dtype=bool).ravel() for m in hot])
        if h.shape != x.shape:
            raise AnalysisError("`hot` must hold one mask per period, one value per cell")
    labels = list(labels) if labels is not None else [f"period {i + 1}" for i in range(t)]
    jac = np.array([jaccard(h[i], h[i + 1]) for i in range(t - 1)])
    rho = np.array([stats.spearmanr(x[i], x[i + 1]).statistic for i in range(t - 1)])
    s, z, p = mann_kendall(x)

    n_hot = h.sum(axis=0)
    last = h[-1]
    ever_before = h[:-1].any(axis=0)
    # length of the run of hot periods ending with the last one
    run = np.zeros(n, dtype=int)
    alive = np.ones(n, dtype=bool)
    for i in range(t - 1, -1, -1):
        alive &= h[i]
        run += alive
    classes = np.full(n, "not a hot spot", dtype=object)
    classes[~last & ever_before] = "fading"
    classes[last & ever_before] = "intermittent"
    classes[last & (run >= 2) & (run == n_hot)] = "emerging"
    classes[last & ~ever_before] = "new"
    steady = last & (n_hot >= persistent_share * t)
    classes[steady] = "persistent"
    classes[steady & (p < trend_alpha) & (s > 0)] = "intensifying"
    classes[steady & (p < trend_alpha) & (s < 0)] = "diminishing"
    return PersistenceResult(labels, h, jac, rho, s, z, p, classes)
