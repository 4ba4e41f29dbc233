"""Summary: the headline tiles and key findings, built last from what the other sections found."""

from __future__ import annotations

from typing import Any

from svduty.report.sna.common import (
    ReportInput,
    Section,
    fmt_change,
    fmt_gbp,
    fmt_int,
    fmt_pct,
    significance,
)
from svduty.report.sna.method import crime_type_parts
from svduty.report.sna.where import concentration_sentence, top_places_text


def recorder(a: Any) -> str:
    sources = a.notes.get("sources") or []
    return "police.uk recorded" if sources == ["police.uk"] else "police records show"


def headline_sentence(r: ReportInput) -> str:
    a, p = r.a, r.a.period
    head = a.headline
    change = head["change_vs_previous"]
    trend_word = (
        "no previous 12 months in the data to compare with"
        if change is None
        else f"{'up' if change >= 1 else 'down'} {abs(change - 1) * 100:.0f}% on the "
        f"{fmt_int(head['previous_serious_violence'])} of {p.prev_label}" + significance(head.get("change_p_value"))
    )
    return (
        f"In {r.period_label}, {recorder(a)} {fmt_int(head['serious_violence'])} serious violence crimes for "
        f"{r.area} ({crime_type_parts(r)}): {fmt_pct(head['sv_share'])} of all {fmt_int(head['all_crime'])} "
        f"recorded crimes, {trend_word}."
    )


def kpis(r: ReportInput) -> list[dict[str, str]]:
    a, p = r.a, r.a.period
    head = a.headline
    cost = a.cost.set_index("crime_type")
    per_res = cost.loc["Total", "per_resident_central"]
    out = [
        {"value": fmt_int(head["serious_violence"]), "label": f"serious violence crimes, {r.period_label}"},
        {"value": fmt_pct(head["sv_share"]), "label": "of all recorded crime (excluding ASB)"},
        {
            "value": fmt_change(head["change_vs_previous"]),
            "label": f"change vs {p.prev_label}" if p.has_previous else "no earlier period in the data to compare",
        },
        {"value": fmt_gbp(cost.loc["Total", "cost_central"]), "label": f"estimated cost, {a.price_year} prices"},
        {"value": fmt_gbp(per_res) if a.residents else "–", "label": "cost per resident"},
    ]
    if a.places and a.places.concentration.get("top_10pct") is not None:
        grid = a.places.concentration.get("grid") or {}
        if int(a.notes.get("area_lsoas") or 0) >= 30 or not grid.get("top_10pct"):
            out.append(
                {"value": fmt_pct(a.places.concentration["top_10pct"]), "label": "of SV in the top 10% of LSOAs"}
            )
        else:  # with few LSOAs, "the top 10%" is one LSOA: grid cells say more
            out.append({"value": fmt_pct(grid["top_10pct"]), "label": "of located SV in the top 10% of grid cells"})
    return out


def build(r: ReportInput) -> Section:
    a = r.a
    findings = [headline_sentence(r), *r.built["cost"].findings, concentration_sentence(a)]
    return Section(
        id="summary",
        title="Summary",
        ctx={
            "kpis": kpis(r),
            "findings": findings,
            "top_places_text": top_places_text(a.tables["lsoa_sv"]),
        },
    )
