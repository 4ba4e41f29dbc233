"""Success measures: the Home Office's three measures, each against a baseline year."""

from __future__ import annotations

from typing import Any

from svduty.report import charts
from svduty.report.sna.common import Column, Figure, ReportInput, Section, fmt_int, make_table


def build(r: ReportInput) -> Section:
    a = r.a
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

    return Section(id="measures", title="Success measures", ctx={"items": measures})
