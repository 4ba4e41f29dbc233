"""Projection to British National Grid, square grids over the data, and counts per cell or per LSOA.

Everything metric happens in British National Grid (EPSG:27700) so that cell sizes, bandwidths and distance bands
are in metres. pyproj's WGS84 → BNG transform without the OSTN15 grid file is accurate to about 2 m, well inside the
snapping police.uk applies to every location (data.police.uk/about/#location-anonymisation).

Cell order everywhere is row-major with row 0 at the *south* edge: flat index ``row * ncols + col``. This is the
order libpysal's ``lat2W(nrows, ncols)`` uses, so contiguity weights line up with it cell for cell.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from functools import lru_cache
from typing import ClassVar

import numpy as np
from scipy.spatial import cKDTree

from svduty.analysis import AnalysisError

BNG_EPSG = 27700
WGS84_EPSG = 4326


@lru_cache(maxsize=2)
def _transformer(inverse: bool):
    from pyproj import Transformer

    src, dst = (BNG_EPSG, WGS84_EPSG) if inverse else (WGS84_EPSG, BNG_EPSG)
    return Transformer.from_crs(src, dst, always_xy=True)


def to_bng(lon, lat) -> tuple[np.ndarray, np.ndarray]:
    """Project WGS84 longitude/latitude (degrees) to British National Grid easting/northing (metres)."""
    lon = np.asarray(lon, dtype=float)
    lat = np.asarray(lat, dtype=float)
    if lon.shape != lat.shape:
        raise AnalysisError(f"lon and lat differ in length ({lon.size} vs {lat.size})")
    x, y = _transformer(False).transform(lon, lat)
    return np.asarray(x, dtype=float), np.asarray(y, dtype=float)


def from_bng(x, y) -> tuple[np.ndarray, np.ndarray]:
    """British National Grid (metres) back to WGS84 longitude/latitude (degrees), e.g. for GeoJSON."""
    lon, lat = _transformer(True).transform(np.asarray(x, dtype=float), np.asarray(y, dtype=float))
    return np.asarray(lon, dtype=float), np.asarray(lat, dtype=float)


@dataclass(frozen=True)
class Grid:
    """A square lattice in BNG metres, possibly restricted to some of its cells.

    ``x0, y0`` is the south-west corner, ``cell_size`` the side in metres, ``nrows × ncols`` the full lattice.
    ``cells`` holds the flat indices (``row * ncols + col``, row 0 south) of the cells in use, ascending; every
    per-cell array this package returns (counts, density, Gi*) is aligned with ``cells``.
    """

    kind: ClassVar[str] = "square"
    x0: float
    y0: float
    cell_size: float
    nrows: int
    ncols: int
    cells: np.ndarray

    @property
    def shape(self) -> tuple[int, int]:
        return (self.nrows, self.ncols)

    @property
    def origin(self) -> tuple[float, float]:
        return (self.x0, self.y0)

    @property
    def n_cells(self) -> int:
        return int(self.cells.size)

    @property
    def is_full(self) -> bool:
        return self.n_cells == self.nrows * self.ncols

    @property
    def rows(self) -> np.ndarray:
        return self.cells // self.ncols

    @property
    def cols(self) -> np.ndarray:
        return self.cells % self.ncols

    @property
    def extent(self) -> tuple[float, float, float, float]:
        """(xmin, ymin, xmax, ymax) of the full lattice."""
        return (self.x0, self.y0, self.x0 + self.ncols * self.cell_size, self.y0 + self.nrows * self.cell_size)

    @property
    def cell_area_km2(self) -> float:
        return (self.cell_size / 1000.0) ** 2

    def centres(self) -> tuple[np.ndarray, np.ndarray]:
        """Cell-centre coordinates (x, y) of the cells in use."""
        return (
            self.x0 + (self.cols + 0.5) * self.cell_size,
            self.y0 + (self.rows + 0.5) * self.cell_size,
        )

    def flat_index(self, x, y) -> np.ndarray:
        """Flat lattice index of the cell holding each point; -1 for points off the lattice.

        A point on a shared edge belongs to the cell to its north/east (half-open cells), as in numpy.histogram2d
        except at the far edge, which is closed so that the data extent's maximum is counted.
        """
        x = np.asarray(x, dtype=float)
        y = np.asarray(y, dtype=float)
        col = np.floor((x - self.x0) / self.cell_size).astype(np.int64)
        row = np.floor((y - self.y0) / self.cell_size).astype(np.int64)
        col[(col == self.ncols) & np.isclose(x, self.x0 + self.ncols * self.cell_size)] = self.ncols - 1
        row[(row == self.nrows) & np.isclose(y, self.y0 + self.nrows * self.cell_size)] = self.nrows - 1
        ok = (col >= 0) & (col < self.ncols) & (row >= 0) & (row < self.nrows) & np.isfinite(x) & np.isfinite(y)
        return np.where(ok, row * self.ncols + col, -1)

    def cell_index(self, x, y) -> np.ndarray:
        """Position in ``cells`` of the cell holding each point; -1 when the point is off the grid's cells."""
        flat = self.flat_index(x, y)
        if self.is_full:
            return flat
        pos = np.searchsorted(self.cells, flat)
        pos = np.clip(pos, 0, self.n_cells - 1)
        return np.where((flat >= 0) & (self.cells[pos] == flat), pos, -1)

    def to_raster(self, values, fill=np.nan) -> np.ndarray:
        """Per-cell values as a (nrows, ncols) array, row 0 south; cells not in use get ``fill``."""
        values = np.asarray(values)
        if values.shape[0] != self.n_cells:
            raise AnalysisError(f"{values.shape[0]} values for a grid of {self.n_cells} cells")
        out = np.full(self.nrows * self.ncols, fill, dtype=np.result_type(values.dtype, np.asarray(fill).dtype))
        out[self.cells] = values
        return out.reshape(self.nrows, self.ncols)

    def polygons(self) -> np.ndarray:
        """Corner coordinates of each cell in use, shape (n_cells, 5, 2): closed rings, anticlockwise, in BNG."""
        x = self.x0 + self.cols * self.cell_size
        y = self.y0 + self.rows * self.cell_size
        s = self.cell_size
        ring_x = np.stack([x, x + s, x + s, x, x], axis=1)
        ring_y = np.stack([y, y, y + s, y + s, y], axis=1)
        return np.stack([ring_x, ring_y], axis=2)


