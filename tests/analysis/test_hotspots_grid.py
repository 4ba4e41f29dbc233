"""Grids and counts against plain pandas/numpy counts of the raw police.uk CSVs."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from scipy.spatial import cKDTree

from svduty.analysis import AnalysisError
from svduty.analysis.hotspots import (
    area_counts,
    area_outline,
    core_points,
    from_bng,
    grid_counts,
    make_grid,
    restrict_grid,
    to_bng,
)


@pytest.fixture(scope="module")
def durham(real_data):
    df = pd.read_csv(real_data / "police-uk/national/2021-08/2021-08-durham-street.csv")
    return df


def test_to_bng_matches_published_coordinates_and_round_trips():
    # Ordnance Survey publishes the Greenwich meridian marker at Royal Observatory as about E 538,874 N 177,344;
    # pyproj without OSTN15 is within a few metres of OS coordinates (Helmert), ample for police.uk's snapped points.
    x, y = to_bng([-0.0015], [51.4778])
    assert abs(x[0] - 538_874) < 60 and abs(y[0] - 177_344) < 60
    lon, lat = from_bng(x, y)
    assert np.allclose([lon[0], lat[0]], [-0.0015, 51.4778], atol=1e-9)


def test_grid_counts_equal_histogram_of_raw_csv(durham):
    located = durham.dropna(subset=["Longitude", "Latitude"])
    x, y = to_bng(durham["Longitude"].to_numpy(), durham["Latitude"].to_numpy())
    grid = make_grid(x, y, 1000)
    counts = grid_counts(grid, x, y)
    assert counts.sum() == len(located)
    ok = np.isfinite(x)
    xe = grid.x0 + np.arange(grid.ncols + 1) * 1000.0
    ye = grid.y0 + np.arange(grid.nrows + 1) * 1000.0
    hist, _, _ = np.histogram2d(y[ok], x[ok], bins=[ye, xe])
    assert np.array_equal(grid.to_raster(counts), hist.astype(np.int64))
    # the lattice is anchored on multiples of the cell size, so periods line up cell for cell
    assert grid.x0 % 1000 == 0 and grid.y0 % 1000 == 0


def test_within_keeps_exactly_the_cells_near_points(durham):
    x, y = to_bng(durham["Longitude"].to_numpy(), durham["Latitude"].to_numpy())
    ok = np.isfinite(x)
    full = make_grid(x, y, 500)
    near = make_grid(x, y, 500, within=750)
    cx, cy = full.centres()
    d, _ = cKDTree(np.column_stack([x[ok], y[ok]])).query(np.column_stack([cx, cy]))
    assert np.array_equal(near.cells, full.cells[d <= 750])
    assert grid_counts(near, x, y).sum() == ok.sum()  # every point's cell is within 750 m of it
    idx = near.cell_index(x[ok], y[ok])
    assert (idx >= 0).all() and np.array_equal(near.cells[idx], full.flat_index(x[ok], y[ok]))


def test_area_counts_equal_pandas_groupby(durham):
    x, y = to_bng(durham["Longitude"].to_numpy(), durham["Latitude"].to_numpy())
    ac = area_counts(durham["LSOA code"].to_numpy(), x, y)
    ref = durham.dropna(subset=["LSOA code"]).groupby("LSOA code").size()
    assert dict(zip(ac.codes, ac.counts, strict=True)) == ref.to_dict()
    frame = durham.assign(x=x, y=y).dropna(subset=["LSOA code", "x"])
    means = frame.groupby("LSOA code")[["x", "y"]].mean()
    pos = {c: i for i, c in enumerate(ac.codes)}
    rows = [pos[c] for c in means.index]
    assert np.allclose(ac.x[rows], means["x"].to_numpy()) and np.allclose(ac.y[rows], means["y"].to_numpy())


def test_outliers_and_area_outline(durham):
    x, y = to_bng(durham["Longitude"].to_numpy(), durham["Latitude"].to_numpy())
    core = core_points(x, y, radius=15_000.0, min_neighbours=3)
    # Durham's file carries a crime in Barking (London): not part of the area
    barking = (durham["LSOA name"].fillna("").str.startswith("Barking")).to_numpy()
    assert barking.any() and not core[barking].any()
    assert core.sum() > 0.99 * np.isfinite(x).sum()
    outline = area_outline(x, y)
    grid = restrict_grid(make_grid(x[core], y[core], 500), outline)
    assert grid_counts(grid, x[core], y[core]).sum() >= 0.995 * core.sum()


def test_bad_input_gives_clear_errors():
    with pytest.raises(AnalysisError, match="no points"):
        make_grid([np.nan], [np.nan], 100)
    with pytest.raises(AnalysisError, match="cell size"):
        make_grid([0, 1], [0, 1], -5)
    with pytest.raises(AnalysisError, match="differ in length"):
        make_grid([0, 1], [0], 100)


def test_lsoa_counts_with_centroid_distance_weights_equal_libpysal(durham):
    from libpysal.weights import KNN, DistanceBand

    from svduty.analysis.hotspots import distance_band_weights, knn_weights

    x, y = to_bng(durham["Longitude"].to_numpy(), durham["Latitude"].to_numpy())
    ac = area_counts(durham["LSOA code"].to_numpy(), x, y)
    pts = np.column_stack([ac.x, ac.y])
    assert (knn_weights(ac.x, ac.y, 5) != KNN(pts, k=5).sparse).nnz == 0
    band = DistanceBand(pts, threshold=2000.0, silence_warnings=True).sparse
    assert (distance_band_weights(ac.x, ac.y, 2000.0) != band).nnz == 0
