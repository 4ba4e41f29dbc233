"""Local Getis-Ord G and G* (Getis & Ord 1992, *Geogr. Anal.* 24:189; Ord & Getis 1995, *Geogr. Anal.* 27:286).

Gᵢ = Σⱼ wᵢⱼ yⱼ / (Σⱼ yⱼ − yᵢ) over j ≠ i; Gᵢ* includes i itself (wᵢᵢ > 0) and divides by Σⱼ yⱼ. The analytic moments
and z-scores follow PySAL esda's ``G_Local`` exactly (same formulas, same handling of star and of binary "B" vs
row-standardised "R" weights), so results agree with esda to rounding; inference by conditional permutation uses the
shared engine in :mod:`~svduty.analysis.hotspots.crand`.

Classes: two-sided p-values — 2 × ``p_norm`` by default, or from the permutations, tie-aware
(2 · (min(#sim ≥ G, #sim ≤ G) + 1) / (P + 1), see :func:`~svduty.analysis.hotspots.crand.local_g_crand`; esda's
folded ``p_sim`` calls a zero cell among zero neighbours significant) — are adjusted for the many
cells tested with the Benjamini–Hochberg false discovery rate (Benjamini & Hochberg 1995, *JRSS B* 57:289; ArcGIS Pro's
"Hot Spot Analysis" offers the same correction), then a cell is a hot (z > 0) or
cold (z < 0) spot at 99/95/90% confidence when its adjusted p is ≤ 0.01/0.05/0.10.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
from scipy import sparse, stats

from svduty.analysis import AnalysisError
from svduty.analysis.hotspots.crand import local_g_crand
from svduty.analysis.hotspots.weights import drop_diagonal

CLASS_LABELS: tuple[str, ...] = (
    "Hot spot, 99% confidence",
    "Hot spot, 95% confidence",
    "Hot spot, 90% confidence",
    "Not significant",
    "Cold spot, 90% confidence",
    "Cold spot, 95% confidence",
    "Cold spot, 99% confidence",
)
_LEVELS = ((0.01, "99"), (0.05, "95"), (0.10, "90"))


@dataclass
class GiStarResult:
    """Per-place results of :func:`gistar`, named as in esda's ``G_Local`` (``Gs``→``G``, ``Zs``→``z``).

    ``G``, ``EG``, ``VG``: statistic, expectation and variance under the normality assumption; ``z``; ``p_norm``: the
    one-sided normal p-value of |z| (esda's definition); ``p_sim``: folded pseudo p-value from conditional
    permutations (NaN for places with no neighbours); ``EG_sim``/``VG_sim``/``z_sim``: moments of the permutation
    distribution; ``p_two``: the two-sided p-value behind ``classes`` (see ``classify_by``); ``q``: its BH
    adjustment; ``classes``: one of ``CLASS_LABELS``.
    """

    G: np.ndarray
    EG: np.ndarray
    VG: np.ndarray
    z: np.ndarray
    p_norm: np.ndarray
    p_sim: np.ndarray | None
    EG_sim: np.ndarray | None
    VG_sim: np.ndarray | None
    z_sim: np.ndarray | None
    p_two: np.ndarray
    q: np.ndarray
    classes: np.ndarray
    star: bool
    classify_by: str
    transform: str
    permutations: int
    n_neighbours: np.ndarray = field(repr=False)

    def counts_by_class(self) -> dict[str, int]:
        return {label: int((self.classes == label).sum()) for label in CLASS_LABELS}


def prepare_weights(w, *, star: bool, transform: str | None) -> sparse.csr_array:
    """Put the self-weight on or off and transform, as esda's ``G_Local`` does before computing.

    For G* a matrix with an empty diagonal gets each row's largest weight there (1 for binary weights — esda's
    ``fill_diagonal(w, 1)``); a diagonal already present is kept. For G the diagonal is removed. Then ``transform``
    "B" sets every weight to 1, "R" divides each row by its sum (self-weight included), None keeps the weights.
    """
    w = sparse.csr_array(w, dtype=float)
    n = w.shape[0]
    if w.shape != (n, n):
        raise AnalysisError(f"weights must be square, got {w.shape}")
    diag = w.diagonal()
    if star and not np.any(diag != 0):
        row_max = np.zeros(n)
        nnz = np.diff(w.indptr) > 0
        if w.data.size:
            row_max[nnz] = np.maximum.reduceat(w.data, w.indptr[:-1][nnz])
        # esda fills the diagonal with each row's max (1 for binary weights); places with no neighbours get 1
        w = sparse.csr_array(w + sparse.diags_array(np.where(row_max > 0, row_max, 1.0), shape=(n, n)))
    elif not star and np.any(diag != 0):
        w = drop_diagonal(w)
    w.eliminate_zeros()
    if transform is not None:
        t = transform.upper()
        if t == "B":
            w.data[:] = 1.0
        elif t == "R":
            rows = np.asarray(w.sum(axis=1)).ravel()
            with np.errstate(divide="ignore"):
                w = sparse.csr_array(sparse.diags_array(np.where(rows > 0, 1.0 / rows, 0.0)) @ w)
        else:
            raise AnalysisError(f"unknown transform {transform!r}; use 'B', 'R' or None")
    w.sort_indices()
    return w


def bh_classes(z: np.ndarray, p_two_sided: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Benjamini–Hochberg adjusted p-values (``scipy.stats.false_discovery_control``) and hot/cold classes."""
    q = np.full(z.shape, np.nan)
    ok = np.isfinite(p_two_sided) & np.isfinite(z)
    if ok.any():
        q[ok] = stats.false_discovery_control(np.clip(p_two_sided[ok], 0.0, 1.0), method="bh")
    classes = np.full(z.shape, "Not significant", dtype=object)
    for alpha, level in reversed(_LEVELS):  # loosest first, tighter levels overwrite
        sig = ok & (q <= alpha)
        classes[sig & (z > 0)] = f"Hot spot, {level}% confidence"
        classes[sig & (z < 0)] = f"Cold spot, {level}% confidence"
    return q, classes


