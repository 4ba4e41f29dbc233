"""Cost of violence: Home Office unit costs uprated with the GDP deflator, with the low–high range."""

from __future__ import annotations

from svduty.analysis import costs
from svduty.report import charts
from svduty.report.sna.common import Column, Figure, ReportInput, Section, fmt_gbp, fmt_int, make_table


def build(r: ReportInput) -> Section:
    a, period_label = r.a, r.period_label
    cost = a.cost.set_index("crime_type")
    total_cost = cost.loc["Total", "cost_central"]
    per_res = cost.loc["Total", "per_resident_central"]
    figures: dict[str, Figure] = {}
    cost_frame = a.cost[a.cost["crime_type"] != "Total"].copy()
    for s in ("low", "central", "high"):
        cost_frame[f"cost_{s}_m"] = cost_frame[f"cost_{s}"] / 1e6
    low, high = cost.loc["Total", "cost_low"], cost.loc["Total", "cost_high"]
    per_res_text = (
        f", {fmt_gbp(per_res)} per resident (range {fmt_gbp(cost.loc['Total', 'per_resident_low'])}–"
        f"{fmt_gbp(cost.loc['Total', 'per_resident_high'])}; counting only the "
        f"{fmt_int(cost.loc['Total', 'area_count'])} crimes located inside the area, "
        f"{fmt_gbp(cost.loc['Total', 'area_cost_central'])})"
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

    return Section(id="cost", title="Cost of violence", ctx=cost_ctx, figures=figures, findings=[cost_finding])
