"""One way to declare a list page: a queryset from a selector, a FilterSet, a table and a template.

A page is a ``ListPage``: it says where its rows come from (``queryset``), how they are filtered (its
FilterSet), what each row shows (its django-tables2 table) and where it is drawn (its template). Its
"export what I see" is the same declaration written to .xlsx: the columns are the table's (a column
marked ``exclude_from_export`` stays on the screen, one with ``visible=False`` only goes in the file),
the rows are the FilterSet's, in the order the page sorts them. The request and the background job
build the FilterSet the same way, from the page's query parameters and the user (``ListPage.filterset``).

A list may hold every project of a province (100,000 rows): rows come from the database in chunks,
go through a streamed workbook (XlsxWriter's constant-memory mode) into a temporary file and leave
as a streamed response, so an export's memory does not grow with its rows.
"""

from __future__ import annotations

import tempfile
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from types import SimpleNamespace
from typing import IO, TYPE_CHECKING, Any, ClassVar

import django_tables2 as tables
from django.db.models import QuerySet
from django.http import FileResponse, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import render
from django.utils import timezone
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django_filters import FilterSet
from django_tables2.columns import BoundColumn
from django_tables2.rows import BoundRow

from common.figures import EMPTY, format_pct, format_wan
from common.params import table_paginate
from common.spreadsheets import (
    XLSX_CONTENT_TYPE,
    OutColumn,
    OutKind,
    StreamedWorkbook,
    sheet_name,
    stream_table,
    streamed_sheet,
)
from common.table_body import body_rows
from common.widgets import quicken_selects, style_fields

if TYPE_CHECKING:
    from accounts.models import User

Params = Mapping[str, str]
ITERATOR_CHUNK = 2000
# Widths fit the first rows like a report's; a longer list keeps them (a streamed sheet cannot look back).
FIT_ROWS = 1000
RIGHT = {"td": {"class": "text-end text-nowrap"}, "th": {"class": "text-end"}}
# A column of buttons: on the screen, never on paper (nor in the file, with ``exclude_from_export``).
SCREEN_ONLY = {"td": {"class": "d-print-none text-nowrap"}, "th": {"class": "d-print-none"}}
# Query parameters that place the page, never filter it: the file holds every row, in the page's order.
PLACING = ("page", "per_page")


def badge(text: str, colour: str) -> str:
    """A word in a Bootstrap badge: ``badge("未达标", "bg-danger")``."""
    return format_html('<span class="badge {}">{}</span>', colour, text)


def muted(text: str) -> str:
    """A word in grey: what a cell says when it has nothing to show (未报送, 无月度目标)."""
    return format_html('<span class="text-muted">{}</span>', text)


def met_badge(met: bool) -> str:
    """达标 or 未达标 of a target, as every page marks it."""
    return badge("达标", "bg-success") if met else badge("未达标", "bg-danger")


def local_minute(moment: datetime | None) -> str:
    """A moment as the lists write it, in local time to the minute (2022-07-01 09:05); "" for none."""
    return f"{timezone.localtime(moment):%Y-%m-%d %H:%M}" if moment else ""


