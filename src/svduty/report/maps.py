"""Offline maps: grid cells or area points drawn in British National Grid with matplotlib — no tiles, no network.

Every map carries what a reader needs to trust it: a legend with units, a scale bar, a north arrow, an outline of the
area — the union of its LSOAs' ONS boundaries when a boundary file is at hand (``svduty.data.boundaries``: the
user's GeoPackage/GeoJSON, or the generalised copy bundled for the City of London sample), else the concave hull of
the incident locations, said so in the caption —, numbered labels naming the top places (LSOA name and the most
frequent police.uk street, ``svduty.analysis.named_places``) with their key under the map, the source and period,
and — when any input is synthetic — a "SYNTHETIC DATA" badge. Cells may be squares or hexagons; ``lsoa_map``
draws LSOA choropleths.

Colours: continuous values use viridis (or cividis), perceptually uniform and readable with the common colour-vision
deficiencies (van der Walt & Smith 2015, the matplotlib default); Gi* classes use ColorBrewer RdBu (Brewer 2003,
marked colour-blind safe), with light grey for "not significant". BNG grid north is within 1–2° of true north across
England and Wales, so the arrow points up.

Typical use (the SNA "Where" section and ``svduty hotspots`` both do this)::

    from svduty.report.maps import grid_map, to_svg, save
    fig = grid_map(grid, density, title="Violence: kernel density", value_label="incidents per km²",
                   outline_points=(x, y), source="police.uk, 2021-08", synthetic=False)
    svg_text = to_svg(fig, "Kernel density of violence")   # inline <svg> with <title> and aria-label
    save(fig, "out/map.png")                                   # or .svg / .pdf
"""

from __future__ import annotations

import io
import math
import re
import textwrap
from collections.abc import Sequence
from pathlib import Path

import numpy as np
from matplotlib import colormaps
from matplotlib.cm import ScalarMappable
from matplotlib.colors import BoundaryNorm, ListedColormap, LogNorm, Normalize
from matplotlib.figure import Figure
from matplotlib.patches import FancyArrow, Patch, Rectangle
from matplotlib.patches import Polygon as MplPolygon

from svduty.report import ReportError
from svduty.report.map_layers import (
    choropleth,
    draw_lsoa_outlines,
    draw_place_labels,
    draw_polygons,
    key_text,
)

FONT = ["DejaVu Sans", "Liberation Sans", "Arial", "Helvetica", "sans-serif"]
TEXT = "#0b0c0c"
OUTLINE = "#505a5f"
NOT_SIGNIFICANT = "#e8e8e8"
NO_DATA = "#ffffff"

# Gi* classes (svduty.analysis.hotspots.getisord.CLASS_LABELS order) → ColorBrewer RdBu (7-class) colours.
GISTAR_COLOURS: dict[str, str] = {
    "Hot spot, 99% confidence": "#b2182b",
    "Hot spot, 95% confidence": "#ef8a62",
    "Hot spot, 90% confidence": "#fddbc7",
    "Not significant": NOT_SIGNIFICANT,
    "Cold spot, 90% confidence": "#d1e5f0",
    "Cold spot, 95% confidence": "#67a9cf",
    "Cold spot, 99% confidence": "#2166ac",
}

# Persistence classes (svduty.analysis.hotspots.persistence) → Okabe–Ito colours (Okabe & Ito 2008).
PERSISTENCE_COLOURS: dict[str, str] = {
    "persistent": "#D55E00",
    "intensifying": "#CC79A7",
    "diminishing": "#009E73",
    "emerging": "#E69F00",
    "new": "#F0E442",
    "intermittent": "#56B4E9",
    "fading": "#0072B2",
    "not a hot spot": NOT_SIGNIFICANT,
}


def _nice_length(max_metres: float) -> float:
    """The largest 1, 2 or 5 × 10ᵏ metres not above ``max_metres``."""
    if max_metres <= 0:
        return 1.0
    exp = math.floor(math.log10(max_metres))
    for m in (5, 2, 1):
        if m * 10**exp <= max_metres:
            return float(m * 10**exp)
    return float(10**exp)


def _fmt_distance(metres: float) -> str:
    return f"{metres / 1000:g} km" if metres >= 1000 else f"{metres:g} m"


