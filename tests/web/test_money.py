"""Money in integer pence and financial years (DESIGN.md conventions)."""

import datetime

import pytest

from svduty.web.core.money import check_financial_year, financial_year_of, format_pence, parse_pounds


@pytest.mark.parametrize(
    ("text", "pence"),
    [("90,000", 9_000_000), ("£467,000", 46_700_000), ("1250.5", 125_050), ("0.01", 1), ("£ 30000.00", 3_000_000)],
)
def test_parse_pounds(text, pence):
    assert parse_pounds(text) == pence


@pytest.mark.parametrize("text", ["", "ninety", "-5", "1.234", "£1,00,0.0.0"])
def test_parse_pounds_refuses(text):
    with pytest.raises(ValueError, match="Enter an amount in pounds"):
        parse_pounds(text)


def test_format_pence():
    assert format_pence(46_700_000, whole=True) == "£467,000"
    assert format_pence(125_050) == "£1,250.50"
    assert format_pence(-100) == "-£1.00"


def test_financial_years():
    assert check_financial_year("2024-25") == "2024-25"
    assert check_financial_year("1999-00") == "1999-00"
    for bad in ("2024-26", "2024/25", "24-25"):
        with pytest.raises(ValueError):
            check_financial_year(bad)
    assert financial_year_of(datetime.date(2025, 3, 31)) == "2024-25"
    assert financial_year_of(datetime.date(2025, 4, 1)) == "2025-26"
