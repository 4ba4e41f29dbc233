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
