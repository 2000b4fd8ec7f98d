"""``write_table``: a printable report table in a normal openpyxl workbook.

For sheets that are built in memory and then worked on (the target workbooks add their own cells and
merges around the table). Exports of any size are streamed instead (``streamed.stream_table``); both
follow the layout rules of ``layout``.
"""

from __future__ import annotations

import io
from collections.abc import Iterable, Mapping, Sequence
from copy import copy

from openpyxl.cell.cell import Cell
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.styles.cell_style import StyleArray
from openpyxl.utils import get_column_letter
from openpyxl.workbook import Workbook
from openpyxl.worksheet.page import PageMargins
from openpyxl.worksheet.worksheet import Worksheet

from .layout import (
    FOOTER,
    HEADER_FILL,
    ILLEGAL_CHARACTERS_RE,
    TITLE_HEIGHT,
    TITLE_SIZE,
    OutColumn,
    display_width,
    fit_widths,
    looks_like_formula,
    note_height,
    shown_width,
)

_THIN = Side(style="thin", color="000000")
_BORDER = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
_HEADER_FILL = PatternFill("solid", fgColor=HEADER_FILL)


def safe_cell_value(cell: Cell, value: object) -> Cell:
    """Put ``value`` in ``cell`` so that text from users can never become a formula.

    openpyxl turns any text starting with "=" into a formula (and "#N/A" into an error), so such text
    is forced back to a string cell; quotePrefix makes Excel show it without an apostrophe and keep it
    text when someone edits the cell. Control characters Excel rejects are dropped instead of failing.
    """
    if isinstance(value, str):
        value = ILLEGAL_CHARACTERS_RE.sub("", value)
        cell.value = value
        if looks_like_formula(value):
            cell.data_type = "s"
            cell.quotePrefix = True
    else:
        cell.value = value
    return cell


def write_table(
    ws: Worksheet,
    *,
    title: str,
    columns: Sequence[OutColumn],
    rows: Iterable[Mapping[str, object]],
    unit_line: str | None = "单位：万元",
    total_row: Mapping[str, object] | None = None,
    note: str | None = None,
) -> int:
    """Write a printable report table starting at A1 and return its header row number.

    Layout follows the tables people already hand round: title, right-aligned unit line, header,
    the 合计 row, then the data rows, then an optional note.
    """
    last = len(columns)
    widths = [display_width(column.label) for column in columns]

    def merged_line(row: int, text: str, alignment: Alignment, font: Font | None = None) -> None:
        cell = safe_cell_value(ws.cell(row=row, column=1), text)
        cell.alignment = alignment
        if font is not None:
            cell.font = font
        if last > 1:
            ws.merge_cells(start_row=row, start_column=1, end_row=row, end_column=last)

    merged_line(1, title, Alignment(horizontal="center", vertical="center"), Font(bold=True, size=TITLE_SIZE))
    ws.row_dimensions[1].height = TITLE_HEIGHT
    header_row = 2
    if unit_line:
        merged_line(2, unit_line, Alignment(horizontal="right"))
        header_row = 3

    for index, column in enumerate(columns, start=1):
        _style_header(safe_cell_value(ws.cell(row=header_row, column=index), column.label))

    data = [total_row, *rows] if total_row is not None else rows
    styles: dict[tuple[str | None, bool], StyleArray] = {}
    row_number = header_row
    for row_number, values in enumerate(data, start=header_row + 1):
        bold = values is total_row
        for index, column in enumerate(columns, start=1):
            value = values.get(column.key)
            _data_cell(ws.cell(row=row_number, column=index), column, value, styles, bold=bold)
            widths[index - 1] = max(widths[index - 1], shown_width(column, value))

    fitted = fit_widths(columns, widths, title)
    for index, width in enumerate(fitted, start=1):
        ws.column_dimensions[get_column_letter(index)].width = width

    if note:
        note_row = row_number + 1
        merged_line(note_row, note, Alignment(horizontal="left", vertical="top", wrap_text=True))
        ws.row_dimensions[note_row].height = note_height(note, fitted)

    ws.freeze_panes = ws.cell(row=header_row + 1, column=1).coordinate
    _set_up_printing(ws, title_rows=f"1:{header_row}")
    return header_row


def _style_header(cell: Cell) -> Cell:
    cell.font = Font(bold=True)
    cell.fill = _HEADER_FILL
    cell.border = _BORDER
    cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
    return cell


def _data_cell(
    cell: Cell,
    column: OutColumn,
    value: object,
    styles: dict[tuple[str | None, bool], StyleArray],
    *,
    bold: bool = False,
) -> Cell:
    """Write a bordered data cell. openpyxl hashes every style object assigned to a cell, which costs
    more than the rest of writing a large sheet; so each distinct style is built once per sheet, in
    ``styles``, and copied after that. The value goes in last: it may mark the cell quotePrefix."""
    number_format = None
    if column.number_format and value is not None and not isinstance(value, str):
        number_format = column.number_format
    style = styles.get((number_format, bold))
    if style is not None:
        cell._style = copy(style)
    else:
        cell.border = _BORDER
        if number_format:
            cell.number_format = number_format
        if bold:
            cell.font = Font(bold=True)
        styles[(number_format, bold)] = copy(cell._style)
    return safe_cell_value(cell, value)


def _set_up_printing(ws: Worksheet, *, title_rows: str) -> None:
    ws.print_title_rows = title_rows
    ws.page_setup.orientation = Worksheet.ORIENTATION_LANDSCAPE
    ws.page_setup.paperSize = Worksheet.PAPERSIZE_A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True  # without it Excel ignores fitToWidth
    ws.print_options.horizontalCentered = True
    ws.page_margins = PageMargins(left=0.5, right=0.5, top=0.6, bottom=0.6, header=0.3, footer=0.3)
    ws.oddFooter.center.text = FOOTER


def workbook_response_bytes(wb: Workbook) -> bytes:
    """Serialise a workbook for an HttpResponse (content type: XLSX_CONTENT_TYPE): an openpyxl
    workbook, or a ``StreamedWorkbook``, which writes itself."""
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()
