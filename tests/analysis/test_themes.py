"""Themes on the real national month (Durham): per-LSOA counts and co-location against the raw police.uk file."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from svduty.analysis import sna, themes
from svduty.data.workspace import Workspace


@pytest.fixture(scope="module")
def durham(national_workspace: Path):
    with Workspace.open(national_workspace, read_only=True) as ws:
        scope = sna.Scope(force="durham")
        notes = sna.prepare_scope(ws.con, scope)
        period = sna.resolve_period(ws.con, scope)
        lsoas, _ = sna.lsoa_table(ws.con, period, pfas=notes.get("area_pfas"))  # type: ignore[arg-type]
        yield themes.assess(ws.con, period, lsoas), lsoas


def test_counts_and_colocation_match_raw(durham, real_data: Path):
    result, lsoas = durham
    raw = pd.read_csv(real_data / "police-uk" / "national" / "2021-08" / "2021-08-durham-street.csv", dtype=str)
    table = result["per_lsoa"].set_index("code")
    area = set(lsoas.loc[lsoas["in_area"], "code"])
    for kind in ("Drugs", "Possession of weapons", "Robbery", "Public order"):
        expected = raw[(raw["Crime type"] == kind) & raw["LSOA code"].isin(area)]["LSOA code"].value_counts()
        got = table[kind]
        assert got.sum() == expected.sum()
        assert (got[got > 0].sort_index() == expected.sort_index()).all()
        assert int(result["summary"].set_index("type").loc[kind, "count"]) == int((raw["Crime type"] == kind).sum())
    drugs = result["drugs"]
    rho, _ = stats.spearmanr(table["Drugs"], table["Violence and sexual offences"])
    assert drugs["spearman"] == pytest.approx(rho)
    k = int(np.ceil(0.1 * len(table)))
    assert drugs["top_n"] == k and 0 <= drugs["both"] <= k


def test_police_uk_has_no_time(durham):
    result, _ = durham
    n = result["night_time"]
    assert n["timed"] == 0 and n["share"] is None  # police.uk has no time of day: said, not guessed
