"""Where serious violence happens: the SNA's place analysis, delegated to the hotspot engine.

Grids in British National Grid (EPSG:27700), kernel density, concentration (share in the top 1/5/10% of places),
Lorenz curves, Gini and year-on-year persistence all come from ``svduty.analysis.hotspots``; maps from
``svduty.report.maps`` are drawn by the report layer. This module only chooses the inputs (SV points of the period,
the LSOA counts with zeros kept) and shapes the outputs into report tables.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import duckdb
import numpy as np
import pandas as pd

from svduty.analysis import sna

try:  # the hotspot engine is built alongside; the SNA says so plainly if it is missing.
    from svduty.analysis import hotspots as hs
except ImportError:  # pragma: no cover - exercised only in partial installs
    hs = None
if hs is not None and not hasattr(hs, "gini"):  # a half-installed engine counts as missing
    hs = None

FRACTIONS = (0.01, 0.05, 0.10)


@dataclass
class PlaceAnalysis:
    concentration: dict[str, object]
    tables: dict[str, pd.DataFrame]
    cell_size: float
    bandwidth: float | None
    bandwidth_rule: str = ""
    grid: object = None  # the hotspot engine's grid/KDE result, for the map renderer
    points_xy: np.ndarray | None = None
    map_svg: str = ""
    map_png: str = ""
    map_title: str = ""
    map_alt: str = ""
    map_summary: str = ""
    persistence_text: str = ""
    extra: dict[str, object] = field(default_factory=dict)


def gini(counts: np.ndarray) -> float:
    """Gini coefficient of counts over places (0 = even, →1 = all in one place): the hotspot engine's."""
    if hs is None:
        raise RuntimeError("svduty.analysis.hotspots is not installed")
    return float(hs.gini(np.asarray(counts, dtype=float)))


def analyse(con: duckdb.DuckDBPyConnection, period: sna.Period, lsoas: pd.DataFrame) -> PlaceAnalysis | None:
    """Concentration over LSOAs and grid cells, KDE surface, persistence; None without the hotspot engine."""
    if hs is None:
        return None
    return _analyse(con, period, lsoas)


def _persistence_module():
    try:
        from svduty.analysis.hotspots import persistence
    except ImportError:
        return None
    return persistence


def core_extent(x: np.ndarray, y: np.ndarray, trim: float = 0.5, margin: float = 0.05) -> tuple[float, ...]:
    """The area's extent without stray points: the 0.5th–99.5th percentiles, widened by 5% on each side.

    A force records a few crimes far outside its area (the City of London sample has one in Derbyshire Dales);
    taking the raw extent would size the grid for 100 km and blur the map. Points outside the core extent still
    count in every LSOA table; they only fall off the grid (the report says how many).
    """
    lo_x, hi_x = np.percentile(x, [trim, 100 - trim])
    lo_y, hi_y = np.percentile(y, [trim, 100 - trim])
    pad_x, pad_y = (hi_x - lo_x) * margin, (hi_y - lo_y) * margin
    return (float(lo_x - pad_x), float(lo_y - pad_y), float(hi_x + pad_x), float(hi_y + pad_y))


def sna_bandwidth(px: np.ndarray, py: np.ndarray, extent: tuple[float, ...], cell: float) -> tuple[float, str]:
    """Kernel radius for the SNA map: the engine's rule of thumb, capped at 1/20 of the area's shorter side.

    The normal-reference rule (``hotspots.default_bandwidth``, as sfhotspot) follows the spread of *all* points, so
    for a whole force it gives radii of 10 km and more that smooth town-centre hotspots away. Capping at 1/20 of
    the shorter side of the area keeps the map at the scale a partnership acts on; it never goes below two cells.
    Chainey (2013, *Examining the influence of cell size and bandwidth size on kernel density estimation crime
    hotspot maps*, Security Journal 26:1) shows the choice changes the picture, so the map states the value used.
    """
    if px.size < 2:
        return 3 * cell, "three grid cells (too few incidents for a rule of thumb)"
    rule = float(hs.default_bandwidth(px, py))
    cap = min(extent[2] - extent[0], extent[3] - extent[1]) / 20.0
    if rule <= cap:
        return max(rule, 2 * cell), "normal-reference rule of thumb"
    return max(cap, 2 * cell), f"rule of thumb ({rule:,.0f} m) capped at 1/20 of the area's shorter side"


def concentration_curve(counts: np.ndarray, unit: str, points: int = 101) -> pd.DataFrame:
    """The Lorenz curve read from the top: share of crime in the most-affected share of places (0–100%).

    ``lorenz_curve`` runs poorest place first; the top-down reading ``1 − L(1 − q)`` answers a board's question
    ("how much is in the worst 10% of places?"), sampled at ``points`` evenly spaced shares for the table/chart.
    """
    places_share, crime_share = hs.lorenz_curve(counts)
    q = np.linspace(0.0, 1.0, points)
    top = 1.0 - np.interp(1.0 - q, places_share, crime_share)
    return pd.DataFrame({"unit": unit, "share_of_places": q, "share_of_crime": top})


