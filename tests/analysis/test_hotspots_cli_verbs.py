"""`svduty hotspots` count / change / classify, hex grids, the area's LSOAs as study area, named places."""

from __future__ import annotations

import json

import duckdb
import pandas as pd
from typer.testing import CliRunner

from svduty.cli.main import app

ONS_LOOKUP = "LSOA_(2011)_to_LSOA_(2021)_to_Local_Authority_District_(2022)_Best_Fit_Lookup_for_EW_(V2).csv"
SV = "('Violence and sexual offences', 'Robbery', 'Possession of weapons')"


def city_sv_in_area(real_data) -> pd.DataFrame:
    """Located SV rows of the raw files whose LSOA is one of the City of London's (E09000001), by the ONS lookup."""
    return duckdb.sql(
        f"""SELECT * FROM read_csv('{real_data / "police-uk/city-of-london/*/*.csv"}', union_by_name=true)
        WHERE "Crime type" IN {SV} AND Longitude IS NOT NULL AND "LSOA code" IN (
            SELECT LSOA11CD FROM read_csv('{real_data / "ons" / ONS_LOOKUP}') WHERE LAD22CD = 'E09000001'
            UNION SELECT LSOA21CD FROM read_csv('{real_data / "ons" / ONS_LOOKUP}') WHERE LAD22CD = 'E09000001')"""
    ).df()


def run(args):
    result = CliRunner().invoke(app, ["hotspots", *args])
    assert result.exit_code == 0, result.output
    return result


def test_count_on_hexagons_over_the_areas_lsoas(city_of_london_workspace, real_data, tmp_path):
    out = tmp_path / "count"
    r = run(
        [
            "-w",
            str(city_of_london_workspace),
            "--method",
            "count",
            "--grid",
            "hex",
            "--cell",
            "150",
            "--crime-type",
            "sv",
            "--area",
            "E09000001",
            "--out",
            str(out),
        ]
    )
    assert "study area: 6 LSOAs" in r.output
    raw = city_sv_in_area(real_data)
    csv = pd.read_csv(out.with_suffix(".csv"))
    assert csv["count"].sum() == len(raw)  # every SV crime in the City's LSOAs, none from over the border
    gj = json.loads(out.with_suffix(".geojson").read_text())
    assert len(gj["features"][0]["geometry"]["coordinates"][0]) == 7  # hexagons
    meta = gj["metadata"]
    assert meta["grid"] == "hex" and meta["study_area"]["outline"] == "union of the area's LSOA boundaries"
    assert "ONS LSOA boundaries" in meta["study_area"]["boundaries"]
    places = pd.read_csv(out.with_name("count.places.csv"))
    assert len(places) == 10 and places["lsoa_name"].str.startswith("City of London").all()
    assert places["street"].str.startswith("On or near ").all()
    # the top cell's street is the most frequent Location among the raw rows in it (independent count)
    top = places.iloc[0]
    assert top["incidents"] == csv["count"].max()


def test_change_and_classify(city_of_london_workspace, real_data, tmp_path):
    out = tmp_path / "change"
    r = run(
        [
            "-w",
            str(city_of_london_workspace),
            "--method",
            "change",
            "--cell",
            "200",
            "--crime-type",
            "sv",
            "--area",
            "E09000001",
            "--before",
            "2019-03:2020-02",
            "--after",
            "2020-03:2021-02",
            "--out",
            str(out),
        ]
    )
    meta = json.loads(out.with_suffix(".json").read_text())
    raw = city_sv_in_area(real_data)
    assert meta["incidents_before"] == int(raw["Month"].between("2019-03", "2020-02").sum())
    assert meta["incidents_after"] == int(raw["Month"].between("2020-03", "2021-02").sum())
    assert "Binomial" in meta["test"] and "Benjamini-Hochberg" in meta["test"]
    csv = pd.read_csv(out.with_suffix(".csv"))
    assert (csv["change"] == csv["n_after"] - csv["n_before"]).all()
    assert "Significant decrease" in r.output  # the first lockdown emptied the City
    out = tmp_path / "classify"
    r = run(
        [
            "-w",
            str(city_of_london_workspace),
            "--method",
            "classify",
            "--grid",
            "hex",
            "--cell",
            "150",
            "--crime-type",
            "sv",
            "--area",
            "E09000001",
            "--period-months",
            "3",
            "--out",
            str(out),
        ]
    )
    meta = json.loads(out.with_suffix(".json").read_text())
    assert len(meta["periods"]) == 12 and meta["recent_periods"] == 2 and meta["params"]["persistent_prop"] == 0.8
    assert meta["classes"]["persistent hotspot"] > 0 and "persistent hotspot" in r.output
    assert out.with_suffix(".png").stat().st_size > 20_000


def test_bad_spans_and_unknown_area(city_of_london_workspace, tmp_path):
    base = ["hotspots", "-w", str(city_of_london_workspace), "--method", "change", "--out", str(tmp_path / "x")]
    r = CliRunner().invoke(app, [*base, "--before", "2020-13:2021-01", "--after", "2021-02:2021-03"])
    assert r.exit_code == 1 and "YYYY-MM:YYYY-MM" in r.output
    r = CliRunner().invoke(app, [*base, "--before", "2020-01:2020-06", "--after", "2020-03:2020-09"])
    assert r.exit_code == 1 and "--before must end before --after" in r.output
    r = CliRunner().invoke(app, [*base, "--area", "Nowhere"])
    assert r.exit_code == 1 and "no incidents" in r.output
    r = CliRunner().invoke(app, [*base, "--boundaries", str(tmp_path / "none.gpkg")])
    assert r.exit_code == 1 and "no such boundary file" in r.output
