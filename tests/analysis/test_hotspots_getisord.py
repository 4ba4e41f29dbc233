"""Getis-Ord Gi/Gi* and spatial weights against PySAL (esda.G_Local, libpysal DistanceBand / KNN / lat2W) on real grids.

Analytic G, EG, VG, z and p_norm must equal esda to 1e-9. p_sim is random: ours and esda's use different random
streams, so each is an estimate of the same permutation p-value. A folded p from P = 999 permutations has binomial
standard error ≤ sqrt(p(1 − p) / P) ≤ 0.0159, so two independent estimates differ by at most about
4.5 · sqrt(2 p(1 − p) / P) + 2 / (P + 1) per cell except with probability ~1e-5; the test uses that bound (with p from
the average of the two), checks that the mean absolute difference is below 0.01 (≈ the expected 0.6 SE) and that the
two agree on which cells are below 0.05 for all but a few percent of cells.
"""

from __future__ import annotations

import glob
import warnings

import numpy as np
import pandas as pd
import pytest
from esda.getisord import G_Local
from libpysal.weights import KNN, DistanceBand, lat2W
from scipy import sparse
from statsmodels.stats.multitest import multipletests

from svduty.analysis import AnalysisError
from svduty.analysis.hotspots import (
    contiguity_weights,
    core_points,
    distance_band_weights,
    gistar,
    grid_counts,
    knn_weights,
    make_grid,
    to_bng,
)
from svduty.analysis.hotspots.getisord import bh_classes

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning", "ignore::UserWarning")


@pytest.fixture(scope="module")
def city(real_data):
    files = sorted(glob.glob(str(real_data / "police-uk/city-of-london/2019-*/*.csv")))
    df = pd.concat([pd.read_csv(f) for f in files]).dropna(subset=["Longitude"])
    x, y = to_bng(df["Longitude"].to_numpy(), df["Latitude"].to_numpy())
    core = core_points(x, y, radius=1000.0, min_neighbours=5)
    x, y = x[core], y[core]
    grid = make_grid(x, y, 100)
    return grid, grid_counts(grid, x, y).astype(float)


def _assert_analytic_equal(ours, theirs):
    for a, b in ((ours.G, theirs.Gs), (ours.EG, theirs.EGs), (ours.VG, theirs.VGs), (ours.z, theirs.Zs)):
        np.testing.assert_allclose(a, b, rtol=1e-9, atol=1e-12)
    np.testing.assert_allclose(ours.p_norm, theirs.p_norm, rtol=1e-9, atol=1e-12)


def test_contiguity_weights_equal_lat2w(city):
    grid, _ = city
    for rook in (False, True):
        ref = lat2W(grid.nrows, grid.ncols, rook=rook).sparse
        assert (contiguity_weights(grid, rook=rook) != ref).nnz == 0
        ref_r = lat2W(grid.nrows, grid.ncols, rook=rook)
        ref_r.transform = "R"
        np.testing.assert_allclose(contiguity_weights(grid, rook=rook, transform="R").toarray(), ref_r.sparse.toarray())


def test_distance_and_knn_weights_equal_libpysal(city):
    grid, _ = city
    cx, cy = grid.centres()
    coords = np.column_stack([cx, cy])
    for threshold in (100.0, 150.0, 250.0):  # 100 m and 250 m put many pairs exactly on the band's edge
        ref = DistanceBand(coords, threshold=threshold, silence_warnings=True).sparse
        assert (distance_band_weights(cx, cy, threshold) != ref).nnz == 0
    idw = DistanceBand(coords, threshold=300.0, binary=False, alpha=-1.0, silence_warnings=True).sparse
    np.testing.assert_allclose(distance_band_weights(cx, cy, 300.0, alpha=-1.0).toarray(), idw.toarray(), rtol=1e-12)
    for k in (4, 6, 8, 12):  # ties everywhere on a lattice: same tree, same order
        assert (knn_weights(cx, cy, k) != KNN(coords, k=k).sparse).nnz == 0


@pytest.mark.parametrize("star", [True, False])
@pytest.mark.parametrize("transform", ["B", "R"])
def test_analytic_gi_equals_esda_on_contiguity(city, star, transform):
    grid, y = city
    theirs = G_Local(y, lat2W(grid.nrows, grid.ncols, rook=False), transform=transform, star=star, permutations=0)
    ours = gistar(y, contiguity_weights(grid), star=star, transform=transform, permutations=0)
    _assert_analytic_equal(ours, theirs)


@pytest.mark.parametrize("star", [True, False])
def test_analytic_gi_equals_esda_on_distance_knn_and_inverse_distance(city, star):
    grid, y = city
    cx, cy = grid.centres()
    coords = np.column_stack([cx, cy])
    cases = [
        (DistanceBand(coords, threshold=250.0, silence_warnings=True), distance_band_weights(cx, cy, 250.0), "B"),
        (KNN(coords, k=6), knn_weights(cx, cy, 6), "R"),
        (
            DistanceBand(coords, threshold=300.0, binary=False, alpha=-1.0, silence_warnings=True),
            distance_band_weights(cx, cy, 300.0, alpha=-1.0),
            "R",
        ),
    ]
    for w_pysal, w_ours, transform in cases:
        theirs = G_Local(y, w_pysal, transform=transform, star=star, permutations=0)
        ours = gistar(y, w_ours, star=star, transform=transform, permutations=0)
        _assert_analytic_equal(ours, theirs)


