"""``svduty hotspots``: count, change, classify, kernel density, Getis-Ord Gi* or concentration on a grid.

The verbs follow R sfhotspot (``hotspot_count``, ``hotspot_change``, ``hotspot_classify``, ``hotspot_kde``,
``hotspot_gistar``) on square or hexagonal cells (``--grid hex``). The study area is the area's LSOAs, chosen as
``svduty sna`` chooses them (``--force``, ``--area``); with LSOA boundaries (``--boundaries FILE``, or the generalised
copy bundled for the City of London sample) the map outlines them and the grid covers their union; without, the
outline is the incidents' concave hull and the caption says so. The top cells are named after their LSOA and most
frequent police.uk street.

Writes OUT.geojson (cells as WGS84 polygons with their statistics and names), OUT.csv (the same, one row per cell,
with BNG cell centres), OUT.svg and OUT.png (the map), OUT.places.csv (the named top cells) and OUT.json
(parameters and summary).
"""

from __future__ import annotations

import json
from datetime import date
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import numpy as np
import typer

from svduty.analysis import AnalysisError
from svduty.cli.common import WorkspaceOption, console, month_option, user_errors
from svduty.cli.hotspot_methods import (
    Points,
    parse_span,
    run_change,
    run_classify,
    run_concentration,
    run_count,
    run_gistar,
    run_kde,
    spaced_top,
    weights_for,
)
from svduty.cli.main import app

SV_PROXY = "sv"
NO_BOUNDARY_NOTE = (
    "No LSOA boundary file for this area (give --boundaries): the outline is the incidents' concave hull."
)


class Method(StrEnum):
    count = "count"
    change = "change"
    classify = "classify"
    kde = "kde"
    gistar = "gistar"
    concentration = "concentration"


class GridShape(StrEnum):
    square = "square"
    hex = "hex"


class Neighbours(StrEnum):
    queen = "queen"
    rook = "rook"
    distance = "distance"
    knn = "knn"


class ChangeNull(StrEnum):
    rate = "rate"
    area = "area"


def load_incidents(
    con,
    *,
    crime_types: list[str],
    start: date | None,
    end: date | None,
    force: str | None,
    lsoa_codes: list[str] | None = None,
):
    """Located incidents matching the filters, as numpy arrays (lon, lat, month, offence group, synthetic, LSOA
    code and name, police.uk ``location``); ``lsoa_codes`` keeps only incidents in those LSOAs (the study area)."""
    where = ["lat IS NOT NULL", "lon IS NOT NULL"]
    params: list[object] = []
    types = [t for t in crime_types if t.lower() != SV_PROXY]
    clauses = []
    if any(t.lower() == SV_PROXY for t in crime_types):
        clauses.append("sv_category IS NOT NULL")
    if types:
        clauses.append("lower(offence_group) IN (" + ", ".join("?" for _ in types) + ")")
        params += [t.lower() for t in types]
    if clauses:
        where.append("(" + " OR ".join(clauses) + ")")
    if start:
        where.append("month >= ?")
        params.append(start)
    if end:
        where.append("month <= ?")
        params.append(end)
    if force:
        where.append("lower(force) = ?")
        params.append(force.lower())
    if lsoa_codes is not None:
        where.append("lsoa_code IN (SELECT unnest(?::VARCHAR[]))")
        params.append(list(lsoa_codes))
    sql = (
        "SELECT lon, lat, month, offence_group, synthetic, lsoa_code, lsoa_name, location FROM incidents WHERE "
        + " AND ".join(where)
    )
    return con.execute(sql, params).fetchnumpy()


def _json_value(v):
    if isinstance(v, (np.floating, float)):
        return None if not np.isfinite(v) else round(float(v), 10)
    if isinstance(v, (np.integer, int)) and not isinstance(v, bool):
        return int(v)
    if isinstance(v, (np.bool_, bool)):
        return bool(v)
    return None if v is None or v != v else str(v)


