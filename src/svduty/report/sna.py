"""Render an SNA ``Assessment`` as ``index.html`` (self-contained), ``sna.pdf``, ``tables/*.csv``, ``summary.json``.

Nothing here computes a figure: numbers come from ``svduty.analysis.needs_assessment``; this module only words,
formats and draws them. One Jinja template serves screen and print (WeasyPrint), with inline CSS and SVG charts,
system fonts, and no network access.
"""

from __future__ import annotations

import json
import math
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import Any

import jinja2
import numpy as np
import pandas as pd

from svduty.analysis import costs
from svduty.analysis.needs_assessment import Assessment
from svduty.analysis.priorities import why_text
from svduty.data.schema import SV_PROXY_CRIME_TYPES
from svduty.report import charts, maps

TEMPLATES = Path(__file__).parent / "templates"
POLICE_SOURCE = "police.uk street-level crime (Home Office / forces, OGL v3.0)"
OGL = (
    "Contains public sector information licensed under the Open Government Licence v3.0. Population: Source: Office "
    "for National Statistics licensed under the Open Government Licence v3.0."
)
PRIORITY_METHOD = (
    "Priorities are derived, not chosen: each candidate (the three police.uk serious violence categories, the "
    "hotspot places and, where record-level data exist, cross-cutting themes) is scored as 100 × its share of the "
    "estimated harm (crimes × Home Office unit cost) × its trend (this period ÷ the previous one, limited to "
    "0.5–2) × (1 + the Gini coefficient of its spread over LSOAs, so that concentrated problems that place-based "
    "work can reach rank higher). Themes overlap with categories, so scores rank candidates; they do not add up. "
    "Possession of weapons has no Home Office unit cost and is weighted as violence without injury for ranking only."
)


# -- formatting ----------------------------------------------------------------------------------------------------
def _missing(value: Any) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value)) or value is pd.NA


def fmt_int(value: Any) -> str:
    return "–" if _missing(value) else f"{round(float(value)):,}"


def fmt_prev(value: Any) -> str:
    """A previous-period figure: "n/a" when the data do not cover the previous period."""
    return "n/a" if _missing(value) else f"{round(float(value)):,}"


def fmt_pct(value: Any, digits: int = 0) -> str:
    return "–" if _missing(value) else f"{float(value) * 100:.{digits}f}%"


def fmt_change(value: Any) -> str:
    """A ratio as a signed % change: 1.218 -> '+21.8%'."""
    return "–" if _missing(value) else f"{(float(value) - 1) * 100:+.1f}%"


def fmt_gbp(value: Any) -> str:
    if _missing(value):
        return "–"
    value = float(value)
    if abs(value) >= 1e6:
        return f"£{value / 1e6:,.1f}m"
    return f"£{value:,.0f}"


def fmt_num(value: Any, digits: int = 1) -> str:
    return "–" if _missing(value) else f"{float(value):,.{digits}f}"


@dataclass
class Column:
    key: str
    label: str
    fmt: Callable[[Any], str] = str
    num: bool = False


@dataclass
class Table:
    caption: str
    csv: str
    columns: list[dict[str, Any]]
    rows: list[list[str]]
    total_rows: int
    truncated: bool = False


def make_table(frame: pd.DataFrame, columns: list[Column], caption: str, csv: str, limit: int = 25) -> Table:
    shown = frame.head(limit)
    rows = [[c.fmt(row[c.key]) for c in columns] for _, row in shown.iterrows()]
    return Table(
        caption=caption,
        csv=csv,
        columns=[{"label": c.label, "num": c.num} for c in columns],
        rows=rows,
        total_rows=len(frame),
        truncated=len(frame) > limit,
    )


@dataclass
class Figure:
    id: str
    title: str
    summary: str
    table: Table
    source: str
    period: str
    svg: Any = ""  # str, or charts.PendingSvg while it renders
    img: str = ""
    alt: str = ""
    synthetic: bool = False
    open: bool = False


@dataclass
class RenderResult:
    html: Path
    pdf: Path | None
    summary: Path
    tables: list[Path]
    timings: dict[str, float] = field(default_factory=dict)


