"""Where: the LSOAs with most serious violence, the map, concentration (Lorenz, Gini) and persistence.

Place figures come from the hotspot engine's results (``Assessment.places``); this module only words and draws them.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from svduty.report import charts
from svduty.report.sna.common import (
    POLICE_SOURCE,
    Column,
    Figure,
    ReportInput,
    Section,
    fmt_int,
    fmt_num,
    fmt_pct,
    fmt_prev,
    make_table,
    missing,
)
from svduty.report.sna.where_maps import where_maps


def build(r: ReportInput) -> Section:
    a, period_label = r.a, r.period_label
    lsoas = a.tables["lsoa_sv"]
    figures: dict[str, Figure] = {}
    top20 = lsoas[lsoas["count"] > 0].head(20)
    top20_chart = top20.assign(label=top20["name"].fillna(top20["code"]) + " (" + top20["code"] + ")")
    figures["top_lsoas"] = Figure(
        id="fig-top-lsoas",
        title="The 20 LSOAs with most serious violence",
        svg=charts.to_svg_async(
            charts.bars(top20_chart, "label", "count", value_title="Serious violence crimes"),
            "The 20 LSOAs with most serious violence",
        )
        if len(top20)
        else "",
        summary=top_places_text(lsoas),
        table=make_table(
            top20,
            [
                Column("rank", "Rank", fmt_int, True),
                Column("code", "LSOA code"),
                Column("name", "LSOA name"),
                Column("count", "SV crimes", fmt_int, True),
                Column("previous", "Previous period", fmt_prev, True),
                Column("persons", "Residents", fmt_int, True),
                Column("rate_per_1000", "Rate per 1,000 residents", fmt_num, True),
                Column("share_of_sv", "Share of area SV", lambda v: fmt_pct(v, 1), True),
            ],
            "Top 20 LSOAs by serious violence count",
            "tables/lsoa_sv.csv",
            limit=20,
        ),
        source=POLICE_SOURCE + "; ONS population estimates",
        period=period_label,
        open=True,
    )
    where = _where_context(a, figures, period_label)
    lad = a.tables["by_local_authority"]
    where["by_lad"] = (
        make_table(
            lad,
            [
                Column("lad_name", "Local authority"),
                Column("lad_code", "Code"),
                Column("count", "SV crimes", fmt_int, True),
                Column("previous", "Previous period", fmt_prev, True),
                Column("rate_per_1000", "Rate per 1,000 residents", fmt_num, True),
            ],
            "Serious violence by local authority (rates only for the area's own authorities)",
            "tables/by_local_authority.csv",
            limit=10,
        )
        if len(lad)
        else None
    )

    return Section(id="where", title="Where", ctx=where, figures=figures, findings=[concentration_sentence(a)])


MIN_PLACES = 20
SUPPRESSED = f"not shown (under {MIN_PLACES} places)"


def _suppress_small(frame: pd.DataFrame) -> pd.DataFrame:
    """Top 1/5/10% shares are not shown for fewer than ``MIN_PLACES`` places: a "top 10%" of six LSOAs is one LSOA,
    and its share reads as a concentration it is not (the CSV keeps the values, with the places they are)."""
    out = frame.astype({c: object for c in ("top_1pct", "top_5pct", "top_10pct")})
    small = out["places"] < MIN_PLACES
    for column in ("top_1pct", "top_5pct", "top_10pct"):
        out.loc[small, column] = SUPPRESSED
    return out


def _pct_or_note(value: Any) -> str:
    return value if isinstance(value, str) else fmt_pct(value)


def _grid_gini(grid: dict[str, Any]) -> float:
    """The grid Gini a reader is told: generalised when cells outnumber incidents (``places.reported_gini``)."""
    value = grid.get("gini_reported")
    return float(grid.get("gini", float("nan")) if missing(value) else value)


def _grid_gini_words(grid: dict[str, Any]) -> str:
    method = grid.get("gini_reported_method") or "Gini"
    if method == "Gini":
        return f"Gini {_grid_gini(grid):.2f}"
    return (
        f"{method} {_grid_gini(grid):.2f}, as there are more cells than crimes; ordinary Gini "
        f"{float(grid.get('gini', float('nan'))):.2f}"
    )


def _how_concentrated(gini: float) -> str:
    if gini >= 0.6:
        return "Serious violence is highly concentrated"
    if gini >= 0.4:
        return "Serious violence is concentrated"
    return "Serious violence is spread fairly evenly"


def concentration_sentence(a: Any) -> str:
    """The headline on concentration, in the unit that means something for this area.

    With fewer than 30 LSOAs a "top 1%" of LSOAs is a single LSOA, so the grid cells carry the headline.
    """
    if a.places is None:
        return ""
    conc = a.places.concentration
    grid = conc.get("grid") or {}
    n_lsoas = int(a.notes.get("area_lsoas") or 0)
    if n_lsoas >= 30 or not grid.get("top_10pct"):
        return (
            f"{_how_concentrated(conc['gini'])}: the top 10% of the area's {n_lsoas} LSOAs hold "
            f"{fmt_pct(conc['top_10pct'])} of it and the top 1% hold {fmt_pct(conc['top_1pct'])} "
            f"(Gini {conc['gini']:.2f})."
        )
    return (
        f"{_how_concentrated(_grid_gini(grid))}: the top 10% of {grid['cell_size_m']:g} m grid cells hold "
        f"{fmt_pct(grid['top_10pct'])} of located serious violence and the top 1% hold {fmt_pct(grid['top_1pct'])} "
        f"({_grid_gini_words(grid)}); across the area's {n_lsoas} LSOAs the Gini is {conc['gini']:.2f}."
    )


def top_places_text(lsoas: pd.DataFrame) -> str:
    hot = lsoas[lsoas["count"] > 0]
    if hot.empty:
        return "No serious violence with a location in the period."
    top = hot.head(3)
    listed = ", ".join(f"{r.name} ({fmt_int(r.count)})" for r in top.itertuples())
    words = {1: "The LSOA with most serious violence is", 2: "The two LSOAs with most serious violence are"}
    text = f"{words.get(len(top), 'The three LSOAs with most serious violence are')} {listed}."
    inside = hot[hot["in_area"]]
    if inside.empty:
        return text
    first = inside.iloc[0]  # the busiest LSOA of the area itself (share_of_sv is of the area's located SV)
    rate = f", {fmt_num(first['rate_per_1000'])} per 1,000 residents" if not missing(first["rate_per_1000"]) else ""
    return (
        f"{text} {first['name']} alone had {fmt_pct(first['share_of_sv'])} of the area's located serious "
        f"violence{rate}."
    )


def _where_context(a: Any, figures: dict[str, Figure], period_label: str) -> dict[str, Any]:
    """Map, concentration and persistence from the hotspot engine's results (``a.places``)."""
    lsoas = a.tables["lsoa_sv"]
    place = a.places
    ctx: dict[str, Any] = {"finding": top_places_text(lsoas)}
    if place is None:
        reason = (
            "fewer than two serious violence crimes with a location in the period"
            if a.notes.get("sv_rows_with_lsoa", 0) < 2
            else "the hotspot engine (svduty.analysis.hotspots) is not available in this installation"
        )
        ctx.update(
            map=None,
            map_unavailable=f"No map: {reason}.",
            concentration=None,
            concentration_unavailable=f"Concentration not computed: {reason}.",
            persistence=None,
            persistence_unavailable=f"Persistence not computed: {reason}.",
        )
        return ctx
    conc = place.concentration
    ctx["finding"] = concentration_sentence(a) + " " + top_places_text(lsoas)
    ctx["concentration"] = make_table(
        _suppress_small(place.tables["concentration"]),
        [
            Column("unit", "Places"),
            Column("places", "Number of places", fmt_int, True),
            Column("top_1pct", "Share of SV in top 1%", _pct_or_note, True),
            Column("top_5pct", "Top 5%", _pct_or_note, True),
            Column("top_10pct", "Top 10%", _pct_or_note, True),
            Column("top_1pct_places", "Places the top 1% really are (at least one)", lambda v: fmt_pct(v, 1), True),
            Column("gini", "Gini", lambda v: fmt_num(v, 2), True),
            Column("generalised_gini", "Generalised Gini (Bernasco & Steenbeek 2017)", lambda v: fmt_num(v, 2), True),
        ],
        "Crime concentration: share of serious violence in the top places",
        "tables/concentration.csv",
    )
    figures["lorenz"] = Figure(
        id="fig-lorenz",
        title="Lorenz curves: how unevenly serious violence falls across LSOAs and grid cells",
        svg=charts.to_svg_async(charts.lorenz(place.tables["lorenz"]), "Lorenz curves of serious violence"),
        summary=f"The further a curve bows above the diagonal, the more concentrated the violence. LSOA Gini "
        f"{conc['gini']:.2f}; grid cells: {_grid_gini_words(conc.get('grid') or {})}.",
        table=make_table(
            place.tables["lorenz"],
            [
                Column("unit", "Places"),
                Column("share_of_places", "Share of places", lambda v: fmt_pct(v, 1), True),
                Column("share_of_crime", "Share of SV", lambda v: fmt_pct(v, 1), True),
            ],
            "Lorenz curve points",
            "tables/lorenz.csv",
            limit=20,
        ),
        source=POLICE_SOURCE,
        period=period_label,
    )
    density = place.extra.get("density")
    if place.grid is not None and density is not None and float(np.nansum(density)) > 0:
        top = place.tables["grid_top"].iloc[0]
        off = place.extra.get("off_grid", 0)
        outline = (
            "The outline is the area's LSOA boundaries."
            if a.where is not None and a.where.boundaries is not None
            else "The outline is drawn around where any crime was recorded (no boundary file covers the area)."
        )
        summary = (
            f"The densest cell is centred at {top['lat']:.4f}° N, {abs(top['lon']):.4f}° "
            f"{'W' if top['lon'] < 0 else 'E'} (British National Grid {top['x_bng']:,.0f} E, {top['y_bng']:,.0f} N), "
            f"with {top['density_per_km2']:,.0f} serious violence crimes per km². "
            f"The top 10% of grid cells hold {fmt_pct(conc['grid'].get('top_10pct'))} of located serious "
            f"violence. Kernel radius {place.bandwidth:,.0f} m: {place.bandwidth_rule}. {outline}"
            + (f" {off} crimes located far outside the area are off this map." if off else "")
        )
        named, notes = where_maps(a, period_label, summary) if a.where is not None else ({}, [])
        ctx["map"] = named.pop("density", None)
        ctx["named_maps"] = list(named.values())
        ctx["map_notes"] = notes
        if ctx["map"] is None:
            ctx["map_unavailable"] = "No map: " + ("; ".join(notes) or "the named places were not computed") + "."
    else:
        ctx["map"] = None
        ctx["map_unavailable"] = "No map: no located serious violence in the period."
    if "persistence" in place.tables and len(place.tables["persistence"]):
        ctx["persistence"] = make_table(
            place.tables["persistence"],
            [
                Column("from_year", "From"),
                Column("to_year", "To"),
                Column("grid_jaccard", "Hot cells kept (Jaccard)", fmt_pct, True),
                Column("grid_spearman", "Cell ranking (Spearman)", lambda v: fmt_num(v, 2), True),
                Column("lsoa_jaccard", "Hot LSOAs kept (Jaccard)", fmt_pct, True),
                Column("lsoa_spearman", "LSOA ranking (Spearman)", lambda v: fmt_num(v, 2), True),
            ],
            "Hot spot stability between consecutive years (hot = top 5% of places)",
            "tables/persistence.csv",
        )
        ctx["persistence_text"] = place.persistence_text
        # The persistence classes as a table only: the hot spot categories map above (``where_maps``) draws the
        # places over the same years with the Gi*/Mann–Kendall classes and names them, which supersedes the
        # unlabelled persistence map this section used to draw as well.
        if "persistence_classes" in place.tables and len(place.tables["persistence_classes"]):
            ctx["persistence_classes"] = make_table(
                place.tables["persistence_classes"],
                [
                    Column("class", "Class"),
                    Column("grid_cells", "Grid cells", fmt_int, True),
                    Column("lsoas", "LSOAs", fmt_int, True),
                ],
                "Places by hot spot persistence class (after Esri Emerging Hot Spot Analysis)",
                "tables/persistence_classes.csv",
            )
    else:
        ctx["persistence"] = None
        ctx["persistence_unavailable"] = place.persistence_text or "Needs at least two years of data."
    return ctx
