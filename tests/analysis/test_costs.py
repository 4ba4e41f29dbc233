"""Cost of violence: RR99 unit costs, the GDP deflator file, the category split and its range, by hand.

Reference values are typed from the sources named in costs.py and the data-file headers (HM Treasury March 2026
deflators as quoted, ONS counts, the press report of the RR99 figures), never read back from the module.
"""

from __future__ import annotations

import math

import pytest

from svduty.analysis import costs

# HM Treasury, GDP deflators March 2026 (QNA), financial years, 2024-25 = 100, as quoted (see gdp_deflator.csv)
PUBLISHED = {
    "2015-16": 74.5804,
    "2018-19": 78.7948,
    "2019-20": 80.8738,
    "2020-21": 85.10,
    "2022-23": 91.2996,
    "2024-25": 100.0,
}


def test_unit_costs_are_the_quoted_rr99_figures():
    # Heeks et al. (2018) unit costs, 2015/16 prices, as widely quoted (DOMAIN.md)
    assert costs.UNIT_COSTS_2015_16 == {
        "Homicide": 3_217_740,
        "Rape": 39_360,
        "Violence with injury": 14_050,
        "Robbery": 11_320,
        "Other sexual offences": 6_520,
        "Violence without injury": 5_930,
    }
    assert "Research Report 99" in costs.COST_SOURCE


def test_unit_cost_verification_is_recorded_per_figure():
    checks = costs.UNIT_COST_CHECKS
    assert set(checks) == set(costs.UNIT_COSTS_2015_16)
    # confirmed to the pound by the South Wales Echo (2 Aug 2019) report of the Home Office figures
    assert all(checks[k][0] for k in ("Rape", "Violence with injury", "Robbery", "Other sexual offences"))
    assert all("South Wales Echo" in checks[k][1] for k in ("Rape", "Violence with injury", "Robbery"))
    # homicide only as "£3.2m" (3,217,740 rounds to it); violence without injury not found
    assert round(costs.UNIT_COSTS_2015_16["Homicide"] / 1e6, 1) == 3.2
    assert costs.UNIT_COSTS_UNCONFIRMED == ("Homicide", "Violence without injury")
    # the report's caveat is driven by this flag: it must stay False while any figure is unconfirmed
    assert costs.UNIT_COSTS_VERIFIED is False


def test_deflator_published_values_and_provenance():
    d = costs.load_deflator()
    assert "HM Treasury" in d.source and "March 2026" in d.source and "2024-25 = 100" in d.source
    assert "L8GG" in d.source and "VERIFIED=false" in d.source
    assert d.verified is False  # drives the report caveat
    for year, value in PUBLISHED.items():
        assert d.index[year] == value
    # the factors the sources themselves print, recomputed from the transcribed index values
    assert 100 / d.index["2015-16"] == pytest.approx(1.340835, abs=5e-7)  # BENEFITS D2.2 §2d
    assert 100 / d.index["2019-20"] == pytest.approx(1.236494, abs=5e-7)
    assert 100 / d.index["2022-23"] == pytest.approx(1.095295, abs=5e-7)
    assert 100 / d.index["2020-21"] == pytest.approx(1.1751, abs=5e-5)  # Haresign.net guide


def test_deflator_gaps_interpolated_log_linearly_by_hand():
    d = costs.load_deflator()
    assert d.interpolated == ("2016-17", "2017-18", "2021-22", "2023-24")
    g = (78.7948 / 74.5804) ** (1 / 3)  # constant growth 2015-16 -> 2018-19
    assert d.index["2016-17"] == pytest.approx(74.5804 * g)
    assert d.index["2017-18"] == pytest.approx(74.5804 * g * g)
    assert d.index["2021-22"] == pytest.approx(math.sqrt(85.10 * 91.2996))
    assert d.index["2023-24"] == pytest.approx(math.sqrt(91.2996 * 100.0))
    assert list(d.index) == sorted(d.index)


def test_deflator_factor():
    d = costs.load_deflator()
    assert d.factor("2015-16") == 1.0
    assert d.factor("2021-22") == pytest.approx(math.sqrt(85.10 * 91.2996) / 74.5804)
    assert d.factor("2024-25") == pytest.approx(100 / 74.5804)
    assert d.factor("2099-00") == pytest.approx(100 / 74.5804)  # beyond the series: latest published year


def test_deflator_file_complete_and_verified(tmp_path):
    path = tmp_path / "defl.csv"
    path.write_text("# Test release VERIFIED=true\nfinancial_year,index\n2015-16,80\n2016-17,82\n2017-18,84\n")
    d = costs.load_deflator(path)
    assert d.verified is True and d.interpolated == ()
    assert d.factor("2017-18") == pytest.approx(84 / 80)


def test_deflator_bad_row_is_one_line_error(tmp_path):
    path = tmp_path / "bad.csv"
    path.write_text("financial_year,index\n2015-16,80\n2016/17,x\n")
    with pytest.raises(ValueError, match=r"bad\.csv: data row 2: bad financial_year/index"):
        costs.load_deflator(path)


def test_split_counts_and_verification():
    split = costs.load_violence_split()
    n = dict(zip(split["offence_type"], split["recorded_ye_mar2020"], strict=True))
    assert n["Homicide"] == 695  # ONS Homicide in England and Wales, year ending March 2020
    assert n["Rape"] == 59_104  # ONS police recorded crime, as quoted by PA Media 2023-01-26
    assert n["Other sexual offences"] == 163_244 - 59_104  # all sexual offences less rape, same source
    verified = dict(zip(split["offence_type"], split["verified"], strict=True))
    assert verified == {
        "Homicide": True,
        "Violence with injury": False,
        "Violence without injury": False,
        "Stalking and harassment": False,
        "Rape": True,
        "Other sexual offences": True,
    }
    assert costs.split_unverified() == ["Violence with injury", "Violence without injury", "Stalking and harassment"]


def test_split_shares_and_scenarios_by_hand():
    split = costs.load_violence_split()
    assert split["share"].sum() == pytest.approx(1.0)
    n = {
        "Homicide": 695,
        "Violence with injury": 557_000,
        "Violence without injury": 651_000,
        "Stalking and harassment": 531_000,
        "Rape": 59_104,
        "Other sexual offences": 104_140,
    }
    total = sum(n.values())
    central = (695 * 3_217_740 + 557_000 * 14_050 + 651_000 * 5_930 + 59_104 * 39_360 + 104_140 * 6_520) / total
    high = central + 531_000 * 5_930 / total
    low = (central * total - 695 * 3_217_740) / (total - 695)
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
    table = costs.unit_cost_table("2020-21").set_index("offence_type")
    assert table.loc["Robbery", "unit_cost_uprated"] == round(11_320 * 85.10 / 74.5804)
    assert table.loc["Robbery", "deflator_factor"] == round(85.10 / 74.5804, 4)
    assert (table["price_year"] == "2020-21").all()
