"""A force's area is its whole police force area: checked on every force of the real national month 2021-08.

The expected authorities come from the raw ONS LAD24→CSP24→PFA24 file in ``../shared`` and the raw LSOA→LAD22
lookup, read here with the csv module (not through ``svduty.data.geography``).
"""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from svduty.analysis import sna
from svduty.data import geography
from svduty.data.workspace import Workspace

from ..conftest import ONS_LOOKUP

# 1 April 2023: LAD 2022 districts → the LAD 2024 unitary that replaced them (by name, as legislated)
MERGED = {
    "Cumberland": {"Allerdale", "Carlisle", "Copeland"},
    "Westmorland and Furness": {"Barrow-in-Furness", "Eden", "South Lakeland"},
    "North Yorkshire": {"Craven", "Hambleton", "Harrogate", "Richmondshire", "Ryedale", "Scarborough", "Selby"},
    "Somerset": {"Mendip", "Sedgemoor", "South Somerset", "Somerset West and Taunton"},
}


@pytest.fixture(scope="module")
def expected(real_data: Path) -> dict[str, set[str]]:
    """PFA name → the LAD 2022 codes of its authorities."""
    with (real_data / "geo" / "lookup_ltla24_csp24_pfa24.csv").open(encoding="utf-8-sig") as fh:
        pfa_rows = list(csv.DictReader(fh))
    with (real_data / "ons" / ONS_LOOKUP).open(encoding="utf-8-sig") as fh:
        lad22 = {(r["LAD22CD"], r["LAD22NM"]) for r in csv.DictReader(fh)}
    out: dict[str, set[str]] = {}
    for row in pfa_rows:
        names = MERGED.get(row["ltla24_name"], {row["ltla24_name"]})
        codes = {c for c, n in lad22 if c == row["ltla24_code"] or (row["ltla24_name"] in MERGED and n in names)}
        assert codes, row
        out.setdefault(row["pfa24_name"], set()).update(codes)
    return out


@pytest.fixture(scope="module")
def con(national_workspace: Path):
    ws = Workspace.open(national_workspace, read_only=True)
    yield ws.con
    ws.close()


def _area(con, force: str):
    scope = sna.Scope(force=force)
    notes = sna.prepare_scope(con, scope)
    period = sna.resolve_period(con, scope)
    frame, lsoa_notes = sna.lsoa_table(con, period, pfas=notes.get("area_pfas"))  # type: ignore[arg-type]
    return notes, frame, lsoa_notes


def test_every_force_has_its_whole_pfa_and_nothing_more(con, expected, real_data: Path):
    forces = sorted(
        p.name[len("2021-08-") : -len("-street.csv")]
        for p in (real_data / "police-uk" / "national" / "2021-08").glob("*.csv")
    )
    assert len(forces) == 40
    checked = 0
    for force in forces:
        if force in geography.NO_PFA:
            continue
        _, frame, _ = _area(con, force)
        pfa = geography.FORCE_PFA[force]
        got = set(frame.loc[frame["in_area"], "lad_code"].dropna())
        assert got == expected[pfa], (force, sorted(got ^ expected[pfa]))
        # strays over the border stay in the counts but outside the area
        outside = frame.loc[~frame["in_area"], "lad_code"].dropna()
        assert not set(outside) & expected[pfa]
        checked += 1
    assert checked == 38  # 40 files less British Transport Police and Northern Ireland


def test_derbyshire_dales_is_in_derbyshire(con, real_data: Path):
    _, frame, lsoa_notes = _area(con, "derbyshire")
    lads = sna.by_local_authority(frame).set_index("lad_name")
    assert "Derbyshire Dales" in lads.index
    # independent count: Derbyshire's raw file, SV categories, LSOA codes of Derbyshire Dales in the raw lookup
    with (real_data / "ons" / ONS_LOOKUP).open(encoding="utf-8-sig") as fh:
        rows = list(csv.DictReader(fh))
    dales = {r["LSOA11CD"] for r in rows if r["LAD22NM"] == "Derbyshire Dales"} | {
        r["LSOA21CD"] for r in rows if r["LAD22NM"] == "Derbyshire Dales"
    }
    raw = real_data / "police-uk" / "national" / "2021-08" / "2021-08-derbyshire-street.csv"
    with raw.open(encoding="utf-8") as fh:
        sv = [
            r
            for r in csv.DictReader(fh)
            if r["Crime type"] in ("Violence and sexual offences", "Robbery", "Possession of weapons")
            and r["LSOA code"] in dales
        ]
    assert int(lads.loc["Derbyshire Dales", "count"]) == len(sv) == 139
    assert "Derbyshire Dales (E07000035)" in lsoa_notes["area_lads"]
    assert "police force area" in lsoa_notes["area_method"]


def test_area_names_csps_or_pfa_explicitly(con):
    notes = sna.prepare_scope(con, sna.Scope(area="E23000018"))  # the Derbyshire PFA code
    assert len(notes["area_lad_codes"]) == 9
    notes = sna.prepare_scope(con, sna.Scope(area="E22000041, E06000015"))  # Derbyshire Dales CSP + Derby
    assert notes["area_lad_codes"] == ["E07000035", "E06000015"]
    notes = sna.prepare_scope(con, sna.Scope(area="E06000065"))  # North Yorkshire (2024) = seven 2022 districts
    assert len(notes["area_lad_codes"]) == 7
    with pytest.raises(sna.SnaError, match="E99999999"):
        sna.prepare_scope(con, sna.Scope(area="E99999999"))


def test_residents_are_the_census_2021_total_of_the_area(con, real_data: Path):
    """No LSOA created in 2021 is lost: residents equal the Census 2021 sum over the area's 2021 LSOAs
    (ONS names each '<authority> 001A'); Durham + Darlington by name, every other force too."""
    census: dict[str, float] = {}
    with (real_data / "ons" / "census21_pop_lsoa21_by_age.csv").open(encoding="utf-8") as fh:
        for r in csv.DictReader(fh):
            district = r["lsoa21_name"].rsplit(" ", 1)[0]
            census[district] = census.get(district, 0.0) + float(r["usual_residents"])
    _, _, notes = _area(con, "durham")
    assert notes["residents"] == census["County Durham"] + census["Darlington"] == 629_847
    for force, pfa in geography.FORCE_PFA.items():
        if force in ("metropolitan", "thames-valley", "west-midlands", "west-yorkshire", "greater-manchester"):
            continue  # not in the national month's files
        _, _, notes = _area(con, force)
        names = [x.rsplit(" (", 1)[0] for x in notes["area_lads"]]
        assert notes["residents"] == pytest.approx(sum(census[n] for n in names)), (force, pfa)
