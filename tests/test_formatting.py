"""Amounts people can compare: one unit and one number of decimals per page, shares with one decimal."""

from __future__ import annotations

from decimal import Decimal

from gongkai.formatting import amount, amount_style, percent, share, signed_percent, styled
from gongkai.values import Amount


def yuan(text: str, unit: str = "元") -> Amount:
    return Amount(Decimal(text), unit)


def test_the_style_takes_the_most_precise_amount_in_the_unit_of_the_page() -> None:
    amounts = [yuan("228000"), yuan("520914"), yuan("627110"), None]
    style = amount_style(amounts, "万元")
    assert style.places == 4  # 52.0914 万元
    assert [styled(a, style) for a in amounts[:3]] == ["22.8000 万元", "52.0914 万元", "62.7110 万元"]
    assert styled(None, style) == "不公开"
    assert amount_style([yuan("35059000"), yuan("2185000")], "万元").places == 2  # 3,505.90 / 218.50
    assert amount_style([yuan("0.01")], "万元").places == 6  # one 分, shown exactly


def test_thousands_separators_and_the_unit_it_was_given() -> None:
    assert styled(yuan("12661900"), amount_style([yuan("12661900")], "万元")) == "1,266.19 万元"
    assert amount(yuan("50000")) == "50,000.00 元"


def test_shares_and_changes_have_one_decimal() -> None:
    assert percent(Decimal(50)) == "50.0%"
    assert share(Decimal(1), Decimal(3)) == "33.3%" and share(Decimal(1), Decimal(0)) == "—"
    assert signed_percent(Decimal(112), Decimal(100)) == "+12.0%" and signed_percent(Decimal(1), Decimal(0)) == "—"
