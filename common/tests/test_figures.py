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


def test_a_gap_to_time_progress_is_in_percentage_points_with_its_direction_in_words():
    from common.figures import time_progress_phrase

    # 80.55 shows as 80.6 and 83.333 as 83.3: the gap is taken between the shown figures, 2.7.
    assert time_progress_phrase(Decimal("80.55"), Decimal("83.3333")) == "落后时序进度 2.7 个百分点"
    assert time_progress_phrase(Decimal("85"), Decimal("83.3333")) == "超过时序进度 1.7 个百分点"
    assert time_progress_phrase(Decimal("83.31"), Decimal("83.3333")) == "与时序进度持平"
    assert time_progress_phrase(None, Decimal("83.3333")) == "—"


def test_a_growth_against_its_target_says_higher_or_lower_never_a_negative_percentage():
    from common.figures import change_phrase, growth_target_phrase

    assert growth_target_phrase(Decimal("10.1"), Decimal("11")) == "低于增长目标 0.9 个百分点"
    assert growth_target_phrase(Decimal("12"), Decimal("11")) == "高于增长目标 1.0 个百分点"
    assert change_phrase(Decimal("-3.24")) == "同比下降3.2%"
    assert change_phrase(Decimal("11.9")) == "同比增长11.9%"


def test_the_template_filters_are_the_formatting_modules_functions():
    from common import figures

    assert wan(Decimal("2795.89")) == figures.format_wan(Decimal("2795.89")) == "2,796"
    assert yi(Decimal("3897240")) == figures.format_yi(Decimal("3897240")) == "389.72"
    assert pct(Decimal("-2.75")) == figures.format_pct(Decimal("-2.75")) == "-2.8%"
    assert figures.format_wan(Decimal("12.5"), 2, decimals_if_any=True) == "12.50"
    assert figures.format_wan(Decimal("5370000"), 2, decimals_if_any=True) == "5,370,000"
