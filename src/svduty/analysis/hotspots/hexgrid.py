"""Hexagonal grids in British National Grid: cells, point-in-cell, contiguity weights and kernel density at centres.

Hexagons are pointy-topped with ``cell_size`` the distance across flats (left to right), as ``sf::st_make_grid(...,
square = FALSE)`` and so sfhotspot's ``grid_type = "hex"`` define it: area √3/2 · s², rows ``s·√3/2`` apart, odd rows
shifted east by half a cell ("odd-r" offset layout). The lattice is anchored on BNG's origin — global row 0 at
northing 0, even rows with a centre at easting 0 — so grids for different periods or crime types line up cell for
cell, as the square grids do. Hexagons have one kind of neighbour (six, sharing an edge), the same distance away,
which is why analysts prefer them for Gi*: no rook/queen choice, no corner-only neighbours.

A hexagon is the Voronoi cell of its centre in this lattice, so a point belongs to the cell with the nearest centre;
the nearest centre is always in one of the two rows either side of the point (see :meth:`HexGrid.flat_index`).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import ClassVar

import numba
import numpy as np
from scipy import sparse
from scipy.spatial import cKDTree

from svduty.analysis import AnalysisError

SQRT3 = math.sqrt(3.0)


@dataclass(frozen=True)
class HexGrid:
    """A lattice of pointy-topped hexagons; ``x0, y0`` is the centre of local cell (row 0, col 0).

    Local row 0 is an even global row, so a local row's parity is its global parity. ``cells`` holds flat indices
    ``row * ncols + col`` (row 0 south) of the cells in use, ascending; per-cell arrays are aligned with it, as for
    :class:`~svduty.analysis.hotspots.grid.Grid`.
    """

    kind: ClassVar[str] = "hex"
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
    def row_step(self) -> float:
        return self.cell_size * SQRT3 / 2.0

    @property
    def circumradius(self) -> float:
        """Centre-to-corner distance, s / √3."""
        return self.cell_size / SQRT3

    @property
    def rows(self) -> np.ndarray:
        return self.cells // self.ncols

    @property
    def cols(self) -> np.ndarray:
        return self.cells % self.ncols

    @property
    def cell_area_km2(self) -> float:
        return SQRT3 / 2.0 * self.cell_size**2 / 1e6

    @property
    def extent(self) -> tuple[float, float, float, float]:
        """(xmin, ymin, xmax, ymax) of the full lattice's hexagons."""
        s, r = self.cell_size, self.circumradius
        return (
            self.x0 - s / 2,
            self.y0 - r,
            self.x0 + (self.ncols - 1) * s + s,
            self.y0 + (self.nrows - 1) * self.row_step + r,
        )

    def _centre(self, rows: np.ndarray, cols: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        return (
            self.x0 + (2 * cols + (rows & 1)) * (self.cell_size / 2.0),
            self.y0 + 3 * rows * (self.circumradius / 2.0),
        )

    def centres(self) -> tuple[np.ndarray, np.ndarray]:
        """Cell-centre coordinates (x, y) of the cells in use."""
        return self._centre(self.rows, self.cols)

    def flat_index(self, x, y) -> np.ndarray:
        """Flat lattice index of the hexagon holding each point (nearest centre); -1 off the lattice."""
        x = np.asarray(x, dtype=float).ravel()
        y = np.asarray(y, dtype=float).ravel()
        finite = np.isfinite(x) & np.isfinite(y)
        xs = np.where(finite, x, self.x0)
        ys = np.where(finite, y, self.y0)
        r0 = np.floor((ys - self.y0) / self.row_step).astype(np.int64)
        best_d = np.full(x.size, np.inf)
        best_r = np.zeros(x.size, dtype=np.int64)
        best_c = np.zeros(x.size, dtype=np.int64)
        for r in (r0, r0 + 1):
            c = np.round((xs - self.x0) / self.cell_size - 0.5 * (r & 1)).astype(np.int64)
            cx, cy = self._centre(r, c)
            d = (xs - cx) ** 2 + (ys - cy) ** 2
            better = d < best_d
            best_d = np.where(better, d, best_d)
            best_r = np.where(better, r, best_r)
            best_c = np.where(better, c, best_c)
        ok = finite & (best_r >= 0) & (best_r < self.nrows) & (best_c >= 0) & (best_c < self.ncols)
        return np.where(ok, best_r * self.ncols + best_c, -1)

    def cell_index(self, x, y) -> np.ndarray:
        """Position in ``cells`` of the hexagon holding each point; -1 when the point is off the grid's cells."""
        flat = self.flat_index(x, y)
        if self.is_full:
            return flat
        pos = np.clip(np.searchsorted(self.cells, flat), 0, max(self.n_cells - 1, 0))
        return np.where((flat >= 0) & (self.cells[pos] == flat), pos, -1)

    def polygons(self) -> np.ndarray:
        """Corner coordinates of each cell in use, shape (n_cells, 7, 2): closed rings, anticlockwise, in BNG.

        Corners are computed on the lattice of half-cells (x in s/2, y in circumradius/2 steps) from integers, so
        neighbouring hexagons share bit-identical vertices (as polygon-based contiguity, e.g. libpysal, needs).
        """
        rows, cols = self.rows, self.cols
        half_x, half_y = self.cell_size / 2.0, self.circumradius / 2.0
        ix = 2 * cols + (rows & 1)  # centre in half-cell units
        iy = 3 * rows
        dx = np.array([1, 0, -1, -1, 0, 1, 1])  # corners at 30°, 90°, 150°, 210°, 270°, 330°, back to 30°
        dy = np.array([1, 2, 1, -1, -2, -1, 1])
        ring_x = self.x0 + (ix[:, None] + dx[None, :]) * half_x
        ring_y = self.y0 + (iy[:, None] + dy[None, :]) * half_y
        return np.stack([ring_x, ring_y], axis=2)


def make_hex_grid(
    x,
    y,
    cell_size: float | None = None,
    *,
    extent: tuple[float, float, float, float] | None = None,
    within: float | None = None,
) -> HexGrid:
    """A hexagonal grid of ``cell_size`` metres (across flats) whose hexagons cover the points (or ``extent``).

    ``cell_size=None``: the shorter side of the extent / 50 (sfhotspot's rule, as for square grids). ``within``
    keeps only hexagons whose centre is within that many metres of a point.
    """
    px = np.asarray(x, dtype=float).ravel()
    py = np.asarray(y, dtype=float).ravel()
    ok = np.isfinite(px) & np.isfinite(py)
    px, py = px[ok], py[ok]
    if extent is None:
        if px.size == 0:
            raise AnalysisError("no points with coordinates to build a grid from")
        extent = (float(px.min()), float(py.min()), float(px.max()), float(py.max()))
    xmin, ymin, xmax, ymax = (float(v) for v in extent)
    if not (xmax >= xmin and ymax >= ymin):
        raise AnalysisError(f"extent {extent} is not (xmin, ymin, xmax, ymax)")
    if cell_size is None:
        cell_size = max(1.0, round(min(xmax - xmin, ymax - ymin) / 50.0))
    s = float(cell_size)
    if not (np.isfinite(s) and s > 0):
        raise AnalysisError(f"cell size must be a positive number of metres, got {cell_size}")
    dy = s * SQRT3 / 2.0
    r_min = math.floor(ymin / dy) - 1
    r_min -= r_min % 2  # local row 0 is an even global row
    r_max = math.ceil(ymax / dy) + 1
    c_min = math.floor(xmin / s) - 1
    c_max = math.ceil(xmax / s) + 1
    nrows, ncols = r_max - r_min + 1, c_max - c_min + 1
    if nrows * ncols > 50_000_000:
        raise AnalysisError(f"a {s:g} m hex grid over this extent has {nrows * ncols:,} cells; use a larger cell size")
    grid = HexGrid(c_min * s, r_min * dy, s, nrows, ncols, np.arange(nrows * ncols, dtype=np.int64))
    # keep only hexagons that reach the extent (the lattice is padded by a row/column on each side)
    cx, cy = grid.centres()
    r = grid.circumradius
    keep = (cx + s / 2 >= xmin) & (cx - s / 2 <= xmax) & (cy + r >= ymin) & (cy - r <= ymax)
    if within is not None:
        if not (np.isfinite(within) and within > 0):
            raise AnalysisError(f"`within` must be a positive number of metres, got {within}")
        if px.size == 0:
            raise AnalysisError("`within` needs points")
        dist, _ = cKDTree(np.column_stack([px, py])).query(
            np.column_stack([cx, cy]), k=1, distance_upper_bound=float(within) * (1 + 1e-12)
        )
        keep &= np.isfinite(dist)
    return HexGrid(grid.x0, grid.y0, s, nrows, ncols, grid.cells[keep])


# odd-r offset neighbours: (d_row, d_col) for even and for odd rows
_EVEN = ((0, -1), (0, 1), (-1, -1), (-1, 0), (1, -1), (1, 0))
_ODD = ((0, -1), (0, 1), (-1, 0), (-1, 1), (1, 0), (1, 1))


def hex_contiguity_weights(grid: HexGrid) -> sparse.csr_array:
    """Binary contiguity between the hexagons in use: the (up to) six that share an edge with each."""
    nr, nc = grid.nrows, grid.ncols
    flat = grid.cells
    pos = np.full(nr * nc, -1, dtype=np.int64)
    pos[flat] = np.arange(flat.size)
    r = flat // nc
    c = flat % nc
    odd = (r & 1).astype(bool)
    rows, cols = [], []
    for (er, ec), (orow, ocol) in zip(_EVEN, _ODD, strict=True):
        rr = r + np.where(odd, orow, er)
        cc = c + np.where(odd, ocol, ec)
        ok = (rr >= 0) & (rr < nr) & (cc >= 0) & (cc < nc)
        nb = np.full(flat.size, -1, dtype=np.int64)
        nb[ok] = pos[rr[ok] * nc + cc[ok]]
        ok = nb >= 0
        rows.append(np.nonzero(ok)[0])
        cols.append(nb[ok])
    ra, ca = np.concatenate(rows), np.concatenate(cols)
    w = sparse.csr_array((np.ones(ra.size), (ra, ca)), shape=(flat.size, flat.size))
    w.sort_indices()
    return w


@numba.njit(cache=True, nogil=True)
def _scatter_hex(px, py, w, nrows, ncols, kcode, h, support, s, dy, out):
    """Add each point's kernel shape to the lattice centres within ``support`` (coordinates relative to cell 0,0)."""
    inv_h2 = 1.0 / (h * h)
    r2max = support * support
    for p in range(px.shape[0]):
        x = px[p]
        y = py[p]
        r0 = max(0, math.ceil((y - support) / dy))
        r1 = min(nrows - 1, math.floor((y + support) / dy))
        for r in range(r0, r1 + 1):
            ddy = r * dy - y
            ddy2 = ddy * ddy
            if ddy2 > r2max:
                continue
            off = 0.5 * (r & 1)
            c0 = max(0, math.ceil((x - support) / s - off))
            c1 = min(ncols - 1, math.floor((x + support) / s - off))
            for c in range(c0, c1 + 1):
                ddx = (c + off) * s - x
                u = (ddx * ddx + ddy2) * inv_h2
                if kcode == 0:
                    if u < 1.0:
                        out[r, c] += w[p] * (1.0 - u) * (1.0 - u)
                elif kcode == 1:
                    if u < 1.0:
                        out[r, c] += w[p] * (1.0 - u)
                elif ddx * ddx + ddy2 <= r2max:
                    out[r, c] += w[p] * math.exp(-0.5 * u)


def hex_kernel_sums(grid: HexGrid, x, y, w, *, kernel: str, bandwidth: float, support: float) -> np.ndarray:
    """Kernel shape sums at the grid's hexagon centres (exact, numba), aligned with ``grid.cells``."""
    kcode = {"quartic": 0, "epanechnikov": 1, "gaussian": 2}[kernel]
    out = np.zeros((grid.nrows, grid.ncols))
    _scatter_hex(
        np.ascontiguousarray(x - grid.x0, dtype=float),
        np.ascontiguousarray(y - grid.y0, dtype=float),
        np.ascontiguousarray(w, dtype=float),
        grid.nrows,
        grid.ncols,
        kcode,
        float(bandwidth),
        float(support),
        float(grid.cell_size),
        float(3.0 * grid.circumradius / 2.0),
        out,
    )
    return out.ravel()[grid.cells]