class StyledFilterSet(FilterSet):
    """A FilterSet whose form reads well on one line. A page that asks about fewer things than the
    model's FilterSet can offer names them (``offered``): the form shows those and only they filter."""

    def __init__(self, *args, offered: Sequence[str] | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        if offered is not None:
            self.filters = {name: value for name, value in self.filters.items() if name in offered}
        quicken_selects(self.form)
        style_fields(self.form)


@dataclass(frozen=True)
class HeaderGroup:
    """A header over several adjacent columns of a table, in a row above theirs (官方数据 over its three
    figures); ``css`` adds classes to it (the group that counts, in colour)."""

    label: str
    columns: tuple[str, ...]
    css: str = ""


@dataclass(frozen=True)
class HeaderCell:
    """A cell of a grouped table's first header row: a group over ``span`` columns, or a column alone
    that spans both rows."""

    column: BoundColumn | None = None
    group: HeaderGroup | None = None
    span: int = 1


class BaseTable(tables.Table):
    # Set per table (or per instance, before rendering) to draw a second header row above the columns'.
    header_groups: Sequence[HeaderGroup] = ()

    def header_top(self) -> list[HeaderCell]:
        """The first of two header rows: each group once, over its shown columns, and each column in no
        group spanning both rows. A group's columns must be adjacent."""
        group_of = {name: group for group in self.header_groups for name in group.columns}
        cells: list[HeaderCell] = []
        for column in self.columns:
            group = group_of.get(column.name)
            if group is None:
                cells.append(HeaderCell(column=column))
            elif cells and cells[-1].group is group:
                cells[-1] = HeaderCell(group=group, span=cells[-1].span + 1)
            else:
                cells.append(HeaderCell(group=group))
        return cells

    def body_rows(self) -> SafeString:
        """The rows of the page, written by ``common.table_body`` (the same HTML as django-tables2's
        template, in a fraction of the time for a long table)."""
        return body_rows(self)

    def header_bottom(self) -> list[BoundColumn]:
        """The second header row: the columns that stand under a group."""
        grouped = {name for group in self.header_groups for name in group.columns}
        return [column for column in self.columns if column.name in grouped]

    class Meta:
        template_name = "lists/table.html"
        attrs = {"class": "table table-sm table-striped table-hover align-middle figures"}
        empty_text = "没有符合条件的记录。"


class WanColumn(tables.Column):
    """An amount in 万元 with separators, right-aligned, to whole 万元 (or to ``places`` decimals: a
    score, a multiple); a number in the file."""

    export_kind: OutKind = "money"

    def __init__(self, verbose_name: str, *, places: int = 0, **kwargs):
        kwargs.setdefault("attrs", RIGHT)
        kwargs.setdefault("default", EMPTY)
        super().__init__(verbose_name=verbose_name, **kwargs)
        self.places = places

    def render(self, value) -> str:
        return format_wan(value, self.places)

    def value(self, value):
        return value


class PctColumn(tables.Column):
    """A percentage (``format_pct``), right-aligned; in the file a number under "<header>(%)"."""

    export_kind: OutKind = "pct"

    def __init__(self, verbose_name: str, **kwargs):
        kwargs.setdefault("attrs", RIGHT)
        super().__init__(verbose_name=verbose_name, default=EMPTY, **kwargs)

    def render(self, value) -> str:
        return format_pct(value)

    def value(self, value):
        return value


class DayColumn(tables.DateColumn):
    """A date as 2022-07-01; a date cell in the file."""

    export_kind: OutKind = "date"

    def __init__(self, verbose_name: str, **kwargs):
        super().__init__(verbose_name=verbose_name, format="Y-m-d", **kwargs)

    def value(self, value):
        return value


class MinuteColumn(tables.Column):
    """A moment in local time to the minute (``local_minute``); the same text in the file."""

    def __init__(self, verbose_name: str, **kwargs):
        super().__init__(verbose_name=verbose_name, default="", **kwargs)

    def render(self, value) -> str:
        return local_minute(value)

    def value(self, value) -> str:
        return local_minute(value)


class YesNoColumn(tables.BooleanColumn):
    """A yes/no column whose file cell holds the same word the page shows (``yesno="已入库,未入库"``)."""

    def value(self, value) -> str:
        return self.yesno[0] if value else self.yesno[1]


def export_columns(table: tables.Table) -> list[OutColumn]:
    """The file's columns: every column of ``table`` not marked ``exclude_from_export``, in its order."""
    columns = []
    for bound in table.columns.iterall():
        if bound.column.exclude_from_export:
            continue
        kind = getattr(bound.column, "export_kind", "text")
        label = str(bound.header)
        columns.append(OutColumn(f"{label}(%)" if kind == "pct" else label, bound.name, kind))
    return columns


def cell(value: object) -> object:
    """A value as a file cell takes it: numbers and dates stay, anything else is its text."""
    if value is None or type(value) in _CELL_TYPES:
        return value
    return f"{value}"  # plain text, also from a str subclass such as SafeString


_CELL_TYPES = frozenset({str, int, float, Decimal, date, datetime})


def table_rows(table: tables.Table, records: Iterable[Any]) -> Iterator[dict[str, object]]:
    """Each record as the file's row: the value each column of ``table`` gives it (``value_<name>``,
    else the column's ``value``), the same the page renders without its markup."""
    names = [column.key for column in export_columns(table)]
    for record in records:
        row = BoundRow(record, table=table)
        yield {name: cell(row.get_cell_value(name)) for name in names}


def xlsx_write(
    target: str | IO[bytes],
    *,
    title: str,
    columns: Sequence[OutColumn],
    rows: Iterable[Mapping[str, object]],
) -> int:
    """Write the list to ``target`` through a streamed workbook; return the number of rows."""
    workbook = StreamedWorkbook()
    sheet = streamed_sheet(workbook, sheet_name(title))
    count = stream_table(sheet, title=title, columns=columns, rows=rows, fit_rows=FIT_ROWS)
    workbook.save(target)
    return count


def query_without_placing(params: QueryDict) -> QueryDict:
    query = params.copy()
    for name in PLACING:
        query.pop(name, None)
    return query


def job_request(*, actor: User, params: Params) -> SimpleNamespace:
    """What a background job has of the request that asked for the file: the user and the page's query
    parameters, all a list's hooks and its FilterSet read (the FilterSet offers the units the user may
    read)."""
    query = QueryDict(mutable=True)
    for name, value in params.items():
        if isinstance(value, list):
            query.setlist(name, value)
        else:
            query[name] = value
    return SimpleNamespace(user=actor, GET=query)


class ListPage:
    """A list page declared once: subclasses set the four names and, where the page needs them, the
    hooks below, each given the request (or, in a job, ``job_request``). ``page`` and ``export`` are
    its two views (the app's views wrap them in their permission decorators); ``export_write`` is
    what a background job calls with the page's query parameters and the user who asked."""

    template_name: ClassVar[str]
    filterset_class: ClassVar[type[FilterSet]]
    table_class: ClassVar[type[tables.Table]]
    filterset_kwargs: ClassVar[Mapping[str, object]] = {}
    title: ClassVar[str] = ""
    per_page: ClassVar[int] = 50

    def queryset(self, request) -> QuerySet:
        """The rows the user may see before filtering: a selector's queryset."""
        raise NotImplementedError

    def rows(self, request, filterset: FilterSet) -> QuerySet:
        """The rows the table lists; a page that narrows the filtered rows further (a tab) says so here."""
        return filterset.qs

    def table_kwargs(self, request) -> dict[str, object]:
        return {}

    def extra_context(self, request, filterset: FilterSet, table: tables.Table) -> dict:
        return {}

    def export_title(self, request) -> str:
        return self.title

    def export_rows(self, table: tables.Table, records: QuerySet) -> Iterable[Mapping[str, object]]:
        """The file's rows, keyed by column name. A list too long for one model instance a row may
        read plain values instead, as long as a test holds it to ``table_rows``."""
        return table_rows(table, records.iterator(chunk_size=ITERATOR_CHUNK))

    # What a page and its export share -------------------------------------------------------------

    def filterset(self, request) -> FilterSet:
        return self.filterset_class(
            request.GET, queryset=self.queryset(request), request=request, **self.filterset_kwargs
        )

    def table(self, request, filterset: FilterSet, *, order_by: str | None = None) -> tables.Table:
        rows = self.rows(request, filterset)
        return self.table_class(rows, order_by=order_by, **self.table_kwargs(request))

    def export_table(self, request) -> tuple[tables.Table, QuerySet]:
        """The table and its records, every row the filter selects in the order the page sorts them."""
        table = self.table(request, self.filterset(request), order_by=request.GET.get("sort") or None)
        return table, table.data.data

    def export_to(self, target: str | IO[bytes], request, *, title: str) -> int:
        table, records = self.export_table(request)
        return xlsx_write(
            target, title=title, columns=export_columns(table), rows=self.export_rows(table, records)
        )

    def export_write(self, target: str | IO[bytes], *, actor: User, params: Params) -> int:
        """The file of what ``actor`` saw with ``params``, written by a background job; the number of rows."""
        request = job_request(actor=actor, params=params)
        return self.export_to(target, request, title=self.export_title(request))

    # The two views ------------------------------------------------------------------------------

    def page(self, request: HttpRequest) -> HttpResponse:
        filterset = self.filterset(request)
        table = self.table(request, filterset)
        table_paginate(request, table, per_page=self.per_page)
        context = {
            "filterset": filterset,
            "table": table,
            "title": self.title,
            "export_query": query_without_placing(request.GET).urlencode(),
            **self.extra_context(request, filterset, table),
        }
        return render(request, self.template_name, context)

    def export(self, request: HttpRequest) -> FileResponse:
        title = self.export_title(request)
        handle = tempfile.TemporaryFile()  # noqa: SIM115 (the response closes it once sent)
        self.export_to(handle, request, title=title)
        handle.seek(0)
        return FileResponse(
            handle, as_attachment=True, filename=f"{title}.xlsx", content_type=XLSX_CONTENT_TYPE
        )


class ShortListPage(ListPage):
    """A list short enough to read at once (a few dozen rows: the bulletins of the years, the
    pending 退库 requests, the locked accounts, a row per unit of 预报与实际). The page reads the
    filtered rows in one query (or, overriding ``rows``, builds them as a list) and the pager counts
    what was read, without a count query of its own; the export writes those rows without reading
    them again."""

    def rows(self, request, filterset: FilterSet) -> QuerySet:
        rows = filterset.qs
        list(rows)  # fills the queryset's cache, which the pager's count then reads
        return rows

    def export_rows(self, table: tables.Table, records: QuerySet) -> Iterable[Mapping[str, object]]:
        return table_rows(table, records)
