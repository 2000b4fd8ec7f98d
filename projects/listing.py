"""What the lifecycle's list pages share: their page size, the day they judge warnings on and the
open year they read once a request."""

from __future__ import annotations

from datetime import date

from django.http import HttpRequest

from common import clock

from .selectors import library_year

PER_PAGE = 50


def reference_date(request: HttpRequest) -> date:
    """The day warnings are judged on (``?on=YYYY-MM-DD``), today unless a page asks for another —
    e.g. to review a past 周调度 or the demo's 2022."""
    try:
        return date.fromisoformat(request.GET.get("on", ""))
    except ValueError:
        return clock.today()


def open_year(request: HttpRequest) -> int:
    """``library_year``, read once however many parts of a page (queryset, table, context) ask for it."""
    if not hasattr(request, "open_year"):
        request.open_year = library_year()
    return request.open_year
