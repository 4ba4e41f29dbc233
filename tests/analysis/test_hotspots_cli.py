"""`svduty hotspots` end to end on a workspace filled from the real police.uk CSV."""

from __future__ import annotations

import json

import pandas as pd
import pytest
from typer.testing import CliRunner

from svduty.cli.main import app
from svduty.data.schema import SV_PROXY_CRIME_TYPES


@pytest.fixture
def filled(workspace, real_data):
    df = pd.read_csv(real_data / "police-uk/national/2021-08/2021-08-durham-street.csv")
    rows = pd.DataFrame(
        {
            "incident_id": range(len(df)),
            "ingest_id": 1,
            "source": "police.uk",
            "month": pd.to_datetime(df["Month"] + "-01").dt.date,
            "offence_group": df["Crime type"],
            "sv_category": df["Crime type"].where(df["Crime type"].isin(SV_PROXY_CRIME_TYPES)),
            "lat": df["Latitude"],
            "lon": df["Longitude"],
            "lsoa_code": df["LSOA code"],
            "force": "durham",
            "synthetic": False,
        }
    )
    workspace.con.register("rows_df", rows)
    cols = ", ".join(rows.columns)
    workspace.con.execute(f"INSERT INTO incidents ({cols}) SELECT {cols} FROM rows_df")
    path = workspace.path
    workspace.close()
    return path, df


def test_gistar_writes_geojson_csv_and_maps(filled, tmp_path):
    path, df = filled
    out = tmp_path / "out" / "durham"
    result = CliRunner().invoke(
        app,
        [
            "hotspots",
            "--workspace",
            str(path),
            "--method",
            "gistar",
            "--cell",
            "1000",
            "--crime-type",
            "sv",
            "--permutations",
            "99",
            "--out",
            str(out),
        ],
    )
    assert result.exit_code == 0, result.output
    gj = json.loads(out.with_suffix(".geojson").read_text())
    csv = pd.read_csv(out.with_suffix(".csv"))
    n_sv = int(df["Crime type"].isin(SV_PROXY_CRIME_TYPES).sum())
    meta = gj["metadata"]
    # every SV incident is counted once, less the isolated ones the command reports dropping
    assert csv["count"].sum() == n_sv - meta["incidents_dropped_as_isolated"]
    assert len(gj["features"]) == len(csv) == meta["cells"]
    feat = gj["features"][0]
    lon, lat = feat["geometry"]["coordinates"][0][0]
    assert -3 < lon < -1 and 54 < lat < 55.2  # County Durham, in WGS84
    assert {"G", "z", "p_sim", "q_fdr", "hotspot_class"} <= set(feat["properties"])
    assert out.with_suffix(".png").stat().st_size > 10_000


def test_kde_and_concentration_and_clear_errors(filled, tmp_path):
    path, _ = filled
    runner = CliRunner()
    r = runner.invoke(
        app,
        [
            "hotspots",
            "--workspace",
            str(path),
            "--method",
            "kde",
            "--cell",
            "500",
            "--bandwidth",
            "1500",
            "--out",
            str(tmp_path / "k"),
        ],
    )
    assert r.exit_code == 0, r.output
    assert "density_per_km2" in pd.read_csv(tmp_path / "k.csv").columns
    r = runner.invoke(
        app,
        [
            "hotspots",
            "--workspace",
            str(path),
            "--method",
            "concentration",
            "--cell",
            "250",
            "--out",
            str(tmp_path / "c"),
        ],
    )
    assert r.exit_code == 0, r.output
    assert "Gini" in r.output and json.loads((tmp_path / "c.json").read_text())["concentration"]["gini"] > 0.5
    r = runner.invoke(
        app, ["hotspots", "--workspace", str(path), "--crime-type", "Nonsense", "--out", str(tmp_path / "n")]
    )
    assert r.exit_code == 1 and "no located incidents" in r.output
    r = runner.invoke(app, ["hotspots", "--workspace", str(tmp_path / "missing"), "--out", str(tmp_path / "n")])
    assert r.exit_code == 1 and "no workspace" in r.output
    r = runner.invoke(app, ["hotspots", "--workspace", str(path), "--from", "2021-13"])
    assert r.exit_code != 0 and "YYYY-MM" in r.output
