"""The local definition of serious violence: parsing, versions in the workspace, and its effect on the SNA.

Every expected count is recomputed with pandas from the raw police.uk CSVs or the example RMS extract, never read
from svduty's output. The default definition must reproduce the police.uk proxy exactly (test_sna.py's figures).
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

from svduty.analysis import sna
from svduty.analysis.needs_assessment import assess
from svduty.cli.main import app
from svduty.data import sv_definition as svdef
from svduty.data.workspace import Workspace
from svduty.report.sna.document import build_summary

SV = ("Violence and sexual offences", "Robbery", "Possession of weapons")
PERIOD = ("2020-12", "2021-11")
PREVIOUS = ("2019-12", "2020-11")


@pytest.fixture(scope="module")
def raw(real_data: Path) -> pd.DataFrame:
    files = sorted((real_data / "police-uk" / "city-of-london").glob("*/*.csv"))
    return pd.concat([pd.read_csv(f, dtype=str) for f in files], ignore_index=True)


@pytest.fixture(scope="module")
def con(city_of_london_workspace: Path):
    ws = Workspace.open(city_of_london_workspace, read_only=True)
    yield ws.con
    ws.close()


def months(frame, span):
    return frame[(frame["Month"] >= span[0]) & (frame["Month"] <= span[1])]


def wider() -> svdef.SvDefinition:
    return svdef.parse_document(
        {
            "name": "Proxy plus public order and arson",
            "include": [{"classified": True}, {"crime_types": ["Public order", "Criminal damage and arson"]}],
        }
    )


def test_default_definition_keeps_the_proxy(con, raw):
    notes = sna.prepare_scope(con, sna.Scope())
    assert notes["definition"]["default"] is True
    period = sna.resolve_period(con, sna.Scope())
    head = sna.headline(con, sna.by_crime_type(con, period), period, sna.sv_categories(con))
    cur = months(raw, PERIOD)
    assert head["serious_violence"] == int(cur["Crime type"].isin(SV).sum()) == 1156


def test_wider_definition_adds_exactly_the_newly_included_types(con, raw):
    """The issue's check: the SV count rises by an independent count of the types the definition adds."""
    a = assess(con, sna.Scope(definition=wider()))
    cur, prev = months(raw, PERIOD), months(raw, PREVIOUS)
    added = ("Public order", "Criminal damage and arson")
    assert a.headline["serious_violence"] == 1156 + int(cur["Crime type"].isin(added).sum())
    assert a.headline["serious_violence"] == int(cur["Crime type"].isin(SV + added).sum())
    assert a.headline["previous_serious_violence"] == int(prev["Crime type"].isin(SV + added).sum())
    for t in added:
        assert a.headline["by_crime_type"][t] == int((cur["Crime type"] == t).sum())
    monthly = a.tables["monthly"].set_index("month")["serious_violence"]
    raw_monthly = raw[raw["Crime type"].isin(SV + added)].groupby("Month").size()
    assert monthly.loc[raw_monthly.index].tolist() == raw_monthly.tolist()
    summary = build_summary(a)
    assert summary["definition"]["name"] == "Proxy plus public order and arson"
    assert summary["definition"]["default"] is False
    assert any("Public order" in line for line in summary["definition"]["describe"])
    assert a.notes["definition_added"] == int(raw["Crime type"].isin(added).sum())
    assert a.notes["definition_removed"] == 0


def test_exclude_rule_removes_a_proxy_type(con, raw):
    d = svdef.parse_document(
        {"name": "No robbery", "include": [{"classified": True}], "exclude": [{"crime_types": ["Robbery"]}]}
    )
    sna.prepare_scope(con, sna.Scope(definition=d))
    period = sna.resolve_period(con, sna.Scope())
    head = sna.headline(con, sna.by_crime_type(con, period), period, sna.sv_categories(con))
    cur = months(raw, PERIOD)
    expected = int(cur["Crime type"].isin(("Violence and sexual offences", "Possession of weapons")).sum())
    assert head["serious_violence"] == expected
    assert head["by_crime_type"].get("Robbery", 0) == 0


