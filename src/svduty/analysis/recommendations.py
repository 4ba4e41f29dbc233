"""Recommendations a board can act on, one per ranked priority: the problem with its figures, the cohort or place,
candidate approaches from the evidence, the success measure it would move, and an owner to agree.

Candidate approaches come from a shipped list (``data/approaches.csv``) holding only published ratings and figures
(the YEF Toolkit's impact band, the figures it quotes, or a named pilot's published result) with their sources;
where none is recorded the cell is blank, never estimated. Approaches the evidence warns against
(``data/approaches_to_avoid.csv``) are listed as such. The ranking formula itself is the priorities' (documented in
the report's method).
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

import pandas as pd

DATA = Path(__file__).parent / "data"
PROXY_CATEGORIES = {"Violence and sexual offences"}  # police.uk categories far broader than serious violence
MEASURES = {
    "Possession of weapons": "Knife- or sharp-object-enabled serious violence, victims under 25 (Home Office measure)",
    "Knife- or sharp-object-enabled violence": "Knife- or sharp-object-enabled serious violence, victims under 25 "
    "(Home Office measure)",
    "Domestic abuse involving a knife": "Knife- or sharp-object-enabled serious violence (local measure: domestic)",
    "Victims under 25": "Hospital admissions for assault with a sharp object, under 25 (Home Office measure)",
    "Children and young people under 18 (victims or suspects)": "Hospital admissions for assault with a sharp "
    "object, under 25 (Home Office measure)",
    "Violence and sexual offences": "Homicides and hospital admissions for assault with a sharp object, under 25 "
    "(Home Office measures); locally, violence with injury",
    "Robbery": "Robbery recorded by the police (local measure) and knife-enabled serious violence, under 25",
    "Alcohol-related violence": "Alcohol-related violence in the night-time economy (local measure)",
    "Night-time economy (Fri–Sat, 20:00–04:00)": "Violence on Friday and Saturday nights (local measure)",
    "Domestic violence": "Domestic violence with injury (local measure)",
    "Men aged 18–35 already involved as suspects": "Reoffending by the cohort (local measure)",
}


@cache
def approaches() -> pd.DataFrame:
    """The shipped candidate approaches, with the problems each fits (``fits``: names, or 'place')."""
    frame = pd.read_csv(DATA / "approaches.csv", dtype=str).fillna("")
    frame["fits"] = frame["fits"].map(lambda s: [x.strip() for x in s.split(";") if x.strip()])
    return frame


@cache
def approaches_to_avoid() -> pd.DataFrame:
    return pd.read_csv(DATA / "approaches_to_avoid.csv", dtype=str).fillna("")


def candidates_for(name: str, kind: str) -> pd.DataFrame:
    """Approaches that fit a priority: by its name, or for a place priority those marked 'place'."""
    key = "place" if kind == "place" else name
    fits = approaches()["fits"].map(lambda f: key in f)
    return approaches()[fits].drop(columns="fits")


def recommend(priorities: pd.DataFrame, sources: list[str]) -> pd.DataFrame:
    """One row per priority, in rank order (``sources``: the crime sources, to mark police.uk proxies)."""
    police_uk = "police.uk" in sources
    rows = []
    for _, p in priorities.iterrows():
        found = candidates_for(p["name"], p["kind"])
        listed = "; ".join(
            f"{r.approach} ({r.yef_impact_on_violence or 'no published rating recorded'}"
            f"{', ' + r.published_figures if r.published_figures else ''}; {r.source})"
            for r in found.itertuples()
        )
        proxy = police_uk and p["kind"] == "crime type" and p["name"] in PROXY_CATEGORIES
        rows.append(
            {
                "rank": int(p["rank"]),
                "problem": p["name"],
                "kind": p["kind"],
                "crimes": int(p["volume"]),
                "harm_share": float(p["harm_share"]),
                "where": p.get("top_places") or "",
                "approaches": listed,
                "measure": MEASURES.get(p["name"], "Serious violence in the named places (local measure)"),
                "owner": "",
                "proxy": bool(proxy),
                "synthetic": bool(p["synthetic"]),
                "evidence": " ".join(p["evidence"]) if isinstance(p["evidence"], list) else str(p["evidence"]),
            }
        )
    return pd.DataFrame(rows)
