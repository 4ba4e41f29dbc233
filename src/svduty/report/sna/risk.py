"""Why: risk factors partners hold — a part per table loaded (school exclusions, children in need, NEET, youth
justice), and the list of those not loaded."""

from __future__ import annotations

from svduty.report.sna.common import ReportInput, Section, fmt_int, fmt_p, missing


def build(r: ReportInput) -> Section:
    risk = r.a.risk or {"present": {}, "absent": []}
    items = []
    for key, f in risk["present"].items():
        corr = (
            ""
            if missing(f["spearman"])
            else f" Across the covered LSOAs its rank correlation with serious violence is {f['spearman']:.2f} "
            f"(Spearman, p {fmt_p(f['spearman_p']) if f['spearman_p'] >= 0.001 else '< 0.001'})."
        )
        persons = ""
        if f.get("person_level"):
            hidden = f.get("suppressed_lsoas") or 0
            persons = " Counted from the partner's person-level rows (distinct persons; no person is shown)" + (
                f"; {hidden} LSOAs with fewer than 5 are not shown (marked in the table)." if hidden else "."
            )
        if missing(f["total"]):
            figures = (
                f"fewer than 5 in the {f['lsoas_covered']} of the area's {f['area_lsoas']} LSOAs the partner's "
                "table covers (not shown)"
            )
        else:
            top = f"; highest in {', '.join(f['top'])}" if f["top"] else ""
            figures = (
                f"{fmt_int(f['total'])} in the {f['lsoas_covered']} of the area's {f['area_lsoas']} LSOAs the "
                f"partner's table covers, {f['rate']:.1f} {f['rate_unit']}{top}"
            )
        items.append(
            {
                "key": key,
                "label": f["label"],
                "synthetic": f["synthetic"],
                "text": f"{f['label']}, {f['period']}: {figures}.{corr}{persons} Data: tables/risk_{key}.csv.",
            }
        )
    return Section(
        id="risk",
        title="Why: risk factors partners hold",
        ctx={"items": items, "absent": risk["absent"]},
    )
