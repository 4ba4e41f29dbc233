"""Spatial weights as ``scipy.sparse.csr_array``: distance band, k nearest neighbours, grid contiguity.

Each builder returns an n × n matrix with one row per place (cell or area) in the order given, and follows libpysal's
definition of the same weights so results can be checked against PySAL cell for cell:

* :func:`distance_band_weights` = ``libpysal.weights.DistanceBand(coords, threshold)`` — neighbours at distance
  0 < d ≤ threshold (libpysal drops pairs at distance 0, so co-located places are not each other's neighbours).
* :func:`knn_weights` = ``libpysal.weights.KNN(coords, k)`` — the k nearest by scipy's KD-tree, same tie order.
* :func:`contiguity_weights` = ``libpysal.weights.lat2W(nrows, ncols, rook=...)`` on a full grid (queen by default,
  as Getis-Ord hot spot maps use); on a grid restricted to some cells, the same adjacency among the cells kept.

``transform="B"`` keeps binary weights, ``"R"`` row-standardises (each row sums to 1). ``self_weight=True`` puts 1 on
the diagonal *before* the transform, which is how esda builds Gi* weights (``fill_diagonal(w, 1)`` then transform).
"""

from __future__ import annotations

import numpy as np
from scipy import sparse
from scipy.spatial import cKDTree

from svduty.analysis import AnalysisError
from svduty.analysis.hotspots.grid import Grid

TRANSFORMS = ("B", "R", "O")


def _coords(x, y) -> np.ndarray:
    x = np.asarray(x, dtype=float).ravel()
    y = np.asarray(y, dtype=float).ravel()
    if x.size != y.size:
        raise AnalysisError(f"x and y differ in length ({x.size} vs {y.size})")
    if not (np.all(np.isfinite(x)) and np.all(np.isfinite(y))):
        raise AnalysisError("weights need finite coordinates for every place")
    return np.column_stack([x, y])


def drop_diagonal(w) -> sparse.csr_array:
    """The matrix without its diagonal entries (csr, sorted indices)."""
    coo = sparse.coo_array(w)
    off = coo.row != coo.col
    out = sparse.csr_array((coo.data[off], (coo.row[off], coo.col[off])), shape=coo.shape)
    out.sort_indices()
    return out


def fill_empty_diagonal(w, values) -> sparse.csr_array:
    """Put ``values`` on the diagonal where it is zero, keeping diagonal entries already there."""
    w = sparse.csr_array(w, dtype=float)
    n = w.shape[0]
    add = np.where(w.diagonal() == 0, np.broadcast_to(np.asarray(values, dtype=float), (n,)), 0.0)
    return sparse.csr_array(w + sparse.diags_array(add, shape=(n, n)))


def finish_weights(w, *, transform: str = "B", self_weight: bool = False) -> sparse.csr_array:
    """Add the self-weight if asked, then apply ``transform`` ("B" binary, "R" row-standardised, "O" as given)."""
    t = transform.upper()
    if t not in TRANSFORMS:
        raise AnalysisError(f"unknown weights transform {transform!r}; use 'B' (binary) or 'R' (row-standardised)")
    w = sparse.csr_array(w, dtype=float)
    n = w.shape[0]
    if self_weight:
        w = fill_empty_diagonal(w, 1.0)
    w.eliminate_zeros()
    if t == "B":
        w.data[:] = 1.0
    elif t == "R":
        rows = np.asarray(w.sum(axis=1)).ravel()
        with np.errstate(divide="ignore"):
            scale = np.where(rows > 0, 1.0 / rows, 0.0)
        w = sparse.csr_array(sparse.diags_array(scale, shape=(n, n)) @ w)
    w.sort_indices()
    return w