# -- summary.json --------------------------------------------------------------------------------------------------
def build_summary(a: Assessment) -> dict[str, Any]:
    """The machine-readable headline figures (issue 4, item 5), plus scope and provenance."""
    head = a.headline
    lsoas = a.tables["lsoa_sv"]
    top = lsoas[lsoas["count"] > 0].head(10)
    cost = a.cost.set_index("crime_type")
    conc = a.places.concentration if a.places else {}

    def clean(value: Any) -> Any:
        if _missing(value):
            return None
        if hasattr(value, "item"):
            return value.item()
        return value

    return {
        "period": {"from": f"{a.period.start:%Y-%m}", "to": f"{a.period.end:%Y-%m}"},
        "previous_period": {"from": f"{a.period.prev_start:%Y-%m}", "to": f"{a.period.prev_end:%Y-%m}"},
        "scope": {"force": a.scope.force, "area": a.scope.area, "area_kind": a.notes.get("area_kind")},
        "all_crime": head["all_crime"],
        "anti_social_behaviour": head["anti_social_behaviour"],
        "serious_violence": head["serious_violence"],
        "sv_share": clean(head["sv_share"]),
        "by_crime_type": head["by_crime_type"],
        "previous_serious_violence": head["previous_serious_violence"],
        "change_vs_previous": clean(head["change_vs_previous"]),
        "change_p_value": clean(head.get("change_p_value")),
        "cost_gbp": int(cost.loc["Total", "cost_central"]),
        "cost_range_gbp": {"low": int(cost.loc["Total", "cost_low"]), "high": int(cost.loc["Total", "cost_high"])},
        "cost_price_year": a.price_year,
        "cost_per_resident_gbp": clean(round(cost.loc["Total", "per_resident_central"], 2)) if a.residents else None,
        "residents": clean(a.residents),
        "top_lsoas": [
            {
                "code": r.code,
                "name": r.name,
                "count": int(r.count),
                "rate_per_1000": None if _missing(r.rate_per_1000) else round(float(r.rate_per_1000), 2),
            }
            for r in top.itertuples()
        ],
        "concentration": {
            "top_1pct": clean(conc.get("top_1pct")),
            "top_5pct": clean(conc.get("top_5pct")),
            "top_10pct": clean(conc.get("top_10pct")),
            "gini": clean(conc.get("gini")),
            # the share of LSOAs each "top x%" really is (at least one LSOA): 1 of 6 LSOAs is 16.7%, not 1%
            "top_1pct_places": clean(conc.get("top_1pct_places")),
            "top_5pct_places": clean(conc.get("top_5pct_places")),
            "top_10pct_places": clean(conc.get("top_10pct_places")),
            "places": clean(conc.get("places")),
            "unit": "LSOA",
            "grid": {k: clean(v) for k, v in conc.get("grid", {}).items()} or None,
        },
        "success_measures": {m.key: m.summary() for m in a.measures},
        "priorities": [
            {
                "rank": int(r["rank"]),
                "name": r["name"],
                "score": round(float(r["score"]), 2),
                "evidence": list(r["evidence"]),
                "synthetic": bool(r["synthetic"]),
            }
            for _, r in a.priorities.iterrows()
        ],
        "synthetic_sections": a.synthetic_sections,
        "population": {
            "lsoas": a.notes.get("lsoas"),
            "lsoas_with_population": a.notes.get("lsoas_with_population"),
            "sources": a.notes.get("population_sources"),
            "years": a.notes.get("population_years"),
        },
        "cost_source": costs.COST_SOURCE,
        "cost_figures_verified": costs.UNIT_COSTS_VERIFIED,
        "deflator_verified": costs.load_deflator().verified,
    }


def synthetic_columns_of(con: Any) -> list[dict[str, Any]]:
    """Rows of the workspace's ``synthetic_columns`` register (empty when the table is absent or empty)."""
    names = {r[0] for r in con.execute("SELECT table_name FROM information_schema.tables").fetchall()}
    if "synthetic_columns" not in names:
        return []
    frame = con.execute(
        "SELECT table_name, column_name, rows, how FROM synthetic_columns WHERE rows > 0 ORDER BY 1, 2"
    ).df()
    return frame.to_dict("records")


# -- the report ----------------------------------------------------------------------------------------------------
def area_label(a: Assessment) -> str:
    """How the report names its area: the force(s) and the local authorities it covers, or the --area asked for."""
    forces = a.notes.get("forces") or []
    force = forces[0] if len(forces) == 1 else ", ".join(forces[:3]) if forces else (a.scope.force or "")
    lads = [str(x).split(" (")[0] for x in a.notes.get("area_lads") or []]
    if a.scope.area:
        where = ", ".join(lads) if a.notes.get("area_kind") == "local authority code" and lads else a.scope.area
        return f"{where} ({force})" if force else where
    if lads:
        return f"{force} ({', '.join(lads)})" if force else ", ".join(lads)
    return force or "the workspace"


def _grid_gini(grid: dict[str, Any]) -> float:
    """The grid Gini a reader is told: generalised when cells outnumber incidents (``places.reported_gini``)."""
    value = grid.get("gini_reported")
    return float(grid.get("gini", float("nan")) if _missing(value) else value)


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


def concentration_sentence(a: Assessment) -> str:
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


def render(
    a: Assessment,
    out_dir: Path,
    *,
    pdf: bool = True,
    label: str | None = None,
    synthetic_columns: list[dict[str, Any]] | None = None,
) -> RenderResult:
    """Write the report files to ``out_dir`` and return their paths and stage timings (seconds)."""
    timings: dict[str, float] = {}
    t0 = time.perf_counter()
    out_dir.mkdir(parents=True, exist_ok=True)
    tables_dir = out_dir / "tables"
    tables_dir.mkdir(exist_ok=True)
    for stale in tables_dir.glob("*.csv"):  # a table from an earlier run must not sit beside this report
        stale.unlink()
    written = []
    synthetic_tables = a.synthetic_tables()
    for name, frame in a.tables.items():
        path = tables_dir / f"{name}.csv"
        if name in synthetic_tables and name != "priorities":
            # a file can leave the report: each row of a synthetic section says so itself
            frame = frame.assign(synthetic=True)
        frame.to_csv(path, index=False)
        written.append(path)
    timings["tables (CSV)"] = time.perf_counter() - t0

    t0 = time.perf_counter()
    context = _context(a, label or area_label(a), synthetic_columns or [])
    timings["charts (SVG)"] = time.perf_counter() - t0

    t0 = time.perf_counter()
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATES), autoescape=jinja2.select_autoescape(["html", "j2"])
    )
    template = env.get_template("sna.html.j2")
    html = template.render(**context, for_print=False)
    # The PDF renders the same template and CSS; ``for_print`` only leaves out what print CSS hides anyway
    # (screen-only SVG maps, collapsed data tables), which WeasyPrint would otherwise style for nothing.
    print_html = template.render(**context, for_print=True)
    html_path = out_dir / "index.html"
    html_path.write_text(html, encoding="utf-8")
    summary_path = out_dir / "summary.json"
    summary_path.write_text(json.dumps(build_summary(a), indent=2, default=str), encoding="utf-8")
    timings["HTML + summary.json"] = time.perf_counter() - t0

    pdf_path = None
    if pdf:
        t0 = time.perf_counter()
        pdf_path = out_dir / "sna.pdf"
        write_pdf(print_html, pdf_path, out_dir)
        timings["PDF (WeasyPrint)"] = time.perf_counter() - t0
    return RenderResult(html_path, pdf_path, summary_path, written, timings)


