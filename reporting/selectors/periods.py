"""The reporting calendar: which month a unit is reporting, its deadline and the days left.

Units report calendar months (January is entered in January); the deadline is a configurable day
of the following month (PlanYear.report_deadline_day). Statistical periods (1-2月 … 1-12月) are
``common.periods.Period``; a month belongs to every period that ends with it or later.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.db.models import Max

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


def open_reporting_month(*, today: date, unit: Unit | None = None) -> ReportingMonth:
    """The month being reported now.

    Within a plan year's reporting window it is the earliest month whose deadline has not passed
    (on 3 January that is still December). Otherwise (a past year, such as the demo's 2022) it is
    the month after the last one locked by a published bulletin, for ``unit`` or for any unit.
    """
    deadline_days = dict(PlanYear.objects.values_list("year", "report_deadline_day"))
    for year in (today.year - 1, today.year):
        if year in deadline_days:
            for month in range(1, 13):
                deadline = reporting_deadline(year=year, month=month, deadline_day=deadline_days[year])
                if deadline >= today:
                    return ReportingMonth(year, month, deadline)
    year = max(deadline_days, default=today.year)
    locked = Submission.objects.filter(year=year, status=SubmissionStatus.LOCKED)
    if unit is not None:
        locked = locked.filter(unit=unit)
    month = min((locked.aggregate(last=Max("month"))["last"] or 0) + 1, 12)
    deadline_day = deadline_days.get(year, DEFAULT_DEADLINE_DAY)
    return ReportingMonth(year, month, reporting_deadline(year=year, month=month, deadline_day=deadline_day))
