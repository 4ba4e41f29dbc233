"""Conditional randomisation for local statistics (numba), the one numeric kernel the local statistics share.

Same design and definition as PySAL esda's ``crand`` (Anselin 1995, *Geogr. Anal.* 27:93, §"conditional
randomisation"; esda/crand.py): site i keeps its own value and its neighbours' values are replaced by a random draw,
without replacement, of ``k_i`` values from the other n − 1 sites; one table of ``permutations × max k`` draws from
{0, …, n − 2} is shared by all sites (seeded, so results are reproducible), and draw d stands for site d, except that
d = i stands for site n − 1 — a bijection onto the other sites, equivalent in distribution to esda's "index into y
with i removed".

Speed: when every neighbour of i has the same weight (binary or row-standardised binary weights — the usual hot spot
set-up) the random lag is w_i · (sum of the first k_i draws), and those prefix sums are shared by all sites, so each
site costs O(permutations) instead of O(permutations × k_i); the one draw per row that can equal i is corrected
through an inverted index. General weights take the direct O(permutations × k_i) loop.

``p_sim`` is esda's "directed" (folded) definition: ``larger`` = number of simulated values ≥ observed; if
fewer than half are, ``larger`` = permutations − larger; p_sim = (larger + 1) / (permutations + 1). Values within
1e-12 (relative) of the observed one count as ties (≥), so exact ties among integer counts do not hinge on
floating-point summation order.
"""

from __future__ import annotations

import itertools
from concurrent.futures import ThreadPoolExecutor

import numba
import numpy as np

_REL_TIE = 1e-12


def permutation_table(n: int, max_k: int, permutations: int, seed: int | None) -> np.ndarray:
    """(permutations, max_k) draws without replacement from {0, …, n − 2}, one row per permutation."""
    rng = np.random.default_rng(seed)
    m = n - 1
    if max_k == 0 or m <= 0:
        return np.zeros((permutations, max(max_k, 0)), dtype=np.int64)
    if 4 * max_k > m:  # dense draws: shuffle (m is small here)
        return np.argsort(rng.random((permutations, m)), axis=1)[:, :max_k].astype(np.int64)
    table = rng.integers(0, m, size=(permutations, max_k), dtype=np.int64)
    while True:  # redraw the (few) rows that repeat a site
        s = np.sort(table, axis=1)
        bad = np.nonzero((s[:, 1:] == s[:, :-1]).any(axis=1))[0]
        if bad.size == 0:
            return table
        table[bad] = rng.integers(0, m, size=(bad.size, max_k), dtype=np.int64)


def permutation_prefix_sums(drawn_y: np.ndarray) -> np.ndarray:
    """(permutations, max_k + 1) sums of the first k drawn values, k = 0 … max_k (``drawn_y`` = y[table])."""
    prefix = np.zeros((drawn_y.shape[0], drawn_y.shape[1] + 1))
    if drawn_y.shape[1]:
        prefix[:, 1:] = np.cumsum(drawn_y, axis=1)
    return prefix