def _analyse(con: duckdb.DuckDBPyConnection, period: sna.Period, lsoas: pd.DataFrame) -> PlaceAnalysis | None:
    lsoa_counts = lsoas.loc[lsoas["in_area"], "count"].to_numpy(dtype=float)
    tables: dict[str, pd.DataFrame] = {}
    if lsoa_counts.size == 0 or lsoa_counts.sum() == 0:
        return None
    lsoa_c = hs.concentration(lsoa_counts)

    # Study region for grid cells: cells near any located incident of any type in the scope's data, so that
    # cells where police.uk could not have recorded a crime (no map point anywhere near) do not dilute the shares.
    everywhere = con.execute("SELECT lon, lat FROM sna_inc WHERE lat IS NOT NULL").df()
    ax, ay = hs.to_bng(everywhere["lon"].to_numpy(), everywhere["lat"].to_numpy())
    extent = core_extent(ax, ay)
    inside = (ax >= extent[0]) & (ax <= extent[2]) & (ay >= extent[1]) & (ay <= extent[3])
    core_xy = np.column_stack([ax[inside], ay[inside]])
    grid = hs.make_grid(ax, ay, None, extent=extent)
    grid = hs.make_grid(ax, ay, grid.cell_size, extent=extent, within=grid.cell_size)
    pts = sna.sv_points(con, period.start, period.end)
    px, py = hs.to_bng(pts["lon"].to_numpy(), pts["lat"].to_numpy())
    cell_counts = hs.grid_counts(grid, px, py)
    off_grid = int(px.size - cell_counts.sum())
    grid_c = hs.concentration(cell_counts) if cell_counts.sum() else {}
    bandwidth, bandwidth_rule = sna_bandwidth(px, py, extent, grid.cell_size)
    # The density map uses the full lattice over the core extent (a smooth surface reads better than a masked one);
    # concentration uses the masked grid above.
    map_grid = hs.make_grid(ax, ay, grid.cell_size, extent=extent)
    density = hs.kde(map_grid, px, py, bandwidth=bandwidth) if px.size else np.zeros(map_grid.n_cells)

    keys = ("top_1pct", "top_5pct", "top_10pct", "gini", "generalised_gini", "places", "places_with_incidents")
    tables["concentration"] = pd.DataFrame(
        [
            {"unit": "LSOAs", **{k: lsoa_c.get(k) for k in keys}},
            {"unit": f"{grid.cell_size:g} m grid cells", **{k: grid_c.get(k) for k in keys}},
        ]
    )
    curves = [concentration_curve(lsoa_counts, "LSOAs")]
    if cell_counts.sum():
        curves.append(concentration_curve(cell_counts, f"{grid.cell_size:g} m grid cells"))
    tables["lorenz"] = pd.concat(curves, ignore_index=True)

    cx, cy = map_grid.centres()
    lon, lat = hs.from_bng(cx, cy)
    map_counts = hs.grid_counts(map_grid, px, py)
    cells = pd.DataFrame(
        {
            "cell": map_grid.cells,
            "x_bng": cx,
            "y_bng": cy,
            "lon": np.round(lon, 5),
            "lat": np.round(lat, 5),
            "sv_count": map_counts,
            "density_per_km2": density,
        }
    )
    tables["grid_top"] = cells.sort_values("density_per_km2", ascending=False).head(50).reset_index(drop=True)
    concentration = {k: lsoa_c.get(k) for k in ("top_1pct", "top_5pct", "top_10pct", "gini")}
    concentration["grid"] = {k: grid_c.get(k) for k in ("top_1pct", "top_5pct", "top_10pct", "gini")} | {
        "cell_size_m": grid.cell_size
    }
    result = PlaceAnalysis(
        concentration=concentration,
        tables=tables,
        cell_size=grid.cell_size,
        bandwidth=float(bandwidth),
        bandwidth_rule=bandwidth_rule,
        grid=map_grid,
        points_xy=np.column_stack([px, py]),
        extra={
            "core_xy": core_xy,
            "off_grid": off_grid,
            "density": density,
            "cell_counts": cell_counts,
            "all_xy": np.column_stack([ax, ay]),
        },
    )
    _persistence(con, period, lsoas, result)
    return result


def _persistence(
    con: duckdb.DuckDBPyConnection, period: sna.Period, lsoas: pd.DataFrame, result: PlaceAnalysis
) -> None:
    """Year-on-year persistence of the top LSOAs (hotspot engine's ``persistence`` when available)."""
    years = sna.measure_years(period)
    if len(years) < 2:
        result.persistence_text = "Persistence needs at least two full years of data; this workspace has one."
        return
    codes = lsoas.loc[lsoas["in_area"], "code"]
    per_year = []
    for start, end in years:
        frame = con.execute(
            "SELECT lsoa_code AS code, count(*) AS n FROM sna_inc WHERE sv_category IS NOT NULL "
            "AND lsoa_code IS NOT NULL AND month BETWEEN ? AND ? GROUP BY 1",
            [start, end],
        ).df()
        per_year.append(codes.map(frame.set_index("code")["n"]).fillna(0).to_numpy(dtype=float))
    module = _persistence_module()
    if module is None:
        result.persistence_text = "Persistence not computed: the hotspot engine has no persistence function."
        return
    result.extra["persistence_inputs"] = (years, per_year)
    result.persistence_text = ""