def _write_outputs(out: Path, grid, columns: dict[str, np.ndarray], meta: dict) -> list[Path]:
    import pandas as pd

    from svduty.analysis.hotspots import from_bng

    out.parent.mkdir(parents=True, exist_ok=True)
    cx, cy = grid.centres()
    rings = grid.polygons()
    k = rings.shape[1]
    lon, lat = from_bng(rings[:, :, 0].ravel(), rings[:, :, 1].ravel())
    lon = lon.reshape(rings.shape[0], k)
    lat = lat.reshape(rings.shape[0], k)
    features = []
    names = list(columns)
    for i in range(grid.n_cells):
        props = {"cell": int(grid.cells[i]), "x_bng": float(cx[i]), "y_bng": float(cy[i])}
        for name in names:
            props[name] = _json_value(columns[name][i])
        coords = [[round(float(a), 7), round(float(b), 7)] for a, b in zip(lon[i], lat[i], strict=True)]
        features.append(
            {"type": "Feature", "geometry": {"type": "Polygon", "coordinates": [coords]}, "properties": props}
        )
    geojson = out.with_suffix(".geojson")
    geojson.write_text(json.dumps({"type": "FeatureCollection", "metadata": meta, "features": features}))
    table = pd.DataFrame({"cell": grid.cells, "x_bng": cx, "y_bng": cy, **columns})
    csv = out.with_suffix(".csv")
    table.to_csv(csv, index=False)
    summary = out.with_suffix(".json")
    summary.write_text(json.dumps(meta, indent=2, default=str))
    return [geojson, csv, summary]


def _study_area(ws, force, area, start, end, boundaries_file):
    """(LSOA codes or None, outline polygon or None, LSOA outlines or None, notes) for the hot spot study area."""
    from svduty.analysis import sna, study_area
    from svduty.data.boundaries import boundaries_for

    codes = None
    notes: dict = {}
    has_lookup = sna.lookup_table(ws.con) is not None
    if area or has_lookup:
        try:
            chosen = study_area.area_lsoas(ws.con, sna.Scope(force=force, area=area, start=start, end=end))
        except sna.SnaError:
            if area:
                raise
            chosen = None
        if chosen is not None and (area or chosen.notes.get("lookup_table")):
            codes = chosen.codes
            notes = {"area_method": chosen.notes.get("area_method"), "area_lsoas": len(codes)}
            notes["area_lads"] = chosen.notes.get("area_lads")
    bounds = None
    if codes is not None or boundaries_file is not None:
        bounds = boundaries_for(codes or [], boundaries_file)
    outline = lsoas = None
    if bounds is not None and len(bounds) and codes is not None:
        outline = study_area.area_polygon(bounds, codes)
        lsoas = study_area.boundaries_bng(study_area.one_vintage(bounds, codes))
        notes["boundaries"] = bounds.source if bounds.source.startswith("ONS") else f"{Path(bounds.source).name}"
    return codes, outline, lsoas, notes


