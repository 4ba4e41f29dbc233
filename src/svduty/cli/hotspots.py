"""``svduty hotspots``: kernel density, Getis-Ord Gi* or concentration on a grid, from the workspace's incidents.

Writes OUT.geojson (cells as WGS84 polygons with their statistics), OUT.csv (the same, one row per cell, with BNG
cell centres), OUT.svg and OUT.png (the map), and OUT.json (parameters and summary).
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
from svduty.cli.main import app

SV_PROXY = "sv"


class Method(StrEnum):
    kde = "kde"
    gistar = "gistar"
    concentration = "concentration"


class Neighbours(StrEnum):
    queen = "queen"
    rook = "rook"
    distance = "distance"
    knn = "knn"


def load_incidents(con, *, crime_types: list[str], start: date | None, end: date | None, force: str | None):
    """Located incidents matching the filters: (lon, lat, month, offence_group, synthetic) as numpy arrays."""
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
    sql = "SELECT lon, lat, month, offence_group, synthetic FROM incidents WHERE " + " AND ".join(where)
    rows = con.execute(sql, params).fetchnumpy()
    return rows


def _write_outputs(out: Path, grid, columns: dict[str, np.ndarray], meta: dict) -> list[Path]:
    from svduty.analysis.hotspots import from_bng

    out.parent.mkdir(parents=True, exist_ok=True)
    cx, cy = grid.centres()
    rings = grid.polygons()
    lon, lat = from_bng(rings[:, :, 0].ravel(), rings[:, :, 1].ravel())
    lon = lon.reshape(rings.shape[0], 5)
    lat = lat.reshape(rings.shape[0], 5)
    features = []
    names = list(columns)
    for i in range(grid.n_cells):
        props = {"cell": int(grid.cells[i]), "x_bng": float(cx[i]), "y_bng": float(cy[i])}
        for name in names:
            v = columns[name][i]
            if isinstance(v, (np.floating, float)):
                props[name] = None if not np.isfinite(v) else round(float(v), 10)
            elif isinstance(v, (np.integer, int)):
                props[name] = int(v)
            else:
                props[name] = str(v)
        coords = [[round(float(a), 7), round(float(b), 7)] for a, b in zip(lon[i], lat[i], strict=True)]
        features.append(
            {"type": "Feature", "geometry": {"type": "Polygon", "coordinates": [coords]}, "properties": props}
        )
    geojson = out.with_suffix(".geojson")
    geojson.write_text(json.dumps({"type": "FeatureCollection", "metadata": meta, "features": features}))
    import pandas as pd

    table = pd.DataFrame({"cell": grid.cells, "x_bng": cx, "y_bng": cy, **columns})
    csv = out.with_suffix(".csv")
    table.to_csv(csv, index=False)
    summary = out.with_suffix(".json")
    summary.write_text(json.dumps(meta, indent=2, default=str))
    return [geojson, csv, summary]


@app.command("hotspots")
def hotspots_command(
    workspace: WorkspaceOption = None,
    method: Annotated[Method, typer.Option("--method", help="kde, gistar or concentration.")] = Method.kde,
    cell: Annotated[float | None, typer.Option("--cell", help="Cell size in metres (default: extent / 50).")] = None,
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
        typer.Option("--whole-grid", help="Gi*/concentration over the whole rectangle, not just the data's area."),
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
) -> None:
    """Hot spot analysis of incidents in the workspace, written as GeoJSON, CSV and an offline map."""
    from svduty.analysis import hotspots as hs
    from svduty.data.names import resolve_force
    from svduty.data.workspace import Workspace
    from svduty.report import maps

    start, end = month_option(from_month, "--from"), month_option(to_month, "--to")
    types = crime_type or []
    if out.suffix:
        out = out.with_suffix("")
    if out.is_dir():
        out = out / "hotspots"
    with user_errors():
        with Workspace.open(workspace, read_only=True) as ws:
            force = resolve_force(ws.con, force)
            rows = load_incidents(ws.con, crime_types=types, start=start, end=end, force=force)
        if len(rows["lon"]) == 0:
            raise AnalysisError("no located incidents match the filters (check --crime-type, --from/--to, --force)")
        x, y = hs.to_bng(rows["lon"], rows["lat"])
        dropped = 0
        if not keep_outliers:
            core = hs.core_points(x, y, radius=15_000.0, min_neighbours=3)
            if core.sum() >= 3:
                dropped = int((~core).sum())
                x, y = x[core], y[core]
        synthetic = bool(np.asarray(rows["synthetic"], dtype=bool).any())
        months = np.asarray(rows["month"]).astype("datetime64[M]")
        period = f"{months.min()!s} to {months.max()!s}" if months.size else ""
        what = ", ".join(types) if types else "all crime types"
        what = what.replace(SV_PROXY, "serious violence (police.uk proxy)")
        grid = hs.make_grid(x, y, cell, within=within)
        outline = hs.area_outline(x, y, drop_isolated=False)  # isolated points already left out above
        if within is None and method != Method.kde and not whole_grid:
            # concentration and Gi* over the area's own cells, not a rectangle of fields and sea
            grid = hs.restrict_grid(grid, outline, points=(x, y))
        if grid.n_cells > 100_000 and method == Method.gistar:
            console.print(f"[yellow]note:[/] {grid.n_cells:,} cells; Gi* with permutations may take a while.")
        counts = hs.grid_counts(grid, x, y)
        source = f"police.uk (OGL v3.0){' and synthetic records' if synthetic else ''}; {what}; {period}"
        if types and any(t.lower() == SV_PROXY for t in types):
            source += "; serious violence proxy = violence and sexual offences, robbery, possession of weapons"
        meta: dict = {
            "method": method.value,
            "cell_size_m": grid.cell_size,
            "cells": grid.n_cells,
            "grid_shape": list(grid.shape),
            "grid_origin_bng": list(grid.origin),
            "incidents": int(x.size),
            "incidents_dropped_as_isolated": dropped,
            "crime_types": types or "all",
            "from": str(start) if start else None,
            "to": str(end) if end else None,
            "period": period,
            "synthetic": synthetic,
        }
        columns: dict[str, np.ndarray] = {"count": counts}
        if method == Method.kde:
            bw = bandwidth if bandwidth is not None else hs.default_bandwidth(x, y, kernel)
            dens = hs.kde(grid, x, y, bandwidth=bw, kernel=kernel)
            columns["density_per_km2"] = dens
            meta.update(kernel=kernel, bandwidth_m=bw)
            fig = maps.grid_map(
                grid,
                dens,
                title=f"Kernel density: {what}",
                subtitle=f"{period} · {kernel} kernel, bandwidth {bw:,.0f} m, {grid.cell_size:g} m cells",
                value_label="incidents per km²",
                outline=outline,
                source=source,
                synthetic=synthetic,
            )
        elif method == Method.gistar:
            if neighbours == Neighbours.distance:
                cx, cy = grid.centres()
                w = hs.distance_band_weights(cx, cy, distance if distance is not None else 1.5 * grid.cell_size)
            elif neighbours == Neighbours.knn:
                cx, cy = grid.centres()
                w = hs.knn_weights(cx, cy, k)
            else:
                w = hs.contiguity_weights(grid, rook=neighbours == Neighbours.rook)
            res = hs.gistar(counts, w, permutations=permutations, seed=seed, classify_by=classify_by)
            columns.update(G=res.G, EG=res.EG, VG=res.VG, z=res.z, p_norm=res.p_norm)
            if res.p_sim is not None:
                columns["p_sim"] = res.p_sim
            columns.update(p_two_sided=res.p_two, q_fdr=res.q, hotspot_class=res.classes)
            meta.update(
                neighbours=neighbours.value,
                permutations=permutations,
                seed=seed,
                classes=res.counts_by_class(),
                classify_by=classify_by,
                fdr="Benjamini-Hochberg on two-sided p-values (2 x p_norm, or the tie-aware permutation p)",
            )
            fig = maps.grid_map(
                grid,
                res.classes,
                categories=hs.CLASS_LABELS,
                title=f"Hot spots (Getis-Ord Gi*): {what}",
                subtitle=f"{period} · {grid.cell_size:g} m cells, {neighbours.value} neighbours, "
                f"{permutations} permutations; classes from {'z-scores' if classify_by == 'norm' else 'permutations'}, "
                "Benjamini-Hochberg FDR-adjusted",
                value_label="Gi* class (cells)",
                outline=outline,
                source=source,
                synthetic=synthetic,
            )
        else:
            summary = hs.concentration(counts)
            meta["concentration"] = summary
            fig = maps.grid_map(
                grid,
                counts,
                title=f"Incidents per cell: {what}",
                subtitle=f"{period} · {grid.cell_size:g} m cells · top 5% of cells hold "
                f"{summary['top_5pct']:.0%} of incidents; Gini {summary['gini']:.2f}, "
                f"generalised Gini {summary['generalised_gini']:.2f}",
                value_label="incidents",
                outline=outline,
                source=source,
                synthetic=synthetic,
            )
        try:
            written = _write_outputs(out, grid, columns, meta)
            written.append(maps.save(fig, out.with_suffix(".svg")))
            written.append(maps.save(fig, out.with_suffix(".png")))
        except OSError as exc:
            raise AnalysisError(f"cannot write to {out}: {exc.strerror or exc}") from None
    console.print(f"{method.value}: {x.size:,} incidents on {grid.n_cells:,} cells of {grid.cell_size:g} m.")
    if dropped:
        console.print(f"  left out {dropped} incidents located far from all others (--keep-outliers keeps them)")
    if method == Method.gistar:
        for label, n in meta["classes"].items():
            if n:
                console.print(f"  {label}: {n:,}")
    if method == Method.concentration:
        c = meta["concentration"]
        console.print(
            f"  top 1/5/10/20% of cells: {c['top_1pct']:.1%} / {c['top_5pct']:.1%} / {c['top_10pct']:.1%} / "
            f"{c['top_20pct']:.1%} of incidents; Gini {c['gini']:.3f}; generalised Gini {c['generalised_gini']:.3f}"
        )
    if synthetic:
        console.print("[yellow]includes synthetic records: outputs are labelled synthetic[/yellow]")
    for path in written:
        console.print(f"  wrote {path}")
