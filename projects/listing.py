"""The lifecycle pages' small lists without an export: a queryset, a FilterSet and a table, paginated."""

from __future__ import annotations

from datetime import date

from django.db.models import QuerySet
from django.http import HttpRequest
from django_filters import FilterSet
from django_tables2 import Table

from common import clock
from common.params import table_paginate

PER_PAGE = 50


def filtered_table(
    request: HttpRequest,
    *,
    queryset: QuerySet,
    filterset_class: type[FilterSet],
    table_class: type[Table],
    filterset_kwargs: dict | None = None,
    **table_kwargs,
) -> tuple[FilterSet, Table]:
    """A list without an export of its own; one with an export is a ``common.lists.ListPage``."""
    filterset = filterset_class(request.GET, queryset=queryset, request=request, **(filterset_kwargs or {}))
    table = table_class(filterset.qs, **table_kwargs)
    table_paginate(request, table, per_page=PER_PAGE)
    return filterset, table


def reference_date(request: HttpRequest) -> date:
    """The day warnings are judged on (``?on=YYYY-MM-DD``), today unless a page asks for another —
    e.g. to review a past 周调度 or the demo's 2022."""
    try:
        return date.fromisoformat(request.GET.get("on", ""))
    except ValueError:
        return clock.today()