@app.command("hotspots")
def hotspots_command(
    workspace: WorkspaceOption = None,
    method: Annotated[
        Method, typer.Option("--method", help="count, change, classify, kde, gistar or concentration.")
    ] = Method.kde,
    grid_shape: Annotated[GridShape, typer.Option("--grid", help="Cell shape: square or hex.")] = GridShape.square,
    cell: Annotated[
        float | None, typer.Option("--cell", help="Cell size in metres (hex: across flats; default: extent / 50).")
    ] = None,
    bandwidth: Annotated[
        float | None,
        typer.Option("--bandwidth", help="KDE bandwidth in metres (default: MASS::bandwidth.nrd rule)."),
    ] = None,
    kernel: Annotated[str, typer.Option("--kernel", help="quartic, epanechnikov or gaussian.")] = "quartic",
    crime_type: Annotated[
        list[str] | None,
        typer.Option(
            "--crime-type", metavar="TYPE", help="police.uk crime type (repeatable); 'sv' = serious violence proxy."
        ),
    ] = None,
    from_month: Annotated[str | None, typer.Option("--from", metavar="MONTH", help="First month, YYYY-MM.")] = None,
    to_month: Annotated[str | None, typer.Option("--to", metavar="MONTH", help="Last month, YYYY-MM.")] = None,
    force: Annotated[
        str | None,
        typer.Option("--force", metavar="FORCE", help="Force slug, name or published name, any case, e.g. durham."),
    ] = None,
    area: Annotated[
        str | None,
        typer.Option(
            "--area",
            metavar="AREA",
            help="As svduty sna: LSOA code prefix (E01000), local authority code or LSOA-name prefix.",
        ),
    ] = None,
    boundaries: Annotated[
        Path | None,
        typer.Option(
            "--boundaries",
            metavar="FILE",
            help="LSOA boundaries, GeoPackage or GeoJSON (default: bundled sample area).",
        ),
    ] = None,
    before: Annotated[
        str | None,
        typer.Option("--before", metavar="SPAN", help="change: before period, YYYY-MM:YYYY-MM (default: first half)."),
    ] = None,
    after: Annotated[
        str | None,
        typer.Option("--after", metavar="SPAN", help="change: after period, YYYY-MM:YYYY-MM (default: second half)."),
    ] = None,
    change_null: Annotated[
        ChangeNull,
        typer.Option("--change-null", help="change classes test: 'rate' (unchanged rate) or 'area' (area's trend)."),
    ] = ChangeNull.rate,
    period_months: Annotated[
        int | None,
        typer.Option(
            "--period-months", metavar="N", help="classify: months per period (default 1, or 3 over 2 years)."
        ),
    ] = None,
    label_top: Annotated[
        int, typer.Option("--label-top", metavar="N", help="Name this many top cells on the map.")
    ] = 10,
    neighbours: Annotated[
        Neighbours, typer.Option("--neighbours", help="Gi* weights: queen, rook, distance or knn.")
    ] = Neighbours.queen,
    distance: Annotated[float | None, typer.Option("--distance", help="Distance band in metres.")] = None,
    k: Annotated[int, typer.Option("--k", help="Neighbours for knn weights.")] = 8,
    permutations: Annotated[int, typer.Option("--permutations", help="Gi* permutations (0 = normal only).")] = 999,
    seed: Annotated[int, typer.Option("--seed", help="Seed for the permutations.")] = 12345,
    within: Annotated[
        float | None, typer.Option("--within", help="Keep only cells within this many metres of an incident.")
    ] = None,
    whole_grid: Annotated[
        bool,
        typer.Option("--whole-grid", help="Statistics over the whole rectangle, not just the area's cells."),
    ] = False,
    classify_by: Annotated[
        str, typer.Option("--classify-by", help="Gi* classes from 'norm' (z) or 'sim' (permutation) p-values.")
    ] = "norm",
    keep_outliers: Annotated[
        bool,
        typer.Option("--keep-outliers", help="Keep incidents located far from all others (default: drop them)."),
    ] = False,
    out: Annotated[
        Path, typer.Option("--out", metavar="PATH", help="Output path stem: writes OUT.geojson/.csv/.svg/.png/.json.")
    ] = Path("hotspots"),
    engine: Annotated[
        str, typer.Option("--engine", help="gistar: duckdb (one machine) or spark (tiles as Spark tasks).")
    ] = "duckdb",
    spark_master: Annotated[
        str | None,
        typer.Option("--spark-master", metavar="URL", help="Spark master (default local[2])."),
    ] = None,
) -> None:
    """Hot spot analysis of incidents in the workspace, written as GeoJSON, CSV and an offline map."""
    from svduty.analysis import hotspots as hs
    from svduty.data.names import resolve_force
    from svduty.data.workspace import Workspace

    start, end = month_option(from_month, "--from"), month_option(to_month, "--to")
    types = crime_type or []
    if out.suffix:
        out = out.with_suffix("")
    if out.is_dir():
        out = out / "hotspots"
    with user_errors():
        if engine not in ("duckdb", "spark") or (engine == "spark" and method != Method.gistar):
            raise AnalysisError(f"--engine {engine}: give duckdb, or spark with --method gistar")
        if engine == "spark":
            from svduty.analysis.engine import require_pyspark

            require_pyspark()
        spans = parse_span(before, "--before"), parse_span(after, "--after")
        with Workspace.open(workspace, read_only=True) as ws:
            force = resolve_force(ws.con, force)
            codes, area_poly, lsoa_geoms, area_notes = _study_area(ws, force, area, start, end, boundaries)
            rows = load_incidents(ws.con, crime_types=types, start=start, end=end, force=force, lsoa_codes=codes)
        if len(rows["lon"]) == 0:
            raise AnalysisError("no located incidents match the filters (check --crime-type, --from/--to, --force)")
        pts, dropped = _points(rows, drop_strays=not keep_outliers and codes is None)
        restrict = within is None and method != Method.kde and not whole_grid
        grid, outline = _grid(pts, area_poly, cell, within, grid_shape.value, restrict)
        if grid.n_cells > 100_000 and method in (Method.gistar, Method.classify):
            console.print(f"[yellow]note:[/] {grid.n_cells:,} cells; Gi* may take a while.")
        counts = hs.grid_counts(grid, pts.x, pts.y)
        synthetic = bool(np.asarray(rows["synthetic"], dtype=bool).any())
        period = f"{pts.month.min()!s} to {pts.month.max()!s}" if pts.month.size else ""
        what = (", ".join(types) if types else "all crime types").replace(
            SV_PROXY, "serious violence (police.uk proxy)"
        )
        if method == Method.count:
            res = run_count(grid, pts, counts, what, period)
        elif method == Method.change:
            res = run_change(grid, pts, what, before=spans[0], after=spans[1], null=change_null.value)
        elif method == Method.classify:
            w = weights_for(grid, neighbours.value, distance, k)
            res = run_classify(grid, pts, w, what, period_months=period_months)
        elif method == Method.kde:
            res = run_kde(grid, pts, bandwidth, kernel, what, period)
        elif method == Method.gistar:
            res = run_gistar(
                grid,
                counts,
                neighbours.value,
                distance,
                k,
                permutations,
                seed,
                classify_by,
                what,
                period,
                engine,
                spark_master,
            )
        else:
            res = run_concentration(grid, counts, what, period)
        meta: dict = {
            "method": method.value,
            "grid": grid_shape.value,
            "cell_size_m": grid.cell_size,
            "cell_area_km2": grid.cell_area_km2,
            "cells": grid.n_cells,
            "grid_shape": list(grid.shape),
            "grid_origin_bng": list(grid.origin),
            "incidents": int(pts.x.size),
            "incidents_dropped_as_isolated": dropped,
            "crime_types": types or "all",
            "from": str(start) if start else None,
            "to": str(end) if end else None,
            "period": period,
            "synthetic": synthetic,
            "study_area": area_notes
            | {"outline": "union of the area's LSOA boundaries" if area_poly is not None else "concave hull"},
            **res.meta,
        }
        source = _source(synthetic, what, period, types, area_notes if lsoa_geoms is not None else None)
        draw = {"outline": outline, "lsoa_geoms": lsoa_geoms, "has_area": area_poly is not None, "source": source}
        written = _finish(out, grid, pts, counts, res, meta, draw, synthetic=synthetic, label_top=label_top)
    shape = "hexagons" if grid.kind == "hex" else "cells"
    console.print(f"{method.value}: {pts.x.size:,} incidents on {grid.n_cells:,} {shape} of {grid.cell_size:g} m.")
    if codes is not None:
        console.print(f"  study area: {len(codes):,} LSOAs ({area_notes.get('area_method')})")
    if dropped:
        console.print(f"  left out {dropped} incidents located far from all others (--keep-outliers keeps them)")
    for line in res.lines:
        console.print(line)
    if synthetic:
        console.print("[yellow]includes synthetic records: outputs are labelled synthetic[/yellow]")
    for path in written:
        console.print(f"  wrote {path}")