def own_index_draws(perm: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Every draw of the table as (drawn site, permutation row, column), sorted by site, stably.

    Draw d = i stands for site n − 1 when site i is simulated, so each site needs the draws equal to its own index.
    """
    flat = perm.ravel()
    order = np.argsort(flat, kind="stable")
    width = max(perm.shape[1] if perm.ndim == 2 else 0, 1)
    return flat[order].astype(np.int64), (order // width).astype(np.int64), (order % width).astype(np.int64)


@numba.njit(cache=True, nogil=True)
def _constant_weight_sites(
    sites, y_site, card, row_w, self_w, star, total, observed, prefix, occ_ptr, occ_p, occ_j, y_last, n, out
):
    """Sites with one common neighbour weight: random lag = row_w · prefix[p, k_i] (+ swap correction).

    Arrays are per site, in the order of ``sites`` (their global indices): ``occ_ptr`` (len(sites) + 1) points into
    ``occ_p``/``occ_j``, the permutation rows and columns whose draw is the site's own index. The whole-grid path
    passes every site; :mod:`~svduty.analysis.hotspots.tiled` passes one tile's sites, so both run this arithmetic.
    """
    n_perm = prefix.shape[0]
    for s in range(sites.shape[0]):
        i = sites[s]
        k = card[s]
        yi = y_site[s]
        base = self_w[s] * yi if star else 0.0
        denom = total if star else total - yi
        obs = observed[s]
        thr = obs - _REL_TIE * abs(obs)
        thr_lo = obs + _REL_TIE * abs(obs)
        wi = row_w[s]
        larger = 0
        smaller = 0
        s1 = 0.0
        s2 = 0.0
        for p in range(n_perm):
            g = (wi * prefix[p, k] + base) / denom
            if g >= thr:
                larger += 1
            if g <= thr_lo:
                smaller += 1
            s1 += g
            s2 += g * g
        if i < n - 1:
            delta = y_last - yi
            for t in range(occ_ptr[s], occ_ptr[s + 1]):
                if occ_j[t] < k:
                    p = occ_p[t]
                    g_old = (wi * prefix[p, k] + base) / denom
                    g_new = (wi * (prefix[p, k] + delta) + base) / denom
                    larger += (1 if g_new >= thr else 0) - (1 if g_old >= thr else 0)
                    smaller += (1 if g_new <= thr_lo else 0) - (1 if g_old <= thr_lo else 0)
                    s1 += g_new - g_old
                    s2 += g_new * g_new - g_old * g_old
        out[s, 3] = min(1.0, 2.0 * (min(larger, smaller) + 1.0) / (n_perm + 1.0))
        if n_perm - larger < larger:
            larger = n_perm - larger
        out[s, 0] = (larger + 1.0) / (n_perm + 1.0)
        mean = s1 / n_perm
        out[s, 1] = mean
        out[s, 2] = max(s2 / n_perm - mean * mean, 0.0)


@numba.njit(cache=True, nogil=True)
def _constant_weight_chunk(
    start, stop, y, card, row_w, self_w, star, total, observed, prefix, occ_ptr, occ_p, occ_j, out
):
    """Sites start … stop − 1 of the whole grid (their arrays indexed by global site)."""
    n = y.shape[0]
    sites = np.arange(start, stop)
    _constant_weight_sites(
        sites,
        y[start:stop],
        card[start:stop],
        row_w[start:stop],
        self_w[start:stop],
        star,
        total,
        observed[start:stop],
        prefix,
        occ_ptr[start : stop + 1],
        occ_p,
        occ_j,
        y[n - 1],
        n,
        out[start:stop],
    )


@numba.njit(cache=True, nogil=True)
def _general_weight_chunk(start, stop, y, indptr, data, self_w, star, total, observed, perm, out):
    """Any weights: random lag = Σ_j w_ij · y[draw_j] over the first k_i draws of each permutation."""
    n = y.shape[0]
    n_perm = perm.shape[0]
    for i in range(start, stop):
        lo = indptr[i]
        k = indptr[i + 1] - lo
        yi = y[i]
        base = self_w[i] * yi if star else 0.0
        denom = total if star else total - yi
        obs = observed[i]
        thr = obs - _REL_TIE * abs(obs)
        thr_lo = obs + _REL_TIE * abs(obs)
        larger = 0
        smaller = 0
        s1 = 0.0
        s2 = 0.0
        for p in range(n_perm):
            s = 0.0
            for j in range(k):
                d = perm[p, j]
                if d == i:
                    d = n - 1
                s += data[lo + j] * y[d]
            g = (s + base) / denom
            if g >= thr:
                larger += 1
            if g <= thr_lo:
                smaller += 1
            s1 += g
            s2 += g * g
        out[i, 3] = min(1.0, 2.0 * (min(larger, smaller) + 1.0) / (n_perm + 1.0))
        if n_perm - larger < larger:
            larger = n_perm - larger
        out[i, 0] = (larger + 1.0) / (n_perm + 1.0)
        mean = s1 / n_perm
        out[i, 1] = mean
        out[i, 2] = max(s2 / n_perm - mean * mean, 0.0)


def _chunks(n: int, n_jobs: int) -> list[tuple[int, int]]:
    parts = max(1, min(n_jobs, n))
    edges = np.linspace(0, n, parts + 1).astype(int)
    return [(int(a), int(b)) for a, b in itertools.pairwise(edges) if b > a]


def local_g_crand(
    y: np.ndarray,
    others,
    self_w: np.ndarray,
    observed: np.ndarray,
    *,
    star: bool,
    permutations: int,
    seed: int | None,
    n_jobs: int = 1,
) -> np.ndarray:
    """Conditional-permutation inference for local G / G*; returns an (n, 4) array: p_sim, EG_sim, VG_sim, p_two.

    ``p_two`` is the tie-aware two-sided pseudo p-value 2 · (min(#sim ≥ obs, #sim ≤ obs) + 1) / (permutations + 1),
    capped at 1. esda's folded ``p_sim`` counts only #sim ≥ obs and folds it, so a cell whose simulated values all tie
    with the observed one (a zero count among zero neighbours, the commonest cell in sparse crime grids) gets the
    smallest possible p; ``p_two`` gives it 1, and is what the hot/cold classes use.

    ``others`` is the weights matrix without its diagonal (csr, sorted indices); ``self_w`` the diagonal (G* only).
    ``n_jobs`` threads share the sites (the kernels release the GIL); results do not depend on ``n_jobs``.
    """
    y = np.ascontiguousarray(y, dtype=float)
    n = y.size
    indptr = others.indptr.astype(np.int64)
    data = others.data.astype(float)
    card = np.diff(indptr)
    max_k = int(card.max()) if n else 0
    perm = permutation_table(n, max_k, permutations, seed)
    total = float(y.sum())
    out = np.full((n, 4), np.nan)
    # one common weight per row? (binary, or row-standardised binary)
    row_first = np.zeros(n)
    has = card > 0
    row_first[has] = data[indptr[:-1][has]]
    row_max = np.zeros(n)
    row_min = np.zeros(n)
    if data.size:
        row_max[has] = np.maximum.reduceat(data, indptr[:-1][has])
        row_min[has] = np.minimum.reduceat(data, indptr[:-1][has])
    constant = bool(np.all(row_max[has] == row_min[has]))
    jobs = _chunks(n, n_jobs)
    if constant:
        draws_y = permutation_prefix_sums(y[perm])
        _, occ_p, occ_j = own_index_draws(perm)
        occ_ptr = np.zeros(n + 1, dtype=np.int64)
        if perm.size:
            occ_ptr[1:] = np.cumsum(np.bincount(perm.ravel(), minlength=n)[:n])

        def run(a: int, b: int) -> None:
            _constant_weight_chunk(
                a, b, y, card, row_first, self_w, star, total, observed, draws_y, occ_ptr, occ_p, occ_j, out
            )
    else:

        def run(a: int, b: int) -> None:
            _general_weight_chunk(a, b, y, indptr, data, self_w, star, total, observed, perm, out)

    if len(jobs) == 1:
        run(*jobs[0])
    else:
        with ThreadPoolExecutor(max_workers=len(jobs)) as pool:
            list(pool.map(lambda ab: run(*ab), jobs))
    islands = card == 0
    out[islands] = np.nan
    return out