def _clean_points(x, y) -> tuple[np.ndarray, np.ndarray]:
    x = np.asarray(x, dtype=float).ravel()
    y = np.asarray(y, dtype=float).ravel()
    if x.size != y.size:
        raise AnalysisError(f"x and y differ in length ({x.size} vs {y.size})")
    ok = np.isfinite(x) & np.isfinite(y)
    return x[ok], y[ok]


def make_grid(
    x,
    y,
    cell_size: float | None = None,
    *,
    extent: tuple[float, float, float, float] | None = None,
    within: float | None = None,
    shape: str = "square",
):
    """A square grid of ``cell_size`` metres over the points (or over ``extent`` = (xmin, ymin, xmax, ymax)).

    ``shape="hex"`` makes a hexagonal grid instead (``hexgrid.make_hex_grid``: ``cell_size`` across flats).

    The lattice is anchored at multiples of the cell size (so grids for different periods or crime types of one
    area line up cell for cell, which persistence analysis needs) and covers the extent.
    ``cell_size=None`` takes the shorter side of the extent divided by 50, sfhotspot's default (Ashby 2021,
    ``hotspot_grid``), rounded to a whole metre. ``within`` keeps only cells whose centre lies within that many
    metres of at least one point, to drop sea, moor and other places where no incident could be recorded.
    Non-finite coordinates (police.uk rows without a location) are ignored.
    """
    if shape == "hex":
        from svduty.analysis.hotspots.hexgrid import make_hex_grid

        return make_hex_grid(x, y, cell_size, extent=extent, within=within)
    if shape != "square":
        raise AnalysisError(f"unknown grid shape {shape!r}; use 'square' or 'hex'")
    px, py = _clean_points(x, y)
    if extent is None:
        if px.size == 0:
            raise AnalysisError("no points with coordinates to build a grid from")
        extent = (float(px.min()), float(py.min()), float(px.max()), float(py.max()))
    xmin, ymin, xmax, ymax = (float(v) for v in extent)
    if not (xmax >= xmin and ymax >= ymin):
        raise AnalysisError(f"extent {extent} is not (xmin, ymin, xmax, ymax)")
    if cell_size is None:
        cell_size = max(1.0, round(min(xmax - xmin, ymax - ymin) / 50.0))
    cell_size = float(cell_size)
    if not (np.isfinite(cell_size) and cell_size > 0):
        raise AnalysisError(f"cell size must be a positive number of metres, got {cell_size}")
    x0 = np.floor(xmin / cell_size) * cell_size
    y0 = np.floor(ymin / cell_size) * cell_size
    ncols = max(1, int(np.floor((xmax - x0) / cell_size)) + 1)
    nrows = max(1, int(np.floor((ymax - y0) / cell_size)) + 1)
    if nrows * ncols > 50_000_000:
        raise AnalysisError(
            f"a {cell_size:g} m grid over this extent has {nrows * ncols:,} cells; use a larger cell size"
        )
    cells = np.arange(nrows * ncols, dtype=np.int64)
    grid = Grid(float(x0), float(y0), cell_size, nrows, ncols, cells)
    if within is not None:
        if not (np.isfinite(within) and within > 0):
            raise AnalysisError(f"`within` must be a positive number of metres, got {within}")
        if px.size == 0:
            raise AnalysisError("`within` needs points")
        cx, cy = grid.centres()
        dist, _ = cKDTree(np.column_stack([px, py])).query(
            np.column_stack([cx, cy]), k=1, distance_upper_bound=float(within) * (1 + 1e-12)
        )
        keep = np.isfinite(dist)
        grid = Grid(grid.x0, grid.y0, cell_size, nrows, ncols, cells[keep])
    return grid