def _points(rows, *, drop_strays: bool) -> tuple[Points, int]:
    """Incidents in BNG; without the area's LSOAs, those far from all others (strays over a border) are left out."""
    from svduty.analysis import hotspots as hs

    x, y = hs.to_bng(rows["lon"], rows["lat"])
    pts = Points(
        x,
        y,
        np.asarray(rows["month"]).astype("datetime64[M]"),
        np.asarray(rows["lsoa_code"], dtype=object),
        np.asarray(rows["lsoa_name"], dtype=object),
        np.asarray(rows["location"], dtype=object),
    )
    if drop_strays:
        core = hs.core_points(x, y, radius=15_000.0, min_neighbours=3)
        if core.sum() >= 3:
            return pts.subset(core), int((~core).sum())
    return pts, 0


def _grid(pts: Points, area_poly, cell, within, shape: str, restrict: bool):
    """The grid over the area (its LSOAs' union when known, else the incidents) and the outline to draw."""
    from svduty.analysis import hotspots as hs

    outline = area_poly if area_poly is not None else hs.area_outline(pts.x, pts.y, drop_isolated=False)
    extent = None
    if area_poly is not None and within is None:  # the grid covers the area and every incident in it
        b = area_poly.bounds
        extent = (min(b[0], pts.x.min()), min(b[1], pts.y.min()), max(b[2], pts.x.max()), max(b[3], pts.y.max()))
    grid = hs.make_grid(pts.x, pts.y, cell, within=within, shape=shape, extent=extent)
    if restrict:  # statistics over the area's own cells, not a rectangle of fields and sea
        grid = hs.restrict_grid(grid, outline, points=(pts.x, pts.y))
    return grid, outline


