"""Gi* on a lattice cut into tiles with a halo — the same numbers as the whole-grid :func:`gistar`, in bounded memory.

A national 250 m grid holds millions of cells; a cluster holds more. Getis-Ord Gi* is local: a cell's statistic needs
only the cells within the neighbourhood radius, so the lattice is cut into tiles and each tile is computed from its
own cells plus a *halo* of ``reach`` cells around it (``reach`` = the largest row/column offset of the
neighbourhood). What is not local is small and is worked out once, then handed to every tile (:class:`GlobalStats`):

* the sums behind the analytic moments (n, Σy, Σy²) and y of the last site;
* the conditional-permutation set-up of :mod:`~svduty.analysis.hotspots.crand`: one seeded table of
  ``permutations × max_k`` draws over the *global* site order (row-major), the prefix sums of the drawn values and
  the draws that hit each site's own index. It depends only on (n, max_k, permutations, seed) and the values at the
  drawn sites, so every tile sees exactly the table the whole-grid run uses.

Each tile then runs the shared kernel (``crand._constant_weight_sites``) on its sites with the same arithmetic in the
same order, so z, G and the permutation p-values are **identical** to :func:`gistar` (not merely within the Monte
Carlo bound): tested in ``tests/analysis/test_hotspots_tiled.py``. The Benjamini–Hochberg step needs every p-value at
once and runs after the tiles, on one n-vector.

Weights: binary ("B") or row-standardised ("R") lattice neighbourhoods — queen, rook or a distance band in cells —
which is what hot-spot grids use; these have one common weight per row, the kernel's fast path. Memory per tile is
O(tile cells × neighbours); the whole run never holds an n × permutations array.
"""

from __future__ import annotations

from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

import numba
import numpy as np
from scipy import stats

from svduty.analysis import AnalysisError
from svduty.analysis.hotspots.crand import (
    _constant_weight_sites,
    own_index_draws,
    permutation_prefix_sums,
    permutation_table,
)
from svduty.analysis.hotspots.getisord import GiStarResult, bh_classes

TILE_COLUMNS = ("G", "EG", "VG", "z", "p_norm", "p_sim", "EG_sim", "VG_sim", "p_two", "n_neighbours")


def lattice_offsets(neighbours: str = "queen", *, distance: float | None = None, cell_size: float | None = None):
    """(dr, dc) offsets of a cell's neighbours: queen (8), rook (4) or every cell centre within ``distance`` metres.

    The distance band equals ``distance_band_weights`` on cell centres (0 < d ≤ distance), as libpysal's DistanceBand.
    """
    if neighbours == "queen":
        offsets = [(dr, dc) for dr in (-1, 0, 1) for dc in (-1, 0, 1) if (dr, dc) != (0, 0)]
    elif neighbours == "rook":
        offsets = [(-1, 0), (1, 0), (0, -1), (0, 1)]
    elif neighbours == "distance":
        if not distance or not cell_size or distance <= 0 or cell_size <= 0:
            raise AnalysisError("a distance band needs a positive distance and cell size")
        reach = int(np.floor(distance / cell_size))
        offsets = [
            (dr, dc)
            for dr in range(-reach, reach + 1)
            for dc in range(-reach, reach + 1)
            if (dr, dc) != (0, 0) and np.hypot(dr * cell_size, dc * cell_size) <= distance
        ]
    else:
        raise AnalysisError(f"unknown neighbourhood {neighbours!r}; use queen, rook or distance")
    return np.array(offsets, dtype=np.int64).reshape(-1, 2)


@dataclass(frozen=True)
class GlobalStats:
    """What every tile needs from the whole lattice (small: O(permutations × max_k))."""

    n: int
    total: float
    sum_squares: float
    y_last: float
    max_k: int
    star: bool
    transform: str
    prefix: np.ndarray  # (permutations, max_k + 1)
    occ_site: np.ndarray  # draws sorted by the site index they hit …
    occ_p: np.ndarray  # … their permutation row …
    occ_j: np.ndarray  # … and column

    @property
    def permutations(self) -> int:
        return int(self.prefix.shape[0])