def data_outline(x, y, *, ratio: float = 0.3, buffer: float = 0.0, drop_isolated: bool = True):
    """Outline of the area the points cover (their concave hull, see ``svduty.analysis.hotspots.area_outline``).

    Used instead of a boundary file (none is bundled, and maps must work offline). ``buffer`` grows it by metres.
    """
    from svduty.analysis.hotspots.grid import area_outline

    hull = area_outline(x, y, ratio=ratio, drop_isolated=drop_isolated)
    if hull is not None and buffer:
        hull = hull.buffer(buffer)
    return hull


def _draw_outline(ax, geom) -> None:
    if geom is None:
        return
    polys = getattr(geom, "geoms", [geom])
    for poly in polys:
        if poly.geom_type != "Polygon":
            continue
        ax.add_patch(
            MplPolygon(np.asarray(poly.exterior.coords), closed=True, fill=False, edgecolor=OUTLINE, linewidth=1.0)
        )


def _decorate(ax, fig, extent, *, title, subtitle, source, synthetic, key=(), note=None) -> None:
    xmin, ymin, xmax, ymax = extent
    width = xmax - xmin
    height = ymax - ymin
    ax.set_xlim(xmin, xmax)
    ax.set_ylim(ymin, ymax)
    ax.set_aspect("equal")
    ax.set_xticks([])
    ax.set_yticks([])
    for spine in ax.spines.values():
        spine.set_color("#b1b4b6")
    # scale bar, bottom left, with a white backing so it reads over cells
    length = _nice_length(width / 4)
    x0 = xmin + 0.04 * width
    y0 = ymin + 0.05 * height
    bar_h = 0.012 * height
    ax.add_patch(
        Rectangle(
            (x0 - 0.015 * width, y0 - 0.02 * height),
            length + 0.03 * width,
            0.085 * height,
            facecolor="white",
            alpha=0.85,
            edgecolor="none",
            zorder=5,
        )
    )
    ax.add_patch(Rectangle((x0, y0), length / 2, bar_h, facecolor=TEXT, edgecolor=TEXT, zorder=6))
    ax.add_patch(Rectangle((x0 + length / 2, y0), length / 2, bar_h, facecolor="white", edgecolor=TEXT, zorder=6))
    ax.text(x0, y0 + 2.2 * bar_h, "0", fontsize=7, color=TEXT, ha="center", va="bottom", zorder=7)
    ax.text(
        x0 + length, y0 + 2.2 * bar_h, _fmt_distance(length), fontsize=7, color=TEXT, ha="center", va="bottom", zorder=7
    )
    # north arrow, top right
    ax_x = xmax - 0.06 * width
    ax_y = ymax - 0.16 * height
    ax.add_patch(
        FancyArrow(
            ax_x,
            ax_y,
            0,
            0.08 * height,
            width=0.012 * width,
            head_width=0.04 * width,
            head_length=0.035 * height,
            length_includes_head=True,
            color=TEXT,
            zorder=7,
        )
    )
    ax.text(
        ax_x, ax_y + 0.09 * height, "N", fontsize=10, fontweight="bold", color=TEXT, ha="center", va="bottom", zorder=7
    )
    chars = int(fig.get_figwidth() * 11)  # characters per line at these font sizes
    fig.suptitle(textwrap.fill(title, chars), x=0.02, ha="left", fontsize=12, color=TEXT)
    if subtitle:
        ax.set_title(textwrap.fill(subtitle, int(chars * 1.1)), loc="left", fontsize=8.5, color="#505a5f")
    footer = "British National Grid (EPSG:27700)."
    if source:
        footer = f"Source: {source}. " + footer
    if note:
        footer = f"{note} {footer}"
    footer = textwrap.fill(footer, int(chars * 1.5))
    if key:
        footer = key_text(list(key), int(chars * 1.35)) + "\n" + footer
    if key:  # room for the key: the map keeps its size, the figure grows
        fig.set_figheight(fig.get_figheight() + 0.12 * (footer.count("\n") - 3))
    fig.supxlabel(footer, x=0.01, ha="left", fontsize=7, color="#505a5f", linespacing=1.3)
    if synthetic:
        ax.text(
            0.02,
            0.97,
            "SYNTHETIC DATA",
            transform=ax.transAxes,
            fontsize=10,
            fontweight="bold",
            color="#ffffff",
            ha="left",
            va="top",
            zorder=8,
            bbox={"boxstyle": "round,pad=0.35", "facecolor": "#d4351c", "edgecolor": "none"},
        )


def _padded_extent(extent, pad_frac=0.04):
    xmin, ymin, xmax, ymax = extent
    w = max(xmax - xmin, 1.0)
    h = max(ymax - ymin, 1.0)
    return (xmin - pad_frac * w, ymin - pad_frac * h, xmax + pad_frac * w, ymax + pad_frac * h)


