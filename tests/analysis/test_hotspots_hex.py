"""Hexagonal grids against independent geometry and libraries: shapely polygons, libpysal weights from polygons,
esda's Gi* on those weights, scikit-learn's kernel density at the hexagon centres."""

from __future__ import annotations

import math
from dataclasses import replace

import numpy as np
import pandas as pd
import pytest
import shapely
from esda.getisord import G_Local
from libpysal.weights import Queen, Rook
from sklearn.neighbors import KernelDensity

from svduty.analysis import hotspots as hs


@pytest.fixture(scope="module")
def durham_points(real_data):
    df = pd.read_csv(real_data / "police-uk/national/2021-08/2021-08-durham-street.csv").dropna(subset=["Longitude"])
    x, y = hs.to_bng(df["Longitude"].to_numpy(), df["Latitude"].to_numpy())
    keep = hs.core_points(x, y, radius=15_000.0, min_neighbours=3)
    return x[keep], y[keep]


def test_hexagons_tile_the_extent_with_equal_areas_and_contain_their_points(durham_points):
    x, y = durham_points
    grid = hs.make_grid(x, y, 2000, shape="hex")
    polys = shapely.polygons(grid.polygons())
    area = shapely.area(polys)
    assert np.allclose(area, math.sqrt(3) / 2 * 2000**2) and np.isclose(grid.cell_area_km2 * 1e6, area[0])
    # a tiling: no overlaps (the union's area is the sum) and every point lies in the hexagon it is counted in
    assert np.isclose(shapely.union_all(polys).area, area.sum(), rtol=1e-9)
    idx = grid.cell_index(x, y)
    assert (idx >= 0).all()
    assert shapely.intersects_xy(polys[idx], x, y).all()  # on an edge counts as in
    counts = hs.grid_counts(grid, x, y)
    tree = shapely.STRtree(polys)
    pt, poly = tree.query(shapely.points(x, y), predicate="contains")
    independent = np.bincount(poly, minlength=grid.n_cells)
    # points exactly on a shared edge are in neither polygon's interior; all others agree
    assert (np.abs(independent - counts)).sum() <= x.size - np.unique(pt).size


def test_hex_weights_equal_libpysal_from_polygons_and_interior_hexes_have_six(durham_points):
    x, y = durham_points
    trimmed = hs.make_grid(x, y, 3000, shape="hex")
    grid = replace(trimmed, cells=np.arange(trimmed.nrows * trimmed.ncols))  # the whole lattice, edges known
    polys = list(shapely.polygons(grid.polygons()))
    ours = hs.contiguity_weights(grid).toarray()
    rook = Rook.from_iterable(polys).sparse.toarray()
    queen = Queen.from_iterable(polys).sparse.toarray()
    assert (ours == rook).all() and (ours == queen).all()
    n = ours.sum(axis=1)
    interior = (grid.rows > 0) & (grid.rows < grid.nrows - 1) & (grid.cols > 0) & (grid.cols < grid.ncols - 1)
    assert (n[interior] == 6).all() and n.max() == 6
    cx, cy = grid.centres()
    i, j = np.nonzero(ours)
    assert np.allclose(np.hypot(cx[i] - cx[j], cy[i] - cy[j]), 3000)  # every neighbour one cell across flats away


def test_gistar_on_hexagons_equals_esda(durham_points):
    x, y = durham_points
    grid = hs.restrict_grid(hs.make_grid(x, y, 2000, shape="hex"), hs.area_outline(x, y), points=(x, y))
    counts = hs.grid_counts(grid, x, y)
    assert counts.sum() == x.size
    ours = hs.gistar(counts, hs.contiguity_weights(grid), permutations=0)
    theirs = G_Local(
        counts.astype(float),
        Rook.from_iterable(list(shapely.polygons(grid.polygons()))),
        transform="B",
        star=True,
        permutations=0,
    )
    assert np.allclose(ours.z, theirs.Zs, equal_nan=True) and np.allclose(ours.G, theirs.Gs)


@pytest.mark.parametrize("kernel", ["epanechnikov", "gaussian"])
def test_kde_on_hexagons_equals_scikit_learn(durham_points, kernel):
    x, y = durham_points
    grid = hs.make_grid(x, y, 1500, shape="hex")
    h = 2500.0
    ours = hs.kde(grid, x, y, bandwidth=h, kernel=kernel)
    cx, cy = grid.centres()
    kd = KernelDensity(kernel=kernel, bandwidth=h).fit(np.column_stack([x, y]))
    theirs = np.exp(kd.score_samples(np.column_stack([cx, cy]))) * x.size * 1e6
    # the Gaussian is truncated at 5 sigma, where it is below 4e-6 of its peak (kde.GAUSSIAN_TRUNCATE)
    assert np.abs(ours - theirs).max() <= (1e-9 if kernel == "epanechnikov" else 1e-4) * theirs.max()


def test_hex_lattices_line_up_across_extents(durham_points):
    x, y = durham_points
    a = hs.make_grid(x, y, 500, shape="hex")
    b = hs.make_grid(x[: x.size // 3], y[: y.size // 3], 500, shape="hex")
    ca = set(zip(*(np.round(v, 6) for v in a.centres()), strict=True))
    cb = set(zip(*(np.round(v, 6) for v in b.centres()), strict=True))
    assert cb <= ca
