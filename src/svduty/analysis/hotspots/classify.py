"""Persistent, emerging, former and intermittent hot and cold spots over periods (sfhotspot ``hotspot_classify``).

Per period, each cell is a significant hot (cold) spot when its Gi* z-score is above (below) 0 and its
Benjamini–Hochberg adjusted two-sided p is below ``critical_p`` (:func:`~svduty.analysis.hotspots.gistar`, binary
weights with the cell itself, as sfhotspot's ``include_self = TRUE``). Then, with P periods of which the last
R = ⌊``recent_prop`` · P⌋ (at least 1) are "recent", and the shares of all, recent and older periods in which a cell
was significant, the categories are sfhotspot's (``hotspot_classify_params`` defaults), tested in this order:

* ``persistent``: significant in at least ``persistent_prop`` (0.8) of all periods;
* ``emerging``: significant in fewer than ``hotspot_prop`` (0.1) of older periods and at least ``recent_prop``
  (0.2) of recent ones;
* ``former``: significant in at least ``hotspot_prop`` of older periods and fewer than ``hotspot_prop`` of recent;
* ``intermittent``: significant in at least ``hotspot_prop`` of all periods, and none of the above;

for hot and cold spots separately; a cell with a hot and a cold category is a "mixed hot/coldspot", one with
neither has "no pattern". Two departures from sfhotspot's code, both stated in the output: (1) sfhotspot adjusts
each cell's p-values over its periods (``p.adjust``); here they are adjusted over the cells of each period (FDR, as
ArcGIS's Emerging Hot Spot Analysis); (2) sfhotspot's recent share sums R + 1 columns over R, so with R = 1 a cell
hot in the last two periods scores 2 — here the recent share is over the R recent periods exactly.

The Jaccard/Spearman stability and the Mann–Kendall trends of :func:`~svduty.analysis.hotspots.persistence` are
computed on the same hot sets, so the library's finer persistence classes come with every run.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from svduty.analysis import AnalysisError
from svduty.analysis.hotspots.getisord import gistar
from svduty.analysis.hotspots.persistence import PersistenceResult, persistence

CLASSIFY_CLASSES: tuple[str, ...] = (
    "persistent hotspot",
    "emerging hotspot",
    "intermittent hotspot",
    "former hotspot",
    "mixed hot/coldspot",
    "former coldspot",
    "intermittent coldspot",
    "emerging coldspot",
    "persistent coldspot",
    "no pattern",
)


@dataclass(frozen=True)
class ClassifyParams:
    """sfhotspot's ``hotspot_classify_params()`` defaults."""

    hotspot_prop: float = 0.1
    persistent_prop: float = 0.8
    recent_prop: float = 0.2
    critical_p: float = 0.05


@dataclass
class ClassifyResult:
    labels: list[str]
    sig_hot: np.ndarray  # (periods, cells)
    sig_cold: np.ndarray
    recent_periods: int
    classes: np.ndarray
    persistence: PersistenceResult
    params: ClassifyParams
    skipped: list[str]

    def counts_by_class(self) -> dict[str, int]:
        return {c: int((self.classes == c).sum()) for c in CLASSIFY_CLASSES}


def recent_count(periods: int, recent_prop: float) -> int:
    recent = int(np.floor(recent_prop * periods + 1e-9))
    recent = recent if recent >= 1 and periods - recent >= 1 else 1
    if periods - recent < 1:
        raise AnalysisError("classification needs at least two periods: one recent and one older")
    return recent


def _category(sig: np.ndarray, recent: int, p: ClassifyParams, kind: str) -> np.ndarray:
    share_all = sig.mean(axis=0)
    share_recent = sig[-recent:].mean(axis=0)
    share_older = sig[:-recent].mean(axis=0)
    out = np.full(sig.shape[1], "no pattern", dtype=object)
    intermittent = share_all >= p.hotspot_prop
    former = (share_older >= p.hotspot_prop) & (share_recent < p.hotspot_prop)
    emerging = (share_older < p.hotspot_prop) & (share_recent >= p.recent_prop)
    persistent = share_all >= p.persistent_prop
    # later assignments win: the order of sfhotspot's nested ifelse, persistent first
    out[intermittent] = f"intermittent {kind}"
    out[former] = f"former {kind}"
    out[emerging] = f"emerging {kind}"
    out[persistent] = f"persistent {kind}"
    return out


def classify_significance(sig_hot, sig_cold, params: ClassifyParams | None = None) -> tuple[np.ndarray, int]:
    """sfhotspot categories from (periods, cells) boolean masks of significant hot and cold spots."""
    p = params or ClassifyParams()
    hot = np.asarray(sig_hot, dtype=bool)
    cold = np.asarray(sig_cold, dtype=bool)
    if hot.shape != cold.shape or hot.ndim != 2:
        raise AnalysisError("hot and cold masks must both be (periods, cells)")
    recent = recent_count(hot.shape[0], p.recent_prop)
    cat_h = _category(hot, recent, p, "hotspot")
    cat_c = _category(cold, recent, p, "coldspot")
    out = np.where(cat_h != "no pattern", cat_h, cat_c).astype(object)
    out[(cat_h != "no pattern") & (cat_c != "no pattern")] = "mixed hot/coldspot"
    return out, recent


def classify(
    period_counts,
    w,
    *,
    labels: list[str] | None = None,
    params: ClassifyParams | None = None,
) -> ClassifyResult:
    """Gi* per period (counts aligned with one grid's cells, oldest first), then sfhotspot's categories.

    Periods with no incident at all are left out, as sfhotspot does (their labels are in ``skipped``).
    """
    p = params or ClassifyParams()
    counts = [np.asarray(c, dtype=float).ravel() for c in period_counts]
    labels = list(labels) if labels is not None else [f"period {i + 1}" for i in range(len(counts))]
    if len(labels) != len(counts):
        raise AnalysisError(f"{len(labels)} labels for {len(counts)} periods")
    kept = [i for i, c in enumerate(counts) if c.sum() > 0]
    skipped = [labels[i] for i in range(len(counts)) if i not in kept]
    if len(kept) < 2:
        raise AnalysisError("classification needs at least two periods with incidents")
    hot, cold = [], []
    for i in kept:
        res = gistar(counts[i], w, permutations=0)
        sig = np.isfinite(res.q) & (res.q < p.critical_p)
        hot.append(sig & (res.z > 0))
        cold.append(sig & (res.z < 0))
    sig_hot, sig_cold = np.vstack(hot), np.vstack(cold)
    classes, recent = classify_significance(sig_hot, sig_cold, p)
    kept_labels = [labels[i] for i in kept]
    trend = persistence([counts[i] for i in kept], hot=list(sig_hot), labels=kept_labels)
    return ClassifyResult(kept_labels, sig_hot, sig_cold, recent, classes, trend, p, skipped)