def gistar(
    y,
    w,
    *,
    star: bool = True,
    permutations: int = 999,
    seed: int | None = None,
    n_jobs: int = 1,
    transform: str | None = "B",
    classify_by: str = "norm",
) -> GiStarResult:
    """Local Getis-Ord Gi* (``star=True``) or Gi (``star=False``) of ``y`` (e.g. counts per cell) over weights ``w``.

    ``w`` is an n × n sparse matrix from :mod:`~svduty.analysis.hotspots.weights` (binary, with or without self).
    ``transform`` "B" (binary, the classic Getis-Ord statistic, as sfhotspot and ArcGIS) or "R" (row-standardised,
    esda's default) is applied after the self-weight, as in esda ``G_Local(y, w, transform=..., star=...)``; pass
    ``None`` to use ``w`` exactly as given. ``permutations=0`` skips the simulation (classes then use ``p_norm``).
    ``seed`` makes the permutations reproducible; ``n_jobs`` threads share the work without changing the result.
    ``classify_by`` picks the p-values behind ``classes``: "norm" (2 × ``p_norm``, as ArcGIS Pro's Hot Spot Analysis)
    or "sim" (the tie-aware permutation p). With P permutations no permutation p is below 2 / (P + 1), so over tens of
    thousands of cells the FDR correction can reject nothing unless P is large (9,999+): hence "norm" by default.
    """
    if classify_by not in ("norm", "sim"):
        raise AnalysisError(f"classify_by must be 'norm' or 'sim', got {classify_by!r}")
    y = np.asarray(y, dtype=float).ravel()
    n = y.size
    if n < 3:
        raise AnalysisError(f"Gi* needs at least 3 places, got {n}")
    if not np.all(np.isfinite(y)):
        raise AnalysisError("Gi* values must all be finite")
    total = y.sum()
    if total == 0:
        raise AnalysisError("Gi* is undefined when every place has zero incidents")
    if sparse.csr_array(w).shape != (n, n):
        raise AnalysisError(f"weights are {sparse.csr_array(w).shape} for {n} values")
    W = prepare_weights(w, star=star, transform=transform)
    remove_self = not star
    N = n - remove_self
    # esda G_Local.calc, term for term
    statistic = (W @ y) / (total - y * remove_self)
    empirical_mean = (total - y * remove_self) / N
    mean_of_squares = ((y**2).sum() - (y**2) * remove_self) / N
    empirical_variance = mean_of_squares - empirical_mean**2
    cardinality = np.asarray(W.sum(axis=1)).ravel()
    expected_value = cardinality / N
    expected_variance = cardinality * (N - cardinality)
    expected_variance /= N - 1
    expected_variance *= 1 / N**2
    expected_variance *= empirical_variance / (empirical_mean**2)
    with np.errstate(divide="ignore", invalid="ignore"):
        z = (statistic - expected_value) / np.sqrt(expected_variance)
    p_norm = stats.norm.sf(np.abs(z))

    self_w = W.diagonal().astype(float)
    others = drop_diagonal(W)
    others.eliminate_zeros()
    n_neighbours = np.diff(others.indptr)

    p_sim = eg_sim = vg_sim = z_sim = p_two_sim = None
    if permutations:
        if permutations < 1:
            raise AnalysisError("permutations must be 0 or positive")
        sim = local_g_crand(
            y, others, self_w, statistic, star=star, permutations=int(permutations), seed=seed, n_jobs=n_jobs
        )
        p_sim, eg_sim, vg_sim, p_two_sim = sim[:, 0], sim[:, 1], sim[:, 2], sim[:, 3]
        with np.errstate(divide="ignore", invalid="ignore"):
            z_sim = (statistic - eg_sim) / np.sqrt(vg_sim)
    elif classify_by == "sim":
        raise AnalysisError("classify_by='sim' needs permutations")
    p_two = p_two_sim if classify_by == "sim" else np.minimum(1.0, 2.0 * p_norm)
    q, classes = bh_classes(z, p_two)
    return GiStarResult(
        G=statistic,
        EG=expected_value,
        VG=expected_variance,
        z=z,
        p_norm=p_norm,
        p_sim=p_sim,
        EG_sim=eg_sim,
        VG_sim=vg_sim,
        z_sim=z_sim,
        p_two=p_two,
        q=q,
        classes=classes,
        star=star,
        classify_by=classify_by,
        transform=transform or "as given",
        permutations=int(permutations),
        n_neighbours=n_neighbours,
    )
