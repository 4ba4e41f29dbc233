"""Compared with others: the area's rate and mix against England & Wales and a group of similar force areas.

Figures from ``svduty.analysis.benchmark`` (present when the workspace holds several forces).
"""

from __future__ import annotations

import math
from typing import Any

import pandas as pd

from svduty.analysis.benchmark import GROUP_SIZE
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

RATE = [
    Column("incidents", "SV crimes", fmt_int, True),
    Column("residents", "Residents", fmt_int, True),
    Column("rate_per_1000", "Rate per 1,000", lambda v: fmt_num(v, 2), True),
    Column("rate_ci_low", "95% CI low", lambda v: fmt_num(v, 2), True),
    Column("rate_ci_high", "95% CI high", lambda v: fmt_num(v, 2), True),
]


def _versus(a_n: float, a_pop: float, b_n: float, b_pop: float) -> str:
    """'higher than' / 'lower than' / 'not clearly different from' (two-sided 5%, log rate ratio)."""
    if not (a_n and b_n):
        return "not comparable with"
    z = math.log((a_n / a_pop) / (b_n / b_pop)) / math.sqrt(1 / a_n + 1 / b_n)
    if abs(z) < 1.96:
        return "not clearly different from"
    return "higher than" if z > 0 else "lower than"


def build(r: ReportInput) -> Section:
    b = r.a.benchmark
    if b is None:
        return Section(
            id="compare",
            title="Compared with other areas",
            ctx={
                "available": False,
                "unavailable": "No comparison: the workspace holds the data of fewer than three police forces for "
                "this period. Ingest other forces' police.uk files for the same months (for example a national "
                "month) to rank the area against England & Wales and a group of similar force areas.",
            },
        )
    forces = b.tables["benchmark_forces"]
    totals = b.tables["benchmark_totals"].set_index("pfa")
    me = forces[forces["is_area"]].iloc[0]
    rest = forces[~forces["is_area"]]
    similar = forces[forces["similar"]]
    ew = totals.iloc[0]
    sim = totals.iloc[1]
    vs_ew = _versus(me["incidents"], me["residents"], rest["incidents"].sum(), rest["residents"].sum())
    vs_sim = _versus(me["incidents"], me["residents"], similar["incidents"].sum(), similar["residents"].sum())
    finding = (
        f"{b.force}'s serious violence rate, {me['rate_per_1000']:.2f} per 1,000 residents in {r.period_label} "
        f"(95% interval {me['rate_ci_low']:.2f}–{me['rate_ci_high']:.2f}), ranks {int(me['rank'])} of "
        f"{len(forces)} force areas in the workspace (1 = highest). It is {vs_ew} the other forces of England & "
        f"Wales pooled ({ew['rate_per_1000']:.2f}) and {vs_sim} its similar force areas ({sim['rate_per_1000']:.2f})."
    )
    chart = forces.assign(
        kind=forces.apply(
            lambda x: "This area" if x["is_area"] else ("Similar force area" if x["similar"] else "Other force area"),
            axis=1,
        )
    )
    figure = Figure(
        id="fig-benchmark",
        title=f"Serious violence per 1,000 residents by police force area, {r.period_label} (line: 95% interval)",
        svg=charts.to_svg_async(
            charts.interval_bars(
                chart,
                "pfa",
                "rate_per_1000",
                "rate_ci_low",
                "rate_ci_high",
                value_title="Serious violence per 1,000 residents",
                sort=list(chart["pfa"]),
                highlight="is_area",
                group="kind",
            ),
            "Serious violence rate by police force area",
        ),
        summary=finding,
        table=make_table(
            forces,
            [Column("rank", "Rank", fmt_int, True), Column("pfa", "Police force area"), *RATE],
            "Serious violence rate by police force area, highest first",
            "tables/benchmark_forces.csv",
            limit=45,
        ),
        source=POLICE_SOURCE + "; ONS population; residents of the whole police force area",
        period=r.period_label,
    )
    group = b.tables["similar_forces"]
    ctx: dict[str, Any] = {
        "available": True,
        "finding": finding,
        "group": make_table(
            group,
            [
                Column("pfa", "Similar force area"),
                Column("distance", "Distance (standardised)", lambda v: fmt_num(v, 2), True),
                Column("density_per_km2", "Residents per km²", fmt_int, True),
                Column("deprived_fifth_share", "LSOAs in most deprived fifth", fmt_pct, True),
                Column("in_workspace", "Data in workspace", lambda v: "yes" if v else "no"),
            ],
            f"The {GROUP_SIZE} force areas most similar to {b.force} (population density and deprivation)",
            "tables/similar_forces.csv",
        ),
        "me": {
            "density": fmt_int(me["density_per_km2"]),
            "deprived": fmt_pct(me["deprived_fifth_share"]),
        },
        "totals": make_table(
            pd.concat([forces[forces["is_area"]].assign(pfa=b.force), b.tables["benchmark_totals"]]),
            [Column("pfa", "Area"), *RATE],
            "The area against England & Wales and its similar force areas",
            "tables/benchmark_totals.csv",
        ),
        "mix": _mix_table(b, r.categories),
        "coverage": f"{b.notes['forces']} of the {b.notes['pfas_in_england_and_wales']} police force areas of "
        "England and Wales have data in the workspace for the period.",
    }
    return Section(
        id="compare", title="Compared with other areas", ctx=ctx, figures={"benchmark": figure}, findings=[finding]
    )


def _mix_table(b: Any, categories: list[str]) -> Any:
    mix = b.tables["benchmark_mix"].set_index("pfa")
    rows = [b.force, *[g for g in b.group if g in mix.index], mix.index[-1]]
    frame = mix.loc[rows].reset_index()
    cols = [c for c in categories if c in frame.columns]
    return make_table(
        frame,
        [Column("pfa", "Area"), *[Column(c, c, fmt_pct, True) for c in cols]],
        "Mix of serious violence: share of each category",
        "tables/benchmark_mix.csv",
    )