def test_marker_rule_on_a_record_extract(tmp_path):
    """A domestic-marker rule on the example RMS extract: SV = mapped SV offences plus domestic-flagged ones."""
    import tomllib

    from svduty.data import rms
    from svduty.data.mapping import load_mapping

    mapping_path, extract = rms.example_paths()
    codes = tomllib.loads(mapping_path.read_text())["offence_codes"]
    ws = Workspace.create(tmp_path / "ws")
    rms.ingest(ws, extract, load_mapping(mapping_path))
    d = svdef.parse_document({"name": "SV or domestic", "include": [{"classified": True}, {"domestic": True}]})
    a = assess(ws.con, sna.Scope(definition=d))
    frame = pd.read_csv(extract, dtype=str)
    rejected = {int(r[0]) for r in ws.con.execute("SELECT line FROM rejects").fetchall()}
    frame = frame[~(frame.index + 2).isin(rejected)].drop_duplicates("CrimeRef")
    frame["month"] = pd.to_datetime(frame["CommittedDate"], format="%d/%m/%Y").dt.strftime("%Y-%m")
    frame["sv"] = frame["HOOffenceCode"].map(lambda c: codes.get(c, {}).get("sv_category")).notna()
    cur = frame[(frame["month"] >= f"{a.period.start:%Y-%m}") & (frame["month"] <= f"{a.period.end:%Y-%m}")]
    expected = int((cur["sv"] | (cur["DomesticMarker"] == "Y")).sum())
    assert a.headline["serious_violence"] == expected
    assert expected > int(cur["sv"].sum())  # the rule adds something, or the test proves nothing
    ws.close()


def test_parse_errors_name_the_file_rule_and_key(tmp_path):
    bad = tmp_path / "def.toml"
    bad.write_text('name = "x"\n[[include]]\ncrime_type = ["Robbery"]\n')
    with pytest.raises(svdef.DefinitionError, match=r"def\.toml: include rule 1: unknown key 'crime_type'"):
        svdef.load_file(bad)
    bad.write_text('name = "x"\n[[include]]\nknife = "yes"\n')
    with pytest.raises(svdef.DefinitionError, match="'knife' must be true or false"):
        svdef.load_file(bad)
    bad.write_text('name = "x"\n')
    with pytest.raises(svdef.DefinitionError, match="at least one"):
        svdef.load_file(bad)
    bad.write_text("name = \n")
    with pytest.raises(svdef.DefinitionError, match="not valid TOML"):
        svdef.load_file(bad)


def test_toml_round_trip():
    d = svdef.parse_document(
        {
            "name": 'Quote " test',
            "include": [{"classified": True}, {"offence_codes": ["8N", "105A*"], "knife": True}],
            "exclude": [{"sv_categories": ["Robbery"]}],
        }
    )
    import tomllib

    again = svdef.parse_document(tomllib.loads(d.to_toml()))
    assert again.document() == d.document()
    sql = d.predicate("i")
    assert "LIKE '105A%'" in sql and "knife_flag IS TRUE" in sql


def test_versions_in_the_workspace_and_cli(city_of_london_workspace, tmp_path, raw):
    path = tmp_path / "ws"
    shutil.copytree(city_of_london_workspace, path)
    runner = CliRunner()
    shown = runner.invoke(app, ["definition", "show", "--workspace", str(path), "--json"])
    assert shown.exit_code == 0, shown.output
    assert json.loads(shown.output)["default"] is True
    file = tmp_path / "def.toml"
    file.write_text(wider().to_toml())
    first = runner.invoke(app, ["definition", "set", "--workspace", str(path), "--file", str(file)])
    assert first.exit_code == 0 and "version 1" in first.output, first.output
    again = runner.invoke(app, ["definition", "set", "--workspace", str(path), "--file", str(file)])
    assert "unchanged" in again.output
    file.write_text('name = "Proxy only"\n[[include]]\nclassified = true\n')
    runner.invoke(app, ["definition", "set", "--workspace", str(path), "--file", str(file)])
    with Workspace.open(path, read_only=True) as ws:
        versions = svdef.history(ws.con)
        assert [v.version for v in versions] == [1, 2]  # history kept, the newest is current
        assert svdef.current(ws.con).name == "Proxy only"
        # a definition equal to the default still records its name and version in the SNA notes
        notes = sna.prepare_scope(ws.con, sna.Scope())
        assert notes["definition"]["version"] == 2
    bad = tmp_path / "bad.toml"
    bad.write_text('name = "x"\n[[include]]\nfoo = 1\n')
    result = runner.invoke(app, ["definition", "set", "--workspace", str(path), "--file", str(bad)])
    assert result.exit_code == 1 and "unknown key 'foo'" in result.output
    assert "Traceback" not in result.output
