"""Priorities: derived, not chosen — candidates scored by harm, trend and concentration (see ``PRIORITY_METHOD``)."""

from __future__ import annotations

from svduty.analysis.priorities import why_text
from svduty.analysis.recommendations import approaches_to_avoid, candidates_for
from svduty.report.sna.common import Column, ReportInput, Section, fmt_int, fmt_num, fmt_pct, fmt_prev, make_table

PRIORITY_METHOD = (
    "Priorities are derived, not chosen: each candidate (the three police.uk serious violence categories, the "
    "hotspot places and, where record-level data exist, cross-cutting themes) is scored as 100 × its share of the "
    "estimated harm (crimes × Home Office unit cost) × its trend (this period ÷ the previous one, limited to "
    "0.5–2) × (1 + the Gini coefficient of its spread over LSOAs, so that concentrated problems that place-based "
    "work can reach rank higher). Themes overlap with categories, so scores rank candidates; they do not add up. "
    "Possession of weapons has no Home Office unit cost and is weighted as violence without injury for ranking only."
)


def build(r: ReportInput) -> Section:
    a = r.a
    pr = a.priorities
    recs = a.tables.get("recommendations")
    by_name = recs.set_index("problem") if recs is not None and len(recs) else None
    priorities = []
    for _, r in pr.iterrows():
        rec = by_name.loc[r["name"]] if by_name is not None and r["name"] in by_name.index else None
        found = candidates_for(r["name"], r["kind"])
        priorities.append(
            {
                "name": r["name"],
                "score": f"{r['score']:.1f}",
                "why": why_text(r),
                "evidence": list(r["evidence"]),
                "synthetic": bool(r["synthetic"]),
                "where": rec["where"] if rec is not None else "",
                "measure": rec["measure"] if rec is not None else "",
                "proxy": bool(rec["proxy"]) if rec is not None else False,
                "approaches": found.to_dict("records"),
                "short": f"{why_text(r)}. Candidate approaches: "
                + (", ".join(found["approach"].head(3)) if len(found) else "none in the shipped list")
                + (f". Measure: {rec['measure']}" if rec is not None else ""),
            }
        )
    priority_table = make_table(
        pr,
        [
            Column("rank", "Rank", fmt_int, True),
            Column("name", "Candidate"),
            Column("kind", "Kind"),
            Column("volume", "Crimes", fmt_int, True),
            Column("previous", "Previous", fmt_prev, True),
            Column("harm_share", "Share of harm", fmt_pct, True),
            Column("trend", "Trend factor", lambda v: fmt_num(v, 2), True),
            Column("gini", "Gini", lambda v: fmt_num(v, 2), True),
            Column("score", "Score", fmt_num, True),
        ],
        "Priority scores and their components",
        "tables/priorities.csv",
    )

    return Section(
        id="priorities",
        title="Recommendations",
        ctx={
            "items": priorities,
            "table": priority_table,
            "method": PRIORITY_METHOD,
            "avoid": approaches_to_avoid().to_dict("records"),
        },
    )