def write_pdf(html: str, path: Path, base: Path) -> None:
    """Same HTML, print CSS (``@media print``), no network: WeasyPrint may only read ``data:`` and ``file:`` URLs."""
    import weasyprint
    from weasyprint.urls import URLFetcher

    fetcher = URLFetcher(allowed_protocols={"data", "file"})
    weasyprint.HTML(string=html, base_url=str(base), url_fetcher=fetcher, media_type="print").write_pdf(path)


def _context(a: Assessment, area: str, synthetic_columns: list[dict[str, Any]]) -> dict[str, Any]:
    head = a.headline
    p = a.period
    period_label = p.label
    lsoas = a.tables["lsoa_sv"]
    cost = a.cost.set_index("crime_type")
    total_cost = cost.loc["Total", "cost_central"]
    per_res = cost.loc["Total", "per_resident_central"]
    figures: dict[str, Figure] = {}
    who_synthetic = "Who and why" in a.synthetic_sections

    # -- crime types
    ct = a.tables["by_crime_type"]
    sv_ct = ct[ct["serious_violence"]]
    this_label = f"{p.start:%b %Y}–{p.end:%b %Y} (this period)"
    prev_label = f"{p.prev_start:%b %Y}–{p.prev_end:%b %Y}"
    sv_long = pd.concat(
        [
            sv_ct[["crime_type", "count"]].assign(period=this_label),
            sv_ct[["crime_type", "previous"]].rename(columns={"previous": "count"}).assign(period=prev_label),
        ]
    ).dropna(subset=["count"])  # no bars for a previous period the data do not cover
    categories = list(a.notes.get("sv_categories") or SV_PROXY_CRIME_TYPES)
    parts = ", ".join(f"{t} {fmt_int(head['by_crime_type'].get(t, 0))}" for t in categories)
    figures["crime_types"] = Figure(
        id="fig-crime-types",
        title="Serious violence by police.uk category, this period and the previous one",
        svg=charts.to_svg_async(
            charts.grouped_bars(
                sv_long,
                "crime_type",
                "period",
                "count",
                value_title="Crimes",
                sort=list(sv_ct["crime_type"]),
                series_order=[this_label, prev_label],
            ),
            "Serious violence by police.uk category",
        ),
        summary=f"In {period_label}: {parts}. All recorded crime (excluding anti-social behaviour): "
        f"{fmt_int(head['all_crime'])}.",
        table=make_table(
            ct,
            [
                Column("crime_type", "police.uk category"),
                Column("serious_violence", "Serious violence proxy", lambda v: "yes" if v else ""),
                Column("count", "This period", fmt_int, True),
                Column("previous", "Previous period", fmt_prev, True),
                Column("change_pct", "Change", lambda v: "n/a" if _missing(v) else f"{v:+.1f}%", True),
                Column("change_p_value", "p (Poisson test)", lambda v: "n/a" if _missing(v) else _fmt_p(v), True),
            ],
            "Crimes by police.uk category",
            "tables/by_crime_type.csv",
        ),
        source=POLICE_SOURCE,
        period=f"{period_label} and {p.prev_label}",
        open=True,
    )

    # -- where
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
        summary=_top_places_text(lsoas),
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

    # -- when
    monthly = a.tables["monthly"]
    figures["monthly"] = Figure(
        id="fig-monthly",
        title="Serious violence per month by category, with the total (dotted) and its 12-month rolling mean (black)",
        svg=charts.to_svg_async(
            charts.monthly_sv(monthly, tuple(categories), f"{p.start:%Y-%m}-01"),
            "Serious violence per month",
        ),
        summary=_monthly_text(monthly, p),
        table=make_table(
            monthly,
            [Column("month", "Month")]
            + [Column(t, t, fmt_int, True) for t in categories]
            + [
                Column("serious_violence", "SV total", fmt_int, True),
                Column("rolling_12m_mean", "12-month mean", fmt_num, True),
                Column("all_crime", "All recorded crime", fmt_int, True),
            ],
            "Monthly serious violence",
            "tables/monthly.csv",
            limit=60,
        ),
        source=POLICE_SOURCE,
        period=f"{p.data_start:%B %Y} to {p.data_end:%B %Y} (all months in the data; the grey line marks the start of "
        "the assessment period)",
    )
    seasonal = a.tables["seasonal"]
    peak = seasonal.sort_values("index", ascending=False).iloc[0]
    low = seasonal.sort_values("index").iloc[0]
    figures["seasonal"] = Figure(
        id="fig-seasonal",
        title="Seasonal profile: serious violence by calendar month (100 = average month)",
        svg=charts.to_svg_async(charts.seasonal(seasonal), "Seasonal profile of serious violence"),
        summary=f"Serious violence is highest in {peak['month_name']} (index {peak['index']:.0f}) and lowest in "
        f"{low['month_name']} (index {low['index']:.0f}); each month's mean rests on {_years(seasonal)} of data, "
        "so treat small differences with caution.",
        table=make_table(
            seasonal,
            [
                Column("month_name", "Month"),
                Column("mean_serious_violence", "Mean SV crimes", fmt_num, True),
                Column("years", "Years of data", fmt_int, True),
                Column("index", "Index", lambda v: fmt_num(v, 0), True),
            ],
            "Seasonal profile",
            "tables/seasonal.csv",
        ),
        source=POLICE_SOURCE,
        period=f"{p.data_start:%B %Y} to {p.data_end:%B %Y}",
    )
    hw = a.tables["hour_weekday"]
    hw_synthetic = "When: hour × weekday" in a.synthetic_sections
    if len(hw):
        busiest = hw.sort_values("count", ascending=False).iloc[0]
        figures["heatmap"] = Figure(
            id="fig-heatmap",
            title="Serious violence by hour of day and day of week",
            svg=charts.to_svg_async(charts.heatmap(hw), "Serious violence by hour and weekday"),
            summary=f"The busiest hour of the week is {busiest['weekday']} {int(busiest['hour']):02d}:00–"
            f"{int(busiest['hour']):02d}:59 with {fmt_int(busiest['count'])} crimes in the period."
            + (" These times are SYNTHETIC." if hw_synthetic else ""),
            table=make_table(
                hw,
                [Column("weekday", "Day"), Column("hour", "Hour", fmt_int, True), Column("count", "SV", fmt_int, True)],
                "Serious violence by weekday and hour",
                "tables/hour_weekday.csv",
                limit=30,
            ),
            source="record-level times" + (" (synthetic, generated by svduty synth)" if hw_synthetic else ""),
            period=period_label,
            synthetic=hw_synthetic,
        )
    when = {
        "finding": _when_finding(monthly, seasonal, p),
        "heatmap_unavailable": "No record-level data: police.uk gives only the month of each crime, so an hour × "
        "weekday profile needs police record extracts (svduty ingest rms) or, to preview the layout, "
        "svduty synth.",
    }

    # -- who and why
    who: dict[str, Any] = {"available": a.has_record_level, "synthetic": who_synthetic}
    if a.has_record_level:
        age = a.tables["age_sex"]
        chart_frame = age.assign(group=age["role"].str.capitalize() + "s, " + age["sex"])
        figures["age_sex"] = Figure(
            id="fig-age-sex",
            title="Victims and suspects of serious violence by age band and sex",
            svg=charts.to_svg_async(
                charts.grouped_bars(chart_frame, "age_band", "group", "people", value_title="People"),
                "Victims and suspects by age band and sex",
            ),
            summary=_who_text(a.tables["under_25"], age),
            table=make_table(
                age,
                [
                    Column("role", "Role"),
                    Column("age_band", "Age band"),
                    Column("sex", "Sex"),
                    Column("people", "People", fmt_int, True),
                ],
                "Victims and suspects by age band and sex",
                "tables/age_sex.csv",
                limit=40,
            ),
            source="record-level police data" + (" (SYNTHETIC)" if who_synthetic else ""),
            period=period_label,
            synthetic=who_synthetic,
        )
        mk = a.tables["markers"]
        figures["markers"] = Figure(
            id="fig-markers",
            title="Share of serious violence with a domestic, alcohol or knife marker",
            svg=charts.to_svg_async(
                charts.bars(mk.fillna({"share": 0}), "marker", "share", value_title="Share of SV", fmt=".0%"),
                "Markers on serious violence",
            ),
            summary="; ".join(
                f"{r.marker}: {fmt_pct(r.share)} of {fmt_int(r.recorded)} crimes with the marker recorded"
                for r in mk.itertuples()
            )
            + ".",
            table=make_table(
                mk,
                [
                    Column("marker", "Marker"),
                    Column("flagged", "Flagged", fmt_int, True),
                    Column("recorded", "Recorded", fmt_int, True),
                    Column("share", "Share", fmt_pct, True),
                ],
                "Markers on serious violence",
                "tables/markers.csv",
            ),
            source="record-level police data" + (" (SYNTHETIC)" if who_synthetic else ""),
            period=period_label,
            synthetic=who_synthetic,
        )
        u25 = a.tables["under_25"]
        who["under_25"] = make_table(
            u25,
            [
                Column("role", "Role"),
                Column("known_age", "People with known age", fmt_int, True),
                Column("under_25", "Under 25", fmt_int, True),
                Column("under_25_share", "Share under 25", fmt_pct, True),
            ],
            "Under-25 share of victims and suspects" + (" (SYNTHETIC)" if who_synthetic else ""),
            "tables/under_25.csv",
        )
        who["finding"] = _who_text(u25, age)
        rates = a.notes.get("victim_rates")
        if rates and rates.get("under_25_per_1000") is not None:
            who["finding"] += (
                f" In the area, {fmt_int(rates['victims_under_25'])} victims were under 25: "
                f"{fmt_num(rates['under_25_per_1000'])} per 1,000 residents aged under 25, against "
                f"{fmt_num(rates['25_and_over_per_1000'])} per 1,000 residents aged 25 and over."
            )
    else:
        who["unavailable"] = (
            "No record-level data: police.uk publishes no ages, sex, or domestic, alcohol and knife markers. Load a "
            "police record extract (svduty ingest rms PATH --mapping FILE) for a real profile, or run svduty synth to "
            "preview this section with clearly labelled synthetic data."
        )
    ed = a.tables["ed_attendances"]
    ed_synthetic = bool(a.notes.get("ed_synthetic"))
    if len(ed):
        by_loc = (
            ed.groupby("assault_location", as_index=False)["attendances"]
            .sum()
            .sort_values("attendances", ascending=False)
        )
        by_mech = ed.groupby("mechanism")["attendances"].sum().sort_values(ascending=False)
        total = int(ed["attendances"].sum())
        figures["ed"] = Figure(
            id="fig-ed",
            title="A&E assault attendances (ISTV) by where the assault happened",
            svg=charts.to_svg_async(
                charts.bars(by_loc, "assault_location", "attendances", value_title="Attendances"),
                "A&E assault attendances by location",
            ),
            summary=f"{fmt_int(total)} assault attendances at A&E in the period; most common mechanism: "
            f"{by_mech.index[0]} ({fmt_pct(by_mech.iloc[0] / total)}); most common place: "
            f"{by_loc.iloc[0]['assault_location']} ({fmt_pct(by_loc.iloc[0]['attendances'] / total)}); "
            f"{fmt_pct(ed['under_25'].sum() / total)} of patients were under 25."
            + (" These attendances are SYNTHETIC." if ed_synthetic else ""),
            table=make_table(
                ed,
                [
                    Column("mechanism", "Mechanism"),
                    Column("assault_location", "Where"),
                    Column("attendances", "Attendances", fmt_int, True),
                    Column("under_25", "Under 25", fmt_int, True),
                    Column("admitted", "Admitted", fmt_int, True),
                ],
                "A&E assault attendances by mechanism and location",
                "tables/ed_attendances.csv",
            ),
            source="A&E Information Sharing to Tackle Violence (ISTV) data"
            + (" (SYNTHETIC, generated by svduty synth)" if ed_synthetic else ""),
            period=period_label,
            synthetic=ed_synthetic,
        )
    oc = a.tables["outcomes"]
    outcome_synthetic = bool(a.notes.get("outcomes_synthetic"))
    top_oc = oc.iloc[0] if len(oc) else None
    figures["outcomes"] = Figure(
        id="fig-outcomes",
        title="Last recorded outcome of serious violence crimes in the period",
        svg=charts.to_svg_async(
            charts.bars(oc.head(12), "outcome", "share", value_title="Share of SV crimes", fmt=".0%"),
            "Outcomes of serious violence",
        )
        if len(oc)
        else "",
        summary=(
            f"The most common last outcome is “{top_oc['outcome']}” ({fmt_pct(top_oc['share'])} of crimes). "
            "Outcomes of recent crimes are still changing, so the latest months look less resolved."
            if top_oc is not None
            else "No outcomes recorded."
        ),
        table=make_table(
            oc,
            [Column("outcome", "Outcome")]
            + [Column(t, t, fmt_int, True) for t in categories if t in oc.columns]
            + [Column("total", "Total", fmt_int, True), Column("share", "Share", fmt_pct, True)],
            "Outcomes of serious violence crimes",
            "tables/outcomes.csv",
        ),
        source=POLICE_SOURCE + " ('Last outcome category')",
        period=period_label,
        synthetic=outcome_synthetic,
    )

    # -- success measures
    measures = []
    for m in a.measures:
        entry: dict[str, Any] = {
            "name": m.name,
            "available": m.available,
            "synthetic": m.synthetic,
            "note": m.note,
        }
        if m.available:
            change = f"{(m.latest['count'] / m.baseline['count'] - 1) * 100:+.0f}%" if m.baseline["count"] else "n/a"
            entry["headline"] = (
                f"{fmt_int(m.latest['count'])} in {m.latest['year']} against a baseline of "
                f"{fmt_int(m.baseline['count'])} in {m.baseline['year']} ({change})"
            )
            entry["figure"] = Figure(
                id=f"fig-{m.key}",
                title=m.name + " per 12 months",
                svg=charts.to_svg_async(charts.yearly_line(m.table, "Count"), m.name),
                summary=entry["headline"] + ".",
                table=make_table(
                    m.table,
                    [Column("year", "12 months"), Column("count", "Count", fmt_int, True)],
                    m.name,
                    f"tables/measure_{m.key}.csv",
                ),
                source=m.note + (" (SYNTHETIC)" if m.synthetic else ""),
                period=f"{m.baseline['year']} to {m.latest['year']}",
                synthetic=m.synthetic,
            )
        else:
            entry["headline"] = "not measured (" + m.note + ")"
        measures.append(entry)

    # -- cost
    cost_frame = a.cost[a.cost["crime_type"] != "Total"].copy()
    for s in ("low", "central", "high"):
        cost_frame[f"cost_{s}_m"] = cost_frame[f"cost_{s}"] / 1e6
    low, high = cost.loc["Total", "cost_low"], cost.loc["Total", "cost_high"]
    per_res_text = (
        f", {fmt_gbp(per_res)} per resident (range {fmt_gbp(cost.loc['Total', 'per_resident_low'])}–"
        f"{fmt_gbp(cost.loc['Total', 'per_resident_high'])})"
        if a.residents
        else " (no population matched, so no figure per resident)"
    )
    cost_finding = (
        f"Serious violence in {period_label} cost an estimated {fmt_gbp(total_cost)} in {a.price_year} prices "
        f"(range {fmt_gbp(low)}–{fmt_gbp(high)}){per_res_text}."
    )
    figures["cost"] = Figure(
        id="fig-cost",
        title=f"Estimated cost of serious violence by police.uk category, {a.price_year} prices (bar: central; "
        "line: low–high range)",
        svg=charts.to_svg_async(charts.range_bars(cost_frame), "Estimated cost of serious violence"),
        summary=cost_finding,
        table=make_table(
            a.cost,
            [
                Column("crime_type", "Category"),
                Column("count", "Crimes", fmt_int, True),
                Column("unit_cost_central", "Unit cost (central)", fmt_gbp, True),
                Column("cost_low", "Low", fmt_gbp, True),
                Column("cost_central", "Central", fmt_gbp, True),
                Column("cost_high", "High", fmt_gbp, True),
                Column("costing", "How costed"),
            ],
            f"Cost of serious violence, {a.price_year} prices",
            "tables/cost.csv",
        ),
        source=costs.COST_SOURCE + "; uprated with the HM Treasury GDP deflator",
        period=period_label,
        open=True,
    )
    defl = costs.load_deflator()
    scen = costs.split_scenarios()
    split = costs.load_violence_split()
    split_text = ", ".join(f"{r.offence_type} {r.share:.{2 if r.share < 0.001 else 1}%}" for r in split.itertuples())
    cost_method = (
        f"Unit costs per offence come from the Home Office's Economic and social costs of crime (2018) in 2015/16 "
        f"prices and are uprated to {a.price_year} prices with the HM Treasury GDP deflator (factor "
        f"{defl.factor(a.price_year):.3f}). police.uk's “Violence and sexual offences” mixes offences of very "
        f"different cost, so each crime is costed at the national mix of offence types (ONS police recorded crime, "
        f"year ending March 2020: {split_text}). Central: that mix, with stalking and harassment uncosted (£"
        f"{scen['central']:,.0f} per crime in 2015/16 prices); low: the same mix without homicide "
        f"(£{scen['low']:,.0f}); "
        f"high: stalking and harassment costed as violence without injury (£{scen['high']:,.0f}). Robbery uses the "
        f"robbery unit cost; possession of weapons has no Home Office unit cost and adds nothing."
    )
    caveat_bits = []
    if not costs.UNIT_COSTS_VERIFIED:
        caveat_bits.append(
            "the unit costs for "
            + " and ".join(u.lower() for u in costs.UNIT_COSTS_UNCONFIRMED)
            + " could not be confirmed to the pound against a published copy of the report's table"
        )
    if not defl.verified:
        caveat_bits.append(
            "the deflator values are HM Treasury's March 2026 figures as quoted by other sources; "
            + ", ".join(defl.interpolated)
            + " are interpolated"
        )
    if costs.split_unverified():
        caveat_bits.append(
            "the national counts for "
            + ", ".join(costs.split_unverified()).lower()
            + " are rounded approximations not checked against the ONS table"
        )
    cost_ctx = {
        "finding": cost_finding,
        "method": cost_method,
        "unit_table": make_table(
            a.tables["unit_costs"],
            [
                Column("offence_type", "Offence type"),
                Column("unit_cost_2015_16", "Unit cost, 2015/16 prices", fmt_gbp, True),
                Column("unit_cost_uprated", f"Unit cost, {a.price_year} prices", fmt_gbp, True),
            ],
            "Home Office unit costs of crime used in this assessment",
            "tables/unit_costs.csv",
        ),
        "source": f"Source: {costs.COST_SOURCE}. Deflator: {defl.source.split('Transcribed')[0].strip()}",
        "caveat": ("Caveat: " + "; ".join(caveat_bits) + ".") if caveat_bits else "",
    }

    # -- priorities
    pr = a.priorities
    priorities = [
        {
            "name": r["name"],
            "score": f"{r['score']:.1f}",
            "why": why_text(r),
            "evidence": list(r["evidence"]),
            "synthetic": bool(r["synthetic"]),
        }
        for _, r in pr.iterrows()
    ]
    priority_table = make_table(
        pr,
        [
            Column("rank", "Rank", fmt_int, True),
            Column("name", "Candidate"),
            Column("kind", "Kind"),
            Column("volume", "Crimes", fmt_int, True),
            Column("previous", "Previous", fmt_prev, True),
            Column("harm_share", "Share of harm", fmt_pct, True),
            Column("trend", "Trend factor", lambda v: fmt_num(v, 2), True),
            Column("gini", "Gini", lambda v: fmt_num(v, 2), True),
            Column("score", "Score", fmt_num, True),
        ],
        "Priority scores and their components",
        "tables/priorities.csv",
    )

    # -- summary
    change = head["change_vs_previous"]
    trend_word = (
        "no previous 12 months in the data to compare with"
        if change is None
        else f"{'up' if change >= 1 else 'down'} {abs(change - 1) * 100:.0f}% on the "
        f"{fmt_int(head['previous_serious_violence'])} of {p.prev_label}" + _significance(head.get("change_p_value"))
    )
    summary_findings = [
        f"In {period_label}, {_recorder(a)} {fmt_int(head['serious_violence'])} serious violence crimes for "
        f"{area} ({parts}): {fmt_pct(head['sv_share'])} of all {fmt_int(head['all_crime'])} recorded crimes, "
        f"{trend_word}.",
        cost_finding,
        concentration_sentence(a),
    ]
    kpis = [
        {"value": fmt_int(head["serious_violence"]), "label": f"serious violence crimes, {period_label}"},
        {"value": fmt_pct(head["sv_share"]), "label": "of all recorded crime (excluding ASB)"},
        {
            "value": fmt_change(change),
            "label": f"change vs {p.prev_label}" if p.has_previous else "no earlier period in the data to compare",
        },
        {"value": fmt_gbp(total_cost), "label": f"estimated cost, {a.price_year} prices"},
        {"value": fmt_gbp(per_res) if a.residents else "–", "label": "cost per resident"},
    ]
    if a.places and a.places.concentration.get("top_10pct") is not None:
        grid = a.places.concentration.get("grid") or {}
        if int(a.notes.get("area_lsoas") or 0) >= 30 or not grid.get("top_10pct"):
            kpis.append(
                {"value": fmt_pct(a.places.concentration["top_10pct"]), "label": "of SV in the top 10% of LSOAs"}
            )
        else:  # with few LSOAs, "the top 10%" is one LSOA: grid cells say more
            kpis.append({"value": fmt_pct(grid["top_10pct"]), "label": "of located SV in the top 10% of grid cells"})

    crime_sources = []
    if "police.uk" in (a.notes.get("sources") or []):
        crime_sources.append(
            {
                "name": "police.uk street-level crime",
                "gives": "crime category, month, anonymised location and LSOA, last outcome",
                "coverage": f"{fmt_int(a.notes['incidents_in_scope'])} records in scope, "
                f"{p.data_start:%B %Y} to {p.data_end:%B %Y}",
                "licence": "Open Government Licence v3.0",
            }
        )
    for other in [x for x in a.notes.get("sources") or [] if x != "police.uk"]:
        crime_sources.append(
            {
                "name": f"police record extract ({other})",
                "gives": "offence code and category, date and time, victims' and suspects' ages and sex, markers",
                "coverage": f"{p.data_start:%B %Y} to {p.data_end:%B %Y}",
                "licence": "partnership data-sharing agreement (not open data)",
            }
        )
    sources = [
        *crime_sources,
        {
            "name": "ONS population estimates (" + (", ".join(a.notes.get("population_sources") or []) or "none") + ")",
            "gives": "residents per LSOA, for rates and cost per resident",
            "coverage": f"{a.notes.get('lsoas_with_population')} of {a.notes.get('lsoas')} LSOAs matched",
            "licence": "Open Government Licence v3.0",
        },
        {
            "name": "Home Office, Economic and social costs of crime (2018)",
            "gives": "unit cost per offence, 2015/16 prices",
            "coverage": "national",
            "licence": "Open Government Licence v3.0",
        },
        {
            "name": "HM Treasury GDP deflators",
            "gives": "uprating of unit costs to the report year",
            "coverage": "financial years " + min(defl.index) + " to " + max(defl.index),
            "licence": "Open Government Licence v3.0",
        },
    ]
    if a.synthetic_sections:
        sources.append(
            {
                "name": "svduty synth (SYNTHETIC)",
                "gives": "generated times, ages, sex, markers and A&E attendances, seeded and calibrated to published "
                "profiles",
                "coverage": ", ".join(a.synthetic_sections),
                "licence": "generated",
            }
        )

    return {
        "title": f"Serious violence: strategic needs assessment for {area}",
        "css": (TEMPLATES / "sna.css").read_text(encoding="utf-8"),
        "generated": datetime.now(UTC).strftime("%d %B %Y %H:%M UTC"),
        "version": _version(),
        "period": p,
        "sections": [
            {"id": "summary", "title": "Summary"},
            {"id": "method", "title": "Method and data"},
            {"id": "where", "title": "Where"},
            {"id": "when", "title": "When"},
            {"id": "who", "title": "Who and why"},
            {"id": "measures", "title": "Success measures"},
            {"id": "cost", "title": "Cost of violence"},
            {"id": "priorities", "title": "Priorities"},
        ],
        "kpis": kpis,
        "summary_findings": summary_findings,
        "top_places_text": _top_places_text(lsoas),
        "measures": measures,
        "priorities": priorities,
        "priority_table": priority_table,
        "priority_method": PRIORITY_METHOD,
        "figures": figures,
        "where": where,
        "when": when,
        "who": who,
        "cost": cost_ctx,
        "sources": sources,
        "synthetic_sections": a.synthetic_sections,
        "synthetic_columns": synthetic_columns,
        "notes": a.notes,
        "population_text": _population_text(a),
        "attribution": OGL,
    }


