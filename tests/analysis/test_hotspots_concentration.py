"""Concentration measures: hand-computed cases (incl. the examples of Bernasco & Steenbeek's R package lorenzgini)
and real counts checked against a plain pandas computation."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from svduty.analysis import AnalysisError
from svduty.analysis.hotspots import (
    concentration,
    generalised_gini,
    generalised_lorenz_curve,
    gini,
    lorenz_curve,
    top_share,
)


def test_gini_hand_cases():
    # lorenzgini::gini(c(10, 8, 2, rep(0, 7)), generalized = FALSE, unbiased = FALSE) = 0.78
    assert gini([10, 8, 2] + [0] * 7) == pytest.approx(0.78, abs=1e-12)
    # c(5, 2, 1, rep(0, 7)): standard 0.8, generalised 0.75 (8 crimes < 10 places)
    assert gini([5, 2, 1] + [0] * 7) == pytest.approx(0.8, abs=1e-12)
    assert generalised_gini([5, 2, 1] + [0] * 7) == pytest.approx(0.75, abs=1e-12)
    # as many crimes as places: generalised = standard
    assert generalised_gini([10, 8, 2] + [0] * 7) == pytest.approx(0.78, abs=1e-12)
    # all in one of ten places: (n - 1) / n = 0.9 (the "biased" Gini never reaches 1)
    assert gini([10] + [0] * 9) == pytest.approx(0.9, abs=1e-12)
    assert gini([3, 3, 3, 3]) == 0.0
    # sparse: 4 crimes in 4 different places out of 10 → as even as possible → generalised Gini 0
    assert gini([1, 1, 1, 1] + [0] * 6) == pytest.approx(0.6, abs=1e-12)
    assert generalised_gini([1, 1, 1, 1] + [0] * 6) == pytest.approx(0.0, abs=1e-12)


def test_lorenz_curve_hand_case_and_its_area():
    places, share = lorenz_curve([0, 1, 3, 6])
    np.testing.assert_allclose(places, [0, 0.25, 0.5, 0.75, 1])
    np.testing.assert_allclose(share, [0, 0, 0.1, 0.4, 1])
    area = np.trapezoid(share, places)
    assert gini([0, 1, 3, 6]) == pytest.approx(1 - 2 * area, abs=1e-12)
    gp, gs = generalised_lorenz_curve([1, 1, 0, 0])
    np.testing.assert_allclose(gp, [0, 0.5, 1]) and np.testing.assert_allclose(gs, [0, 0, 1])


def test_top_shares_hand_case():
    counts = list(range(1, 101))  # 100 places, 5,050 incidents
    assert top_share(counts, 1) == pytest.approx(100 / 5050)
    assert top_share(counts, 5) == pytest.approx(sum(range(96, 101)) / 5050)
    assert top_share(counts, 20) == pytest.approx(sum(range(81, 101)) / 5050)
    assert top_share([0, 0, 7], 1) == 1.0  # the top 1% of 3 places is 1 place


def test_concentration_of_real_lsoa_counts_matches_pandas(real_data):
    df = pd.read_csv(real_data / "police-uk/national/2021-08/2021-08-derbyshire-street.csv")
    counts = df.groupby("LSOA code").size().to_numpy()
    out = concentration(counts)
    s = pd.Series(counts).sort_values(ascending=False).reset_index(drop=True)
    for p in (1, 5, 10, 20):
        k = int(np.ceil(len(s) * p / 100))
        assert out[f"top_{p}pct"] == pytest.approx(s.iloc[:k].sum() / s.sum(), abs=1e-12)
    asc = s.sort_values().to_numpy()
    i = np.arange(1, len(asc) + 1)
    assert out["gini"] == pytest.approx(((2 * i - len(asc) - 1) * asc).sum() / (len(asc) * asc.sum()), abs=1e-12)
    assert out["generalised_gini"] == out["gini"]  # more crimes than LSOAs
    assert out["incidents"] == len(df.dropna(subset=["LSOA code"]))


def test_bad_counts():
    with pytest.raises(AnalysisError, match="non-negative"):
        gini([1, -1])
    with pytest.raises(AnalysisError, match="no places"):
        concentration([])
