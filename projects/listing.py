"""The small generic list of the lifecycle pages: a queryset, a FilterSet and a table, paginated.

A page and its export build the FilterSet the same way, so the file holds exactly what the page showed.
"""

from __future__ import annotations

from datetime import date

from django.db.models import QuerySet
from django.http import HttpRequest
from django_filters import FilterSet
from django_tables2 import Table

from common import clock
from common.params import table_paginate

PER_PAGE = 50


def filtered(request: HttpRequest, *, queryset: QuerySet, filterset_class: type[FilterSet]) -> FilterSet:
    return filterset_class(request.GET, queryset=queryset, request=request)


def filtered_table(
    request: HttpRequest,
    *,
    queryset: QuerySet,
    filterset_class: type[FilterSet],
    table_class: type[Table],
    **table_kwargs,
) -> tuple[FilterSet, Table]:
    filterset = filtered(request, queryset=queryset, filterset_class=filterset_class)
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
