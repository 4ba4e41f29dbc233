"""What the SNA's "Where" section needs to name places: boundaries, named LSOAs and cells, change and categories.

One call after ``places.analyse`` (the concentration/KDE engine), on the same connection (temp view ``sna_inc``)::

    place = places.analyse(con, period, lsoas)
    where = where_places(con, period, lsoas, place, boundaries_file=None)   # or the user's GeoPackage/GeoJSON

and the report draws it with ``svduty.report.place_maps.where_figures(where, place, ...)``. Everything here is
computed by the hotspot engine (``hotspots.change``, ``hotspots.classify``) and ``named_places``; this module only
chooses the inputs the SNA uses: serious violence in the area's LSOAs, the assessment period against the previous
one, and 12-month years (``sna.measure_years``) for the categories.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import duckdb
import numpy as np
import pandas as pd

from svduty.analysis import AnalysisError, sna, study_area
from svduty.analysis import hotspots as hs
from svduty.analysis.named_places import name_cells, name_lsoas


@dataclass
class WherePlaces:
    """``boundaries``: the area's LSOA polygons (None: draw points, and say so); ``outline``/``lsoa_geoms``: BNG
    area union and one-vintage LSOA polygons; ``lsoa_names``: every LSOA with its street; ``lsoa_points``: each
    LSOA's mean incident location (the no-boundaries fallback); ``top_cells``: the named densest cells (ten
    density peaks); ``change``/``change_labels``: this period against the previous on the cell grid;
    ``categories``/``category_grid``: sfhotspot categories over the 12-month years; ``change_cells`` and
    ``category_cells``: the named cells of the largest significant rises and of persistent/emerging hot spots."""

    boundaries: object | None
    outline: object | None
    lsoa_geoms: np.ndarray | None
    lsoa_names: pd.DataFrame
    lsoa_points: pd.DataFrame
    top_cells: pd.DataFrame
    change: hs.ChangeResult | None = None
    change_labels: tuple[str, str] | None = None
    change_grid: object | None = None
    change_cells: pd.DataFrame | None = None
    categories: hs.ClassifyResult | None = None
    category_grid: object | None = None
    category_cells: pd.DataFrame | None = None
    notes: dict[str, object] = field(default_factory=dict)


def _sv(con: duckdb.DuckDBPyConnection, start, end) -> pd.DataFrame:
    return con.execute(
        "SELECT lon, lat, month, lsoa_code, lsoa_name, location FROM sna_inc WHERE sv_category IS NOT NULL "
        "AND lat IS NOT NULL AND month BETWEEN ? AND ?",
        [start, end],
    ).df()


def top_density_cells(grid, density: np.ndarray, radius: float, n: int = 10) -> np.ndarray:
    """Positions of up to ``n`` density peaks: each the highest cell within ``radius`` metres, in the top tenth."""
    from scipy.spatial import cKDTree

    cx, cy = grid.centres()
    tree = cKDTree(np.column_stack([cx, cy]))
    floor = float(np.quantile(density, 0.9)) if density.size else 0.0
    taken = np.zeros(density.size, dtype=bool)
    out: list[int] = []
    for i in np.argsort(-density, kind="stable"):
        if len(out) >= n or density[i] <= max(floor, 0.0):
            break
        if not taken[i]:
            out.append(int(i))
            taken[tree.query_ball_point([cx[i], cy[i]], radius)] = True
    return np.asarray(out, dtype=np.int64)


def where_places(
    con: duckdb.DuckDBPyConnection,
    period: sna.Period,
    lsoas: pd.DataFrame,
    place=None,
    *,
    boundaries_file=None,
    top: int = 10,
) -> WherePlaces:
    """Names, boundaries, change and categories for the area's serious violence (see the module docstring).

    ``lsoas`` is ``sna.lsoa_table``'s frame (``in_area`` marks the area); ``place`` the ``places.PlaceAnalysis``
    whose KDE grid and density give the top cells (None: no cells are named).
    """
    from svduty.data.boundaries import boundaries_for

    codes = sorted(str(c) for c in lsoas.loc[lsoas["in_area"], "code"].dropna())
    bounds = boundaries_for(codes, boundaries_file)
    notes: dict[str, object] = {"boundaries": bounds.source if bounds is not None else None}
    outline = geoms = None
    if bounds is not None and len(bounds):
        outline = study_area.area_polygon(bounds, codes)
        geoms = study_area.boundaries_bng(study_area.one_vintage(bounds, codes))
    cur = _sv(con, period.start, period.end)
    cur = cur[cur["lsoa_code"].isin(codes)]
    x, y = hs.to_bng(cur["lon"].to_numpy(), cur["lat"].to_numpy())
    named = name_lsoas(cur["lsoa_code"], cur["lsoa_name"], cur["location"])
    ac = hs.area_counts(cur["lsoa_code"].to_numpy(), x, y)
    points = pd.DataFrame({"code": ac.codes, "x_bng": ac.x, "y_bng": ac.y})
    cells = pd.DataFrame()
    if place is not None and place.grid is not None and place.extra.get("density") is not None:
        density = np.asarray(place.extra["density"], dtype=float)
        b = outline.bounds if outline is not None else (x.min(), y.min(), x.max(), y.max()) if x.size else (0, 0, 0, 0)
        spread = 0.04 * float(np.hypot(b[2] - b[0], b[3] - b[1]))  # ten labels spread over the map
        radius = max(2.0 * place.cell_size, float(place.bandwidth or 0.0), spread)
        pos = top_density_cells(place.grid, density, radius, top)
        cells = name_cells(place.grid, pos, x, y, cur["lsoa_code"], cur["lsoa_name"], cur["location"])
        cells.insert(0, "rank", np.arange(1, len(cells) + 1))
        cells["density_per_km2"] = density[pos]
    where = WherePlaces(bounds, outline, geoms, named, points, cells, notes=notes)
    grid = _area_grid(place, x, y, outline)
    if grid is not None:
        namer = _namer(grid, x, y, cur, top)
        _add_change(con, period, codes, grid, where, namer)
        _add_categories(con, period, codes, grid, where, namer)
    return where


def _namer(grid, x, y, cur: pd.DataFrame, top: int):
    """Name the ``top`` best cells of a ranking (NaN = not a candidate), spaced two cells apart."""

    def name(rank: np.ndarray) -> pd.DataFrame:
        cx, cy = grid.centres()
        chosen: list[int] = []
        ranked = np.nonzero(np.isfinite(rank))[0]
        for i in ranked[np.argsort(-rank[ranked], kind="stable")]:
            if len(chosen) >= top:
                break
            if not chosen or (np.hypot(cx[chosen] - cx[i], cy[chosen] - cy[i]) >= 2 * grid.cell_size - 1e-6).all():
                chosen.append(int(i))
        out = name_cells(grid, chosen, x, y, cur["lsoa_code"], cur["lsoa_name"], cur["location"])
        out.insert(0, "rank", np.arange(1, len(out) + 1))
        return out

    return name


MIN_MEAN_COUNT = 5.0
MULTIPLES = (1, 2, 3, 4, 5, 6, 8, 10, 12, 15, 20)


def _area_grid(place, x, y, outline):
    """A grid over the area (LSOA union when known, else the incidents' hull) for change and categories.

    Cells start at the SNA's concentration cell size and grow (×2, ×3, …) until the cells holding any incident
    hold at least ``MIN_MEAN_COUNT`` on average in the period: a per-cell test of change on cells of one or two
    crimes has no power, so those maps would show noise only.
    """
    if place is None or x.size < 3:
        return None
    shape = outline if outline is not None else hs.area_outline(x, y)
    extent = shape.bounds if shape is not None else None
    for k in MULTIPLES:
        grid = hs.make_grid(x, y, place.cell_size * k, extent=extent)
        counts = hs.grid_counts(grid, x, y)
        if counts[counts > 0].mean() >= MIN_MEAN_COUNT:
            break
    return hs.restrict_grid(grid, shape, points=(x, y)) if shape is not None else grid


def _counts(con, start, end, codes, grid) -> np.ndarray:
    pts = _sv(con, start, end)
    pts = pts[pts["lsoa_code"].isin(codes)]
    return hs.grid_counts(grid, *hs.to_bng(pts["lon"].to_numpy(), pts["lat"].to_numpy()))


def _add_change(con, period: sna.Period, codes, grid, where: WherePlaces, namer) -> None:
    if not period.has_previous:
        where.notes["change"] = "no change map: the data do not cover the whole previous period"
        return
    before = _counts(con, period.prev_start, period.prev_end, codes, grid)
    after = _counts(con, period.start, period.end, codes, grid)
    try:
        where.change = hs.change(before, after, before_months=period.months, after_months=period.months)
    except AnalysisError as exc:
        where.notes["change"] = f"no change map: {exc}"
        return
    where.change_labels = (period.prev_label, period.label)
    where.change_grid = grid
    up = where.change.classes == "Significant increase"
    where.change_cells = namer(np.where(up, where.change.change.astype(float), np.nan))


def _add_categories(con, period: sna.Period, codes, grid, where: WherePlaces, namer) -> None:
    years = sna.measure_years(period)
    if len(years) < 2:
        where.notes["categories"] = "no hot spot categories: they need at least two full years of data"
        return
    counts = [_counts(con, s, e, codes, grid) for s, e in years]
    labels = [f"{s:%Y-%m} to {e:%Y-%m}" for s, e in years]
    try:
        where.categories = hs.classify(counts, hs.contiguity_weights(grid), labels=labels)
    except AnalysisError as exc:
        where.notes["categories"] = f"no hot spot categories: {exc}"
        return
    where.category_grid = grid
    level = {"persistent hotspot": 2.0, "emerging hotspot": 1.0}
    score = np.array([level.get(c, np.nan) for c in where.categories.classes])
    where.category_cells = namer(score * 1e9 + np.sum(counts, axis=0))
