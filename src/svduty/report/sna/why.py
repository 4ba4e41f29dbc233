"""Why: deprivation — serious violence per 1,000 residents by IMD decile and domain, with the inequality it shows.

Figures from ``svduty.analysis.deprivation``; this module words them. Crimes are counted where police.uk places
them, not where victims or offenders live, and the words say so.
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from svduty.data import deprivation as ref
from svduty.report import charts
from svduty.report.sna.common import (
    Column,
    Figure,
    ReportInput,
    Section,
    fmt_int,
    fmt_num,
    make_table,
    missing,
)

DECILE_WORDS = {1: "the most deprived tenth", 10: "the least deprived tenth"}
RATE_COLUMNS = [
    Column("incidents", "SV crimes", fmt_int, True),
    Column("residents", "Residents", fmt_int, True),
    Column("rate_per_1000", "Rate per 1,000", lambda v: fmt_num(v, 2), True),
    Column("rate_ci_low", "95% CI low", lambda v: fmt_num(v, 2), True),
    Column("rate_ci_high", "95% CI high", lambda v: fmt_num(v, 2), True),
]


def _tenth(decile: int) -> str:
    return DECILE_WORDS.get(decile, f"decile {decile} of 10")


def headline(r: ReportInput) -> str:
    """The plain sentence a board quotes: how many times the deprived end's rate is the affluent end's."""
    why = r.a.why
    if why is None or why.index is None:
        return ""
    s = why.stats.get(why.index, {})
    if missing(s.get("rate_ratio")):
        return ""
    t = why.tables["deprivation"].set_index("imd_decile")
    lo, hi = int(s["most_deprived_decile"]), int(s["least_deprived_decile"])
    interval = (
        f" (95% interval {s['rate_ratio_ci_low']:.1f}–{s['rate_ratio_ci_high']:.1f})"
        if not missing(s.get("rate_ratio_ci_low"))
        else ""
    )
    name = "IMD 2019" if why.index == "imd2019" else "the Welsh IMD 2019"
    few = (
        f" With only {n} LSOAs in the area, each decile rests on very few neighbourhoods: read the intervals."
        if (n := int(why.notes.get("lsoas") or 0)) < 20
        else ""
    )
    return (
        f"Neighbourhoods in {name} decile {lo} ({_tenth(lo)}{' nationally' if lo == 1 else ''}"
        f"{'' if lo == 1 else ', the most deprived in this area'}) had {s['rate_ratio']:.1f} times{interval} the "
        f"serious violence per resident of those in decile {hi} ({_tenth(hi)}"
        f"{'' if hi == 10 else ', the least deprived in this area'}): {t.loc[lo, 'rate_per_1000']:.1f} against "
        f"{t.loc[hi, 'rate_per_1000']:.1f} per 1,000 residents in {r.period_label}.{few}"
    )


def _inequality_text(s: dict[str, Any]) -> str:
    if missing(s.get("sii_per_1000")):
        return ""
    direction = "more" if s["sii_per_1000"] > 0 else "less"
    return (
        f"Slope index of inequality: {abs(s['sii_per_1000']):.2f} crimes per 1,000 residents {direction} at the "
        f"most deprived end of the area than at the least deprived (95% interval {s['sii_ci_low']:.2f} to "
        f"{s['sii_ci_high']:.2f}); relative index {s['rii']:.2f} times the area's rate of "
        f"{s['overall_rate_per_1000']:.2f}. Concentration index {s['concentration_index']:+.2f} (from −1, all "
        "violence in the most deprived places, to +1, all in the least deprived; 0 = no gradient)."
    )


def build(r: ReportInput) -> Section:
    a = r.a
    why = a.why
    figures: dict[str, Figure] = {}
    ctx: dict[str, Any] = {"available": bool(why and why.index)}
    if not ctx["available"]:
        ctx["unavailable"] = (
            "No deprivation figures: the area's LSOAs have no residents or no match in the Indices of Deprivation "
            "(load ONS population and the LSOA lookup with svduty ingest population)."
        )
        return Section(id="why", title="Why: deprivation", ctx=ctx)
    assert why is not None and why.index is not None
    table = why.tables["deprivation"]
    s = why.stats[why.index]
    index_name = ref.INDEX_NAMES[why.index]
    chart = table.assign(label="Decile " + table["imd_decile"].astype(str)).dropna(subset=["rate_per_1000"])
    figures["deprivation"] = Figure(
        id="fig-deprivation",
        title=f"Serious violence per 1,000 residents by deprivation decile (1 = most deprived), {r.period_label}",
        svg=charts.to_svg_async(
            charts.interval_bars(
                chart,
                "label",
                "rate_per_1000",
                "rate_ci_low",
                "rate_ci_high",
                value_title="Serious violence per 1,000 residents (line: 95% interval)",
                sort=list(chart["label"]),
            ),
            "Serious violence rate by deprivation decile",
        ),
        summary=headline(r) + " " + _inequality_text(s),
        table=make_table(
            table,
            [Column("imd_decile", "Decile (1 = most deprived)", fmt_int, True), *RATE_COLUMNS],
            f"Serious violence by {index_name} decile",
            "tables/deprivation.csv",
        ),
        source=f"police.uk; {index_name}; ONS population. {ref.ATTRIBUTION}",
        period=r.period_label,
        open=True,
    )
    domains = why.tables.get("deprivation_domains")
    domain_rows = []
    if domains is not None:
        for name, d in domains.groupby("domain", sort=False):
            d = d.set_index("decile")
            domain_rows.append(
                {
                    "domain": name,
                    "d1": d.loc[1, "rate_per_1000"] if 1 in d.index else None,
                    "d10": d.loc[10, "rate_per_1000"] if 10 in d.index else None,
                    "sii": d["sii_per_1000"].iloc[0],
                }
            )
    ctx["domains"] = make_table(
        pd.DataFrame(domain_rows),
        [
            Column("domain", "Domain"),
            Column("d1", "Rate, most deprived decile", lambda v: fmt_num(v, 2), True),
            Column("d10", "Rate, least deprived decile", lambda v: fmt_num(v, 2), True),
            Column("sii", "Slope index of inequality", lambda v: fmt_num(v, 2), True),
        ],
        "Serious violence per 1,000 residents by deprivation domain (every decile in tables/deprivation_domains.csv)",
        "tables/deprivation_domains.csv",
    )
    iod = why.stats.get("iod2025") or {}
    ctx["iod2025"] = (
        f"On the newer English Indices of Deprivation 2025 (2021 LSOAs) the most deprived tenth's rate is "
        f"{iod['rate_ratio']:.1f} times the least deprived's (slope index {iod['sii_per_1000']:.2f} per 1,000): "
        "tables/deprivation_iod2025.csv."
        if not missing(iod.get("rate_ratio"))
        else ""
    )
    n = why.notes.get(why.index) or {}
    via = n  # counts of area LSOA codes by how they were ranked (``deprivation.units``)
    ctx["vintage"] = (
        f"{index_name} ranks 2011 LSOAs; police.uk and the Census 2021 use 2011 and 2021 codes. Of the area's "
        f"{fmt_int(why.notes.get('lsoas'))} LSOAs, {fmt_int(via.get('direct', 0))} carry a 2011 code ranked "
        f"directly, and {fmt_int(via.get('2011 parent', 0))} 2021 codes take the rank of their 2011 parent: the "
        "best-fit LSOA of the ONS lookup (the most deprived, where 2011 LSOAs merged) or, for LSOAs created by a "
        "split, the 2011 LSOA containing them (ONS boundaries). "
        + (
            f"{fmt_int(n['unmatched'])} LSOAs ({fmt_int(n['incidents_unmatched'])} crimes) could not be ranked. "
            if n.get("unmatched")
            else "Every LSOA was ranked. "
        )
        + "Deciles are national (England's or Wales's), so an area need not have a tenth of its LSOAs in each."
    )
    ctx["wales"] = (
        "Welsh LSOAs are ranked by the Welsh IMD (deciles within Wales) in tables/deprivation_wales.csv, never pooled "
        "with England's deciles."
        if "deprivation_wales" in why.tables
        else ""
    )
    ctx["finding"] = headline(r) or (
        "No rate ratio: the area's least deprived decile has no serious violence or no residents in the period, so "
        "the gradient is read from the table and the slope index instead."
    )
    ctx["inequality"] = _inequality_text(s)
    ctx["index_name"] = index_name
    return Section(id="why", title="Why: deprivation", ctx=ctx, figures=figures, findings=[headline(r)])
