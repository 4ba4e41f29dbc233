"""Make ``example-rms-extract-SYNTHETIC.csv``: a made-up police record extract (no real person or crime in it).

Run from this folder: ``python generate_example_extract.py``. Deterministic (seed 2024). The layout imitates a
typical RMS crime export (one row per crime × suspect, UK dates, Y/N markers) and ``example-mapping.toml`` reads it.
Three rows are deliberately wrong (a bad date, an unknown offence code, an impossible age) to show rejects.
"""

from __future__ import annotations

import csv
from datetime import datetime, timedelta
from pathlib import Path

import numpy as np

# code, description, weight, knife share
OFFENCES = [
    ("8N", "Assault with injury", 30, 0.05),
    ("105A", "Assault without injury", 30, 0.01),
    ("5D", "Assault with intent to cause serious harm", 5, 0.3),
    ("34B", "Robbery of personal property", 8, 0.25),
    ("34A", "Robbery of business property", 1, 0.3),
    ("10D", "Possession of article with blade or point", 3, 1.0),
    ("10C", "Possession of other weapons", 1, 0.0),
    ("3B", "Threats to kill", 2, 0.1),
    ("1", "Murder", 1.5, 0.6),
    ("28E", "Burglary - residential", 8, 0.0),
    ("46", "Shoplifting", 12, 0.0),
]
LSOAS = [
    ("E01000001", 51.5182, -0.0972),
    ("E01000005", 51.5145, -0.0760),
    ("E01032739", 51.5152, -0.0880),
    ("E01032740", 51.5120, -0.0990),
    ("E01000917", 51.5208, -0.1060),
    ("E01004734", 51.5170, -0.1280),
]
OUTCOMES = [
    "Investigation complete; no suspect identified",
    "Charged",
    "Unable to prosecute suspect",
    "Under investigation",
    "Community resolution",
]


def main() -> None:
    rng = np.random.default_rng(2024)
    weights = np.array([o[2] for o in OFFENCES])
    rows = []
    start = datetime(2020, 1, 1)
    for n in range(1, 401):
        code, desc, _, knife_share = OFFENCES[rng.choice(len(OFFENCES), p=weights / weights.sum())]
        when = start + timedelta(minutes=int(rng.integers(0, 730 * 24 * 60)))
        lsoa, lat, lon = LSOAS[rng.integers(len(LSOAS))]
        violent = code not in ("28E", "46", "10D", "10C")
        row = {
            "CrimeRef": f"EX/{20000 + n}/{when:%y}",
            "HOOffenceCode": code,
            "OffenceDescription": desc,
            "CommittedDate": f"{when:%d/%m/%Y}",
            "CommittedTime": f"{when:%H:%M}" if rng.random() > 0.05 else "",
            "LSOA": lsoa,
            "Latitude": f"{lat + rng.normal(0, 0.002):.6f}",
            "Longitude": f"{lon + rng.normal(0, 0.003):.6f}",
            "Location": "On or near (synthetic street)",
            "DomesticMarker": "Y" if code in ("8N", "105A", "5D", "3B") and rng.random() < 0.4 else "N",
            "AlcoholMarker": ("Y" if rng.random() < 0.3 else "N") if violent else "",
            "WeaponKnife": "Y" if rng.random() < knife_share else "N",
            "Outcome": OUTCOMES[rng.integers(len(OUTCOMES))],
            "VictimID": f"P{rng.integers(100000, 999999)}" if violent else "",
            "VictimAge": str(int(rng.integers(12, 70))) if violent else "",
            "VictimSex": ("M" if rng.random() < 0.6 else "F") if violent else "",
            "SuspectID": f"P{rng.integers(100000, 999999)}" if rng.random() < 0.75 else "",
            "SuspectAge": str(int(rng.integers(14, 55))),
            "SuspectSex": "M" if rng.random() < 0.85 else "F",
        }
        if not row["SuspectID"]:
            row["SuspectAge"] = row["SuspectSex"] = ""
        rows.append(row)
        if row["SuspectID"] and rng.random() < 0.15:  # a second suspect: another row for the same crime
            second = dict(row)
            second.update(
                VictimID="",
                VictimAge="",
                VictimSex="",
                SuspectID=f"P{rng.integers(100000, 999999)}",
                SuspectAge=str(int(rng.integers(14, 30))),
            )
            rows.append(second)
    rows[10]["CommittedDate"] = "31/02/2021"  # no such date
    rows[20]["HOOffenceCode"] = "999Z"  # not in the mapping
    rows[30]["SuspectAge"] = "150"  # impossible age
    out = Path(__file__).with_name("example-rms-extract-SYNTHETIC.csv")
    with out.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)


if __name__ == "__main__":
    main()
