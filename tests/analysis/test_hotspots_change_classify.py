"""``change`` against statsmodels' exact conditional Poisson test and BH; ``classify`` against sfhotspot's rules."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from statsmodels.stats.multitest import multipletests
from statsmodels.stats.rates import test_poisson_2indep as poisson_2indep

from svduty.analysis import AnalysisError
from svduty.analysis import hotspots as hs


@pytest.fixture(scope="module")
def city(real_data):
    """SV proxy of the real City of London files, on one 150 m grid: counts per month."""
    frames = [pd.read_csv(f) for f in sorted((real_data / "police-uk" / "city-of-london").glob("*/*.csv"))]
    df = pd.concat(frames).dropna(subset=["Longitude"])
    df = df[df["Crime type"].isin(["Violence and sexual offences", "Robbery", "Possession of weapons"])]
    x, y = hs.to_bng(df["Longitude"].to_numpy(), df["Latitude"].to_numpy())
    keep = hs.core_points(x, y, radius=15_000.0, min_neighbours=3)
    x, y, month = x[keep], y[keep], df["Month"].to_numpy()[keep]
    grid = hs.make_grid(x, y, 150)
    grid = hs.restrict_grid(grid, hs.area_outline(x, y), points=(x, y))
    return grid, x, y, month


def test_change_p_values_equal_statsmodels_exact_conditional_test(city):
    grid, x, y, month = city
    before = month < "2020-03"  # 15 months before the first lockdown, 21 after
    cb = hs.grid_counts(grid, x[before], y[before])
    ca = hs.grid_counts(grid, x[~before], y[~before])
    res = hs.change(cb, ca, before_months=15, after_months=21)
    assert (res.change == ca - cb).all() and res.before.sum() + res.after.sum() == x.size
    tested = (cb + ca) > 0
    for i in np.nonzero(tested)[0][:200]:
        ref = poisson_2indep(int(ca[i]), 21, int(cb[i]), 15, method="exact-cond").pvalue
        assert res.p_rate[i] == pytest.approx(ref, rel=1e-9, abs=1e-12)
        share = ca.sum() / (ca.sum() + cb.sum())
        ref_area = poisson_2indep(int(ca[i]), share, int(cb[i]), 1 - share, method="exact-cond").pvalue
        assert res.p_area[i] == pytest.approx(ref_area, rel=1e-9, abs=1e-12)
    q = multipletests(res.p_rate[tested], method="fdr_bh")[1]
    assert np.allclose(res.q_rate[tested], q)
    sig_up = res.classes == "Significant increase"
    assert (res.q_rate[sig_up] <= 0.05).all() and (ca[sig_up] / 21 > cb[sig_up] / 15).all()
    assert (res.classes[~tested] == "No incidents").all()
    assert sum(res.counts_by_class().values()) == grid.n_cells


def test_change_known_value_and_bad_input():
    # R: binom.test(10, 12) -> p-value = 0.03857 (poisson.test(c(10, 2)) gives the same)
    res = hs.change(np.array([2, 0]), np.array([10, 0]))
    assert res.p_rate[0] == pytest.approx(0.03857421875)
    assert res.classes[1] == "No incidents"
    with pytest.raises(AnalysisError, match="whole numbers"):
        hs.change(np.array([1.5]), np.array([1]))
    with pytest.raises(AnalysisError, match="no incidents"):
        hs.change(np.zeros(3), np.zeros(3))


def test_classify_follows_sfhotspot_definitions():
    # ten periods; recent = floor(0.2 * 10) = 2 (sfhotspot hotspot_classify_params defaults)
    t = 10
    hot = np.zeros((t, 7), dtype=bool)
    cold = np.zeros((t, 7), dtype=bool)
    hot[:, 0] = True  # every period: persistent
    hot[-2:, 1] = True  # only the recent two: emerging
    hot[:3, 2] = True  # three early periods, none recent: former
    hot[[1, 4, 8], 3] = True  # on and off, one recent: 30% of periods -> intermittent
    cold[:, 4] = True  # persistent coldspot
    hot[[2, 5], 5] = True  # hot 20% of periods and
    cold[[0, 7], 5] = True  # cold 20%: mixed
    classes, recent = hs.classify_significance(hot, cold)
    assert recent == 2
    assert list(classes) == [
        "persistent hotspot",
        "emerging hotspot",
        "former hotspot",
        "intermittent hotspot",
        "persistent coldspot",
        "mixed hot/coldspot",
        "no pattern",
    ]
    # persistent_prop = 0.8: hot in 8 of 10 periods, the last two not, is persistent (tested before former)
    hot8 = np.zeros((t, 1), dtype=bool)
    hot8[:8] = True
    assert hs.classify_significance(hot8, np.zeros_like(hot8))[0][0] == "persistent hotspot"
    with pytest.raises(AnalysisError, match="two periods"):
        hs.classify_significance(np.ones((1, 2), bool), np.zeros((1, 2), bool))


def test_classify_runs_gistar_per_period_and_reuses_persistence(city):
    grid, x, y, month = city
    quarters = sorted({m[:4] + "-Q" + str((int(m[5:]) - 1) // 3) for m in month})
    key = np.array([m[:4] + "-Q" + str((int(m[5:]) - 1) // 3) for m in month])
    counts = [hs.grid_counts(grid, x[key == q], y[key == q]) for q in quarters]
    w = hs.contiguity_weights(grid)
    res = hs.classify(counts, w, labels=quarters)
    for p, c in enumerate(counts):  # significant hot = Gi* z > 0 with BH q < 0.05, period by period
        gi = hs.gistar(c, w, permutations=0)
        assert (res.sig_hot[p] == ((gi.q < 0.05) & (gi.z > 0))).all()
    assert res.persistence.hot.shape == res.sig_hot.shape  # the library's persistence on the same hot sets
    by = res.counts_by_class()
    assert sum(by.values()) == grid.n_cells and by["persistent hotspot"] > 0
