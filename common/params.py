"""Query parameters read the same way on every page: a value out of range is a clean 400 (never a
500), and a page size is kept within what one page may show."""

from __future__ import annotations

from django.core.exceptions import BadRequest
from django.http import HttpRequest
from django_tables2 import RequestConfig, Table

YEAR_RANGE = (2000, 2100)
MAX_PER_PAGE = 200


def year_param(request: HttpRequest, *, default: int, name: str = "year") -> int:
    """``?year=``: the default when absent or empty; 400 when it is not a year the product knows."""
    raw = request.GET.get(name, "").strip()
    if not raw:
        return default
    if not raw.isdigit() or not YEAR_RANGE[0] <= int(raw) <= YEAR_RANGE[1]:
        raise BadRequest(f"参数 {name} 须为 {YEAR_RANGE[0]}–{YEAR_RANGE[1]} 之间的年份。")
    return int(raw)


def page_size_param(
    request: HttpRequest, *, default: int, name: str = "per_page", most: int = MAX_PER_PAGE
) -> int:
    """``?per_page=``: a positive whole number, at most ``most`` (a larger one is capped)."""
    raw = request.GET.get(name, "").strip()
    if not raw:
        return default
    if not raw.isdigit() or int(raw) < 1:
        raise BadRequest(f"参数 {name} 须为正整数。")
    return min(int(raw), most)


def table_paginate(request: HttpRequest, table: Table, *, per_page: int) -> None:
    """Sorts and paginates ``table`` from the query string, its page size checked first
    (django-tables2 would take any ``per_page`` as it stands): at most MAX_PER_PAGE, or the page's
    own size where a page shows more at once (修改记录 shows all it reads)."""
    field = table.prefixed_per_page_field
    size = page_size_param(request, default=per_page, name=field, most=max(per_page, MAX_PER_PAGE))
    if field in request.GET:
        query = request.GET.copy()
        query[field] = str(size)
        request.GET = query
    RequestConfig(request, paginate={"per_page": size}).configure(table)