def _png_data_uri(fig: Any, dpi: int = 150) -> str:
    import base64
    import io

    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=dpi, metadata={"Software": None})
    return "data:image/png;base64," + base64.b64encode(buf.getvalue()).decode("ascii")


def _fmt_p(value: Any) -> str:
    return "–" if _missing(value) else ("< 0.001" if value < 0.001 else f"{value:.3f}")


def _significance(p_value: Any) -> str:
    """Plain words for the Poisson change test (see ``sna.change_p_value``)."""
    if _missing(p_value):
        return ""
    if p_value < 0.05:
        return (
            f" (a change this large is unlikely to be chance: p {'< 0.001' if p_value < 0.001 else f'= {p_value:.3f}'})"
        )
    return f" (a change this size could be chance: p = {p_value:.2f})"


def _recorder(a: Assessment) -> str:
    sources = a.notes.get("sources") or []
    return "police.uk recorded" if sources == ["police.uk"] else "police records show"


def _years(seasonal: pd.DataFrame) -> str:
    lo, hi = int(seasonal["years"].min()), int(seasonal["years"].max())
    return f"{lo} year{'s' if lo != 1 else ''}" if lo == hi else f"{lo}–{hi} years"


def _version() -> str:
    try:
        return version("svduty")
    except PackageNotFoundError:
        return "dev"


