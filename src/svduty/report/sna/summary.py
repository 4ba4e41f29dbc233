"""Summary: the headline tiles and key findings, built last from what the other sections found."""

from __future__ import annotations

from collections.abc import Callable
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


def _annual(value: float, months: int) -> float:
    return value * 12 / months


def kpis(r: ReportInput) -> list[dict[str, str]]:
    """Headline tiles; each names its period, and a period under 12 months adds a marked annualised figure."""
    a, p = r.a, r.a.period
    head = a.headline
    cost = a.cost.set_index("crime_type")
    per_res = cost.loc["Total", "per_resident_central"]
    short = p.months < 12
    when = r.period_label

    def annual(value: float, fmt: Callable[[Any], str]) -> str:
        return f"annualised equivalent: {fmt(_annual(value, p.months))} a year" if short else ""

    out = [
        {
            "value": fmt_int(head["serious_violence"]),
            "label": f"serious violence crimes, {when}",
            "annualised": annual(head["serious_violence"], fmt_int),
        },
        {"value": fmt_pct(head["sv_share"]), "label": f"of all recorded crime (excluding ASB), {when}"},
        {
            "value": fmt_change(head["change_vs_previous"]),
            "label": f"change, {when} vs {p.prev_label}"
            if p.has_previous
            else "no earlier period in the data to compare",
        },
        {
            "value": fmt_gbp(cost.loc["Total", "cost_central"]),
            "label": f"estimated cost, {when}, {a.price_year} prices",
            "annualised": annual(cost.loc["Total", "cost_central"], fmt_gbp),
        },
        {
            "value": fmt_gbp(per_res) if a.residents else "–",
            "label": f"cost per resident, {when} (crimes inside the area)",
            "annualised": annual(per_res, fmt_gbp) if a.residents else "",
        },
    ]
    if a.places and a.places.concentration.get("top_10pct") is not None:
        grid = a.places.concentration.get("grid") or {}
        n_lsoas = int(a.notes.get("area_lsoas") or 0)
        if n_lsoas >= 30 or not grid.get("top_10pct"):
            if n_lsoas >= 20:  # below 20 places a "top 10%" is one or two places: not a headline
                out.append(
                    {
                        "value": fmt_pct(a.places.concentration["top_10pct"]),
                        "label": f"of SV in the top 10% of LSOAs, {when}",
                    }
                )
        else:  # with few LSOAs, "the top 10%" is one LSOA: grid cells say more
            out.append(
                {"value": fmt_pct(grid["top_10pct"]), "label": f"of located SV in the top 10% of grid cells, {when}"}
            )
    return out


def annualised_note(r: ReportInput) -> str:
    p = r.a.period
    if p.months >= 12:
        return ""
    return (
        f"The period is {p.months} month{'s' if p.months > 1 else ''}, not a year: annualised equivalents (× 12 / "
        f"{p.months}) are marked as such and assume the rest of the year is like these months, which seasonality "
        "makes unlikely. Compare like months with like."
    )


# Authorities whose daytime (working and visiting) population far exceeds their residents: per-resident figures
# there describe the place, not the risk to the people who live in it.
DAYTIME_AREAS = {"E09000001": "City of London", "E09000033": "Westminster"}


def daytime_caveat(r: ReportInput) -> str:
    lads = [str(x) for x in r.a.notes.get("area_lads") or []]
    hit = [name for code, name in DAYTIME_AREAS.items() if any(code in x for x in lads)]
    if not hit:
        return ""
    return (
        f"Caveat on per-resident figures: {' and '.join(hit)} has a small resident population and a far larger "
        "daytime population of workers and visitors, who are most of the people at risk there. Rates and cost per "
        "resident are therefore much higher than the risk to any one person: compare counts, trends and places "
        "rather than per-resident figures with other areas."
    )


def recommendations(r: ReportInput) -> list[dict[str, Any]]:
    """The top three, short, for the one-page summary (full text in the Recommendations section)."""
    section = r.built.get("priorities")
    items = section.ctx["items"] if section else []
    # synthetic themes never drive a recommendation on their own: the summary shows real ones only
    real = [i for i in items if not i["synthetic"]]
    return [{"name": i["name"], "short": i.get("short") or i["why"], "synthetic": False} for i in real[:3]]


def build(r: ReportInput) -> Section:
    a = r.a
    findings = [
        headline_sentence(r),
        *r.built["compare"].findings,
        *r.built["why"].findings,
        concentration_sentence(a),
        *r.built["cost"].findings,
    ]
    findings = [f for f in findings if f]
    return Section(
        id="summary",
        title="Summary",
        ctx={
            "kpis": kpis(r),
            "findings": findings,
            "top_places_text": top_places_text(a.tables["lsoa_sv"]),
            "annualised_note": annualised_note(r),
            "daytime_caveat": daytime_caveat(r),
            "recommendations": recommendations(r),
        },
    )
