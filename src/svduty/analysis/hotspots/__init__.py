"""Hotspot engine: grids in British National Grid, kernel density, Getis-Ord Gi/Gi*, concentration, persistence.

Pure functions on arrays (NumPy/SciPy/numba). Per-cell arrays are aligned with ``Grid.cells``. A typical run::

    x, y = to_bng(lon, lat)                                  # metres, EPSG:27700
    keep = core_points(x, y)                                 # drop crimes located far outside the area
    grid = make_grid(x[keep], y[keep], 250)                  # 250 m cells anchored on multiples of 250 m
    counts = grid_counts(grid, x, y)
    density = kde(grid, x, y)                                # incidents per km², quartic, MASS::bandwidth.nrd
    area = restrict_grid(grid, area_outline(x, y), points=(x, y))   # the area's own cells
    gi = gistar(grid_counts(area, x, y), contiguity_weights(area), permutations=999, seed=1)
    summary = concentration(counts)                          # top 1/5/10/20%, Gini, generalised Gini

Checked against PySAL ``esda``/``libpysal`` and scikit-learn in ``tests/analysis/test_hotspots_*.py``; speed in
``benchmarks/hotspots.py``.
"""

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
    "CLASS_LABELS",
    "PERSISTENCE_CLASSES",
    "AreaCounts",
    "GiStarResult",
    "Grid",
    "PersistenceResult",
    "area_counts",
    "area_outline",
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
    "jaccard",
    "kde",
    "knn_weights",
    "lorenz_curve",
    "make_grid",
    "mann_kendall",
    "persistence",
    "restrict_grid",
    "to_bng",
    "top_cells",
    "top_share",
]