def grid_counts(grid: Grid, x, y, weights=None) -> np.ndarray:
    """Number of points (or sum of ``weights``) in each cell of ``grid``; points off the grid are not counted."""
    x = np.asarray(x, dtype=float).ravel()
    y = np.asarray(y, dtype=float).ravel()
    idx = grid.cell_index(x, y)
    ok = idx >= 0
    w = None if weights is None else np.asarray(weights, dtype=float).ravel()[ok]
    counts = np.bincount(idx[ok], weights=w, minlength=grid.n_cells)
    return counts if weights is not None else counts.astype(np.int64)


@dataclass(frozen=True)
class AreaCounts:
    """Counts per area (e.g. LSOA) with a representative point for each, for centroid-distance weights."""

    codes: np.ndarray
    counts: np.ndarray
    x: np.ndarray
    y: np.ndarray


def area_counts(codes, x=None, y=None) -> AreaCounts:
    """Incidents per area code, with each area's point: the mean BNG location of its incidents.

    police.uk publishes no LSOA geometry with the crimes and no LSOA centroids are in the project's open data, so the
    area's point is the mean of its incidents' snapped locations — inside or very near the LSOA, since police.uk
    assigns each crime to the LSOA that holds its map point. Rows with a blank code are left out; areas whose rows
    all lack coordinates get NaN points (and so no distance neighbours).
    """
    codes = np.asarray(codes, dtype=object).ravel()
    keep = np.array([c is not None and c == c and str(c).strip() != "" for c in codes], dtype=bool)
    uniq, inv = np.unique(codes[keep].astype(str), return_inverse=True)
    counts = np.bincount(inv, minlength=uniq.size).astype(np.int64)
    if x is None or y is None:
        nan = np.full(uniq.size, np.nan)
        return AreaCounts(uniq, counts, nan, nan.copy())
    px = np.asarray(x, dtype=float).ravel()[keep]
    py = np.asarray(y, dtype=float).ravel()[keep]
    ok = np.isfinite(px) & np.isfinite(py)
    n_ok = np.bincount(inv[ok], minlength=uniq.size)
    with np.errstate(invalid="ignore", divide="ignore"):
        mx = np.bincount(inv[ok], weights=px[ok], minlength=uniq.size) / n_ok
        my = np.bincount(inv[ok], weights=py[ok], minlength=uniq.size) / n_ok
    return AreaCounts(uniq, counts, mx, my)


