"""Who and why: victims and suspects by age and sex, markers, and outcomes (record-level data where loaded).

Hospital (A&E) data have a module of their own, ``svduty.report.sna.ae``, rendered inside this section.
"""

from __future__ import annotations

from typing import Any

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
    make_table,
)


def build(r: ReportInput) -> Section:
    a, period_label, categories = r.a, r.period_label, r.categories
    figures: dict[str, Figure] = {}
    who_synthetic = "Who and why" in a.synthetic_sections
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

    return Section(id="who", title="Who and why", ctx=who, figures=figures)


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
