"""Persistence across periods: hand cases, Mann–Kendall against scipy's Kendall tau, real City of London years."""

from __future__ import annotations

import glob

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from svduty.analysis import AnalysisError
from svduty.analysis.hotspots import (
    core_points,
    grid_counts,
    jaccard,
    make_grid,
    mann_kendall,
    persistence,
    to_bng,
)


def test_jaccard_hand_case():
    assert jaccard([1, 1, 0, 0], [0, 1, 1, 0]) == pytest.approx(1 / 3)
    assert np.isnan(jaccard([0, 0], [0, 0]))


def test_mann_kendall_s_equals_kendall_tau_times_pairs():
    rng = np.random.default_rng(0)
    x = rng.poisson(3, size=(12, 200)).astype(float)
    s, _z, _p = mann_kendall(x)
    t = np.arange(12)
    for j in range(0, 200, 17):
        tau_a = stats.kendalltau(t, x[:, j], variant="c").statistic  # τ-c = τ-a here (time has no ties)
        concordant_minus_discordant = sum(np.sign(x[b, j] - x[a, j]) for a in range(12) for b in range(a + 1, 12))
        assert s[j] == concordant_minus_discordant
        assert np.sign(tau_a) == np.sign(s[j]) or s[j] == 0
    # no ties: Var S = n(n-1)(2n+5)/18 and z = (S - 1)/sqrt(Var) for S > 0
    s1, z1, _ = mann_kendall(np.arange(10, dtype=float)[:, None])
    assert s1[0] == 45 and z1[0] == pytest.approx(44 / np.sqrt(10 * 9 * 25 / 18))


def test_classes_hand_case():
    # 5 periods, 8 cells, hot given directly
    hot = np.array(
        [
            # persistent, new, emerging, intermittent, fading, never, intensifying, diminishing
            [1, 0, 0, 1, 1, 0, 1, 1],
            [1, 0, 0, 0, 1, 0, 1, 1],
            [1, 0, 0, 1, 0, 0, 1, 1],
            [1, 0, 1, 0, 0, 0, 1, 1],
            [1, 1, 1, 1, 0, 0, 1, 1],
        ],
        dtype=bool,
    )
    counts = np.array(
        [
            [5, 0, 0, 3, 4, 0, 1, 9],
            [5, 0, 0, 0, 4, 0, 2, 8],
            [5, 0, 0, 3, 0, 0, 3, 7],
            [5, 0, 3, 0, 0, 0, 4, 6],
            [5, 4, 3, 3, 0, 0, 5, 5],
        ]
    )
    res = persistence(list(counts), hot=list(hot), trend_alpha=0.1)
    assert list(res.classes) == [
        "persistent",
        "new",
        "emerging",
        "intermittent",
        "fading",
        "not a hot spot",
        "intensifying",
        "diminishing",
    ]
    np.testing.assert_allclose(res.jaccard[0], jaccard(hot[0], hot[1]))


def test_real_city_of_london_years(real_data):
    files = sorted(glob.glob(str(real_data / "police-uk/city-of-london/20*/*.csv")))
    df = pd.concat([pd.read_csv(f) for f in files]).dropna(subset=["Longitude"])
    x, y = to_bng(df["Longitude"].to_numpy(), df["Latitude"].to_numpy())
    core = core_points(x, y, radius=1000.0, min_neighbours=5)
    df, x, y = df[core], x[core], y[core]
    grid = make_grid(x, y, 150)
    years = ["2019", "2020", "2021"]
    yr = df["Month"].str[:4].to_numpy()
    per = [grid_counts(grid, x[yr == a], y[yr == a]) for a in years]
    res = persistence(per, labels=years, top_percent=5)
    for i in range(2):
        assert res.spearman[i] == pytest.approx(stats.spearmanr(per[i], per[i + 1]).statistic)
    # the City's hot spots are stable year to year even through the 2020 lockdowns
    assert (res.jaccard > 0.5).all()
    counts = res.counts_by_class()
    assert counts["persistent"] > counts["new"] + counts["emerging"] + counts["fading"]
    assert sum(counts.values()) == grid.n_cells


def test_needs_two_periods():
    with pytest.raises(AnalysisError, match="two periods"):
        persistence([np.ones(3)])