def _source(synthetic: bool, what: str, period: str, types: list[str], area_notes: dict | None) -> str:
    source = f"police.uk (OGL v3.0){' and synthetic records' if synthetic else ''}; {what}; {period}"
    if types and any(t.lower() == SV_PROXY for t in types):
        source += "; serious violence proxy = violence and sexual offences, robbery, possession of weapons"
    if area_notes is not None:
        source += f"; LSOA boundaries: {area_notes.get('boundaries')}"
    return source


def _finish(out, grid, pts, counts, res, meta, draw: dict, *, synthetic: bool, label_top: int) -> list[Path]:
    """Name the top cells, draw the map and write every output; returns the paths written."""
    from svduty.analysis.named_places import name_cells
    from svduty.report import maps

    outline, lsoa_geoms, source = draw["outline"], draw["lsoa_geoms"], draw["source"]

    b = outline.bounds if outline is not None else (pts.x.min(), pts.y.min(), pts.x.max(), pts.y.max())
    spacing = max(2.0 * grid.cell_size, 0.04 * float(np.hypot(b[2] - b[0], b[3] - b[1])))
    top = spaced_top(grid, res.rank, label_top, spacing)
    meta["label_spacing_m"] = spacing
    all_named = name_cells(grid, np.arange(grid.n_cells), pts.x, pts.y, pts.lsoa_code, pts.lsoa_name, pts.location)
    named = name_cells(grid, top, pts.x, pts.y, pts.lsoa_code, pts.lsoa_name, pts.location)
    named.insert(0, "rank", np.arange(1, len(named) + 1))
    keys = ["rank", "cell", "lsoa_code", "lsoa_name", "street", "street_incidents", "incidents"]
    meta["places"] = [{k: _json_value(v) for k, v in r.items()} for r in named[keys].to_dict("records")]
    columns = {"count": counts, **res.columns}
    columns.update(lsoa_name=all_named["lsoa_name"].to_numpy(), street=all_named["street"].to_numpy())
    fig = maps.grid_map(
        grid,
        res.values,
        categories=res.categories,
        colours=res.colours,
        title=res.title,
        subtitle=res.subtitle,
        value_label=res.value_label,
        outline=outline,
        lsoa_outlines=lsoa_geoms,
        place_labels=named,
        note=None if draw["has_area"] else NO_BOUNDARY_NOTE,
        source=source,
        synthetic=synthetic,
    )
    try:
        written = _write_outputs(out, grid, columns, meta)
        places = out.with_name(out.name + ".places.csv")
        named.drop(columns=["position"]).to_csv(places, index=False)
        written.append(places)
        written.append(maps.save(fig, out.with_suffix(".svg")))
        written.append(maps.save(fig, out.with_suffix(".png")))
    except OSError as exc:
        raise AnalysisError(f"cannot write to {out}: {exc.strerror or exc}") from None
    return written