def _population_text(a: Assessment) -> str:
    n = a.notes
    if not n.get("lsoas_with_population"):
        return (
            "no population rows matched the LSOA codes in the crime data (load ONS estimates with svduty ingest "
            "population), so rates and cost per resident are not shown."
        )
    years = ", ".join(str(y) for y in n.get("population_years") or [])
    via = n.get("lsoas_matched_via_lookup") or 0
    return (
        f"residents from {', '.join(n.get('population_sources') or [])} ({years}); {n['lsoas_with_population']} of "
        f"{n['lsoas']} LSOAs matched ({fmt_int(n['sv_rows_with_population'])} of {fmt_int(n['sv_rows_with_lsoa'])} "
        f"located serious violence crimes){f', {via} of them through the LSOA 2011→2021 lookup' if via else ''}; "
        f"{fmt_int(a.residents)} residents in all."
    )


def _top_places_text(lsoas: pd.DataFrame) -> str:
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
    rate = f", {fmt_num(first['rate_per_1000'])} per 1,000 residents" if not _missing(first["rate_per_1000"]) else ""
    return (
        f"{text} {first['name']} alone had {fmt_pct(first['share_of_sv'])} of the area's located serious "
        f"violence{rate}."
    )


def _monthly_text(monthly: pd.DataFrame, p: Any) -> str:
    inside = monthly[(monthly["month"] >= f"{p.start:%Y-%m}") & (monthly["month"] <= f"{p.end:%Y-%m}")]
    if inside.empty:
        return "No months in the period."
    peak = inside.sort_values("serious_violence", ascending=False).iloc[0]
    return (
        f"In the period serious violence averaged {inside['serious_violence'].mean():.0f} crimes a month, from "
        f"{fmt_int(inside['serious_violence'].min())} to {fmt_int(inside['serious_violence'].max())}; the highest "
        f"month was {pd.Timestamp(peak['month']):%B %Y}."
    )