def _figure(extent, width_in: float) -> tuple[Figure, object]:
    xmin, ymin, xmax, ymax = extent
    aspect = (ymax - ymin) / max(xmax - xmin, 1.0)
    aspect = min(max(aspect, 0.45), 1.8)
    fig = Figure(figsize=(width_in, width_in * aspect * 0.72 + 1.2), dpi=100)
    fig.set_layout_engine("constrained")
    ax = fig.add_subplot(1, 1, 1)
    return fig, ax


def grid_map(
    grid,
    values,
    *,
    title: str,
    value_label: str = "",
    subtitle: str | None = None,
    categories: Sequence[str] | None = None,
    colours: dict[str, str] | None = None,
    cmap: str = "viridis",
    log_scale: bool = False,
    hide_zero: bool = True,
    outline_points: tuple[np.ndarray, np.ndarray] | None = None,
    outline=None,
    source: str | None = None,
    synthetic: bool = False,
    width_in: float = 7.0,
    extent: tuple[float, float, float, float] | None = None,
    lsoa_outlines=None,
    place_labels=None,
    note: str | None = None,
) -> Figure:
    """Draw per-cell values of a ``svduty.analysis.hotspots.Grid`` as a map.

    ``values`` is aligned with ``grid.cells``: numbers (a continuous colour bar labelled ``value_label``) or, with
    ``categories`` (the legend order), strings naming each cell's class, coloured by ``colours`` (default: the Gi*
    palette, else viridis steps). Cells with value 0 are left white when ``hide_zero`` (so the map shows where
    incidents are, not the grid). ``outline_points`` (BNG x, y) draws the data's concave hull; ``outline`` takes a
    ready shapely polygon instead (e.g. the union of the area's LSOAs). ``extent`` (BNG) zooms; by default the grid's
    cells in use. ``lsoa_outlines`` (BNG shapely polygons) draws LSOA boundaries; ``place_labels`` (a table with
    ``x_bng``, ``y_bng``, ``label``, e.g. ``named_places.name_cells``) numbers the places on the map and lists them
    under it; ``note`` goes in the caption. Square grids are drawn as a raster, hexagonal ones as polygons. Returns
    a matplotlib Figure; see :func:`to_svg` and :func:`save`.
    """
    values = np.asarray(values)
    if values.shape[0] != grid.n_cells:
        raise ReportError(f"{values.shape[0]} values for a grid of {grid.n_cells} cells")
    s = grid.cell_size
    geom = outline
    if geom is None and outline_points is not None:
        geom = data_outline(*outline_points)
    if extent is None:
        if geom is not None:
            extent = geom.bounds
        elif grid.n_cells:
            cx, cy = grid.centres()
            extent = (cx.min() - s / 2, cy.min() - s / 2, cx.max() + s / 2, cy.max() + s / 2)
        else:
            extent = grid.extent
    view = _padded_extent(extent)
    fig, ax = _figure(view, width_in)
    ax.set_facecolor(NO_DATA)
    hexes = getattr(grid, "kind", "square") == "hex"
    raster_extent = grid.extent
    imshow_extent = (raster_extent[0], raster_extent[2], raster_extent[1], raster_extent[3])
    if categories is not None:
        categories = list(categories)
        palette = colours or GISTAR_COLOURS
        missing = [c for c in categories if c not in palette]
        if missing:
            steps = colormaps[cmap](np.linspace(0, 1, max(len(missing), 2)))
            palette = {**palette, **{c: steps[i] for i, c in enumerate(missing)}}
        lookup = {c: i for i, c in enumerate(categories)}
        codes = np.array([lookup.get(str(v), -1) for v in values], dtype=float)
        codes[codes < 0] = np.nan
        cmap_obj = ListedColormap([palette[c] for c in categories])
        norm = BoundaryNorm(np.arange(len(categories) + 1) - 0.5, len(categories))
        if hexes:
            shown = np.isfinite(codes)
            draw_polygons(ax, grid.polygons()[shown], [palette[categories[int(c)]] for c in codes[shown]])
        else:
            raster = grid.to_raster(codes)
            ax.imshow(raster, origin="lower", extent=imshow_extent, cmap=cmap_obj, norm=norm, interpolation="nearest")
        present = set(values.astype(str).tolist())
        handles = [
            Patch(facecolor=palette[c], edgecolor="#b1b4b6", label=f"{c} ({int((values.astype(str) == c).sum()):,})")
            for c in categories
            if c in present
        ]
        ax.legend(
            handles=handles,
            title=value_label or None,
            loc="upper left",
            bbox_to_anchor=(1.01, 1.0),
            fontsize=8,
            title_fontsize=8.5,
            frameon=False,
        )
    else:
        v = values.astype(float)
        raster = v if hexes else grid.to_raster(v)
        if hide_zero:
            raster = np.where(raster > 0, raster, np.nan)
        finite = raster[np.isfinite(raster)]
        if log_scale and finite.size and finite.min() > 0:
            norm = LogNorm(vmin=finite.min(), vmax=finite.max())
        else:
            norm = Normalize(
                vmin=0.0 if not finite.size or finite.min() >= 0 else finite.min(),
                vmax=finite.max() if finite.size and finite.max() > 0 else 1.0,
            )
        cm = colormaps[cmap].with_extremes(bad=(0.0, 0.0, 0.0, 0.0))
        if hexes:
            shown = np.isfinite(raster)
            draw_polygons(ax, grid.polygons()[shown], cm(norm(raster[shown])))
            img = ScalarMappable(norm=norm, cmap=cm)
        else:
            img = ax.imshow(raster, origin="lower", extent=imshow_extent, cmap=cm, norm=norm, interpolation="nearest")
        bar = fig.colorbar(img, ax=ax, shrink=0.7, pad=0.02)
        bar.set_label(value_label, fontsize=9, color=TEXT)
        bar.ax.tick_params(labelsize=8)
    if lsoa_outlines is not None:
        draw_lsoa_outlines(ax, lsoa_outlines)
    _draw_outline(ax, geom)
    key = draw_place_labels(ax, place_labels)
    _decorate(ax, fig, view, title=title, subtitle=subtitle, source=source, synthetic=synthetic, key=key, note=note)
    return fig


