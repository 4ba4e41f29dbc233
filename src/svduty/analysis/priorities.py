"""Priorities derived from the evidence: volume × harm × trend × concentration, ranked.

Method (printed in the report):

    score = 100 × (volume × harm / total SV harm) × trend × (1 + Gini)

- *volume × harm*: the candidate's crimes in the period times their unit cost (Home Office RR99, central
  split), as a share of the cost of all serious violence: "how much of the harm is this?". Possession of
  weapons has no RR99 unit cost; for ranking only it is weighted at the violence-without-injury unit cost
  (it is never added to £).
- *trend*: this period ÷ the previous one, clipped to 0.5–2 (1 when there is no previous period or it was
  zero), so a rising problem ranks above a falling one of the same size.
- *concentration*: 1 + the Gini coefficient of the candidate's counts over the area's LSOAs (0 = spread
  evenly, 1 = all in one place): a concentrated problem is more open to place-based work.

Candidates are the police.uk SV proxy types, the top 5% of LSOAs as one place candidate, and (when record-
level data exist) cross-cutting themes: victims under 25, knife-enabled, alcohol-related, domestic, night-
time economy. Themes overlap with types (a knife robbery is in both), so scores rank; they do not add up.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pandas as pd

TREND_CLIP = (0.5, 2.0)


@dataclass(frozen=True)
class Candidate:
    name: str
    kind: str  # 'crime type' | 'place' | 'theme'
    volume: int
    previous: int | None
    harm_gbp: float  # unit cost per crime used for ranking (price year of the report)
    lsoa_counts: np.ndarray  # counts over every LSOA of the area (zeros included)
    evidence: tuple[str, ...]
    synthetic: bool = False
    note: str = ""


def trend_factor(volume: int, previous: int | None) -> float:
    if not previous:
        return 1.0
    return float(np.clip(volume / previous, *TREND_CLIP))


def rank_priorities(
    candidates: list[Candidate], total_harm_gbp: float, gini: Callable[[np.ndarray], float]
) -> pd.DataFrame:
    """Score and rank ``candidates``; ``gini`` is the concentration function (from the hotspot engine)."""
    rows = []
    for c in candidates:
        harm_share = (c.volume * c.harm_gbp / total_harm_gbp) if total_harm_gbp else 0.0
        trend = trend_factor(c.volume, c.previous)
        counts = np.asarray(c.lsoa_counts, dtype=float)
        g = float(gini(counts)) if counts.size > 1 and counts.sum() > 0 else 0.0
        rows.append(
            {
                "name": c.name,
                "kind": c.kind,
                "volume": c.volume,
                "previous": c.previous,
                "harm_gbp_per_crime": round(c.harm_gbp),
                "harm_share": harm_share,
                "trend": trend,
                "gini": g,
                "score": 100 * harm_share * trend * (1 + g),
                "synthetic": c.synthetic,
                "evidence": list(c.evidence),
                "note": c.note,
            }
        )
    frame = pd.DataFrame(rows)
    if frame.empty:
        return frame
    frame = frame.sort_values(["score", "volume"], ascending=[False, False]).reset_index(drop=True)
    frame.insert(0, "rank", np.arange(1, len(frame) + 1))
    return frame


def why_text(row: pd.Series) -> str:
    """One plain-English line saying why a priority ranks where it does."""
    parts = [f"{row['volume']:,} crimes in the period, {row['harm_share']:.0%} of the estimated harm"]
    if row["previous"]:
        change = row["volume"] / row["previous"] - 1
        parts.append(f"{'up' if change >= 0 else 'down'} {abs(change):.0%} on the previous period")
    parts.append(
        "concentrated in few places"
        if row["gini"] >= 0.6
        else "moderately concentrated"
        if row["gini"] >= 0.4
        else "spread across the area"
    )
    return "; ".join(parts)