def _when_finding(monthly: pd.DataFrame, seasonal: pd.DataFrame, p: Any) -> str:
    roll = monthly.dropna(subset=["rolling_12m_mean"])
    trend = ""
    if len(roll) >= 13:
        last, year_before = roll.iloc[-1]["rolling_12m_mean"], roll.iloc[-13]["rolling_12m_mean"]
        trend = f"The 12-month mean stands at {last:.0f} a month, against {year_before:.0f} a year earlier. "
    peak = seasonal.sort_values("index", ascending=False).iloc[0]
    return trend + f"{_monthly_text(monthly, p)} Seasonally, {peak['month_name']} is the peak month."


def _who_text(u25: pd.DataFrame, age: pd.DataFrame) -> str:
    bits = []
    for r in u25.itertuples():
        bits.append(f"{fmt_pct(r.under_25_share)} of {r.role}s with a known age were under 25")
    sexes = age.groupby(["role", "sex"])["people"].sum()
    for role in ("suspect", "victim"):
        if role in sexes.index.get_level_values(0):
            s = sexes[role]
            top = s.idxmax()
            bits.append(f"{fmt_pct(s.max() / s.sum())} of {role}s were {top}")
    return "; ".join(bits).capitalize() + "." if bits else "No ages recorded."


def _where_context(a: Assessment, figures: dict[str, Figure], period_label: str) -> dict[str, Any]:
    """Map, concentration and persistence from the hotspot engine's results (``a.places``)."""
    lsoas = a.tables["lsoa_sv"]
    place = a.places
    ctx: dict[str, Any] = {"finding": _top_places_text(lsoas)}
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
    ctx["finding"] = concentration_sentence(a) + " " + _top_places_text(lsoas)
    ctx["concentration"] = make_table(
        place.tables["concentration"],
        [
            Column("unit", "Places"),
            Column("places", "Number of places", fmt_int, True),
            Column("top_1pct", "Share of SV in top 1%", fmt_pct, True),
            Column("top_5pct", "Top 5%", fmt_pct, True),
            Column("top_10pct", "Top 10%", fmt_pct, True),
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
        map_title = f"Where serious violence concentrates: kernel density, {period_label}"
        core = place.extra["core_xy"]
        top = place.tables["grid_top"].iloc[0]
        fig = maps.grid_map(
            place.grid,
            density,
            title="Serious violence: kernel density",
            value_label="serious violence crimes per km² (kernel density)",
            subtitle=f"{place.cell_size:g} m cells, quartic kernel of radius {place.bandwidth:,.0f} m",
            outline_points=(core[:, 0], core[:, 1]),
            source=f"police.uk, {period_label}",
            synthetic=False,
        )
        off = place.extra.get("off_grid", 0)
        ctx["map"] = Figure(
            id="fig-map",
            title=map_title,
            svg=maps.to_svg(fig, map_title),
            # WeasyPrint does not draw matplotlib's embedded raster inside SVG: print gets a PNG of the same map.
            img=_png_data_uri(fig),
            alt=f"Map: {map_title}. Darker to brighter cells show fewer to more serious violence crimes per km².",
            summary=f"The densest cell is centred at {top['lat']:.4f}° N, {abs(top['lon']):.4f}° "
            f"{'W' if top['lon'] < 0 else 'E'} (British National Grid {top['x_bng']:,.0f} E, {top['y_bng']:,.0f} N), "
            f"with {top['density_per_km2']:,.0f} serious violence crimes per km². "
            f"The top 10% of grid cells hold {fmt_pct(conc['grid'].get('top_10pct'))} of located serious "
            f"violence. Kernel radius {place.bandwidth:,.0f} m: {place.bandwidth_rule}. The outline is drawn around "
            "where any crime was recorded (no boundary files are used)."
            + (f" {off} crimes located far outside the area are off this map." if off else ""),
            table=make_table(
                place.tables["grid_top"],
                [
                    Column("cell", "Cell"),
                    Column("x_bng", "Easting (m)", fmt_int, True),
                    Column("y_bng", "Northing (m)", fmt_int, True),
                    Column("lat", "Latitude", lambda v: fmt_num(v, 5), True),
                    Column("lon", "Longitude", lambda v: fmt_num(v, 5), True),
                    Column("sv_count", "SV crimes in cell", fmt_int, True),
                    Column("density_per_km2", "Density per km²", fmt_int, True),
                ],
                "Grid cells with the highest density",
                "tables/grid_top.csv",
                limit=15,
            ),
            source=POLICE_SOURCE + "; map drawn offline from the data (no base map)",
            period=period_label,
        )
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
        res = place.extra.get("persistence_cells")
        pgrid = place.extra.get("persistence_grid")
        if res is not None and pgrid is not None:
            classes = [c for c in res.counts_by_class() if c != "not a hot spot"] + ["not a hot spot"]
            colours = dict(maps.PERSISTENCE_COLOURS)
            colours.setdefault("diminishing", "#009E73")
            title = f"Hot spot persistence over {len(res.labels)} years"
            core = place.extra["core_xy"]
            fig = maps.grid_map(
                pgrid,
                np.asarray(res.classes, dtype=object),
                title="Serious violence: do hot spots persist?",
                subtitle=f"{pgrid.cell_size:g} m cells; hot = top 5% of cells in a year; {res.labels[0]} to "
                f"{res.labels[-1]}",
                categories=classes,
                colours=colours,
                outline_points=(core[:, 0], core[:, 1]),
                source="police.uk",
            )
            counts = res.counts_by_class()
            ctx["persistence_map"] = Figure(
                id="fig-persistence",
                title=title,
                svg=maps.to_svg(fig, title),
                img=_png_data_uri(fig),
                alt=f"Map: {title}; cells coloured by persistence class.",
                summary=place.persistence_text,
                table=make_table(
                    place.tables["persistence_classes"],
                    [
                        Column("class", "Class"),
                        Column("grid_cells", "Grid cells", fmt_int, True),
                        Column("lsoas", "LSOAs", fmt_int, True),
                    ],
                    "Places by hot spot persistence class",
                    "tables/persistence_classes.csv",
                ),
                source=POLICE_SOURCE + "; classes after Esri Emerging Hot Spot Analysis with a Mann–Kendall trend",
                period=f"{res.labels[0]} to {res.labels[-1]}",
            )
            del counts
    else:
        ctx["persistence"] = None
        ctx["persistence_unavailable"] = place.persistence_text or "Needs at least two years of data."
    return ctx