def point_map(
    x,
    y,
    values,
    *,
    title: str,
    value_label: str = "",
    subtitle: str | None = None,
    labels: Sequence[str] | None = None,
    cmap: str = "viridis",
    outline_points: tuple[np.ndarray, np.ndarray] | None = None,
    outline=None,
    source: str | None = None,
    synthetic: bool = False,
    width_in: float = 7.0,
    label_top: int = 0,
    place_labels=None,
    note: str | None = None,
) -> Figure:
    """Draw one value per place (e.g. LSOA representative points in BNG) as circles sized and coloured by value.

    ``labels`` with ``label_top=k`` writes the names of the k highest-valued places next to them. ``place_labels``
    (``x_bng``, ``y_bng``, ``label``) numbers places with a key instead; ``note`` goes in the caption (e.g. "no
    LSOA boundary file: LSOAs drawn as points"). Returns a Figure.
    """
    x = np.asarray(x, dtype=float)
    y = np.asarray(y, dtype=float)
    v = np.asarray(values, dtype=float)
    if not (x.size == y.size == v.size):
        raise ReportError(f"x, y and values differ in length ({x.size}, {y.size}, {v.size})")
    ok = np.isfinite(x) & np.isfinite(y) & np.isfinite(v)
    if not ok.any():
        raise ReportError("no places with coordinates to map")
    geom = outline
    if geom is None and outline_points is not None:
        geom = data_outline(*outline_points)
    extent = geom.bounds if geom is not None else (x[ok].min(), y[ok].min(), x[ok].max(), y[ok].max())
    view = _padded_extent(extent, 0.06)
    fig, ax = _figure(view, width_in)
    vmax = v[ok].max() if v[ok].max() > 0 else 1.0
    order = np.argsort(v[ok])  # biggest drawn last, on top
    sizes = 8 + 120 * np.sqrt(np.clip(v[ok], 0, None) / vmax)
    sc = ax.scatter(
        x[ok][order],
        y[ok][order],
        c=v[ok][order],
        s=sizes[order],
        cmap=cmap,
        norm=Normalize(vmin=min(0.0, v[ok].min()), vmax=vmax),
        edgecolors="#505a5f",
        linewidths=0.3,
        zorder=3,
    )
    bar = fig.colorbar(sc, ax=ax, shrink=0.7, pad=0.02)
    bar.set_label(value_label, fontsize=9, color=TEXT)
    bar.ax.tick_params(labelsize=8)
    if labels is not None and label_top:
        lab = np.asarray(labels, dtype=object)[ok]
        top = np.argsort(-v[ok])[:label_top]
        for i in top:
            ax.annotate(
                str(lab[i]),
                (x[ok][i], y[ok][i]),
                xytext=(4, 4),
                textcoords="offset points",
                fontsize=7,
                color=TEXT,
                zorder=9,
            )
    _draw_outline(ax, geom)
    key = draw_place_labels(ax, place_labels)
    _decorate(ax, fig, view, title=title, subtitle=subtitle, source=source, synthetic=synthetic, key=key, note=note)
    return fig


