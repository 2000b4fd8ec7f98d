"""``stream_table``: a report table of any size written row by row, through XlsxWriter.

A ``StreamedWorkbook`` is XlsxWriter's workbook in its constant-memory mode: each row goes to a
temporary file as soon as the next one starts, so an export of a province's hundred thousand projects
holds one row in memory. It lays out what ``report.write_table`` lays out in memory (title, unit line,
header, 合计 row, data, note, the borders, number formats, frozen header and A4-landscape print set-up).
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterable, Mapping, Sequence
from datetime import date, time, timedelta
from decimal import Decimal
from itertools import chain, islice
from typing import IO, Any

import xlsxwriter
from xlsxwriter.format import Format
from xlsxwriter.worksheet import Worksheet

from .layout import (
    FOOTER,
    HEADER_FILL,
    TITLE_HEIGHT,
    TITLE_SIZE,
    TYPICAL_WIDTH,
    OutColumn,
    clean_text,
    display_width,
    fit_widths,
    looks_like_formula,
    note_height,
    shown_width,
)

# A column width of one character unit is 7 pixels in Excel's default 11pt font. XlsxWriter's
# ``set_column`` adds the cell padding to the width it is given; the report sheets store the width as
# measured, so it is given in pixels, which XlsxWriter stores as they are.
_PIXELS_PER_UNIT = 7
_BORDER = {"border": 1, "border_color": "#000000"}
_HEADER = {
    **_BORDER,
    "bold": True,
    "pattern": 1,
    "bg_color": f"#{HEADER_FILL}",
    "align": "center",
    "valign": "vcenter",
    "text_wrap": True,
}
_TITLE = {"bold": True, "font_size": TITLE_SIZE, "align": "center", "valign": "vcenter"}
_UNIT_LINE = {"align": "right"}
_NOTE = {"align": "left", "valign": "top", "text_wrap": True}
_OPTIONS = {
    "constant_memory": True,
    # Text is text: nothing a user typed becomes a number, a formula or a link.
    "strings_to_numbers": False,
    "strings_to_formulas": False,
    "strings_to_urls": False,
}


class StreamedWorkbook:
    """An .xlsx written sheet by sheet, row by row; ``save`` it once every sheet is written.

    The file is assembled in a temporary file and copied to where ``save`` is told, so the workbook
    can be made before anyone knows where it goes (a response, an export's file)."""

    def __init__(self) -> None:
        # Lives as long as the workbook; the file is removed when it is collected.
        self._file = tempfile.TemporaryFile()  # noqa: SIM115
        self.book = xlsxwriter.Workbook(self._file, _OPTIONS)
        self._formats: dict[tuple[tuple[str, Any], ...], Format] = {}
        self._closed = False

    def format(self, **properties: Any) -> Format:
        """The workbook's one format of these properties (a workbook keeps every format it makes)."""
        key = tuple(sorted(properties.items()))
        if key not in self._formats:
            self._formats[key] = self.book.add_format(properties)
        return self._formats[key]

    @property
    def worksheets(self) -> list[Worksheet]:
        return self.book.worksheets()

    def save(self, target: str | os.PathLike[str] | IO[bytes]) -> None:
        """Write the workbook to a path or a binary file."""
        if not self._closed:
            self.book.close()
            self._closed = True
        self._file.seek(0)
        if isinstance(target, str | os.PathLike):
            with open(target, "wb") as handle:
                shutil.copyfileobj(self._file, handle)
        else:
            shutil.copyfileobj(self._file, target)


class StreamedSheet:
    """One sheet of a ``StreamedWorkbook``, for ``stream_table``; ``worksheet`` is XlsxWriter's."""

    def __init__(self, workbook: StreamedWorkbook, title: str) -> None:
        self.workbook = workbook
        self.worksheet = workbook.book.add_worksheet(title)


def streamed_sheet(workbook: StreamedWorkbook, title: str) -> StreamedSheet:
    """A new sheet of ``workbook`` for ``stream_table``."""
    return StreamedSheet(workbook, title)


def stream_table(
    sheet: StreamedSheet,
    *,
    title: str,
    columns: Sequence[OutColumn],
    rows: Iterable[Mapping[str, object]],
    unit_line: str | None = "单位：万元",
    total_row: Mapping[str, object] | None = None,
    note: str | None = None,
    fit_rows: int | None = None,
    fit_on: Iterable[Mapping[str, object]] | None = None,
) -> int:
    """Write ``write_table``'s layout into a streamed sheet; return the number of data rows.

    A streamed sheet holds no rows in memory, so its size does not matter; but it cannot look back:
    column widths are fixed before the first row. A column with ``OutColumn.width`` keeps it; the
    others fit the header, the 合计 row and the first ``fit_rows`` rows (held back until then, so a
    table that short comes out exactly as ``write_table`` lays it out), or, when ``fit_rows`` is
    None, what the column's kind usually holds. Rows that can be read twice hold nothing back:
    ``fit_on`` gives the same rows again, and the widths fit its first ``fit_rows``.
    """
    rows = iter(rows)
    held = list(islice(rows, fit_rows or 0)) if fit_on is None else []
    if fit_rows is not None:
        widths = [display_width(column.label) for column in columns]
        measured = held if fit_on is None else islice(fit_on, fit_rows)
        for values in chain([total_row], measured) if total_row is not None else measured:
            for index, column in enumerate(columns):
                value = values.get(column.key)
                # Text is never wider than two units a character: most cells need no measuring.
                if type(value) is not str or 2 * len(value) > widths[index]:
                    widths[index] = max(widths[index], shown_width(column, value))
        if callable(getattr(fit_on, "close", None)):
            fit_on.close()  # a generator left part-read ends its reading before the rows are read
    else:
        widths = [max(display_width(column.label), TYPICAL_WIDTH[column.kind]) for column in columns]
    fitted = fit_widths(columns, widths, title)
    ws, book = sheet.worksheet, sheet.workbook
    for index, width in enumerate(fitted):
        ws.set_column_pixels(index, index, round(width * _PIXELS_PER_UNIT))

    header_row = 3 if unit_line else 2  # counted from 1, as Excel shows it
    ws.freeze_panes(header_row, 0)
    _set_up_printing(ws, header_row)
    ws.set_row(0, TITLE_HEIGHT)
    _merged_line(sheet, 0, len(columns), title, _TITLE)
    if unit_line:
        _merged_line(sheet, 1, len(columns), unit_line, _UNIT_LINE)
    for index, column in enumerate(columns):
        _write_text(ws, header_row - 1, index, column.label, book, _HEADER)

    row = header_row  # XlsxWriter counts rows from 0: this is the row under the header
    if total_row is not None:
        _write_row(ws, row, _row_plan(book, columns, bold=True), total_row)
        row += 1
    plan = _row_plan(book, columns, bold=False)
    for values in chain(held, rows):
        _write_row(ws, row, plan, values)
        row += 1
    count = row - header_row - (1 if total_row is not None else 0)

    if note:
        ws.set_row(row, note_height(note, fitted))
        _merged_line(sheet, row, len(columns), note, _NOTE)
    return count


def _merged_line(sheet: StreamedSheet, row: int, width: int, text: str, properties: dict) -> None:
    """A line of text across the table's columns (the title, the unit line, the note)."""
    if width > 1:
        sheet.worksheet.merge_range(row, 0, row, width - 1, "", sheet.workbook.format(**properties))
    _write_text(sheet.worksheet, row, 0, text, sheet.workbook, properties)


def _write_text(ws: Worksheet, row: int, col: int, text: str, book: StreamedWorkbook, properties: dict):
    if looks_like_formula(text):
        properties = {**properties, "quote_prefix": True}
    ws.write_string(row, col, clean_text(text), book.format(**properties))


class _ColumnPlan:
    """One column's key, position and formats, found once per table (a row looks nothing up)."""

    __slots__ = ("bold", "book", "column", "index", "key", "number", "plain", "quoted")

    def __init__(self, book: StreamedWorkbook, column: OutColumn, index: int, *, bold: bool) -> None:
        self.book, self.column, self.index, self.key, self.bold = book, column, index, column.key, bold
        style = {**_BORDER, "bold": True} if bold else _BORDER
        self.plain = book.format(**style)
        self.quoted = book.format(**style, quote_prefix=True)
        self.number = self.plain
        if column.number_format:
            self.number = book.format(**style, num_format=column.number_format)

    def format_for(self, value: object) -> Format:
        number_format = self.column.format_for(value)
        style = {**_BORDER, "bold": True} if self.bold else _BORDER
        return self.book.format(**style, num_format=number_format) if number_format else self.plain


def _row_plan(book: StreamedWorkbook, columns: Sequence[OutColumn], *, bold: bool) -> list[_ColumnPlan]:
    return [_ColumnPlan(book, column, index, bold=bold) for index, column in enumerate(columns)]


def _write_row(ws: Worksheet, row: int, plan: list[_ColumnPlan], values: Mapping[str, object]) -> None:
    """One data row: every cell bordered, figures in their column's format, text never a formula."""
    for column in plan:
        value = values.get(column.key)
        kind = type(value)
        if kind is str:
            if looks_like_formula(value):
                ws.write_string(row, column.index, clean_text(value), column.quoted)
            else:
                ws.write_string(row, column.index, clean_text(value), column.plain)
        elif value is None:
            ws.write_blank(row, column.index, None, column.plain)
        elif kind is Decimal or kind is int or kind is float:
            ws.write_number(row, column.index, value, column.number)
        else:
            _write_other(ws, row, column, value)


def _write_other(ws: Worksheet, row: int, column: _ColumnPlan, value: object) -> None:
    """Dates and times, booleans, and the subclasses of str and int (a choice's value)."""
    if isinstance(value, bool):
        ws.write_boolean(row, column.index, value, column.format_for(value))
    elif isinstance(value, date | time | timedelta):
        ws.write_datetime(row, column.index, value, column.format_for(value))
    elif isinstance(value, str):
        quoted = looks_like_formula(value)
        ws.write_string(row, column.index, clean_text(str(value)), column.quoted if quoted else column.plain)
    elif isinstance(value, int | float | Decimal):
        ws.write_number(row, column.index, value, column.number)
    else:
        raise TypeError(f"cannot write {value!r} to a spreadsheet cell")


def _set_up_printing(ws: Worksheet, header_row: int) -> None:
    ws.repeat_rows(0, header_row - 1)
    ws.set_landscape()
    ws.set_paper(9)  # A4
    ws.fit_to_pages(1, 0)
    ws.center_horizontally()
    ws.set_margins(left=0.5, right=0.5, top=0.6, bottom=0.6)
    ws.set_header("", {"margin": 0.3})
    ws.set_footer(f"&C{FOOTER}", {"margin": 0.3})
