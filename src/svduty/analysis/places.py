"""Where serious violence happens: the SNA's place analysis, delegated to the hotspot engine.

Grids in British National Grid (EPSG:27700), kernel density, concentration (share in the top 1/5/10% of places),
Lorenz curves, Gini and year-on-year persistence all come from ``svduty.analysis.hotspots``; maps from
``svduty.report.maps`` are drawn by the report layer. This module only chooses the inputs (SV points of the period,
the LSOA counts with zeros kept) and shapes the outputs into report tables.
"""

from __future__ import annotations

import math
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
    located = con.execute(
        "SELECT count(*) FROM sna_inc WHERE lat IS NOT NULL AND sv_category IS NOT NULL AND month BETWEEN ? AND ?",
        [period.start, period.end],
    ).fetchone()
    if not located or located[0] < 2:  # nothing to map or grid: the report says so instead of failing
        return None
    return _analyse(con, period, lsoas)


def top_places_share(places: int, percent: float) -> float:
    """The share of places the "top ``percent``%" really is: at least one place (as ``hotspots.top_share``).

    With 6 LSOAs the top 1%, 5% and 10% are each one LSOA, i.e. 16.7% of places; reporting that beside the share of
    crime stops "the top 1% hold 72%" being read as one place in a hundred.
    """
    if places <= 0:
        return float("nan")
    return max(1, math.ceil(places * percent / 100.0 - 1e-9)) / places


def with_place_shares(conc: dict[str, object]) -> dict[str, object]:
    """``conc`` plus ``top_1pct_places``, ``top_5pct_places``, ``top_10pct_places`` (see ``top_places_share``)."""
    n = int(conc.get("places") or 0)
    return conc | {f"top_{p}pct_places": top_places_share(n, p) for p in (1, 5, 10)} if conc else conc


GENERALISED_GINI_NAME = "generalised Gini (Bernasco & Steenbeek 2017)"


def reported_gini(conc: dict[str, object]) -> dict[str, object]:
    """The Gini to headline for a table of counts: the generalised Gini when places outnumber incidents.

    With fewer incidents than places (small grid cells, one year) the ordinary Gini is high even when no two
    incidents share a place, because most places must be empty; Bernasco & Steenbeek (2017, *More places than
    crimes*, J. Quant. Criminol. 33:451) rescale it so that the most even spread possible scores 0.
    """
    if not conc:
        return {"gini_reported": None, "gini_reported_method": None}
    sparse = float(conc.get("places") or 0) > float(conc.get("incidents") or 0)
    return {
        "gini_reported": conc.get("generalised_gini") if sparse else conc.get("gini"),
        "gini_reported_method": GENERALISED_GINI_NAME if sparse else "Gini",
    }


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
    lsoa_c = with_place_shares(hs.concentration(lsoa_counts))

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
    grid_c = with_place_shares(hs.concentration(cell_counts)) if cell_counts.sum() else {}
    bandwidth, bandwidth_rule = sna_bandwidth(px, py, extent, grid.cell_size)
    # The density map uses the full lattice over the core extent (a smooth surface reads better than a masked one);
    # concentration uses the masked grid above.
    map_grid = hs.make_grid(ax, ay, grid.cell_size, extent=extent)
    density = hs.kde(map_grid, px, py, bandwidth=bandwidth) if px.size else np.zeros(map_grid.n_cells)

    keys = ("top_1pct", "top_5pct", "top_10pct", "gini", "generalised_gini", "places", "places_with_incidents")
    keys += ("top_1pct_places", "top_5pct_places", "top_10pct_places")
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
    shares = ("top_1pct", "top_5pct", "top_10pct", "top_1pct_places", "top_5pct_places", "top_10pct_places")
    concentration = {k: lsoa_c.get(k) for k in (*shares, "gini", "places")}
    concentration["grid"] = {k: grid_c.get(k) for k in (*shares, "gini", "generalised_gini", "places", "incidents")} | {
        "cell_size_m": grid.cell_size
    }
    concentration["grid"].update(reported_gini(grid_c))
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
    _persistence(con, period, lsoas, result, grid)
    return result


