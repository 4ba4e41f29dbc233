"""The Where section's named maps: density with the places named, LSOA rates, change, hot spot categories.

Figures come from ``svduty.report.place_maps.where_figures`` on ``Assessment.where``
(``svduty.analysis.where.where_places``); this module only gives each a title, a text summary and its table.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from svduty.report.sna.common import (
    POLICE_SOURCE,
    Column,
    Figure,
    fmt_int,
    fmt_num,
    make_table,
    png_data_uri_async,
)

PLACE_COLUMNS = [
    Column("rank", "Rank", fmt_int, True),
    Column("label", "Place"),
    Column("lsoa_code", "LSOA code"),
    Column("street", "Street (most incidents)"),
    Column("incidents", "SV crimes in cell", fmt_int, True),
]


def _figure(key: str, fig: Any, title: str, alt: str, summary: str, table, period: str, source: str) -> Figure:
    return Figure(
        id=f"fig-where-{key.replace('_', '-')}",
        title=title,
        # One PNG for screen and print (WeasyPrint does not draw matplotlib's embedded raster inside SVG, and an
        # SVG beside it doubled the drawing time); the place labels are in the text summary and the data table.
        img=png_data_uri_async(fig),
        alt=alt,
        summary=summary,
        table=table,
        source=source,
        period=period,
    )


def _places_text(cells: pd.DataFrame | None, what: str, n: int = 3) -> str:
    if cells is None or not len(cells):
        return ""
    names = list(dict.fromkeys(str(v) for v in cells["label"]))  # two cells can share an LSOA and a street
    listed = "; ".join(names[:n])
    return f" {what}: {listed}."


def where_maps(a: Any, period_label: str, density_summary: str) -> tuple[dict[str, Figure], list[str]]:
    """The named maps (keys "density", "lsoa_rate", "change", "categories" when drawn) and why any is missing."""
    from matplotlib import pyplot as plt

    from svduty.report.place_maps import where_figures

    where = a.where
    figs = where_figures(where, a.places, a.tables["lsoa_sv"], period_label=period_label, source="police.uk")
    notes = [str(v) for k, v in where.notes.items() if k != "boundaries" and v]
    bounds = where.notes.get("boundaries")
    if not bounds:
        notes.append(
            "No LSOA boundary file covers this area: LSOAs are drawn as points and grid maps outline the recorded "
            "crimes (give one with svduty sna --boundaries FILE)."
        )
    if bounds and Path(str(bounds)).suffix.lower() in {".gpkg", ".geojson", ".json"}:
        bounds = Path(str(bounds)).name  # the user's file by its name, not a path on the analyst's disk
    source = POLICE_SOURCE + (f"; LSOA boundaries: {bounds}" if bounds else "") + "; drawn offline (no base map)"
    out: dict[str, Figure] = {}
    try:
        if "density" in figs:
            out["density"] = _density(figs["density"], where, density_summary, period_label, source)
        out["lsoa_rate"] = _lsoa_rate(figs["lsoa_rate"], a, where, period_label, source)
        if "change" in figs:
            out["change"] = _change(figs["change"], where, source)
        if "categories" in figs:
            out["categories"] = _categories(figs["categories"], where, source)
    finally:
        for fig in figs.values():
            plt.close(fig)
    return out, notes


def _density(fig, where, summary: str, period_label: str, source: str) -> Figure:
    title = f"Where serious violence concentrates: kernel density, {period_label}"
    text = summary + _places_text(where.top_cells, "The densest places are")
    table = make_table(
        where.top_cells,
        [*PLACE_COLUMNS, Column("density_per_km2", "Density per km²", fmt_int, True)],
        "The densest places (kernel density peaks), named by LSOA and street",
        "tables/top_cells.csv",
    )
    alt = f"Map: {title}. Brighter cells show more serious violence per km²; the densest places are labelled."
    return _figure("density", fig, title, alt, text, table, period_label, source)


def _lsoa_rate(fig, a: Any, where, period_label: str, source: str) -> Figure:
    lsoas = a.tables["lsoa_sv"]
    area = lsoas[lsoas["in_area"]].merge(where.lsoa_names[["code", "street"]], on="code", how="left")
    rated = area[np.isfinite(area["rate_per_1000"].astype(float))].sort_values("rate_per_1000", ascending=False)
    title = f"Serious violence per 1,000 residents by LSOA, {period_label}"
    if len(rated):
        top = rated.iloc[0]
        street = f" ({top['street']})" if isinstance(top["street"], str) else ""
        text = (
            f"The highest rate is in {top['name']}{street}: {fmt_num(top['rate_per_1000'])} serious violence crimes "
            f"per 1,000 residents. Rates are per resident, so LSOAs with many visitors and few residents rank high."
        )
    else:
        text = "No LSOA of the area has both serious violence and a resident population to rate it by."
    drawn = "shaded by rate" if where.boundaries is not None else "drawn as points (no boundary file)"
    table = make_table(
        rated,
        [
            Column("code", "LSOA code"),
            Column("name", "LSOA name"),
            Column("street", "Street (most incidents)"),
            Column("count", "SV crimes", fmt_int, True),
            Column("rate_per_1000", "Rate per 1,000 residents", fmt_num, True),
        ],
        "LSOAs by serious violence rate, with the street where most of it was recorded",
        "tables/lsoa_names.csv",
        limit=20,
    )
    alt = f"Map: {title}; LSOAs {drawn}, the highest labelled by name and street."
    return _figure("lsoa_rate", fig, title, alt, text, table, period_label, source + "; ONS population estimates")


def _change(fig, where, source: str) -> Figure:
    before, after = where.change_labels
    counts = pd.Series(where.change.classes).value_counts()
    title = f"Where serious violence rose or fell: {after} against {before}"
    up, down = int(counts.get("Significant increase", 0)), int(counts.get("Significant decrease", 0))
    text = (
        f"{fmt_int(up)} grid cells had a significant rise and {fmt_int(down)} a significant fall (exact Poisson "
        f"test per cell, false discovery rate 5%)." + _places_text(where.change_cells, "The largest rises are at")
    )
    cells = where.change_cells if where.change_cells is not None else pd.DataFrame(columns=["rank", "label"])
    table = make_table(
        cells, PLACE_COLUMNS, "Cells with the largest significant rises, named", "tables/change_cells.csv"
    )
    alt = f"Map: {title}; cells coloured by significant increase, decrease or no significant change."
    return _figure("change", fig, title, alt, text, table, f"{before} and {after}", source)


def _categories(fig, where, source: str) -> Figure:
    c = where.categories
    counts = pd.Series(c.classes).value_counts()
    title = f"Persistent, emerging and former hot spots over {len(c.labels)} years"
    none = {"no pattern", "not a hot spot"}
    listed = ", ".join(f"{fmt_int(n)} {k}" for k, n in counts.items() if k and str(k).lower() not in none)
    text = (f"Grid cells by hot spot category: {listed}." if listed else "No cell was a hot spot in any year.") + (
        _places_text(where.category_cells, "Persistent and emerging hot spots include")
    )
    cells = where.category_cells if where.category_cells is not None else pd.DataFrame(columns=["rank", "label"])
    table = make_table(
        cells, PLACE_COLUMNS, "Persistent and emerging hot spot cells, named", "tables/category_cells.csv"
    )
    alt = f"Map: {title}; cells coloured by hot spot category (Getis-Ord Gi* per year)."
    period = f"{c.labels[0].split(' to ')[0]} to {c.labels[-1].split(' to ')[-1]}"
    return _figure("categories", fig, title, alt, text, table, period, source)
