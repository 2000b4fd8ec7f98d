"""``format_wan``: the one function that writes an amount in 万元, on pages, in messages and in files."""

from decimal import Decimal

import pytest

from common.figures import EMPTY, format_wan
from targets.templatetags.allocations import wan_exact


@pytest.mark.parametrize("missing", [None, "", "不是数字", Decimal("NaN"), float("inf")])
def test_a_missing_or_unreadable_amount_is_the_empty_marker(missing):
    assert format_wan(missing) == EMPTY
    assert format_wan(missing, 2) == EMPTY
    assert format_wan(missing, 2, decimals_if_any=True) == EMPTY


def test_an_amount_has_thousands_separators_and_exactly_the_places_asked_for():
    assert format_wan(Decimal("1450000")) == "1,450,000"
    assert format_wan(1450000) == "1,450,000"
    assert format_wan(Decimal("1450000"), 2) == "1,450,000.00"
    assert format_wan(Decimal("1234.5"), 1) == "1,234.5"
    assert format_wan(Decimal("999.99"), 2) == "999.99"


def test_an_amount_rounds_half_up_away_from_zero_never_to_even():
    assert format_wan(Decimal("2.5")) == "3"
    assert format_wan(Decimal("3.5")) == "4"
    assert format_wan(Decimal("2795.89")) == "2,796"
    assert format_wan(Decimal("0.125"), 2) == "0.13"
    assert format_wan(Decimal("-2.5")) == "-3"
    assert format_wan(Decimal("999999.5")) == "1,000,000"


def test_a_float_is_read_by_its_shortest_decimal_form_not_its_binary_value():
    # 2.675 is 2.67499999… in binary: read as "2.675" it rounds up like the Decimal would.
    assert format_wan(2.675, 2) == "2.68"
    assert format_wan("1234.5") == "1,235"


def test_a_negative_amount_keeps_its_sign_before_the_separated_digits():
    assert format_wan(Decimal("-1234567.891"), 2) == "-1,234,567.89"
    assert format_wan(Decimal("-1234567.891")) == "-1,234,568"
    assert format_wan(Decimal("-12.5"), 2, decimals_if_any=True) == "-12.50"
    assert format_wan(Decimal("-5370000"), 2, decimals_if_any=True) == "-5,370,000"


def test_zero_is_written_as_a_figure_not_as_the_empty_marker():
    assert format_wan(0) == "0"
    assert format_wan(Decimal("0.00"), 2) == "0.00"
    assert format_wan(Decimal("0.00"), 2, decimals_if_any=True) == "0"


def test_with_decimals_if_any_a_whole_amount_drops_its_decimals_and_any_other_keeps_them_all():
    assert format_wan(Decimal("5370000.00"), 2, decimals_if_any=True) == "5,370,000"
    assert format_wan(Decimal("1234.5"), 2, decimals_if_any=True) == "1,234.50"
    assert format_wan(Decimal("1234.05"), 2, decimals_if_any=True) == "1,234.05"
    # Whole once rounded to the places: no decimals, as a whole amount.
    assert format_wan(Decimal("1234.004"), 2, decimals_if_any=True) == "1,234"
    assert format_wan(Decimal("1234.996"), 2, decimals_if_any=True) == "1,235"


def test_the_allocation_grids_exact_filter_is_the_function_to_the_cent():
    assert wan_exact(None) == EMPTY
    assert wan_exact(Decimal("1450000")) == "1,450,000"
    assert wan_exact(Decimal("1234.5")) == "1,234.50"