def _persistence(
    con: duckdb.DuckDBPyConnection, period: sna.Period, lsoas: pd.DataFrame, result: PlaceAnalysis, grid: object
) -> None:
    """Year-on-year persistence of hot spots (the hotspot engine's ``persistence``) over grid cells and LSOAs.

    Years are the 12-month windows ending with the assessment period (``sna.measure_years``); a place is "hot" in
    a year when it is among the top 5% of places by SV count (``top_percent`` default of the engine). Stability is
    the Jaccard overlap of consecutive years' hot sets and Spearman's rank correlation of all places' counts.
    """
    years = sna.measure_years(period)
    if len(years) < 2:
        result.persistence_text = "Persistence needs at least two full years of data; this workspace has fewer."
        return
    if not hasattr(hs, "persistence"):
        result.persistence_text = "Persistence not computed: the hotspot engine has no persistence function."
        return
    codes = lsoas.loc[lsoas["in_area"], "code"]
    labels = [f"{start:%Y-%m} to {end:%Y-%m}" for start, end in years]
    lsoa_years, cell_years = [], []
    for start, end in years:
        frame = con.execute(
            "SELECT lsoa_code AS code, count(*) AS n FROM sna_inc WHERE sv_category IS NOT NULL "
            "AND lsoa_code IS NOT NULL AND month BETWEEN ? AND ? GROUP BY 1",
            [start, end],
        ).df()
        lsoa_years.append(codes.map(frame.set_index("code")["n"]).fillna(0).to_numpy(dtype=float))
        pts = sna.sv_points(con, start, end)
        x, y = hs.to_bng(pts["lon"].to_numpy(), pts["lat"].to_numpy())
        cell_years.append(hs.grid_counts(grid, x, y).astype(float))
    by_cells = hs.persistence(cell_years, labels=labels)
    by_lsoa = hs.persistence(lsoa_years, labels=labels) if len(codes) >= 2 else None
    rows = []
    for i in range(len(labels) - 1):
        rows.append(
            {
                "from_year": labels[i],
                "to_year": labels[i + 1],
                "grid_jaccard": float(by_cells.jaccard[i]),
                "grid_spearman": float(by_cells.spearman[i]),
                "lsoa_jaccard": float(by_lsoa.jaccard[i]) if by_lsoa else np.nan,
                "lsoa_spearman": float(by_lsoa.spearman[i]) if by_lsoa else np.nan,
            }
        )
    result.tables["persistence"] = pd.DataFrame(rows)
    cells_by_class = by_cells.counts_by_class()
    lsoas_by_class = by_lsoa.counts_by_class() if by_lsoa else {}
    result.tables["persistence_classes"] = pd.DataFrame(
        [
            {"class": c, "grid_cells": cells_by_class.get(c, 0), "lsoas": lsoas_by_class.get(c, 0)}
            for c in cells_by_class
        ]
    )
    result.extra["persistence_cells"] = by_cells
    result.extra["persistence_grid"] = grid
    hot_now = int(by_cells.hot[-1].sum())
    persistent = sum(cells_by_class.get(c, 0) for c in ("persistent", "intensifying", "diminishing"))
    last = rows[-1]
    result.persistence_text = (
        f"Of the {hot_now} hot grid cells (top 5% by serious violence) in {labels[-1]}, {persistent} were hot in "
        f"at least 90% of the {len(labels)} years; {cells_by_class.get('new', 0)} are new and "
        f"{cells_by_class.get('emerging', 0)} emerging, while {cells_by_class.get('fading', 0)} earlier hot cells "
        f"have faded. Between the last two years the hot sets overlap by {last['grid_jaccard']:.0%} (Jaccard) and "
        f"the ranking of all cells correlates at {last['grid_spearman']:.2f} (Spearman)."
    )
