"""``svduty risk score`` on the synthetic layer (+ the example RMS extract): contributions sum to each score, no
source identifier anywhere in the outputs, a planted person with a rising knife-carrying pattern ranks in the top
decile, everything is labelled synthetic, and bad definitions fail with one line naming the field."""

from __future__ import annotations

import csv
import json
import math
from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

from svduty.cli.main import app
from svduty.data import police_uk, rms, synth
from svduty.data.mapping import load_mapping
from svduty.data.workspace import Workspace

runner = CliRunner()
RISING = "a" * 64  # planted pseudonyms (64 hex digits, like real ones)
FALLING = "b" * 64
RISING_MONTHS = ["2021-03-01", "2021-07-01", "2021-09-01", "2021-10-01", "2021-11-01", "2021-11-01"]
FALLING_MONTHS = ["2018-12-01", "2018-12-01", "2019-01-01", "2019-02-01", "2019-06-01", "2019-10-01"]
OUTPUTS = ("scores.csv", "components.csv", "fairness.csv", "fairness_sweep.csv", "validation.csv", "calibration.csv")


def plant(con, person: str, months: list[str], first_id: int) -> None:
    """Knife-flagged possession of weapons records for one person (labelled synthetic, as the layer is)."""
    con.execute("INSERT INTO persons VALUES (?, 'test-plant', 'male', 2004, true)", [person])
    for k, month in enumerate(months):
        incident = first_id + k
        con.execute(
            """INSERT INTO incidents (incident_id, ingest_id, source, month, offence_group, sv_category, knife_flag,
                                      synthetic)
               VALUES (?, 0, 'test-plant', ?, 'Possession of weapons', 'Possession of weapons', true, true)""",
            [incident, month],
        )
        con.execute("INSERT INTO involvements VALUES (?, ?, 'suspect', 16, '16-24', 'male', true)", [incident, person])