def lsoa_map(
    geoms,
    values,
    *,
    title: str,
    value_label: str = "",
    subtitle: str | None = None,
    cmap: str = "viridis",
    context=None,
    outline=None,
    place_labels=None,
    source: str | None = None,
    synthetic: bool = False,
    note: str | None = None,
    width_in: float = 7.0,
) -> Figure:
    """Choropleth of one value per LSOA polygon (BNG shapely geometries, e.g. SV per 1,000 residents).

    ``context`` (BNG polygons) draws neighbouring LSOAs as grey outlines beyond the area; ``outline`` the area's
    boundary (e.g. ``study_area.area_polygon``); ``place_labels`` numbers the named places. NaN values are left
    white (no data) and said so in the legend's absence of colour.
    """
    import shapely

    geoms = np.asarray(geoms, dtype=object)
    v = np.asarray(values, dtype=float)
    if geoms.size != v.size or geoms.size == 0:
        raise ReportError(f"{v.size} values for {geoms.size} LSOA polygons")
    extent = tuple(shapely.total_bounds(geoms)) if outline is None else outline.bounds
    view = _padded_extent(extent, 0.06)
    fig, ax = _figure(view, width_in)
    finite = v[np.isfinite(v)]
    norm = Normalize(
        vmin=0.0 if not finite.size or finite.min() >= 0 else finite.min(),
        vmax=finite.max() if finite.size and finite.max() > 0 else 1.0,
    )
    cm = colormaps[cmap]
    if context is not None:
        draw_lsoa_outlines(ax, context, colour="#c8cacc", width=0.4, zorder=0.5)
    choropleth(ax, geoms, v, cmap=cm, norm=norm)
    bar = fig.colorbar(ScalarMappable(norm=norm, cmap=cm), ax=ax, shrink=0.7, pad=0.02)
    bar.set_label(value_label, fontsize=9, color=TEXT)
    bar.ax.tick_params(labelsize=8)
    _draw_outline(ax, outline)
    key = draw_place_labels(ax, place_labels)
    _decorate(ax, fig, view, title=title, subtitle=subtitle, source=source, synthetic=synthetic, key=key, note=note)
    return fig


def to_svg(fig: Figure, title: str) -> str:
    """The figure as an inline ``<svg>`` element (no XML prolog) with ``role="img"``, aria-label and ``<title>``.

    Text stays text (``svg.fonttype = none``) so it is searchable and scales; output is deterministic (no date).
    """
    import matplotlib

    buf = io.StringIO()
    with matplotlib.rc_context({"svg.fonttype": "none", "svg.hashsalt": "svduty", "font.family": FONT}):
        fig.savefig(buf, format="svg", metadata={"Date": None, "Creator": "svduty"})
    svg = buf.getvalue()
    svg = re.sub(r"<\?xml[^>]*>\s*", "", svg)
    svg = re.sub(r"<!DOCTYPE[^>]*>\s*", "", svg)
    safe = title.replace("&", "&amp;").replace("<", "&lt;")
    svg = svg.replace("<svg ", '<svg role="img" aria-label="' + safe.replace('"', "&quot;") + '" ', 1)
    svg = re.sub(r"(<svg[^>]*>)", r"\1<title>" + safe + "</title>", svg, count=1)
    return svg


def save(fig: Figure, path: str | Path, *, dpi: int = 150) -> Path:
    """Write the figure to ``path``; the format follows the extension (.svg, .png or .pdf)."""
    import matplotlib

    path = Path(path)
    fmt = path.suffix.lower().lstrip(".")
    if fmt not in ("svg", "png", "pdf"):
        raise ReportError(f"{path}: map files must end in .svg, .png or .pdf")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with matplotlib.rc_context({"svg.fonttype": "none", "svg.hashsalt": "svduty", "font.family": FONT}):
            meta = {"Date": None} if fmt in ("svg", "pdf") else {}
            fig.savefig(path, format=fmt, dpi=dpi, metadata=meta)
    except OSError as exc:
        raise ReportError(f"cannot write map {path}: {exc.strerror}") from exc
    return path
