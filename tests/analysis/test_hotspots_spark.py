"""Gi* on Spark local[2] (tiles as applyInPandas tasks) equals the whole-grid Gi* on a real grid: z and the
permutation p-values identical. Spark needs Java 17 and the ``spark`` extra; in CI a missing PySpark fails."""

from __future__ import annotations

import glob
import os
import shutil

import numpy as np
import pandas as pd
import pytest

from svduty.analysis.hotspots import contiguity_weights, core_points, gistar, grid_counts, make_grid, to_bng
from svduty.analysis.hotspots.tiled import lattice_offsets


def _need(condition: bool, why: str) -> None:
    if not condition:
        if os.environ.get("CI", "").lower() in ("1", "true", "yes"):
            pytest.fail(f"CI=true but {why}")
        pytest.skip(why)


@pytest.fixture(scope="module")
def spark():
    try:
        import pyspark  # noqa: F401
    except ImportError:
        _need(False, "missing: PySpark (pip install 'svduty[spark]')")
    _need(shutil.which("java") is not None, "missing: java (Debian openjdk-17-jre-headless)")
    from svduty.analysis.hotspots.spark import local_session

    session = local_session("local[2]", "svduty-tests")
    yield session
    session.stop()


def test_spark_tiled_gistar_equals_whole_grid(spark, real_data):
    from svduty.analysis.hotspots.spark import gistar_spark

    files = sorted(glob.glob(str(real_data / "police-uk/city-of-london/2019-*/*.csv")))
    df = pd.concat([pd.read_csv(f) for f in files]).dropna(subset=["Longitude"])
    x, y = to_bng(df["Longitude"].to_numpy(), df["Latitude"].to_numpy())
    keep = core_points(x, y, radius=1000.0, min_neighbours=5)
    grid = make_grid(x[keep], y[keep], 100)
    counts = grid_counts(grid, x[keep], y[keep]).astype(float)
    whole = gistar(counts, contiguity_weights(grid), permutations=199, seed=5)
    cells = spark.createDataFrame(pd.DataFrame({"row": grid.rows, "col": grid.cols, "y": counts}).sample(frac=1.0))
    ours = gistar_spark(spark, cells, lattice_offsets(), tile_size=6, permutations=199, seed=5)
    for name in ("G", "z", "p_norm", "p_sim", "EG_sim", "VG_sim", "p_two", "q"):
        np.testing.assert_array_equal(getattr(ours, name), getattr(whole, name), err_msg=name)
    np.testing.assert_array_equal(ours.classes, whole.classes)
