"""Hotspot engine: grids in British National Grid, kernel density, Getis-Ord Gi/Gi*, concentration, persistence.

Pure functions on arrays (NumPy/SciPy/numba). Per-cell arrays are aligned with ``Grid.cells``. A typical run::

    x, y = to_bng(lon, lat)                                  # metres, EPSG:27700
    keep = core_points(x, y)                                 # drop crimes located far outside the area
    grid = make_grid(x[keep], y[keep], 250)                  # 250 m cells anchored on multiples of 250 m
    hexes = make_grid(x[keep], y[keep], 250, shape="hex")    # or hexagons 250 m across flats (sfhotspot "hex")
    counts = grid_counts(grid, x, y)
    density = kde(grid, x, y)                                # incidents per km², quartic, MASS::bandwidth.nrd
    area = restrict_grid(grid, area_outline(x, y), points=(x, y))   # the area's own cells
    gi = gistar(grid_counts(area, x, y), contiguity_weights(area), permutations=999, seed=1)
    summary = concentration(counts)                          # top 1/5/10/20%, Gini, generalised Gini
    moved = change(before_counts, after_counts, before_months=12, after_months=12)   # exact test per cell, BH
    kinds = classify(yearly_counts, contiguity_weights(area))  # persistent/emerging/former/intermittent (sfhotspot)

Checked against PySAL ``esda``/``libpysal`` and scikit-learn in ``tests/analysis/test_hotspots_*.py``; speed in
``benchmarks/hotspots.py``.
"""

from svduty.analysis.hotspots.change import CHANGE_CLASSES, ChangeResult, change
from svduty.analysis.hotspots.classify import (
    CLASSIFY_CLASSES,
    ClassifyParams,
    ClassifyResult,
    classify,
    classify_significance,
)
from svduty.analysis.hotspots.concentration import (
    concentration,
    generalised_gini,
    generalised_lorenz_curve,
    gini,
    lorenz_curve,
    top_share,
)
from svduty.analysis.hotspots.getisord import CLASS_LABELS, GiStarResult, gistar
from svduty.analysis.hotspots.grid import (
    AreaCounts,
    Grid,
    area_counts,
    area_outline,
    core_points,
    from_bng,
    grid_counts,
    make_grid,
    restrict_grid,
    to_bng,
)
from svduty.analysis.hotspots.hexgrid import HexGrid, hex_contiguity_weights, make_hex_grid
from svduty.analysis.hotspots.kde import default_bandwidth, kde
from svduty.analysis.hotspots.persistence import (
    PERSISTENCE_CLASSES,
    PersistenceResult,
    jaccard,
    mann_kendall,
    persistence,
    top_cells,
)
from svduty.analysis.hotspots.weights import (
    contiguity_weights,
    distance_band_weights,
    finish_weights,
    knn_weights,
)

__all__ = [
    "CHANGE_CLASSES",
    "CLASSIFY_CLASSES",
    "CLASS_LABELS",
    "PERSISTENCE_CLASSES",
    "AreaCounts",
    "ChangeResult",
    "ClassifyParams",
    "ClassifyResult",
    "GiStarResult",
    "Grid",
    "HexGrid",
    "PersistenceResult",
    "area_counts",
    "area_outline",
    "change",
    "classify",
    "classify_significance",
    "concentration",
    "contiguity_weights",
    "core_points",
    "default_bandwidth",
    "distance_band_weights",
    "finish_weights",
    "from_bng",
    "generalised_gini",
    "generalised_lorenz_curve",
    "gini",
    "gistar",
    "grid_counts",
    "hex_contiguity_weights",
    "jaccard",
    "kde",
    "knn_weights",
    "lorenz_curve",
    "make_grid",
    "make_hex_grid",
    "mann_kendall",
    "persistence",
    "restrict_grid",
    "to_bng",
    "top_cells",
    "top_share",
]