def distance_band_weights(
    x, y, threshold: float, *, transform: str = "B", self_weight: bool = False, alpha: float | None = None
) -> sparse.csr_array:
    """Neighbours within ``threshold`` metres (0 < d ≤ threshold), as libpysal ``DistanceBand``.

    ``alpha`` (e.g. −1) gives inverse-distance weights d^alpha instead of 1, as ``DistanceBand(binary=False)``; then
    use ``transform="O"`` (as given) or "R". Places with no neighbour within the band are islands (empty rows).
    """
    pts = _coords(x, y)
    if not threshold > 0:
        raise AnalysisError(f"distance band threshold must be positive, got {threshold}")
    tree = cKDTree(pts)
    d = tree.sparse_distance_matrix(tree, max_distance=float(threshold), output_type="coo_matrix")
    keep = d.data > 0
    vals = np.ones(keep.sum()) if alpha is None else d.data[keep] ** float(alpha)
    w = sparse.csr_array((vals, (d.row[keep], d.col[keep])), shape=(pts.shape[0], pts.shape[0]))
    if alpha is not None and transform.upper() == "B":
        transform = "O"
    return finish_weights(w, transform=transform, self_weight=self_weight)


def knn_weights(x, y, k: int, *, transform: str = "B", self_weight: bool = False) -> sparse.csr_array:
    """The ``k`` nearest other places of each place (not symmetric), as libpysal ``KNN``.

    Uses the same scipy KD-tree (leafsize 10) and query for k + 1 neighbours and the same rule for dropping the
    place itself (or, when more than k others are at distance 0, the last of them), so ties resolve identically.
    """
    pts = _coords(x, y)
    n = pts.shape[0]
    if not 0 < k < n:
        raise AnalysisError(f"k must be between 1 and {n - 1} for {n} places, got {k}")
    _, idx = cKDTree(pts, leafsize=10).query(pts, k=k + 1)  # libpysal builds its tree with leafsize 10
    not_self = idx != np.arange(n)[:, None]
    too_many = not_self.sum(axis=1) == k + 1
    not_self[too_many, -1] = False
    cols = idx[not_self].reshape(n, k)
    rows = np.repeat(np.arange(n), k)
    w = sparse.csr_array((np.ones(n * k), (rows, cols.ravel())), shape=(n, n))
    return finish_weights(w, transform=transform, self_weight=self_weight)


def contiguity_weights(grid: Grid, rook: bool = False, *, transform: str = "B", self_weight: bool = False):
    """Queen (8 neighbours) or rook (4) contiguity between the grid's cells in use, as libpysal ``lat2W``.

    On a hexagonal grid both are the six hexagons sharing an edge (libpysal's ``Rook`` = ``Queen`` from polygons).
    """
    if getattr(grid, "kind", "square") == "hex":
        from svduty.analysis.hotspots.hexgrid import hex_contiguity_weights

        return finish_weights(hex_contiguity_weights(grid), transform=transform, self_weight=self_weight)
    nr, nc = grid.nrows, grid.ncols
    flat = grid.cells
    pos = np.full(nr * nc, -1, dtype=np.int64)
    pos[flat] = np.arange(flat.size)
    r = flat // nc
    c = flat % nc
    offsets = [(-1, 0), (1, 0), (0, -1), (0, 1)]
    if not rook:
        offsets += [(-1, -1), (-1, 1), (1, -1), (1, 1)]
    rows, cols = [], []
    for dr, dc in offsets:
        rr, cc = r + dr, c + dc
        ok = (rr >= 0) & (rr < nr) & (cc >= 0) & (cc < nc)
        nb = np.full(flat.size, -1, dtype=np.int64)
        nb[ok] = pos[rr[ok] * nc + cc[ok]]
        ok = nb >= 0
        rows.append(np.nonzero(ok)[0])
        cols.append(nb[ok])
    rows_a = np.concatenate(rows)
    cols_a = np.concatenate(cols)
    w = sparse.csr_array((np.ones(rows_a.size), (rows_a, cols_a)), shape=(flat.size, flat.size))
    return finish_weights(w, transform=transform, self_weight=self_weight)


def cardinalities(w) -> np.ndarray:
    """Number of neighbours of each place, not counting itself."""
    w = sparse.csr_array(w)
    nnz = np.diff(w.indptr)
    diag = w.diagonal() != 0
    return nnz - diag