def global_stats(
    n: int,
    total: float,
    sum_squares: float,
    y_last: float,
    max_k: int,
    values_at,
    *,
    permutations: int,
    seed: int | None,
    star: bool = True,
    transform: str = "B",
) -> GlobalStats:
    """Set up the permutation table exactly as the whole-grid run does. ``values_at(ids)`` returns y at those sites
    (an array lookup on one machine, a small join on a cluster)."""
    if transform not in ("B", "R"):
        raise AnalysisError("tiled Gi* takes binary ('B') or row-standardised ('R') lattice weights")
    if n < 3:
        raise AnalysisError(f"Gi* needs at least 3 places, got {n}")
    if total == 0:
        raise AnalysisError("Gi* is undefined when every place has zero incidents")
    perm = permutation_table(n, max_k, permutations, seed)
    ids = np.unique(perm)
    lookup = np.asarray(values_at(ids), dtype=float)
    drawn = lookup[np.searchsorted(ids, perm)] if perm.size else np.zeros(perm.shape)
    occ_site, occ_p, occ_j = own_index_draws(perm)
    return GlobalStats(
        n=int(n),
        total=float(total),
        sum_squares=float(sum_squares),
        y_last=float(y_last),
        max_k=int(max_k),
        star=star,
        transform=transform,
        prefix=permutation_prefix_sums(drawn),
        occ_site=occ_site,
        occ_p=occ_p,
        occ_j=occ_j,
    )


@numba.njit(cache=True, nogil=True)
def _neighbour_sums(core_pos, ctx_keys, ctx_ids, ctx_y, key_offsets, star, row_standardise):
    """Per core cell: neighbour count, observed lag Σ w·y and row sum Σ w, summed in ascending global-id order with
    the self-weight in its place — the order of scipy's CSR product over the whole-grid weights."""
    m = core_pos.shape[0]
    k_max = key_offsets.shape[0]
    card = np.zeros(m, dtype=np.int64)
    lag = np.zeros(m)
    row_sum = np.zeros(m)
    ids = np.empty(k_max + 1, dtype=np.int64)
    vals = np.empty(k_max + 1)
    for s in range(m):
        c = core_pos[s]
        key = ctx_keys[c]
        k = 0
        for o in range(k_max):
            target = key + key_offsets[o]
            pos = np.searchsorted(ctx_keys, target)
            if pos < ctx_keys.shape[0] and ctx_keys[pos] == target:
                ids[k] = ctx_ids[pos]
                vals[k] = ctx_y[pos]
                k += 1
        card[s] = k
        total_w = k + 1 if star else k
        if total_w == 0:
            continue
        if star:
            ids[k] = ctx_ids[c]
            vals[k] = ctx_y[c]
        terms = k + 1 if star else k
        order = np.argsort(ids[:terms])
        weight = 1.0 / total_w if row_standardise else 1.0
        acc = 0.0
        wsum = 0.0
        for t in range(terms):
            acc += weight * vals[order[t]]
            wsum += weight
        lag[s] = acc
        row_sum[s] = wsum
    return card, lag, row_sum


def _keys(rows, cols, width: int) -> np.ndarray:
    return np.asarray(rows, dtype=np.int64) * width + np.asarray(cols, dtype=np.int64)


def tile_cardinalities(core_rows, core_cols, ctx_rows, ctx_cols, offsets) -> np.ndarray:
    """Neighbour counts of a tile's cells (pass one: the global ``max_k`` is their maximum)."""
    width = _key_width(ctx_cols, offsets)
    ctx_keys = _keys(ctx_rows, ctx_cols, width)
    order = np.argsort(ctx_keys, kind="stable")
    keys = ctx_keys[order]
    core = _keys(core_rows, core_cols, width)
    found = np.zeros(core.size, dtype=np.int64)
    for dr, dc in offsets:
        target = core + dr * width + dc
        pos = np.clip(np.searchsorted(keys, target), 0, max(keys.size - 1, 0))
        found += (keys[pos] == target) if keys.size else 0
    return found