def core_points(x, y, *, radius: float = 5000.0, min_neighbours: int = 5) -> np.ndarray:
    """Boolean mask of points that have at least ``min_neighbours`` other points within ``radius`` metres.

    A force's police.uk file carries a few crimes located far outside its area (a Durham Constabulary crime in
    Barking, for instance). Left in, they stretch a grid over hundreds of kilometres of empty cells and distort map
    extents and outlines. This mask keeps the area's own incidents; non-finite coordinates are False.
    """
    x = np.asarray(x, dtype=float).ravel()
    y = np.asarray(y, dtype=float).ravel()
    ok = np.isfinite(x) & np.isfinite(y)
    out = np.zeros(x.size, dtype=bool)
    if ok.sum() == 0:
        return out
    pts = np.column_stack([x[ok], y[ok]])
    tree = cKDTree(pts)
    k = min(min_neighbours + 1, pts.shape[0])
    dist, _ = tree.query(pts, k=k)
    dist = dist.reshape(pts.shape[0], -1)
    out[ok] = (dist.shape[1] == min_neighbours + 1) & (dist[:, -1] <= radius)
    return out


def area_outline(x, y, *, ratio: float = 0.3, drop_isolated: bool = True):
    """The area the points cover, as a shapely polygon: their concave hull (ratio 0 = tightest, 1 = convex hull).

    Stands in for a boundary file (none is bundled; everything works offline). Isolated points (fewer than 3 others
    within 15 km, :func:`core_points`) are left out first unless ``drop_isolated=False``. None with < 3 points.
    """
    import shapely

    x = np.asarray(x, dtype=float).ravel()
    y = np.asarray(y, dtype=float).ravel()
    ok = np.isfinite(x) & np.isfinite(y)
    if drop_isolated:
        core = core_points(x, y, radius=15_000.0, min_neighbours=3)
        if core.sum() >= 3:
            ok &= core
    pts = np.unique(np.column_stack([x[ok], y[ok]]), axis=0)
    if pts.shape[0] < 3:
        return None
    hull = shapely.concave_hull(shapely.multipoints(pts), ratio=ratio)
    if hull.area <= 0:
        hull = shapely.convex_hull(shapely.multipoints(pts))
    return hull if hull.area > 0 else None


def restrict_grid(grid, polygon, *, buffer: float | None = None, points=None) -> Grid:
    """Keep the cells whose centre lies inside ``polygon`` (a shapely geometry in BNG), grown by ``buffer`` metres.

    The default buffer is half a cell diagonal, so a cell that overlaps the edge of the area is kept; ``points``
    (x, y) keeps every cell holding one of them too, so no incident is lost. Use it to measure concentration or Gi*
    over the area's own cells rather than over a rectangle of fields and sea.
    """
    import shapely

    if polygon is None:
        return grid
    buffer = grid.cell_size * 0.7072 if buffer is None else buffer
    area = polygon.buffer(buffer) if buffer else polygon
    cx, cy = grid.centres()
    keep = shapely.contains_xy(area, cx, cy)
    if points is not None:
        idx = grid.cell_index(*points)
        keep[idx[idx >= 0]] = True
    if not keep.any():
        raise AnalysisError("no grid cell lies inside the area")
    return replace(grid, cells=grid.cells[keep])  # square or hexagonal alike
