"""LSOA maps with names: a choropleth when boundaries are at hand, labelled points (said so) when they are not.

The SNA's "Where" section calls :func:`lsoa_figure` with its LSOA table; ``svduty hotspots`` draws cells with
``maps.grid_map(..., lsoa_outlines=..., place_labels=...)``. Both name places the same way
(``svduty.analysis.named_places``).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from svduty.analysis.named_places import label
from svduty.report import ReportError
from svduty.report.maps import lsoa_map, point_map

NO_BOUNDARIES = (
    "No LSOA boundary file for this area: each LSOA is drawn as a point at the mean location of its incidents "
    "(give a GeoPackage or GeoJSON of LSOA boundaries to draw their outlines)."
)


NO_BOUNDARIES_GRID = (
    "No LSOA boundary file for this area: the outline is the concave hull of the recorded crimes (give a GeoPackage "
    "or GeoJSON of LSOA boundaries to draw the LSOAs)."
)


def _labels(frame: pd.DataFrame, value: str, top: int) -> pd.DataFrame:
    best = frame[np.isfinite(frame[value].astype(float)) & (frame[value].astype(float) > 0)]
    best = best.sort_values([value, "code"], ascending=[False, True]).head(top)
    return pd.DataFrame(
        {
            "x_bng": best["x_bng"].to_numpy(),
            "y_bng": best["y_bng"].to_numpy(),
            "label": [label(n, s) for n, s in zip(best["name"], best["street"], strict=True)],
        }
    )


def lsoa_figure(
    lsoas: pd.DataFrame,
    value: str,
    *,
    title: str,
    value_label: str,
    names: pd.DataFrame | None = None,
    boundaries=None,
    points: pd.DataFrame | None = None,
    label_top: int = 5,
    subtitle: str | None = None,
    source: str | None = None,
    synthetic: bool = False,
):
    """Map one value per LSOA of the area (``lsoas``: ``code``, ``name``, ``value``; ``in_area`` if present).

    ``names``: ``named_places.name_lsoas`` output (adds each LSOA's street). ``boundaries``: a
    ``svduty.data.boundaries.Boundaries`` (any vintage mix; the polygons of the codes are used) — then a choropleth
    with the area outlined; else ``points`` (``code``, ``x_bng``, ``y_bng``, e.g. ``hotspots.area_counts``) are
    drawn and the caption says there were no boundaries. Returns ``(figure, used_boundaries)``.
    """
    from svduty.analysis import study_area

    frame = lsoas[lsoas["in_area"]] if "in_area" in lsoas else lsoas
    frame = frame[["code", "name", value]].copy()
    if names is not None:
        frame = frame.merge(names[["code", "street"]], on="code", how="left")
    else:
        frame["street"] = None
    used = boundaries is not None and boundaries.coverage(frame["code"]) > 0
    if used:
        chosen = study_area.one_vintage(boundaries, frame["code"])
        geoms = study_area.boundaries_bng(chosen)
        import shapely

        centre = shapely.point_on_surface(geoms)
        spot = pd.DataFrame({"code": chosen.codes, "x_bng": shapely.get_x(centre), "y_bng": shapely.get_y(centre)})
        frame = frame.merge(spot, on="code", how="left")
        values = pd.Series(chosen.codes).map(frame.set_index("code")[value]).to_numpy(dtype=float)
        fig = lsoa_map(
            geoms,
            values,
            title=title,
            value_label=value_label,
            subtitle=subtitle,
            outline=study_area.area_polygon(boundaries, frame["code"]),
            place_labels=_labels(frame.dropna(subset=["x_bng"]), value, label_top),
            source=f"{source}; LSOA boundaries: {_source_name(boundaries.source)}" if source else None,
            synthetic=synthetic,
        )
        return fig, True
    if points is None:
        raise ReportError("no LSOA boundaries and no LSOA points to map")
    frame = frame.merge(points[["code", "x_bng", "y_bng"]], on="code", how="inner")
    frame = frame[np.isfinite(frame["x_bng"]) & np.isfinite(frame["y_bng"])]
    fig = point_map(
        frame["x_bng"].to_numpy(),
        frame["y_bng"].to_numpy(),
        frame[value].to_numpy(dtype=float),
        title=title,
        value_label=value_label,
        subtitle=subtitle,
        place_labels=_labels(frame, value, label_top),
        note=NO_BOUNDARIES,
        source=source,
        synthetic=synthetic,
    )
    return fig, False


def _source_name(source: str) -> str:
    """The bundled copy's attribution, or a user file's name (not its full path)."""
    from pathlib import Path

    return source if source.startswith("ONS") else Path(source).name


def where_figures(where, place, lsoas: pd.DataFrame, *, period_label: str, source: str, synthetic: bool = False):
    """The SNA "Where" maps, named: {"density", "lsoa_rate", "change", "categories"} → matplotlib Figures.

    ``where``: ``svduty.analysis.where.where_places`` output; ``place``: ``places.PlaceAnalysis``; ``lsoas``: the
    SNA's LSOA table. Maps whose inputs are missing (no previous period, under two years) are left out; the reason
    is in ``where.notes``.
    """
    from svduty.analysis import hotspots as hs
    from svduty.report.map_layers import CHANGE_COLOURS, CLASSIFY_COLOURS
    from svduty.report.maps import grid_map

    note = None if where.boundaries is not None else NO_BOUNDARIES_GRID
    grid_source = f"{source}; LSOA boundaries: {_source_name(where.boundaries.source)}" if where.boundaries else source
    outline = where.outline
    if outline is None and place is not None and place.extra.get("core_xy") is not None:
        core = place.extra["core_xy"]
        outline = hs.area_outline(core[:, 0], core[:, 1])
    figs = {}
    if place is not None and place.grid is not None and place.extra.get("density") is not None:
        figs["density"] = grid_map(
            place.grid,
            place.extra["density"],
            title="Serious violence: kernel density, with the places named",
            value_label="serious violence crimes per km² (kernel density)",
            subtitle=f"{period_label} · {place.cell_size:g} m cells, quartic kernel of radius {place.bandwidth:,.0f} m",
            outline=outline,
            lsoa_outlines=where.lsoa_geoms,
            place_labels=where.top_cells,
            note=note,
            source=grid_source,
            synthetic=synthetic,
        )
    figs["lsoa_rate"], _ = lsoa_figure(
        lsoas,
        "rate_per_1000",
        title="Serious violence per 1,000 residents by LSOA",
        value_label="per 1,000 residents",
        names=where.lsoa_names,
        boundaries=where.boundaries,
        points=where.lsoa_points,
        subtitle=period_label,
        source=source,
        synthetic=synthetic,
    )
    if where.change is not None:
        before, after = where.change_labels
        figs["change"] = grid_map(
            where.change_grid,
            where.change.classes,
            categories=hs.CHANGE_CLASSES,
            colours=CHANGE_COLOURS,
            title="Where serious violence rose or fell",
            subtitle=f"{after} against {before} · {where.change_grid.cell_size:g} m cells · exact conditional "
            "Poisson test per cell, Benjamini-Hochberg FDR 5%",
            value_label="change (cells)",
            outline=outline,
            lsoa_outlines=where.lsoa_geoms,
            place_labels=where.change_cells,
            note=note,
            source=grid_source,
            synthetic=synthetic,
        )
    if where.categories is not None:
        c = where.categories
        figs["categories"] = grid_map(
            where.category_grid,
            c.classes,
            categories=hs.CLASSIFY_CLASSES,
            colours=CLASSIFY_COLOURS,
            title="Persistent, emerging and former hot spots of serious violence",
            subtitle=f"{len(c.labels)} years, {c.labels[0].split(' to ')[0]} to {c.labels[-1].split(' to ')[-1]} · "
            "Gi* per year, BH FDR 5% · "
            f"{where.category_grid.cell_size:g} m cells (sfhotspot categories)",
            value_label="category (cells)",
            outline=outline,
            lsoa_outlines=where.lsoa_geoms,
            place_labels=where.category_cells,
            note=note,
            source=grid_source,
            synthetic=synthetic,
        )
    return figs
