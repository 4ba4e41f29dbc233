"""The cost of violence: Home Office unit costs of crime, uprated, applied to police.uk categories.

Unit costs are from Heeks, Reed, Tafsiri and Prince (2018), *The economic and social costs of crime*, second
edition, Home Office Research Report 99, unit costs of crime against individuals in 2015/16 prices: the total of
anticipation, consequence (physical and emotional harm, lost output, health services, victim services) and response
(police, criminal justice) costs per offence.

Provenance, stated honestly (checked 2026-11 against an offline copy of public pages; the report PDF itself was not
reachable, only the opening of a transcription at readkong.com, so the table number is not confirmed):

- rape £39,360, violence with injury £14,050, robbery £11,320 and other sexual offences £6,520 are confirmed to the
  pound by a press report of the Home Office figures (South Wales Echo, 2 August 2019, "Revealed: the cost of crime",
  pressreader.com), which also gives parts of the response costs: police £11,960 per homicide and £6,360 per rape,
  criminal justice £800,980 per homicide (£318,240 of it prisons);
- homicide is confirmed only as "£3.2m" (same article; Russell Webster, "Crime costs us £59bn a year", 2018), which
  £3,217,740 rounds to;
- violence without injury £5,930 was not found in any reachable source.

So ``UNIT_COSTS_VERIFIED`` stays False (``UNIT_COST_CHECKS`` says which figure rests on what) and the report prints
that caveat next to the cost table. No anticipation/consequence/response split beyond the response items above was
found, so none is used.

Uprating uses the HM Treasury GDP deflator (financial years, March 2026 release, 2024-25 = 100, ONS series L8GG),
read from ``data/gdp_deflator.csv`` whose header records the release, where each value was quoted and its
verification status; years the file lacks are interpolated log-linearly and listed (``Deflator.interpolated``).
police.uk publishes broad categories, so "Violence and sexual offences" is split into costed offence types by national
shares (``data/violence_split_shares.csv``, year ending March 2020, each count marked verified or not) and a low–high
range is given (see ``split_scenarios``).
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from datetime import date
from functools import cache
from itertools import pairwise
from pathlib import Path

import pandas as pd

DATA = Path(__file__).parent / "data"

COST_SOURCE = (
    "Heeks, Reed, Tafsiri and Prince (2018), The economic and social costs of crime, 2nd edition, "
    "Home Office Research Report 99, unit costs per offence (2015/16 prices)"
)
UNIT_COST_PRICE_YEAR = "2015-16"
# True only when every unit cost is confirmed to the pound against the report or a faithful copy of its table.
UNIT_COSTS_VERIFIED = False

# £ per offence, 2015/16 prices (RR99 unit costs; see the module docstring and UNIT_COST_CHECKS on verification).
UNIT_COSTS_2015_16: dict[str, int] = {
    "Homicide": 3_217_740,
    "Rape": 39_360,
    "Violence with injury": 14_050,
    "Robbery": 11_320,
    "Other sexual offences": 6_520,
    "Violence without injury": 5_930,
}

_ECHO = (
    "South Wales Echo, 2 Aug 2019, 'Revealed: the cost of crime' (Home Office 2018 figures, 2015/16 base), "
    "https://www.pressreader.com/uk/south-wales-echo/20190802/282020443907609"
)
# offence type -> (confirmed to the pound?, by what). A secondary source, not the report's own table.
UNIT_COST_CHECKS: dict[str, tuple[bool, str]] = {
    "Homicide": (False, f"only as '£3.2m': {_ECHO}; http://www.russellwebster.com/crimecosts18/ '£3.2m'"),
    "Rape": (True, _ECHO),
    "Violence with injury": (True, _ECHO),
    "Robbery": (True, _ECHO),
    "Other sexual offences": (True, _ECHO + " ('a sexual offence - not including rape')"),
    "Violence without injury": (False, "not found in any reachable source"),
}
UNIT_COSTS_UNCONFIRMED: tuple[str, ...] = tuple(k for k, (ok, _) in UNIT_COST_CHECKS.items() if not ok)

# police.uk crime type -> how it is costed. Possession of weapons is a state-based offence with no victim:
# RR99 gives it no unit cost, so it counts in volume but adds £0 (said in the report).
POLICE_UK_COSTING: dict[str, str] = {
    "Violence and sexual offences": "split by national shares (see violence_split_shares.csv)",
    "Robbery": "Robbery (RR99 personal robbery unit cost)",
    "Possession of weapons": "not costed: RR99 has no unit cost for possession offences",
}


@dataclass(frozen=True)
class Deflator:
    source: str
    verified: bool
    index: dict[str, float]  # financial year '2020-21' -> index value (published or interpolated)
    interpolated: tuple[str, ...] = ()  # years not in the file, filled log-linearly between published neighbours

    def factor(self, to_year: str, from_year: str = UNIT_COST_PRICE_YEAR) -> float:
        """Multiply a ``from_year`` price by this for ``to_year`` prices (latest year if beyond)."""
        to_year = to_year if to_year in self.index else max(self.index)
        return self.index[to_year] / self.index[from_year]


def _read_commented_csv(path: Path) -> tuple[list[str], list[dict[str, str]]]:
    with path.open(encoding="utf-8") as fh:
        lines = fh.read().splitlines()
    comments = [line[1:].strip() for line in lines if line.startswith("#")]
    rows = list(csv.DictReader(line for line in lines if not line.startswith("#")))
    return comments, rows


def _fy_start(year: str) -> int:
    return int(year[:4])


def _fy_label(start: int) -> str:
    return f"{start}-{(start + 1) % 100:02d}"


@cache
def load_deflator(path: Path = DATA / "gdp_deflator.csv") -> Deflator:
    """The GDP deflator series used for uprating, with its provenance lines.

    Financial years missing between two published years are filled by constant-growth (log-linear) interpolation,
    the usual way to fill an index between two known points; they are listed in ``Deflator.interpolated`` so the
    report can say so. Nothing is extrapolated here: ``Deflator.factor`` uses the latest year beyond the series.
    """
    comments, rows = _read_commented_csv(path)
    published: dict[int, float] = {}
    for n, row in enumerate(rows, start=1):
        year, value = (row.get("financial_year") or "").strip(), (row.get("index") or "").strip()
        try:
            start = _fy_start(year)
            if year != _fy_label(start):
                raise ValueError
            published[start] = float(value)
        except ValueError:
            raise ValueError(f"{path.name}: data row {n}: bad financial_year/index {year!r}/{value!r}") from None
    index: dict[str, float] = {}
    interpolated: list[str] = []
    starts = sorted(published)
    for lo, hi in pairwise(starts):
        for y in range(lo + 1, hi):
            index[_fy_label(y)] = published[lo] * (published[hi] / published[lo]) ** ((y - lo) / (hi - lo))
            interpolated.append(_fy_label(y))
    index.update({_fy_label(y): v for y, v in published.items()})
    return Deflator(
        source=" ".join(comments),
        verified="VERIFIED=true" in " ".join(comments),
        index=dict(sorted(index.items())),
        interpolated=tuple(sorted(interpolated)),
    )


@cache
def load_violence_split(path: Path = DATA / "violence_split_shares.csv") -> pd.DataFrame:
    """National shares of offence types inside police.uk's "Violence and sexual offences".

    ``verified`` (bool) says whether each count was confirmed against a published figure (sources in the file header).
    """
    _, rows = _read_commented_csv(path)
    frame = pd.DataFrame(rows)
    frame["recorded_ye_mar2020"] = frame["recorded_ye_mar2020"].astype(float)
    frame["share"] = frame["recorded_ye_mar2020"] / frame["recorded_ye_mar2020"].sum()
    flags = frame["verified"].str.strip().str.lower() if "verified" in frame else pd.Series("false", index=frame.index)
    frame["verified"] = flags == "true"
    return frame


def split_unverified() -> list[str]:
    """Offence types whose national count in the split file is not confirmed against a published figure."""
    split = load_violence_split()
    return list(split.loc[~split["verified"], "offence_type"])


def financial_year(day: date) -> str:
    """UK financial year (April–March) holding ``day``, written ``2020-21``."""
    start = day.year if day.month >= 4 else day.year - 1
    return f"{start}-{(start + 1) % 100:02d}"


def split_scenarios() -> dict[str, float]:
    """£ (2015/16 prices) per police.uk "Violence and sexual offences" crime, in three scenarios.

    - central: national shares; stalking and harassment uncosted (RR99 has no unit cost for it);
    - low: as central but without homicide (a local area rarely has the national homicide share, and police.uk
      cannot show it), so the weighted cost of the rest re-normalised to the non-homicide shares;
    - high: national shares, stalking and harassment costed as violence without injury.
    """
    split = load_violence_split()
    cost = split["unit_cost_type"].map(UNIT_COSTS_2015_16).fillna(0.0)
    central = float((split["share"] * cost).sum())
    high_cost = cost.where(split["unit_cost_type"] != "", UNIT_COSTS_2015_16["Violence without injury"])
    high = float((split["share"] * high_cost).sum())
    no_homicide = split["offence_type"] != "Homicide"
    low = float((split.loc[no_homicide, "share"] * cost[no_homicide]).sum() / split.loc[no_homicide, "share"].sum())
    return {"low": low, "central": central, "high": high}


def unit_cost(category: str, scenario: str = "central", *, ranking: bool = False) -> float:
    """£ per crime (2015/16 prices) for an SV category: a police.uk proxy type or a record-level category.

    Record-level categories named as in RR99 (Homicide, Violence with injury, Violence without injury, Robbery)
    take RR99's unit cost directly in every scenario. Possession of weapons and anything uncosted is £0, except
    with ``ranking=True`` (priority scores only), where uncosted violence is weighted as violence without injury.
    """
    if category == "Violence and sexual offences":
        return split_scenarios()[scenario]
    if category in UNIT_COSTS_2015_16:
        return float(UNIT_COSTS_2015_16[category])
    return float(UNIT_COSTS_2015_16["Violence without injury"]) if ranking else 0.0


def costing_note(category: str) -> str:
    if category in POLICE_UK_COSTING:
        return POLICE_UK_COSTING[category]
    if category in UNIT_COSTS_2015_16:
        return f"{category} (RR99 unit cost)"
    return "not costed: no RR99 unit cost"


def unit_cost_per_police_uk_type(scenario: str = "central") -> dict[str, float]:
    """£ per crime (2015/16 prices) for each police.uk SV proxy type under ``scenario``."""
    return {
        "Violence and sexual offences": split_scenarios()[scenario],
        "Robbery": float(UNIT_COSTS_2015_16["Robbery"]),
        "Possession of weapons": 0.0,
    }


def cost_of_violence(counts: dict[str, int], price_year: str, population: float | None) -> pd.DataFrame:
    """Cost of SV by category (police.uk type or record-level category) in ``price_year`` prices, plus ``Total``.

    Money is rounded to whole pounds only at the end; ``per_resident_*`` is NaN when no population is known.
    """
    factor = load_deflator().factor(price_year)
    rows = []
    for crime_type, n in counts.items():
        count = int(n)
        row: dict[str, object] = {"crime_type": crime_type, "count": count, "costing": costing_note(crime_type)}
        for scenario in ("low", "central", "high"):
            unit = unit_cost(crime_type, scenario) * factor
            row[f"unit_cost_{scenario}"] = round(unit)
            row[f"cost_{scenario}"] = round(unit * count)
        rows.append(row)
    frame = pd.DataFrame(rows)
    total = {"crime_type": "Total", "count": int(frame["count"].sum()), "costing": ""}
    for scenario in ("low", "central", "high"):
        total[f"unit_cost_{scenario}"] = None
        total[f"cost_{scenario}"] = int(frame[f"cost_{scenario}"].sum())
    frame = pd.concat([frame, pd.DataFrame([total])], ignore_index=True)
    for scenario in ("low", "central", "high"):
        frame[f"per_resident_{scenario}"] = frame[f"cost_{scenario}"] / population if population else float("nan")
    frame["price_year"] = price_year
    return frame


def unit_cost_table(price_year: str) -> pd.DataFrame:
    """RR99 unit costs in 2015/16 prices and uprated to ``price_year``, for printing with the source."""
    factor = load_deflator().factor(price_year)
    return pd.DataFrame(
        [
            {
                "offence_type": name,
                "unit_cost_2015_16": cost,
                "unit_cost_uprated": round(cost * factor),
                "price_year": price_year,
                "deflator_factor": round(factor, 4),
            }
            for name, cost in UNIT_COSTS_2015_16.items()
        ]
    )
