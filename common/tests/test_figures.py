from decimal import Decimal

from common.templatetags.figures import pct, wan, yi


def test_amounts_in_wan_yuan_have_thousands_separators():
    assert wan(Decimal("5370000")) == "5,370,000"
    assert wan(Decimal("1234.5"), 1) == "1,234.5"


def test_amounts_round_half_up_not_to_even():
    assert wan(Decimal("2.5")) == "3"


def test_headline_amounts_are_written_in_yi_yuan():
    assert yi(Decimal("5370000")) == "537.00"
    assert yi(Decimal("5000000"), 0) == "500"


def test_percentages_have_one_decimal():
    assert pct(Decimal("11")) == "11.0%"
    assert pct(Decimal("41.6666")) == "41.7%"


def test_a_missing_figure_is_a_dash():
    assert wan(None) == "—"
    assert pct(None) == "—"


def test_a_warning_colour_is_a_labelled_badge_and_no_colour_a_dash():
    from common.templatetags.figures import warning_badge
    from reporting.rules import WarningColour

    assert warning_badge(WarningColour.RED) == '<span class="badge bg-danger">红</span>'
    assert "bg-warning" in warning_badge(WarningColour.YELLOW) and "黄" in warning_badge("yellow")
    assert "绿" in warning_badge(WarningColour.GREEN)
    assert warning_badge(None) == '<span class="text-muted">—</span>'