def _assert_p_sim_agree(ours, theirs, permutations):
    p = 0.5 * (ours + theirs)
    bound = 4.5 * np.sqrt(2 * p * (1 - p) / permutations) + 2 / (permutations + 1)
    diff = np.abs(ours - theirs)
    assert np.all(diff <= bound)
    assert diff.mean() < 0.01
    assert np.mean((ours < 0.05) != (theirs < 0.05)) < 0.03


def test_p_sim_within_monte_carlo_error_of_esda(city):
    # one esda run per statistic: esda's numba kernels are compiled afresh in every process (tens of seconds)
    grid, y = city
    w = lat2W(grid.nrows, grid.ncols, rook=False)
    theirs = G_Local(y, w, transform="B", star=True, permutations=999, seed=7, n_jobs=1)
    ours = gistar(y, contiguity_weights(grid), star=True, transform="B", permutations=999, seed=11)
    _assert_analytic_equal(ours, theirs)
    _assert_p_sim_agree(ours.p_sim, theirs.p_sim, 999)
    # the permutation mean of G: esda's EG_sim vs ours, both estimates of one expectation
    np.testing.assert_allclose(ours.EG_sim, theirs.EG_sim, rtol=0.1, atol=3 * np.sqrt(ours.VG_sim.max() / 999))


def test_general_weight_path_p_sim_within_monte_carlo_error(city):
    grid, y = city
    cx, cy = grid.centres()
    coords = np.column_stack([cx, cy])
    w_pysal = DistanceBand(coords, threshold=300.0, binary=False, alpha=-1.0, silence_warnings=True)
    theirs = G_Local(y, w_pysal, transform="R", star=True, permutations=999, seed=3, n_jobs=1)
    ours = gistar(y, distance_band_weights(cx, cy, 300.0, alpha=-1.0), transform="R", permutations=999, seed=5)
    _assert_analytic_equal(ours, theirs)
    _assert_p_sim_agree(ours.p_sim, theirs.p_sim, 999)


def test_seeded_reproducible_and_independent_of_threads(city):
    grid, y = city
    w = contiguity_weights(grid)
    a = gistar(y, w, permutations=199, seed=42)
    b = gistar(y, w, permutations=199, seed=42, n_jobs=2)
    assert np.array_equal(a.p_sim, b.p_sim) and np.array_equal(a.VG_sim, b.VG_sim)
    c = gistar(y, w, permutations=199, seed=43)
    assert not np.array_equal(a.p_sim, c.p_sim)


def test_bh_classes_match_statsmodels_fdr_bh(city):
    grid, y = city
    res = gistar(y, contiguity_weights(grid), permutations=0)
    p_two = np.minimum(1, 2 * res.p_norm)
    _, q_ref, _, _ = multipletests(p_two, method="fdr_bh")
    np.testing.assert_allclose(res.q, q_ref, rtol=1e-12)
    hot99 = (q_ref <= 0.01) & (res.z > 0)
    assert np.array_equal(res.classes == "Hot spot, 99% confidence", hot99)
    assert res.counts_by_class()["Hot spot, 99% confidence"] > 0
    # a hand case: the smallest p survives at 99%, a middling one only at 90%, the rest not at all
    q, classes = bh_classes(np.array([3.0, 2.0, -2.0, 0.1]), np.array([0.001, 0.06, 0.02, 0.9]))
    np.testing.assert_allclose(q, [0.004, 0.08, 0.04, 0.9])
    assert list(classes) == [
        "Hot spot, 99% confidence",
        "Hot spot, 90% confidence",
        "Cold spot, 95% confidence",
        "Not significant",
    ]


def test_zero_cells_among_zeros_are_not_significant_by_permutation(city):
    grid, y = city
    res = gistar(y, contiguity_weights(grid), permutations=199, seed=1, classify_by="sim")
    w = contiguity_weights(grid, self_weight=True)
    all_zero = (w @ y) == 0
    assert all_zero.any()
    # esda's folded p_sim gives these the smallest p (every draw is ≥ 0); the tie-aware two-sided p counts the
    # draws ≤ 0 too (all-zero neighbourhoods, a third or more of the draws here), so p_two is large
    assert np.all(res.p_sim[all_zero] <= 0.01) and np.all(res.p_two[all_zero] > 0.2)
    assert not np.any(np.char.startswith(res.classes[all_zero].astype(str), "Cold"))


def test_islands_and_bad_input():
    y = np.array([1.0, 2.0, 0.0, 5.0])
    w = sparse.csr_array(np.array([[0, 1, 0, 0], [1, 0, 0, 0], [0, 0, 0, 0], [0, 0, 0, 0.0]]))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        res = gistar(y, w, star=False, permutations=99, seed=1)
    assert np.isnan(res.p_sim[2]) and res.classes[2] == "Not significant"
    with pytest.raises(AnalysisError, match="zero incidents"):
        gistar(np.zeros(4), w)
    with pytest.raises(AnalysisError, match="weights are"):
        gistar(np.ones(5), w)


def test_permutation_table_draws_without_replacement_uniformly():
    from svduty.analysis.hotspots.crand import permutation_table

    for n, k in ((1044, 8), (20, 8), (5, 4)):
        table = permutation_table(n, k, 2000, seed=1)
        assert table.shape == (2000, k) and table.min() >= 0 and table.max() <= n - 2
        assert all(len(set(row)) == k for row in table)
        freq = np.bincount(table.ravel(), minlength=n - 1) / table.size
        expected = 1 / (n - 1)
        assert np.all(np.abs(freq - expected) <= 6 * np.sqrt(expected / table.size) + 1e-12)
