"""Map layers beyond the cells: LSOA outlines, hexagons, numbered place labels with a key, LSOA choropleths.

Labels: long names written on a map hide the cells they name and collide, so each named place gets a dot and a
numbered marker just beside it (white disc, black number, a short leader line) and the names go in a numbered key
under the map — the convention of printed
problem profiles. ``place_labels`` is any table with ``x_bng``, ``y_bng`` and ``label`` columns, e.g. the output of
``svduty.analysis.named_places.name_cells``.
"""

from __future__ import annotations

import textwrap

import numpy as np
from matplotlib.collections import PatchCollection, PolyCollection
from matplotlib.patches import Polygon as MplPolygon

TEXT = "#0b0c0c"
LSOA_EDGE = "#8a9094"


def polygon_rings(geom) -> list[np.ndarray]:
    """Exterior rings (x, y arrays) of a shapely (Multi)Polygon or GeometryCollection."""
    out: list[np.ndarray] = []
    for part in getattr(geom, "geoms", [geom]):
        if part.geom_type == "Polygon":
            out.append(np.asarray(part.exterior.coords))
        elif hasattr(part, "geoms"):
            out.extend(polygon_rings(part))
    return out


def draw_lsoa_outlines(ax, geoms, *, colour: str = LSOA_EDGE, width: float = 0.5, zorder: float = 2.5) -> None:
    """Thin outlines of LSOA polygons (BNG), under the area outline and labels."""
    rings = [r for g in geoms for r in polygon_rings(g)]
    if rings:
        ax.add_collection(PolyCollection(rings, facecolors="none", edgecolors=colour, linewidths=width, zorder=zorder))


def draw_polygons(ax, rings, colours, *, edge: str = "face", width: float = 0.3, zorder: float = 1.0) -> None:
    """Filled polygons (e.g. hexagonal cells, shape (n, k, 2)) with one face colour each.

    The edge takes the face colour so anti-aliasing leaves no seams between neighbouring hexagons."""
    ax.add_collection(PolyCollection(list(rings), facecolors=colours, edgecolors=edge, linewidths=width, zorder=zorder))


def draw_place_labels(ax, place_labels, *, max_labels: int = 10) -> list[str]:
    """Numbered markers at each place; returns the key lines ("1  City of London 001F · On or near …")."""
    if place_labels is None or len(place_labels) == 0:
        return []
    rows = list(zip(place_labels["x_bng"], place_labels["y_bng"], place_labels["label"], strict=True))[:max_labels]
    key = []
    for i, (x, y, text) in enumerate(rows, start=1):
        ax.plot([x], [y], marker="o", markersize=2.5, color=TEXT, zorder=9)  # the place itself stays visible
        ax.annotate(
            str(i),
            (x, y),
            xytext=(7, 7),
            textcoords="offset points",
            fontsize=7,
            fontweight="bold",
            color=TEXT,
            ha="center",
            va="center",
            zorder=9,
            bbox={"boxstyle": "circle,pad=0.25", "facecolor": "white", "edgecolor": TEXT, "linewidth": 0.8},
            arrowprops={"arrowstyle": "-", "color": TEXT, "linewidth": 0.6, "shrinkA": 0, "shrinkB": 0},
        )
        key.append(f"{i}  {text}")
    return key


def key_text(key: list[str], width_chars: int) -> str:
    """The numbered key as wrapped lines for the footer."""
    if not key:
        return ""
    lines = ["Places:"] + [textwrap.fill(k, width_chars, subsequent_indent="    ") for k in key]
    return "\n".join(lines)


def choropleth(ax, geoms, values, *, cmap, norm, missing: str = "#ffffff") -> None:
    """Fill each LSOA polygon (BNG) by its value; NaN values get ``missing`` with a grey edge."""
    patches, colours = [], []
    for geom, v in zip(geoms, values, strict=True):
        for ring in polygon_rings(geom):
            patches.append(MplPolygon(ring, closed=True))
            colours.append(cmap(norm(v)) if np.isfinite(v) else missing)
    ax.add_collection(PatchCollection(patches, facecolors=colours, edgecolors=LSOA_EDGE, linewidths=0.5, zorder=1))


# ``svduty.analysis.hotspots.change`` classes → ColorBrewer RdBu (diverging, colour-blind safe), white for no data.
CHANGE_COLOURS: dict[str, str] = {
    "Significant increase": "#b2182b",
    "Increase, not significant": "#f4a582",
    "No change": "#e8e8e8",
    "Decrease, not significant": "#92c5de",
    "Significant decrease": "#2166ac",
    "No incidents": "#ffffff",
}

# sfhotspot ``hotspot_classify`` categories (``svduty.analysis.hotspots.classify``): hot reds/oranges, cold blues.
CLASSIFY_COLOURS: dict[str, str] = {
    "persistent hotspot": "#b2182b",
    "emerging hotspot": "#E69F00",
    "intermittent hotspot": "#f4a582",
    "former hotspot": "#CC79A7",
    "mixed hot/coldspot": "#999999",
    "former coldspot": "#009E73",
    "intermittent coldspot": "#92c5de",
    "emerging coldspot": "#56B4E9",
    "persistent coldspot": "#2166ac",
    "no pattern": "#e8e8e8",
}
