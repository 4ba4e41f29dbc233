"""Success measures: the Home Office's three measures, each against a baseline year."""

from __future__ import annotations

from typing import Any

from svduty.report import charts
from svduty.report.sna.common import Column, Figure, ReportInput, Section, fmt_int, fmt_num, make_table, missing


def build(r: ReportInput) -> Section:
    a = r.a
    measures = []
    for m in a.measures:
        entry: dict[str, Any] = {
            "name": m.name,
            "available": m.available,
            "synthetic": m.synthetic,
            "note": m.note,
            "source": getattr(m, "source", "") or "",
        }
        if m.available:
            change = f"{(m.latest['count'] / m.baseline['count'] - 1) * 100:+.0f}%" if m.baseline["count"] else "n/a"
            entry["headline"] = (
                f"{fmt_int(m.latest['count'])} in {m.latest['year']} against a baseline of "
                f"{fmt_int(m.baseline['count'])} in {m.baseline['year']} ({change})"
            ) + _rate_words(m.table)
            columns = [Column("year", "12 months"), Column("count", "Count", fmt_int, True)]
            if "per_100k_under_25" in m.table:  # admissions: rate per resident under 25, and the unclear ages
                columns += [
                    Column("per_100k_under_25", "Per 100,000 residents under 25", fmt_num, True),
                    Column("age_uncertain", "Age band straddles 25 (not counted)", fmt_int, True),
                ]
            entry["figure"] = Figure(
                id=f"fig-{m.key}",
                title=m.name + " per 12 months",
                svg=charts.to_svg_async(charts.yearly_line(m.table, "Count"), m.name),
                summary=entry["headline"] + ".",
                table=make_table(
                    m.table,
                    columns,
                    m.name,
                    f"tables/measure_{m.key}.csv",
                ),
                source=(entry["source"] + ": " if entry["source"] else "")
                + m.note
                + (" (SYNTHETIC)" if m.synthetic else ""),
                period=f"{m.baseline['year']} to {m.latest['year']}",
                synthetic=m.synthetic,
            )
        else:
            entry["headline"] = "not measured (" + m.note + ")"
        measures.append(entry)

    return Section(id="measures", title="Success measures", ctx={"items": measures})


def _rate_words(table) -> str:
    """ ", 12.3 per 100,000 residents under 25" for the latest year, when the measure has a rate."""
    if "per_100k_under_25" not in table or not len(table) or missing(table["per_100k_under_25"].iloc[-1]):
        return ""
    return f", {fmt_num(table['per_100k_under_25'].iloc[-1])} per 100,000 residents under 25"
