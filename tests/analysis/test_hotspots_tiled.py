"""Tiled Gi* (tiles + halo) equals the whole-grid Gi* on real grids: z, G and the permutation p-values identical.

The whole-grid run is :func:`gistar` over ``contiguity_weights`` / ``distance_band_weights`` — itself checked against
esda in ``test_hotspots_getisord.py`` — so equality here carries esda's agreement to the tiled path. Tiles are a few
cells wide so that most cells sit in several tiles' halos.
"""

from __future__ import annotations

import glob

import numpy as np
import pandas as pd
import pytest

from svduty.analysis import AnalysisError
from svduty.analysis.hotspots import (
    contiguity_weights,
    core_points,
    distance_band_weights,
    gistar,
    grid_counts,
    make_grid,
    restrict_grid,
    to_bng,
)
from svduty.analysis.hotspots.grid import area_outline
from svduty.analysis.hotspots.tiled import gistar_tiled, iter_tiles, lattice_offsets


@pytest.fixture(scope="module")
def city(real_data):
    files = sorted(glob.glob(str(real_data / "police-uk/city-of-london/2019-*/*.csv")))
    df = pd.concat([pd.read_csv(f) for f in files]).dropna(subset=["Longitude"])
    x, y = to_bng(df["Longitude"].to_numpy(), df["Latitude"].to_numpy())
    core = core_points(x, y, radius=1000.0, min_neighbours=5)
    return x[core], y[core]


def _equal(tiled, whole):
    for name in ("G", "EG", "VG", "z", "p_norm", "p_sim", "EG_sim", "VG_sim", "p_two", "q"):
        np.testing.assert_array_equal(getattr(tiled, name), getattr(whole, name), err_msg=name)
    np.testing.assert_array_equal(tiled.classes, whole.classes)
    np.testing.assert_array_equal(tiled.n_neighbours, whole.n_neighbours)


@pytest.mark.parametrize("star", [True, False])
@pytest.mark.parametrize("rook", [False, True])
def test_tiled_equals_whole_grid_on_full_lattice(city, star, rook):
    x, y = city
    grid = make_grid(x, y, 100)
    counts = grid_counts(grid, x, y).astype(float)
    whole = gistar(counts, contiguity_weights(grid, rook=rook), star=star, permutations=199, seed=7)
    offsets = lattice_offsets("rook" if rook else "queen")
    tiled = gistar_tiled(grid.rows, grid.cols, counts, offsets, tile_size=5, permutations=199, seed=7, star=star)
    _equal(tiled, whole)


def test_tiled_equals_whole_grid_on_a_restricted_grid_with_islands(city):
    x, y = city
    grid = restrict_grid(make_grid(x, y, 100), area_outline(x, y), points=(x, y))
    assert not grid.is_full
    counts = grid_counts(grid, x, y).astype(float)
    whole = gistar(counts, contiguity_weights(grid), permutations=99, seed=3, classify_by="sim")
    tiled = gistar_tiled(
        grid.rows, grid.cols, counts, lattice_offsets(), tile_size=4, permutations=99, seed=3, classify_by="sim"
    )
    _equal(tiled, whole)


def test_tiled_row_standardised_and_distance_band(city):
    x, y = city
    grid = make_grid(x, y, 100)
    counts = grid_counts(grid, x, y).astype(float)
    cx, cy = grid.centres()
    w = distance_band_weights(cx, cy, 250.0)
    offsets = lattice_offsets("distance", distance=250.0, cell_size=100.0)
    assert len(offsets) == 20  # (±1,0),(0,±1),(±1,±1),(±2,0),(0,±2),(±2,±1),(±1,±2): all ≤ 250 m
    whole = gistar(counts, w, transform="R", permutations=99, seed=11)
    tiled = gistar_tiled(grid.rows, grid.cols, counts, offsets, tile_size=6, transform="R", permutations=99, seed=11)
    np.testing.assert_allclose(tiled.z, whole.z, rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(tiled.p_sim, whole.p_sim, rtol=0, atol=1e-12)
    whole_b = gistar(counts, w, permutations=99, seed=11)
    tiled_b = gistar_tiled(grid.rows, grid.cols, counts, offsets, tile_size=6, permutations=99, seed=11)
    _equal(tiled_b, whole_b)


def test_halo_covers_every_neighbour_and_tiles_partition_the_cells(city):
    x, y = city
    grid = make_grid(x, y, 100)
    tiles = list(iter_tiles(grid.rows, grid.cols, 5, 1))
    assert len(tiles) > 20
    core = np.concatenate([t.core for t in tiles])
    assert np.array_equal(np.sort(core), np.arange(grid.n_cells))
    overlaps = np.bincount(np.concatenate([t.context for t in tiles]), minlength=grid.n_cells)
    assert (overlaps > 1).mean() > 0.3  # many halos overlap


def test_tiled_refuses_unsorted_cells_and_general_weights():
    with pytest.raises(AnalysisError, match="row-major"):
        gistar_tiled([1, 0, 0], [0, 0, 1], [1.0, 2.0, 3.0], lattice_offsets())
    with pytest.raises(AnalysisError, match="binary"):
        gistar_tiled([0, 0, 1], [0, 1, 0], [1.0, 2.0, 3.0], lattice_offsets(), transform="O")


@pytest.mark.parametrize(("tile_size", "reach"), [(5, 1), (4, 3), (3, 7), (1, 0)])
def test_iter_tiles_matches_a_mask_per_tile(tile_size, reach):
    """The sort-based cut equals the plain definition: core = cells of the tile, context = cells within reach."""
    rng = np.random.default_rng(7)
    cells = np.unique(rng.integers(0, 40 * 37, size=600))
    rows, cols = cells // 37, cells % 37
    got = list(iter_tiles(rows, cols, tile_size, reach))
    tr, tc = rows // tile_size, cols // tile_size
    keys = sorted({(int(a), int(b)) for a, b in zip(tr, tc, strict=True)})
    assert [(t.tile_row, t.tile_col) for t in got] == keys
    for tile in got:
        r0, c0 = tile.tile_row * tile_size, tile.tile_col * tile_size
        near = (rows >= r0 - reach) & (rows < r0 + tile_size + reach) & (cols >= c0 - reach)
        near &= cols < c0 + tile_size + reach
        assert np.array_equal(tile.core, np.flatnonzero((tr == tile.tile_row) & (tc == tile.tile_col)))
        assert np.array_equal(tile.context, np.flatnonzero(near))
