"""Cost of violence: RR99 unit costs, the GDP deflator file, the category split and its range, by hand."""

from __future__ import annotations

import math

import pytest

from svduty.analysis import costs


def test_unit_costs_are_the_quoted_rr99_figures():
    # DOMAIN.md's widely quoted Heeks et al. (2018) Table 1 figures, 2015/16 prices.
    assert costs.UNIT_COSTS_2015_16 == {
        "Homicide": 3_217_740,
        "Rape": 39_360,
        "Violence with injury": 14_050,
        "Robbery": 11_320,
        "Other sexual offences": 6_520,
        "Violence without injury": 5_930,
    }
    assert "Research Report 99" in costs.COST_SOURCE


def test_deflator_file_has_source_and_factor():
    d = costs.load_deflator()
    assert "HM Treasury" in d.source and "VERIFIED=false" in d.source
    assert d.verified is False
    assert d.index["2015-16"] == 80.4 and d.index["2022-23"] == 100.0
    assert d.factor("2015-16") == 1.0
    assert d.factor("2021-22") == pytest.approx(93.6 / 80.4)
    assert d.factor("2099-00") == pytest.approx(d.index[max(d.index)] / 80.4)  # beyond the series: latest


def test_split_shares_and_scenarios_by_hand():
    split = costs.load_violence_split()
    assert split["share"].sum() == pytest.approx(1.0)
    n = dict(zip(split["offence_type"], split["recorded_ye_mar2020"], strict=True))
    total = sum(n.values())
    u = costs.UNIT_COSTS_2015_16
    central = (
        n["Homicide"] * u["Homicide"]
        + n["Violence with injury"] * u["Violence with injury"]
        + n["Violence without injury"] * u["Violence without injury"]
        + n["Rape"] * u["Rape"]
        + n["Other sexual offences"] * u["Other sexual offences"]
    ) / total
    high = central + n["Stalking and harassment"] * u["Violence without injury"] / total
    low = (central * total - n["Homicide"] * u["Homicide"]) / (total - n["Homicide"])
    s = costs.split_scenarios()
    assert s["central"] == pytest.approx(central)
    assert s["high"] == pytest.approx(high)
    assert s["low"] == pytest.approx(low)
    assert s["low"] < s["central"] < s["high"]


def test_cost_of_violence_table_arithmetic():
    frame = costs.cost_of_violence(
        {"Violence and sexual offences": 100, "Robbery": 10, "Possession of weapons": 5}, "2015-16", 1000
    ).set_index("crime_type")
    s = costs.split_scenarios()
    assert frame.loc["Violence and sexual offences", "cost_central"] == round(100 * s["central"])
    assert frame.loc["Robbery", "cost_central"] == 10 * 11_320
    assert frame.loc["Possession of weapons", "cost_central"] == 0
    total = frame.loc["Total"]
    assert total["count"] == 115
    assert total["cost_central"] == round(100 * s["central"]) + 113_200
    assert total["per_resident_central"] == pytest.approx(total["cost_central"] / 1000)
    assert total["cost_low"] < total["cost_central"] < total["cost_high"]


def test_no_population_gives_nan_per_resident():
    frame = costs.cost_of_violence({"Robbery": 1}, "2020-21", None)
    assert math.isnan(frame.loc[frame["crime_type"] == "Total", "per_resident_central"].iloc[0])


def test_unit_cost_table_uprates():
    table = costs.unit_cost_table("2021-22").set_index("offence_type")
    assert table.loc["Robbery", "unit_cost_uprated"] == round(11_320 * 93.6 / 80.4)
    assert (table["price_year"] == "2021-22").all()
