"""The product's one clock: what "today" is for every page, job, command and export.

Business dates — the open reporting month, days left to a deadline, overdue milestones and
problems, the 截至 date of a board — all ask ``today()``. It is the real local date unless a fixed
date is set (``ClockSetting``): the demo sets its data's date, and ``manage.py clock`` sets or
clears it. Timestamps of records (audit, ``computed_at``) stay real time: they say when something
happened, not which business day it belongs to.

A page about a past period judges 逾期 and 剩余天数 as of that period (``as_of``), not as of the
day someone opens it.
"""

from __future__ import annotations

from contextvars import ContextVar
from datetime import date

from django.utils import timezone

# One reading per request: the middleware opens a memo that ``today`` fills on first use.
_memo: ContextVar[dict | None] = ContextVar("clock_memo", default=None)


def fixed_today() -> date | None:
    from .models import ClockSetting

    return ClockSetting.objects.filter(pk=1).values_list("fixed_today", flat=True).first()


def today() -> date:
    """The business date: the fixed date where one is set, else the real local date."""
    memo = _memo.get()
    if memo is not None and "today" in memo:
        return memo["today"]
    value = fixed_today() or timezone.localdate()
    if memo is not None:
        memo["today"] = value
    return value


def as_of(end: date) -> date:
    """The day a past period is judged on: its own end (e.g. its deadline), or today while it runs."""
    return min(end, today())


def clock_set(*, on: date | None, reason: str = "") -> None:
    """Fix the business date (``on``) or return to the real date (None)."""
    from .models import ClockSetting

    ClockSetting.objects.update_or_create(pk=1, defaults={"fixed_today": on, "reason": reason})
    memo = _memo.get()
    if memo is not None:
        memo.pop("today", None)


class ClockMiddleware:
    """Reads the clock at most once per request, so a page's query count does not grow with it."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = _memo.set({})
        try:
            return self.get_response(request)
        finally:
            _memo.reset(token)