def _key_width(cols, offsets) -> int:
    """Row stride of the flat key: wider than any column plus the reach, so offsets never wrap to another row."""
    reach = int(np.abs(offsets).max()) if len(offsets) else 0
    top = int(np.max(cols)) if len(cols) else 0
    return top + 2 * reach + 2


def gistar_tile(
    core_ids,
    ctx_ids,
    ctx_rows,
    ctx_cols,
    ctx_y,
    offsets,
    gs: GlobalStats,
) -> dict[str, np.ndarray]:
    """Gi* for one tile's core cells (global ids ``core_ids``) from the tile's cells plus halo (``ctx_*``, which
    include the core cells). Returns the columns of :data:`TILE_COLUMNS`, aligned with ``core_ids``."""
    ctx_ids = np.asarray(ctx_ids, dtype=np.int64)
    core_ids = np.asarray(core_ids, dtype=np.int64)
    width = _key_width(ctx_cols, offsets)
    shift = int(np.abs(offsets).max()) if len(offsets) else 0
    keys = _keys(ctx_rows, np.asarray(ctx_cols, dtype=np.int64) + shift, width)
    order = np.argsort(keys, kind="stable")
    keys, ctx_ids_sorted, y_sorted = keys[order], ctx_ids[order], np.asarray(ctx_y, dtype=float)[order]
    id_order = np.argsort(ctx_ids_sorted)
    core_pos = id_order[np.searchsorted(ctx_ids_sorted[id_order], core_ids)]
    key_offsets = np.array([dr * width + dc for dr, dc in offsets], dtype=np.int64)
    card, lag, row_sum = _neighbour_sums(
        core_pos, keys, ctx_ids_sorted, y_sorted, key_offsets, gs.star, gs.transform == "R"
    )
    y_core = y_sorted[core_pos]
    remove_self = not gs.star
    N = gs.n - remove_self
    # gistar()'s arithmetic, term for term (esda G_Local.calc)
    statistic = lag / (gs.total - y_core * remove_self)
    empirical_mean = (gs.total - y_core * remove_self) / N
    mean_of_squares = (gs.sum_squares - (y_core**2) * remove_self) / N
    empirical_variance = mean_of_squares - empirical_mean**2
    expected_value = row_sum / N
    expected_variance = row_sum * (N - row_sum)
    expected_variance /= N - 1
    expected_variance *= 1 / N**2
    expected_variance *= empirical_variance / (empirical_mean**2)
    with np.errstate(divide="ignore", invalid="ignore"):
        z = (statistic - expected_value) / np.sqrt(expected_variance)
    p_norm = stats.norm.sf(np.abs(z))

    weight = np.where(card + gs.star > 0, 1.0 / np.maximum(card + gs.star, 1), 0.0) if gs.transform == "R" else None
    row_w = weight if weight is not None else np.ones(card.size)
    self_w = (row_w if gs.star else np.zeros(card.size)).astype(float)
    row_w = np.where(card > 0, row_w, 0.0)
    sim = np.full((core_ids.size, 4), np.nan)
    if gs.permutations:
        occ_lo = np.searchsorted(gs.occ_site, core_ids, side="left")
        occ_hi = np.searchsorted(gs.occ_site, core_ids, side="right")
        occ_ptr, occ_p, occ_j = _gather_occurrences(occ_lo, occ_hi, gs.occ_p, gs.occ_j)
        _constant_weight_sites(
            core_ids,
            y_core,
            card,
            row_w,
            self_w,
            gs.star,
            gs.total,
            statistic,
            gs.prefix,
            occ_ptr,
            occ_p,
            occ_j,
            gs.y_last,
            gs.n,
            sim,
        )
        sim[card == 0] = np.nan
    with np.errstate(divide="ignore", invalid="ignore"):
        z_sim = (statistic - sim[:, 1]) / np.sqrt(sim[:, 2])
    return {
        "G": statistic,
        "EG": expected_value,
        "VG": expected_variance,
        "z": z,
        "p_norm": p_norm,
        "p_sim": sim[:, 0],
        "EG_sim": sim[:, 1],
        "VG_sim": sim[:, 2],
        "z_sim": z_sim,
        "p_two": sim[:, 3],
        "n_neighbours": card,
    }


