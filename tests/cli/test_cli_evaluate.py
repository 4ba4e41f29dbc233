"""``svduty evaluate`` on the real City of London workspace: series counted independently with pandas from the raw
police.uk CSVs, result.json keys as the issue names them, HTML and PDF written, one-line errors."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from typer.testing import CliRunner

from svduty.analysis.evaluation import EvaluationError
from svduty.analysis.evaluation.series import Selection, outcome_series, panel_series
from svduty.cli.main import app
from svduty.data.workspace import Workspace

runner = CliRunner()
SV = ("Violence and sexual offences", "Robbery", "Possession of weapons")
ITS_KEYS = {
    "level_change",
    "level_change_ci",
    "level_change_p",
    "slope_change",
    "slope_change_p",
    "relative_change",
    "hac_lags",
    "n_pre",
    "n_post",
    "model",
}


@pytest.fixture(scope="module")
def raw(real_data: Path) -> pd.DataFrame:
    files = sorted((real_data / "police-uk" / "city-of-london").glob("*/*.csv"))
    return pd.concat([pd.read_csv(f, dtype=str) for f in files], ignore_index=True)


@pytest.fixture(scope="module")
def con(city_of_london_workspace: Path):
    ws = Workspace.open(city_of_london_workspace, read_only=True)
    yield ws.con
    ws.close()


def test_series_counts_equal_raw_counts(con, raw):
    sv = outcome_series(con, Selection(crime_types=("sv",)))
    expected = raw[raw["Crime type"].isin(SV)].groupby("Month").size()
    assert sv.frame["count"].tolist() == expected.tolist()
    assert len(sv.frame) == 36 and not sv.synthetic
    both = outcome_series(con, Selection(crime_types=("Robbery", "shoplifting"), frequency="quarter"))
    months = raw[raw["Crime type"].isin(["Robbery", "Shoplifting"])].groupby("Month").size()
    quarters = months.groupby(pd.PeriodIndex(months.index, freq="Q")).sum()
    whole = quarters.loc[pd.Period("2019Q1") : pd.Period("2021Q3")]  # 2018 Q4 and 2021 Q4 are partial
    assert both.frame["count"].tolist() == whole.tolist()
    allc = outcome_series(con, Selection(crime_types=("all",), rate=True))
    assert allc.frame["count"].sum() == int((raw["Crime type"] != "Anti-social behaviour").sum())
    assert allc.frame["value"].iloc[0] == pytest.approx(allc.frame["count"].iloc[0] / allc.notes["residents"] * 1000)
    with pytest.raises(EvaluationError, match="not in the data"):
        outcome_series(con, Selection(crime_types=("Knife crime",)))


def test_lsoa_list_and_hotspot_cells(con, raw):
    from pyproj import Transformer

    codes = ("E01000001", "E01000005")
    sel = outcome_series(con, Selection(crime_types=("sv",), lsoas=codes))
    sv = raw[raw["Crime type"].isin(SV)]
    assert sel.frame["count"].sum() == int(sv["LSOA code"].isin(codes).sum())
    # hotspot cells: the two busiest 250 m cells, found independently with pyproj (WGS84 -> British National Grid)
    located = sv.dropna(subset=["Longitude", "Latitude"])
    to_bng = Transformer.from_crs("EPSG:4326", "EPSG:27700", always_xy=True)
    x, y = to_bng.transform(located["Longitude"].astype(float).to_numpy(), located["Latitude"].astype(float).to_numpy())
    cx, cy = np.floor(x / 250) * 250 + 125, np.floor(y / 250) * 250 + 125
    top = pd.Series(list(zip(cx, cy, strict=True))).value_counts().head(2)
    cells = outcome_series(con, Selection(crime_types=("sv",), cells=tuple(top.index), cell_size=250))
    assert cells.frame["count"].sum() == int(top.sum())
    with pytest.raises(EvaluationError, match="cell size"):
        outcome_series(con, Selection(cells=tuple(top.index)))


def test_lsoa_panel_counts_equal_raw_counts(con, raw):
    panel = panel_series(con, Selection(crime_types=("all",), area="City of London"), "lsoa")
    rec = raw[
        (raw["Crime type"] != "Anti-social behaviour") & raw["LSOA name"].str.startswith("City of London", na=False)
    ]
    expected = rec.groupby("LSOA code").size().sort_index()
    got = panel.frame.groupby("unit")["count"].sum().sort_index()
    assert got.to_dict() == expected.to_dict()
    assert panel.frame.groupby("unit").size().eq(36).all()  # balanced, zeros included


def test_its_command_writes_report_and_result_json(city_of_london_workspace, tmp_path):
    out = tmp_path / "its"
    result = runner.invoke(
        app,
        [
            "evaluate",
            "its",
            "--workspace",
            str(city_of_london_workspace),
            "--out",
            str(out),
            "--crime-type",
            "all",
            "--interruption",
            "2020-04",
            "--seasonality",
            "month",
            "--natural-experiment",
        ],
    )
    assert result.exit_code == 0, result.output
    j = json.loads((out / "result.json").read_text())
    assert j.keys() >= ITS_KEYS
    assert len(j["level_change_ci"]) == 2 and j["level_change_ci"][0] < j["level_change"] < j["level_change_ci"][1]
    assert (j["n_pre"], j["n_post"]) == (16, 20)
    assert j["maryland_sms"]["level"] == 2 and j["natural_experiment"] is True
    html = (out / "index.html").read_text()
    for words in (
        "Summary in plain language",
        "Question",
        "Design",
        "Data",
        "Maryland",
        "Estimate",
        "Checks",
        "Limitations",
        "<svg",
    ):
        assert words in html
    assert (out / "evaluation.pdf").read_bytes()[:4] == b"%PDF"
    series = pd.read_csv(out / "tables" / "series.csv")
    assert len(series) == 36


def test_did_synth_and_power_commands(city_of_london_workspace, tmp_path):
    ws = str(city_of_london_workspace)
    common = ["--workspace", ws, "--crime-type", "all", "--no-pdf"]
    did = runner.invoke(
        app,
        [
            "evaluate",
            "did",
            *common,
            "--out",
            str(tmp_path / "did"),
            "--area",
            "City of London",
            "--treated",
            "E01032739",
            "--treated",
            "E01032740",
            "--interruption",
            "2020-04",
            "--log",
        ],
    )
    assert did.exit_code == 0, did.output
    j = json.loads((tmp_path / "did" / "result.json").read_text())
    assert j["n_treated"] == 2 and j["n_control"] == 4 and j["clusters"] == 6
    adoption = tmp_path / "adoption.csv"
    adoption.write_text("unit,first_month\nE01032739,2020-04\nE01032740,2020-04\nE01000005,2020-07\n")
    stag = runner.invoke(
        app,
        [
            "evaluate",
            "did",
            *common,
            "--out",
            str(tmp_path / "stag"),
            "--area",
            "City of London",
            "--adoption",
            str(adoption),
            "--log",
        ],
    )
    assert stag.exit_code == 0, stag.output
    sj = json.loads((tmp_path / "stag" / "result.json").read_text())
    assert sj["staggered"] is True and sj["estimator"].startswith("Callaway")
    assert {g["cohort"] for g in sj["group_time"]} == {16, 19}  # positions of 2020-04 and 2020-07
    syn = runner.invoke(
        app,
        [
            "evaluate",
            "synth",
            *common,
            "--out",
            str(tmp_path / "synth"),
            "--treated",
            "E01000005",
            "--interruption",
            "2020-04",
            "--log",
        ],
    )
    assert syn.exit_code == 0, syn.output
    s = json.loads((tmp_path / "synth" / "result.json").read_text())
    assert sum(w["weight"] for w in s["weights"]) == pytest.approx(1, abs=1e-6)
    assert 0 < s["placebo_in_space_p"] <= 1
    pw = runner.invoke(
        app,
        [
            "evaluate",
            "power",
            *common,
            "--out",
            str(tmp_path / "power"),
            "--to",
            "2020-02",
            "--seasonality",
            "fourier",
            "--n-post",
            "12",
        ],
    )
    assert pw.exit_code == 0, pw.output
    p = json.loads((tmp_path / "power" / "result.json").read_text())
    assert p["mde"] > 0 and np.isfinite(p["mde"])


def test_user_errors_are_one_line(city_of_london_workspace, tmp_path):
    bad = runner.invoke(
        app,
        [
            "evaluate",
            "its",
            "--workspace",
            str(city_of_london_workspace),
            "--out",
            str(tmp_path / "x"),
            "--crime-type",
            "Knife crime",
            "--interruption",
            "2020-04",
        ],
    )
    assert bad.exit_code == 1
    assert "Traceback" not in bad.output and "not in the data in scope" in bad.output
    outside = runner.invoke(
        app,
        [
            "evaluate",
            "its",
            "--workspace",
            str(city_of_london_workspace),
            "--out",
            str(tmp_path / "y"),
            "--interruption",
            "2030-01",
        ],
    )
    assert outside.exit_code == 1 and "outside the series" in outside.output


@pytest.mark.slow
def test_synthetic_inputs_are_labelled_in_every_output(city_of_london_workspace, tmp_path):
    import shutil

    ws = tmp_path / "ws"
    shutil.copytree(city_of_london_workspace, ws)
    assert runner.invoke(app, ["synth", "--workspace", str(ws)]).exit_code == 0
    out = tmp_path / "ed"
    result = runner.invoke(
        app,
        [
            "evaluate",
            "its",
            "--workspace",
            str(ws),
            "--out",
            str(out),
            "--measure",
            "ed-assaults",
            "--interruption",
            "2020-04",
            "--seasonality",
            "fourier",
            "--model",
            "poisson",
            "--no-pdf",
        ],
    )
    assert result.exit_code == 0, result.output
    assert "SYNTHETIC" in result.output.replace("\n", " ")
    j = json.loads((out / "result.json").read_text())
    assert j["synthetic"] is True and j["data"]["synthetic"] is True
    assert "SYNTHETIC data" in (out / "index.html").read_text()
    table = pd.read_csv(out / "tables" / "series.csv")
    assert table["synthetic"].all()
    # crime counts from police.uk stay real even in a workspace with a synthetic layer
    real = runner.invoke(
        app,
        [
            "evaluate",
            "its",
            "--workspace",
            str(ws),
            "--out",
            str(tmp_path / "real"),
            "--interruption",
            "2020-04",
            "--no-pdf",
        ],
    )
    assert real.exit_code == 0
    assert json.loads((tmp_path / "real" / "result.json").read_text())["synthetic"] is False


def test_result_json_records_the_local_definition_in_force(city_of_london_workspace, tmp_path):
    """result.json names the workspace's serious-violence definition (as ``svduty definition show --json``)."""
    import shutil

    path = tmp_path / "ws"
    shutil.copytree(city_of_london_workspace, path)
    args = ["--workspace", str(path), "--crime-type", "all", "--interruption", "2020-04", "--no-pdf"]
    default = runner.invoke(app, ["evaluate", "its", "--out", str(tmp_path / "a"), *args])
    assert default.exit_code == 0, default.output
    j = json.loads((tmp_path / "a" / "result.json").read_text())
    shown = json.loads(runner.invoke(app, ["definition", "show", "--workspace", str(path), "--json"]).output)
    assert j["sv_definition"] == shown and shown["default"] is True
    file = tmp_path / "def.toml"
    file.write_text(
        'name = "Violence and robbery"\n[[include]]\ncrime_types = ["Violence and sexual offences", "Robbery"]\n'
    )
    assert runner.invoke(app, ["definition", "set", "--workspace", str(path), "--file", str(file)]).exit_code == 0
    local = runner.invoke(app, ["evaluate", "its", "--out", str(tmp_path / "b"), *args])
    assert local.exit_code == 0, local.output
    d = json.loads((tmp_path / "b" / "result.json").read_text())["sv_definition"]
    shown = json.loads(runner.invoke(app, ["definition", "show", "--workspace", str(path), "--json"]).output)
    assert d == shown and d["name"] == "Violence and robbery" and d["version"] == 1 and d["default"] is False
