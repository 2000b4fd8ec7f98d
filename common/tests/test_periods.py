from decimal import Decimal

import pytest

from common.periods import Period, periods_of_year


def test_a_period_is_written_as_year_and_month_and_read_out_the_chinese_way():
    period = Period.parse("2022-05")
    assert (period.year, period.month) == (2022, 5)
    assert str(period) == "2022-05"
    assert period.label == "2022年1-5月"


def test_january_is_not_a_period_because_it_is_published_with_february():
    with pytest.raises(ValueError, match="1月数据随2月一并发布"):
        Period(2022, 1)


@pytest.mark.parametrize("text", ["2022/05", "22-05", "2022-13", "五月"])
def test_malformed_periods_are_refused(text):
    with pytest.raises(ValueError):
        Period.parse(text)


def test_time_progress_is_months_elapsed_over_twelve():
    assert Period(2022, 5).time_progress_pct.quantize(Decimal("0.1")) == Decimal("41.7")
    assert Period(2022, 6).time_progress_pct == Decimal(50)


def test_the_first_period_has_no_predecessor():
    assert Period(2022, 2).previous is None
    assert Period(2022, 3).previous == Period(2022, 2)


def test_the_periods_of_a_year_run_from_february():
    assert [p.month for p in periods_of_year(2022, through=5)] == [2, 3, 4, 5]
