"""The reporting calendar: which month a unit is reporting, its deadline and the days left.

Units report calendar months (January is entered in January); the deadline is a configurable day
of the following month (PlanYear.report_deadline_day). Statistical periods (1-2月 … 1-12月) are
``common.periods.Period``; a month belongs to every period that ends with it or later.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.db.models import Max

from common import clock
from common.periods import Period
from targets.models import PlanYear, Unit

from ..choices import SubmissionStatus
from ..models import Submission

DEFAULT_DEADLINE_DAY: int = PlanYear._meta.get_field("report_deadline_day").default


def reporting_deadline(*, year: int, month: int, deadline_day: int) -> date:
    """报送截止日: day ``deadline_day`` of the month after ``month``."""
    if month == 12:
        return date(year + 1, 1, deadline_day)
    return date(year, month + 1, deadline_day)


@dataclass(frozen=True)
class ReportingMonth:
    year: int
    month: int
    deadline: date

    @property
    def label(self) -> str:
        return f"{self.year}年{self.month}月"

    @property
    def param(self) -> str:
        """How the month is written in a URL's query string: ``2022-10``."""
        return f"{self.year}-{self.month:02d}"

    def days_left(self, today: date) -> int:
        """Days until the deadline; 0 on the day itself, negative once it has passed."""
        return (self.deadline - today).days


def reporting_month(*, year: int, month: int) -> ReportingMonth:
    deadline_day = (
        PlanYear.objects.filter(year=year).values_list("report_deadline_day", flat=True).first()
        or DEFAULT_DEADLINE_DAY
    )
    return ReportingMonth(year, month, reporting_deadline(year=year, month=month, deadline_day=deadline_day))


def period_as_of(period: Period) -> date:
    """The day a period's pages judge 逾期 and 剩余天数 on: the deadline of its returns, or today
    while that is still ahead (one clock: ``common.clock``)."""
    return clock.as_of(reporting_month(year=period.year, month=period.month).deadline)


def open_reporting_month(*, today: date, unit: Unit | None = None) -> ReportingMonth:
    """The month being reported on ``today`` (ask ``common.clock.today()`` for it).

    Within a plan year's reporting window the calendar's month is the earliest whose deadline has
    not passed (on 3 January that is still December). The month before it stays open while it is
    still owed: for ``unit``, until the unit has submitted it; for the board of every unit, until
    its period is published (its returns locked). Outside every plan year's window (a past year)
    it is the month after the last one locked by a published bulletin, for ``unit`` or any unit.
    """
    deadline_days = dict(PlanYear.objects.values_list("year", "report_deadline_day"))
    calendar_month = _calendar_month(today=today, deadline_days=deadline_days)
    if calendar_month is not None:
        year, month = _month_before(calendar_month.year, calendar_month.month)
        if year in deadline_days and _still_owed(year, month, unit):
            return ReportingMonth(
                year, month, reporting_deadline(year=year, month=month, deadline_day=deadline_days[year])
            )
        return calendar_month
    year = max(deadline_days, default=today.year)
    locked = Submission.objects.filter(year=year, status=SubmissionStatus.LOCKED)
    if unit is not None:
        locked = locked.filter(unit=unit)
    month = min((locked.aggregate(last=Max("month"))["last"] or 0) + 1, 12)
    deadline_day = deadline_days.get(year, DEFAULT_DEADLINE_DAY)
    return ReportingMonth(year, month, reporting_deadline(year=year, month=month, deadline_day=deadline_day))


def _calendar_month(*, today: date, deadline_days: dict[int, int]) -> ReportingMonth | None:
    for year in (today.year - 1, today.year):
        if year in deadline_days:
            for month in range(1, 13):
                deadline = reporting_deadline(year=year, month=month, deadline_day=deadline_days[year])
                if deadline >= today:
                    return ReportingMonth(year, month, deadline)
    return None


def _month_before(year: int, month: int) -> tuple[int, int]:
    return (year, month - 1) if month > 1 else (year - 1, 12)


def _still_owed(year: int, month: int, unit: Unit | None) -> bool:
    """A unit owes a month until it submits it; the board, until the month's period is published."""
    returns = Submission.objects.filter(year=year, month=month)
    if unit is None:
        return not returns.filter(status=SubmissionStatus.LOCKED).exists()
    return not returns.filter(unit=unit).exclude(status=SubmissionStatus.DRAFT).exists()
