"""Fixtures every test directory may use: where the real open data lives, and fresh workspaces."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from svduty.data import police_uk
from svduty.data.workspace import Workspace

REPO = Path(__file__).resolve().parents[1]
REAL_DATA = REPO.parent / "shared" / "data" / "real"
ARTIFACTS = REPO / "test-artifacts"
ONS_LOOKUP = "LSOA_(2011)_to_LSOA_(2021)_to_Local_Authority_District_(2022)_Best_Fit_Lookup_for_EW_(V2).csv"


@pytest.fixture(scope="session")
def real_data() -> Path:
    """``../shared/data/real`` (present in CI and on the project's machines).

    Elsewhere the real-data tests skip; in CI (``CI=true``) a missing folder fails them, so they never go quiet.
    """
    if not (REAL_DATA / "MANIFEST.md").exists():
        if os.environ.get("CI", "").lower() in ("1", "true", "yes"):
            pytest.fail("CI=true but ../shared/data/real is not beside this checkout")
        pytest.skip("../shared/data/real is not beside this checkout")
    return REAL_DATA


@pytest.fixture
def workspace(tmp_path: Path):
    """A new, empty workspace with the latest schema."""
    ws = Workspace.create(tmp_path / "workspace")
    yield ws
    ws.close()


@pytest.fixture(scope="session")
def city_of_london_workspace(real_data: Path, tmp_path_factory) -> Path:
    """Real City of London police.uk files through the adapter; ONS population and lookup by plain DuckDB.

    The ONS tables are loaded independently of svduty's population adapter so that SNA figures are checked against
    the published files, not against another svduty component. Shared by the session: open it read-only (copy it to
    change it).
    """
    path = tmp_path_factory.mktemp("city-of-london") / "ws"
    with Workspace.create(path) as ws:
        police_uk.ingest(ws, [real_data / "police-uk" / "city-of-london"])
        census = real_data / "ons" / "census21_pop_lsoa21_by_age.csv"
        ws.con.execute(
            f"""INSERT INTO population (area_code, area_name, year, age_band, sex, persons, source)
            SELECT lsoa21_code, any_value(lsoa21_name), 2021, 'all', 'all', sum(usual_residents), 'ONS Census 2021'
            FROM read_csv('{census}', header=true, quote='"', columns={{'lsoa21_code': 'VARCHAR',
                 'lsoa21_name': 'VARCHAR', 'age_group': 'VARCHAR', 'usual_residents': 'DOUBLE'}})
            GROUP BY lsoa21_code"""
        )
        ws.con.execute(
            f"""INSERT INTO lsoa_lookup (lsoa11_code, lsoa11_name, lsoa21_code, lsoa21_name, lad_code, lad_name,
                                         lad_name_welsh, lad_year, ingest_id)
            SELECT LSOA11CD, LSOA11NM, LSOA21CD, LSOA21NM, LAD22CD, LAD22NM, LAD22NMW, 2022, 0
            FROM read_csv('{real_data / "ons" / ONS_LOOKUP}', all_varchar=true)"""
        )
    return path


def load_ons_tables(ws: Workspace, real_data: Path) -> None:
    """Census 2021 residents (LSOA 2021) and the ONS LSOA 2011→2021→LAD 2022 lookup, by plain DuckDB."""
    census = real_data / "ons" / "census21_pop_lsoa21_by_age.csv"
    ws.con.execute(
        f"""INSERT INTO population (area_code, area_name, year, age_band, sex, persons, source)
        SELECT lsoa21_code, any_value(lsoa21_name), 2021, 'all', 'all', sum(usual_residents), 'ONS Census 2021'
        FROM read_csv('{census}', header=true, quote='"', columns={{'lsoa21_code': 'VARCHAR',
             'lsoa21_name': 'VARCHAR', 'age_group': 'VARCHAR', 'usual_residents': 'DOUBLE'}})
        GROUP BY lsoa21_code"""
    )
    ws.con.execute(
        f"""INSERT INTO lsoa_lookup (lsoa11_code, lsoa11_name, lsoa21_code, lsoa21_name, lad_code, lad_name,
                                     lad_name_welsh, lad_year, ingest_id)
        SELECT LSOA11CD, LSOA11NM, LSOA21CD, LSOA21NM, LAD22CD, LAD22NM, LAD22NMW, 2022, 0
        FROM read_csv('{real_data / "ons" / ONS_LOOKUP}', all_varchar=true)"""
    )


@pytest.fixture(scope="session")
def national_workspace(real_data: Path, tmp_path_factory) -> Path:
    """The real 40-force national month 2021-08 through the police.uk adapter, with Census 2021 and the lookup.

    Shared by the session: open it read-only.
    """
    path = tmp_path_factory.mktemp("national") / "ws"
    with Workspace.create(path) as ws:
        police_uk.ingest(ws, [real_data / "police-uk" / "national" / "2021-08"])
        load_ons_tables(ws, real_data)
    return path
