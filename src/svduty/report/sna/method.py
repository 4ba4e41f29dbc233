"""Method and data: what the assessment counts as serious violence, the crime mix, sources, what is synthetic."""

from __future__ import annotations

from typing import Any

import pandas as pd

from svduty.analysis import costs
from svduty.report import charts
from svduty.report.sna.common import (
    POLICE_SOURCE,
    Column,
    Figure,
    ReportInput,
    Section,
    fmt_int,
    fmt_p,
    fmt_pct,
    fmt_prev,
    make_table,
    missing,
)


def crime_type_parts(r: ReportInput) -> str:
    """'Violence and sexual offences 1,234, Robbery 56, …' for the period: quoted by the summary too."""
    head = r.a.headline
    return ", ".join(f"{t} {fmt_int(head['by_crime_type'].get(t, 0))}" for t in r.categories)


def crime_types_figure(r: ReportInput) -> Figure:
    a, p = r.a, r.a.period
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
    return Figure(
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
        summary=f"In {r.period_label}: {crime_type_parts(r)}. All recorded crime (excluding anti-social behaviour): "
        f"{fmt_int(a.headline['all_crime'])}.",
        table=make_table(
            ct,
            [
                Column("crime_type", "police.uk category"),
                Column("serious_violence", "Serious violence proxy", lambda v: "yes" if v else ""),
                Column("count", "This period", fmt_int, True),
                Column("previous", "Previous period", fmt_prev, True),
                Column("change_pct", "Change", lambda v: "n/a" if missing(v) else f"{v:+.1f}%", True),
                Column("change_p_value", "p (Poisson test)", lambda v: "n/a" if missing(v) else fmt_p(v), True),
            ],
            "Crimes by police.uk category",
            "tables/by_crime_type.csv",
        ),
        source=POLICE_SOURCE,
        period=f"{r.period_label} and {p.prev_label}",
        open=True,
    )


def sources(r: ReportInput) -> list[dict[str, Any]]:
    """The data-sources table: every file family the figures rest on, with coverage and licence."""
    a, p = r.a, r.a.period
    defl = costs.load_deflator()
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
    out = [
        *crime_sources,
        {
            "name": "ONS population estimates (" + (", ".join(a.notes.get("population_sources") or []) or "none") + ")",
            "gives": "residents per LSOA, for rates and cost per resident",
            "coverage": f"{a.notes.get('lsoas_with_population')} of {a.notes.get('lsoas')} LSOAs matched",
            "licence": "Open Government Licence v3.0",
        },
        *_reference_sources(a),
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
        out.append(
            {
                "name": "svduty synth (SYNTHETIC)",
                "gives": "generated times, ages, sex, markers and A&E attendances, seeded and calibrated to published "
                "profiles",
                "coverage": ", ".join(a.synthetic_sections),
                "licence": "generated",
            }
        )
    return out


def _reference_sources(a: Any) -> list[dict[str, str]]:
    out = []
    if a.notes.get("area_pfas"):
        out.append(
            {
                "name": "ONS local authority → Community Safety Partnership → Police Force Area lookup (2024)",
                "gives": "which local authorities make up the police force area",
                "coverage": ", ".join(a.notes["area_pfas"]),
                "licence": "Open Government Licence v3.0",
            }
        )
    if a.why is not None and a.why.index:
        from svduty.data import deprivation as ref

        names = [ref.INDEX_NAMES[k] for k in ("imd2019", "wimd2019", "iod2025") if k in a.why.stats]
        out.append(
            {
                "name": "Indices of Deprivation: " + "; ".join(names),
                "gives": "deprivation rank and decile of each LSOA, overall and by domain",
                "coverage": f"{a.why.notes.get('lsoas')} LSOAs of the area",
                "licence": "Open Government Licence v3.0 (MHCLG; Welsh Government)",
            }
        )
    return out


def population_text(r: ReportInput) -> str:
    a = r.a
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


def build(r: ReportInput) -> Section:
    fig = crime_types_figure(r)
    return Section(
        id="method",
        title="Method and data",
        ctx={
            "sources": sources(r),
            "population_text": population_text(r),
            "sv_share": fmt_pct(r.a.headline["sv_share"]),
        },
        figures={"crime_types": fig},
    )
