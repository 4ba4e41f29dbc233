"""Police force areas: which local authorities (and so which LSOAs) a force polices.

A force's area is its whole police force area (PFA): every LSOA of the local authorities in it. The ONS lookup
LAD24 → CSP24 → PFA24 is shipped in the package (``ref/lookup_ltla24_csp24_pfa24.csv``, OGL v3.0). police.uk names
forces by slug (``devon-and-cornwall``); ONS names PFAs ("Devon & Cornwall"): ``FORCE_PFA`` maps one to the other.

Two vintages of authority meet here: the ONS LSOA lookup in workspaces is LAD 2022; the PFA lookup is LAD 2024.
Between them, on 1 April 2023, 17 districts were merged into four unitary authorities (the Cumbria, North Yorkshire
and Somerset Structural Changes Orders 2022): ``LAD22_TO_LAD24`` maps them, and every other code is the same.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from functools import cache
from pathlib import Path

PFA_LOOKUP = Path(__file__).parent / "ref" / "lookup_ltla24_csp24_pfa24.csv"
PFA_SOURCE = "ONS local authority (2024) → Community Safety Partnership → Police Force Area lookup (OGL v3.0)"

# police.uk force slug → ONS PFA name. British Transport Police and the PSNI police no PFA of England and Wales.
FORCE_PFA: dict[str, str] = {
    "avon-and-somerset": "Avon and Somerset",
    "bedfordshire": "Bedfordshire",
    "cambridgeshire": "Cambridgeshire",
    "cheshire": "Cheshire",
    "city-of-london": "London, City of",
    "cleveland": "Cleveland",
    "cumbria": "Cumbria",
    "derbyshire": "Derbyshire",
    "devon-and-cornwall": "Devon & Cornwall",
    "dorset": "Dorset",
    "durham": "Durham",
    "dyfed-powys": "Dyfed-Powys",
    "essex": "Essex",
    "gloucestershire": "Gloucestershire",
    "greater-manchester": "Greater Manchester",
    "gwent": "Gwent",
    "hampshire": "Hampshire",
    "hertfordshire": "Hertfordshire",
    "humberside": "Humberside",
    "kent": "Kent",
    "lancashire": "Lancashire",
    "leicestershire": "Leicestershire",
    "lincolnshire": "Lincolnshire",
    "merseyside": "Merseyside",
    "metropolitan": "Metropolitan Police",
    "norfolk": "Norfolk",
    "north-wales": "North Wales",
    "north-yorkshire": "North Yorkshire",
    "northamptonshire": "Northamptonshire",
    "northumbria": "Northumbria",
    "nottinghamshire": "Nottinghamshire",
    "south-wales": "South Wales",
    "south-yorkshire": "South Yorkshire",
    "staffordshire": "Staffordshire",
    "suffolk": "Suffolk",
    "surrey": "Surrey",
    "sussex": "Sussex",
    "thames-valley": "Thames Valley",
    "warwickshire": "Warwickshire",
    "west-mercia": "West Mercia",
    "west-midlands": "West Midlands",
    "west-yorkshire": "West Yorkshire",
    "wiltshire": "Wiltshire",
}
NO_PFA = {"btp": "British Transport Police", "northern-ireland": "Police Service of Northern Ireland"}

# LAD 2022 districts abolished on 1 April 2023 → the LAD 2024 unitary authority that took them over.
LAD22_TO_LAD24: dict[str, str] = {
    **dict.fromkeys(("E07000026", "E07000028", "E07000029"), "E06000063"),  # Allerdale, Carlisle, Copeland → Cumberland
    **dict.fromkeys(("E07000027", "E07000030", "E07000031"), "E06000064"),  # Barrow, Eden, S Lakeland → Westmorland
    **dict.fromkeys(
        ("E07000163", "E07000164", "E07000165", "E07000166", "E07000167", "E07000168", "E07000169"), "E06000065"
    ),  # Craven, Hambleton, Harrogate, Richmondshire, Ryedale, Scarborough, Selby → North Yorkshire
    **dict.fromkeys(("E07000187", "E07000188", "E07000189", "E07000246"), "E06000066"),  # the Somerset districts
}


@dataclass(frozen=True)
class AuthorityRow:
    lad_code: str
    lad_name: str
    csp_code: str
    csp_name: str
    pfa_code: str
    pfa_name: str


@cache
def authorities() -> tuple[AuthorityRow, ...]:
    """The shipped LAD24 → CSP24 → PFA24 rows (one per authority and CSP)."""
    with PFA_LOOKUP.open(encoding="utf-8-sig", newline="") as fh:
        return tuple(
            AuthorityRow(
                r["ltla24_code"], r["ltla24_name"], r["csp24_code"], r["csp24_name"], r["pfa24_code"], r["pfa24_name"]
            )
            for r in csv.DictReader(fh)
        )


def lad24(code: str) -> str:
    """The 2024 authority code of a 2022 or 2024 code (unchanged codes map to themselves)."""
    return LAD22_TO_LAD24.get(code, code)


def pfa_name(force: str | None) -> str | None:
    """The ONS PFA name for a police.uk slug, a PFA name or a PFA code; None when the force has no PFA."""
    if not force:
        return None
    key = force.strip().lower()
    if key in FORCE_PFA:
        return FORCE_PFA[key]
    for row in authorities():
        if key in (row.pfa_name.lower(), row.pfa_code.lower()):
            return row.pfa_name
    slug = key.replace(" & ", "-and-").replace(" and ", "-and-").replace(" ", "-")
    for suffix in ("-service", "-police", "-constabulary"):  # "Metropolitan Police Service", "Durham Constabulary"
        slug = slug.removesuffix(suffix)
    return FORCE_PFA.get(slug)


def pfa_authorities(pfa: str) -> list[AuthorityRow]:
    """One row per local authority of the police force area ``pfa`` (its ONS name), first CSP kept."""
    seen: dict[str, AuthorityRow] = {}
    for row in authorities():
        if row.pfa_name == pfa and row.lad_code not in seen:
            seen[row.lad_code] = row
    return sorted(seen.values(), key=lambda r: r.lad_name)


def expand_codes(codes: list[str]) -> list[str]:
    """LAD 2024 codes for a list of local authority (2022 or 2024), CSP (E22/W14) or PFA (E23/W15) codes.

    Raises ``KeyError`` naming the first code found nowhere in the lookup.
    """
    out: list[str] = []
    for raw in codes:
        code = raw.strip().upper()
        rows = [r for r in authorities() if code in (r.lad_code, r.csp_code, r.pfa_code) or lad24(code) == r.lad_code]
        if not rows:
            raise KeyError(code)
        out += [r.lad_code for r in rows if r.lad_code not in out]
    return out


LAD_AREAS = Path(__file__).parent / "ref" / "lad22_area_km2.csv"


def build_lad_areas(geo_dir: Path, lookup_csv: Path, out: Path = LAD_AREAS) -> None:
    """Land area of each LAD 2022 (km²): the sum of its 2011 LSOA polygons (ONS boundaries, MANIFEST §8), measured
    in British National Grid. Built once by a maintainer with geopandas (not a runtime dependency)."""
    import geopandas as gpd  # build-time only
    import pandas as pd

    lsoas = gpd.read_file(geo_dir / "lsoa11_boundaries.gpkg").to_crs(27700)
    lsoas["km2"] = lsoas.geometry.make_valid().area / 1e6
    lk = pd.read_csv(lookup_csv, encoding="utf-8-sig", usecols=["LSOA11CD", "LAD22CD", "LAD22NM"])
    joined = lk.merge(lsoas[["lsoa11_code", "km2"]], left_on="LSOA11CD", right_on="lsoa11_code")
    table = joined.groupby(["LAD22CD", "LAD22NM"], as_index=False)["km2"].sum().round({"km2": 2})
    table.rename(columns={"LAD22CD": "lad_code", "LAD22NM": "lad_name", "km2": "area_km2"}).to_csv(out, index=False)


@cache
def lad_areas() -> dict[str, float]:
    """LAD 2022 code → area in km² (``build_lad_areas``)."""
    with LAD_AREAS.open(encoding="utf-8", newline="") as fh:
        return {r["lad_code"]: float(r["area_km2"]) for r in csv.DictReader(fh)}
