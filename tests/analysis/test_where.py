"""What the SNA's "Where" section calls: ``where_places`` + ``where_figures`` on the real City of London sample."""

from __future__ import annotations

import duckdb
import pytest

from svduty.analysis import places, sna, study_area
from svduty.analysis.where import where_places
from svduty.data.workspace import Workspace
from svduty.report.place_maps import where_figures

ONS_LOOKUP = "LSOA_(2011)_to_LSOA_(2021)_to_Local_Authority_District_(2022)_Best_Fit_Lookup_for_EW_(V2).csv"


@pytest.fixture(scope="module")
def where(city_of_london_workspace):
    with Workspace.open(city_of_london_workspace, read_only=True) as ws:
        area = study_area.area_lsoas(ws.con, sna.Scope(area="E09000001"))
        place = places.analyse(ws.con, area.period, area.lsoas)
        result = where_places(ws.con, area.period, area.lsoas, place)
    return area, place, result


def test_where_places_names_cells_and_lsoas_with_the_bundled_boundaries(where, real_data):
    area, place, w = where
    assert len(area.codes) == 6 and w.boundaries is not None and len(w.boundaries) >= 6
    assert 2.7e6 < w.outline.area < 3.1e6  # the City of London, 2.9 km²
    assert len(w.top_cells) == 10 and w.top_cells["lsoa_name"].str.startswith("City of London").all()
    assert w.top_cells["label"].str.contains(" · On or near ").all()
    assert set(w.lsoa_names["code"]) <= set(area.codes)
    # change: the previous 12 months against the last 12, counted independently from the raw files
    p = area.period
    raw = duckdb.sql(
        f"""SELECT Month FROM read_csv('{real_data / "police-uk/city-of-london/*/*.csv"}', union_by_name=true)
        WHERE "Crime type" IN ('Violence and sexual offences', 'Robbery', 'Possession of weapons')
          AND Longitude IS NOT NULL AND "LSOA code" IN (
            SELECT LSOA11CD FROM read_csv('{real_data / "ons" / ONS_LOOKUP}') WHERE LAD22CD = 'E09000001')"""
    ).df()["Month"]
    cur = raw.between(f"{p.start:%Y-%m}", f"{p.end:%Y-%m}").sum()
    prev = raw.between(f"{p.prev_start:%Y-%m}", f"{p.prev_end:%Y-%m}").sum()
    assert w.change.after.sum() == cur and w.change.before.sum() == prev
    assert w.change_grid.cell_size >= place.cell_size
    assert len(w.categories.labels) == 3 and w.categories.counts_by_class()["persistent hotspot"] > 0
    assert w.category_cells["lsoa_name"].notna().all()


def test_where_figures_draw_the_four_maps(where):
    area, place, w = where
    figs = where_figures(w, place, area.lsoas, period_label=area.period.label, source="police.uk (OGL v3.0)")
    assert set(figs) == {"density", "lsoa_rate", "change", "categories"}