@pytest.fixture(scope="module")
def run(tmp_path_factory) -> tuple[Path, Path]:
    base = tmp_path_factory.mktemp("risk")
    ws = Workspace.create(base / "ws")
    police_uk.ingest(ws, list(police_uk.iter_sample_paths()))
    mapping, extract = rms.example_paths()
    rms.ingest(ws, extract, load_mapping(mapping))
    synth.run(ws, seed=5)
    plant(ws.con, RISING, RISING_MONTHS, 9_000_000_000)
    plant(ws.con, FALLING, FALLING_MONTHS, 9_000_000_100)
    ws.close()
    out = base / "out"
    result = runner.invoke(app, ["risk", "score", "--workspace", str(base / "ws"), "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert "SYNTHETIC DATA" in result.output and "advisory only" in result.output and "AUC" in result.output
    return base, out


def test_contributions_sum_to_each_score(run):
    _, out = run
    scores = pd.read_csv(out / "scores.csv")
    comp = pd.read_csv(out / "components.csv")
    assert list(scores.columns) == ["person", "score", "rank", "above_threshold", "index_version", "synthetic"]
    assert scores["person"].is_unique and len(scores) > 100
    sums = comp.groupby("person")["contribution"].sum()
    for person, total in zip(scores["person"], scores["score"], strict=True):
        assert math.isclose(sums.get(person, 0.0), total, abs_tol=1e-9), person
    assert set(comp["person"]) <= set(scores["person"])
    assert (comp["recency_factor"] <= 1).all() and (comp["contribution"] >= 0).all()
    assert scores["index_version"].nunique() == 1 == comp["index_version"].nunique()


def test_planted_rising_knife_carrier_ranks_in_the_top_decile(run):
    _, out = run
    scores = pd.read_csv(out / "scores.csv").set_index("person")
    rising, falling = scores.loc[RISING], scores.loc[FALLING]
    assert rising["rank"] <= len(scores) / 10, f"rank {rising['rank']} of {len(scores)}"
    assert rising["above_threshold"]
    assert rising["rank"] < falling["rank"]  # the same records long ago weigh much less
    comp = pd.read_csv(out / "components.csv")
    mine = comp[comp["person"] == RISING]
    assert len(mine) == len(RISING_MONTHS) and mine["knife_flag"].all()


def source_identifiers(base: Path) -> set[str]:
    """Every identifier the sources carry: police.uk Crime IDs, RMS crime references and person IDs."""
    ids: set[str] = set()
    with Workspace.open(base / "ws", read_only=True) as ws:
        ids |= {r[0] for r in ws.con.execute("SELECT source_ref FROM incidents WHERE source_ref <> ''").fetchall()}
    _, extract = rms.example_paths()
    with extract.open(encoding="utf-8") as f:
        for row in csv.DictReader(f):
            ids |= {row[c] for c in ("CrimeRef", "VictimID", "SuspectID") if row[c]}
    return ids


def test_no_source_identifier_in_any_output(run):
    base, out = run
    ids = source_identifiers(base)
    assert len(ids) > 1000
    forbidden_columns = {"source_ref", "crime_id", "person_id", "name", "crimeref", "suspectid", "victimid"}
    for name in OUTPUTS:
        df = pd.read_csv(out / name, dtype=str, keep_default_na=False)
        assert not {c.lower() for c in df.columns} & forbidden_columns, name
        cells = set(df.to_numpy().ravel().tolist())
        assert not cells & ids, f"{name} holds a source identifier"
    persons = pd.read_csv(out / "scores.csv", dtype=str)["person"]
    assert persons.str.fullmatch("[0-9a-f]{64}").all()  # pseudonyms only
    for name in ("model_card.md", "validation.json", "definition.json", "README.txt"):
        text = (out / name).read_text(encoding="utf-8")
        assert not any(i in text for i in ids if len(i) >= 6), name


def test_outputs_are_labelled_and_complete(run):
    _, out = run
    scores = pd.read_csv(out / "scores.csv")
    assert scores["synthetic"].all()
    fairness = pd.read_csv(out / "fairness.csv")
    for col in ("attribute", "group", "n", "selection_rate", "fpr", "fnr", "score_q50", "disparity_ratio",
                "four_fifths_flag"):  # fmt: skip
        assert col in fairness.columns
    assert set(fairness["attribute"]) == {"age_band", "sex", "ethnic_group"} and fairness["synthetic"].all()
    assert "Not recorded" in set(fairness.loc[fairness["attribute"] == "ethnic_group", "group"])
    v = json.loads((out / "validation.json").read_text(encoding="utf-8"))
    assert v["synthetic"] is True and v["auc_low"] <= v["auc"] <= v["auc_high"] and v["positives"] > 0
    assert any("SYNTHETIC" in c for c in v["caveats"])
    card = (out / "model_card.md").read_text(encoding="utf-8")
    assert "SYNTHETIC DATA" in card and "Advisory only" in card and scores["index_version"][0] in card
    assert "## Fairness" in card and "## Limitations" in card and "cannot" not in card.split("## Intended use")[0]
    d = json.loads((out / "definition.json").read_text(encoding="utf-8"))
    assert d["content_hash"].startswith(scores["index_version"][0])
    # the gravity figures' sources are in the card: category, raw starting point, where read, for every group
    assert "category used" in card and "starting point" in card and "Sources of the gravity figures" in card
    for g in d["gravity"]:
        assert f"**{g['offence_group']}** ({g.get('status', 'sourced')})" in card
    assert "cambridge-ebp.co.uk" in card and "legislation.gov.uk/ukpga/2020/17/schedule/21" in card


def test_fairness_sweep_at_candidate_thresholds(run):
    _, out = run
    sweep = pd.read_csv(out / "fairness_sweep.csv")
    fairness = pd.read_csv(out / "fairness.csv")
    labels = list(dict.fromkeys(sweep["threshold_label"]))
    assert labels[0] == "definition" and {"top 1%", "top 5%", "top 10%"} <= set(labels)
    own = sweep[sweep["threshold_label"] == "definition"].reset_index(drop=True)
    assert (own["threshold"] == 365.0).all()
    pd.testing.assert_series_equal(own["selection_rate"], fairness["selection_rate"])  # same as fairness.csv
    shares = sweep.groupby("threshold_label", sort=False)["overall_selection_rate"].first()
    assert shares["top 1%"] <= shares["top 5%"] <= shares["top 10%"] and shares["top 10%"] >= 0.10
    assert sweep["synthetic"].all() and (sweep["index_version"] == fairness["index_version"][0]).all()
    card = (out / "model_card.md").read_text(encoding="utf-8")
    assert "### At candidate thresholds" in card and "| top 10% |" in card


def test_bad_definition_is_one_line_naming_the_field(run, tmp_path):
    base, _ = run
    bad = tmp_path / "bad.toml"
    text = (Path(synth.__file__).parents[1] / "analysis" / "risk" / "default_index.toml").read_text(encoding="utf-8")
    bad.write_text(text.replace("half_life_months = 12.0", "half_life_months = -1"), encoding="utf-8")
    result = runner.invoke(
        app, ["risk", "score", "--workspace", str(base / "ws"), "--out", str(tmp_path / "o"), "--definition", str(bad)]
    )
    assert result.exit_code == 1 and "half_life_months" in result.output and "Traceback" not in result.output
    result = runner.invoke(app, ["risk", "score", "--workspace", str(base / "ws"), "--as-of", "2021-13"])
    assert result.exit_code != 0 and "YYYY-MM" in result.output


def test_as_of_and_own_definition(run, tmp_path):
    base, _ = run
    own = tmp_path / "own.toml"
    text = (Path(synth.__file__).parents[1] / "analysis" / "risk" / "default_index.toml").read_text(encoding="utf-8")
    own.write_text(text.replace("threshold = 365.0", "threshold = 200.0"), encoding="utf-8")
    out = tmp_path / "o"
    args = ["risk", "score", "--workspace", str(base / "ws"), "--out", str(out), "--definition", str(own)]
    result = runner.invoke(app, [*args, "--as-of", "2020-06"])
    assert result.exit_code == 0, result.output
    scores = pd.read_csv(out / "scores.csv").set_index("person")
    assert RISING not in scores.index  # nothing of theirs before 2020-06
    v = json.loads((out / "validation.json").read_text(encoding="utf-8"))
    assert v["as_of"] == "2019-06" and v["threshold"] == 200.0


def test_too_little_history_still_writes_every_file(run, tmp_path):
    base, _ = run
    out = tmp_path / "early"
    args = ["risk", "score", "--workspace", str(base / "ws"), "--out", str(out), "--as-of", "2019-03"]
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    assert "Validation not run" in result.output
    header = (out / "fairness.csv").read_text(encoding="utf-8").splitlines()[0].split(",")
    assert header[:4] == ["attribute", "group", "n", "outcomes"] and "selection_rate" in header
    assert "Validation not run" in (out / "model_card.md").read_text(encoding="utf-8")
    assert json.loads((out / "validation.json").read_text(encoding="utf-8"))["not_run"]


def test_empty_workspace_is_one_line(workspace, tmp_path):
    result = runner.invoke(app, ["risk", "score", "--workspace", str(workspace.path), "--out", str(tmp_path / "o")])
    assert result.exit_code == 1 and "nothing to score" in result.output and "Traceback" not in result.output