def _gather_occurrences(lo, hi, occ_p, occ_j):
    counts = hi - lo
    ptr = np.zeros(lo.size + 1, dtype=np.int64)
    np.cumsum(counts, out=ptr[1:])
    take = np.repeat(lo - ptr[:-1], counts) + np.arange(int(ptr[-1]))
    return ptr, occ_p[take].astype(np.int64), occ_j[take].astype(np.int64)


@dataclass(frozen=True)
class Tile:
    """One tile: its core cells and its context (core + halo), as positions in the lattice arrays."""

    tile_row: int
    tile_col: int
    core: np.ndarray
    context: np.ndarray


def iter_tiles(rows, cols, tile_size: int, reach: int) -> Iterator[Tile]:
    """Cut a lattice (cells given by ``rows``/``cols``) into square tiles of ``tile_size`` cells plus a halo.

    Each cell is sent to the few tiles whose core or halo holds it (9 when ``reach < tile_size``), then one sort
    groups them: O(cells) memberships, not a mask over every cell per tile."""
    if tile_size < 1:
        raise AnalysisError("tile size must be at least one cell")
    rows = np.asarray(rows, dtype=np.int64)
    cols = np.asarray(cols, dtype=np.int64)
    if rows.size == 0:
        return
    tr, tc = rows // tile_size, cols // tile_size
    span = -(-int(reach) // tile_size)  # tiles away whose halo can reach a cell
    width = int(tc.max()) + span + 2
    keys, members = [], []
    for dr in range(-span, span + 1):
        r0 = (tr + dr) * tile_size
        in_r = (rows >= r0 - reach) & (rows < r0 + tile_size + reach) & (tr + dr >= 0)
        for dc in range(-span, span + 1):
            c0 = (tc + dc) * tile_size
            hit = in_r & (cols >= c0 - reach) & (cols < c0 + tile_size + reach) & (tc + dc >= 0)
            idx = np.flatnonzero(hit)
            keys.append((tr[idx] + dr) * width + tc[idx] + dc)
            members.append(idx)
    key = np.concatenate(keys)
    member = np.concatenate(members)
    order = np.lexsort((member, key))
    key, member = key[order], member[order]
    starts = np.flatnonzero(np.r_[True, key[1:] != key[:-1]])
    ends = np.r_[starts[1:], key.size]
    own = tr * width + tc
    core_order = np.lexsort((np.arange(rows.size), own))
    core_key = own[core_order]
    core_starts = np.flatnonzero(np.r_[True, core_key[1:] != core_key[:-1]])
    core_ends = np.r_[core_starts[1:], core_key.size]
    at = np.searchsorted(key[starts], core_key[core_starts])
    for cs, ce, k in zip(core_starts, core_ends, at, strict=True):
        core = core_order[cs:ce]  # ascending: lexsort breaks ties by position
        t_row, t_col = divmod(int(core_key[cs]), width)
        yield Tile(t_row, t_col, core, member[starts[k] : ends[k]])


def gistar_tiled(
    rows,
    cols,
    y,
    offsets,
    *,
    tile_size: int = 256,
    permutations: int = 999,
    seed: int | None = None,
    star: bool = True,
    transform: str = "B",
    classify_by: str = "norm",
    n_jobs: int = 1,
) -> GiStarResult:
    """Gi* of ``y`` on the lattice cells (``rows``, ``cols``, in row-major order: the site order of the whole-grid run)
    computed tile by tile; equals ``gistar(y, W)`` for the lattice weights W of ``offsets``. ``n_jobs`` threads
    take tiles in turn (the kernels release the GIL); results do not depend on it."""
    rows = np.asarray(rows, dtype=np.int64)
    cols = np.asarray(cols, dtype=np.int64)
    y = np.asarray(y, dtype=float)
    if not (rows.size == cols.size == y.size):
        raise AnalysisError("rows, cols and y must have one value per cell")
    if not np.all(np.isfinite(y)):
        raise AnalysisError("Gi* values must all be finite")
    flat = rows * (int(cols.max(initial=0)) + 1) + cols
    if np.any(np.diff(flat) <= 0):
        raise AnalysisError("lattice cells must be unique and in row-major order (row, then column)")
    reach = int(np.abs(offsets).max()) if len(offsets) else 0
    tiles = list(iter_tiles(rows, cols, tile_size, reach))
    max_k = 0
    for tile in tiles:
        card = tile_cardinalities(rows[tile.core], cols[tile.core], rows[tile.context], cols[tile.context], offsets)
        max_k = max(max_k, int(card.max(initial=0)))
    gs = global_stats(
        y.size,
        float(y.sum()),
        float((y**2).sum()),
        float(y[-1]),
        max_k,
        lambda ids: y[ids],
        permutations=permutations,
        seed=seed,
        star=star,
        transform=transform,
    )
    columns = {name: np.full(y.size, np.nan) for name in (*TILE_COLUMNS, "z_sim")}
    columns["n_neighbours"] = np.zeros(y.size, dtype=np.int64)
    ids = np.arange(y.size)

    def run(tile: Tile) -> None:
        part = gistar_tile(
            ids[tile.core], ids[tile.context], rows[tile.context], cols[tile.context], y[tile.context], offsets, gs
        )
        for name, values in part.items():
            columns[name][tile.core] = values  # tiles' cores are disjoint: no two threads write one cell

    if n_jobs > 1:
        with ThreadPoolExecutor(max_workers=n_jobs) as pool:
            list(pool.map(run, tiles))
    else:
        for tile in tiles:
            run(tile)
    return assemble_result(columns, permutations=permutations, star=star, transform=transform, classify_by=classify_by)


def assemble_result(columns, *, permutations: int, star: bool, transform: str, classify_by: str) -> GiStarResult:
    """Per-cell columns (from the tiles, in site order) → :class:`GiStarResult` with the FDR classes."""
    if classify_by not in ("norm", "sim"):
        raise AnalysisError(f"classify_by must be 'norm' or 'sim', got {classify_by!r}")
    z = np.asarray(columns["z"], dtype=float)
    p_two = (
        np.asarray(columns["p_two"], dtype=float) if classify_by == "sim" else np.minimum(1.0, 2.0 * columns["p_norm"])
    )
    q, classes = bh_classes(z, p_two)
    has_sim = bool(permutations)
    return GiStarResult(
        G=np.asarray(columns["G"], dtype=float),
        EG=np.asarray(columns["EG"], dtype=float),
        VG=np.asarray(columns["VG"], dtype=float),
        z=z,
        p_norm=np.asarray(columns["p_norm"], dtype=float),
        p_sim=np.asarray(columns["p_sim"], dtype=float) if has_sim else None,
        EG_sim=np.asarray(columns["EG_sim"], dtype=float) if has_sim else None,
        VG_sim=np.asarray(columns["VG_sim"], dtype=float) if has_sim else None,
        z_sim=np.asarray(columns["z_sim"], dtype=float) if has_sim else None,
        p_two=p_two,
        q=q,
        classes=classes,
        star=star,
        classify_by=classify_by,
        transform=transform,
        permutations=int(permutations),
        n_neighbours=np.asarray(columns["n_neighbours"], dtype=np.int64),
    )
