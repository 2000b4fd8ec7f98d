"""``read_table``: one table read from an uploaded .xlsx, every cell's error collected.

The file is checked by its content first (``uploads.open_workbook``); then the header row is found
under the title lines people put above their tables, every cell is parsed and every error collected,
so an import can show them all and save nothing.
"""

from __future__ import annotations

import os
import re
import unicodedata
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import IO, Any, Literal

from django.conf import settings
from openpyxl.utils import get_column_letter

from common.figures import format_wan

from .uploads import MIB, MSG_NOT_XLSX, SpreadsheetError, open_workbook, too_many_rows_message

_TOTAL_MARKERS = frozenset({"合计", "总计"})
_SERIAL_HEADERS = frozenset({"序号", "编号"})
_NUMBER_RE = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)")
_DATE_RE = re.compile(r"(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?")
_CENT = Decimal("0.01")
_MAX_DIGITS = 15

Kind = Literal["text", "decimal", "int", "date"]


class _InvalidCell(Exception):
    """One cell's problem; caught per cell so every error in the sheet is collected."""


@dataclass(frozen=True)
class Column:
    """One column an import expects.

    ``required``: the header row must contain it; ``allow_blank``: its cells may be empty;
    ``summed``: the 合计 row's value must equal the sum of the data rows.
    """

    key: str
    label: str
    aliases: tuple[str, ...] = ()
    kind: Kind = "text"
    required: bool = True
    allow_blank: bool = False
    min_value: Decimal | int | None = None
    summed: bool = False

    def __post_init__(self) -> None:
        if self.summed and self.kind not in ("decimal", "int"):
            raise ValueError(f"column {self.key!r}: only numeric columns can be summed")

    @property
    def header_names(self) -> frozenset[str]:
        return frozenset(normalise_header(name) for name in (self.label, *self.aliases))


@dataclass(frozen=True)
class CellError:
    """``row`` is the Excel row number, ``column`` its letter ("" when the error is the whole row's)."""

    row: int
    column: str
    label: str
    message: str

    def __str__(self) -> str:
        place = f"第{self.row}行"
        if self.column:
            place += f" {self.column}列"
        if self.label:
            place += f"「{self.label}」"
        return f"{place}：{self.message}"


@dataclass(frozen=True)
class Row:
    number: int
    values: dict[str, Any]


@dataclass
class Table:
    """The data rows in sheet order; ``total_row.values`` holds only the summed columns.

    ``preamble`` is the text above the header, one ``(row number, text)`` per non-blank row: the
    title line and the "单位：万元" line people put there, which some imports need to read.
    """

    rows: list[Row]
    errors: list[CellError]
    total_row: Row | None
    header_row: int
    letters: dict[str, str] = field(repr=False)
    labels: dict[str, str] = field(repr=False)
    preamble: list[tuple[int, str]] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors

    def add_error(self, row: Row | int, column_key: str | None, message: str) -> None:
        """Record a domain error (e.g. an unknown unit) addressed like the parser's own errors."""
        number = row.number if isinstance(row, Row) else row
        if column_key is None:
            self.errors.append(CellError(number, "", "", message))
        else:
            label = self.labels[column_key]
            self.errors.append(CellError(number, self.letters.get(column_key, ""), label, message))


def normalise_header(value: object) -> str:
    """Make 「投资目标\n（万元）」 and 「投资目标(万元)」 compare equal."""
    if value is None:
        return ""
    text = unicodedata.normalize("NFKC", str(value))
    return "".join(text.split())


def read_table(
    source: str | os.PathLike[str] | IO[bytes],
    *,
    columns: Sequence[Column],
    sheet: str | None = None,
    max_header_scan: int = 10,
    total_check: bool = True,
    max_bytes: int = 10 * MIB,
    max_uncompressed: int = 100 * MIB,
    max_rows: int | None = None,
) -> Table:
    """Read one table from the named sheet (default: the first) of an uploaded .xlsx.

    Raises SpreadsheetError when the file or its header cannot be used, or when the sheet holds
    more than ``max_rows`` (IMPORT_MAX_ROWS) data rows: that is found by counting the sheet's row
    tags before any cell is parsed, so an oversized file is refused in a moment. Cell problems are
    collected in ``Table.errors`` instead, so the caller can show them all.
    """
    max_rows = settings.IMPORT_MAX_ROWS if max_rows is None else max_rows
    workbook = open_workbook(
        source,
        max_bytes=max_bytes,
        max_uncompressed=max_uncompressed,
        max_rows=max_rows,
        # The title lines, the header and a 合计 row may come on top of the data rows.
        row_slack=max_header_scan + 1,
    )
    try:
        # worksheets leaves out chart sheets, which hold no cells; a hidden sheet is never read unasked.
        matching = [
            ws
            for ws in workbook.worksheets
            if (ws.title == sheet if sheet is not None else ws.sheet_state == "visible")
        ]
        if not matching:
            raise SpreadsheetError(MSG_NOT_XLSX if sheet is None else f"未找到工作表「{sheet}」")
        worksheet = matching[0]
        # Some producers write a wrong <dimension>; trusting it would silently drop rows.
        worksheet.reset_dimensions()
        return _read_rows(_guarded_rows(worksheet), columns, max_header_scan, total_check, max_rows)
    finally:
        workbook.close()


def filled_sheet_names(
    source: str | os.PathLike[str] | IO[bytes],
    *,
    max_bytes: int = 10 * MIB,
    max_uncompressed: int = 100 * MIB,
) -> list[str]:
    """The titles of the visible worksheets holding at least one non-blank cell, in workbook order.

    For imports that take one table per sheet: Excel and WPS add empty sheets nobody filled in, and a
    hidden sheet is one the person uploading never saw, so nothing is imported from it.
    """
    workbook = open_workbook(source, max_bytes=max_bytes, max_uncompressed=max_uncompressed)
    try:
        names = []
        for worksheet in workbook.worksheets:
            if worksheet.sheet_state != "visible":
                continue
            worksheet.reset_dimensions()
            rows = _guarded_rows(worksheet)
            if any(not _is_blank(value) for row in rows for value in row):
                names.append(worksheet.title)
        return names
    finally:
        workbook.close()


def _guarded_rows(worksheet: Any) -> Iterator[tuple[Any, ...]]:
    # read-only sheets parse lazily, so a malformed sheet fails while iterating, not while loading.
    rows = worksheet.iter_rows(values_only=True)
    while True:
        try:
            row = next(rows)
        except StopIteration:
            return
        except Exception as exc:
            raise SpreadsheetError(MSG_NOT_XLSX) from exc
        yield row


def _read_rows(
    rows: Iterator[tuple[Any, ...]],
    columns: Sequence[Column],
    max_header_scan: int,
    total_check: bool,
    max_rows: int,
) -> Table:
    header_row, positions, serial, preamble = _find_header(rows, columns, max_header_scan)
    table = Table(
        rows=[],
        errors=[],
        total_row=None,
        header_row=header_row,
        letters={key: get_column_letter(index + 1) for key, index in positions.items()},
        labels={column.key: column.label for column in columns},
        preamble=preamble,
    )
    for number, values in enumerate(rows, start=header_row + 1):
        cells = [None if _is_blank(value) else value for value in values]
        # Templates often come pre-numbered; a row holding nothing but its 序号 is not data.
        if all(value is None for index, value in enumerate(cells) if index not in serial):
            continue
        first = next(value for value in cells if value is not None)
        if isinstance(first, str) and normalise_header(first) in _TOTAL_MARKERS:
            if table.total_row is not None:
                table.add_error(number, None, f"重复的合计行（第{table.total_row.number}行已有合计）")
                continue
            summed = [column for column in columns if column.summed]
            table.total_row = _parse_row(table, number, cells, summed, positions, blank_ok=True)
        else:
            if len(table.rows) >= max_rows:
                raise SpreadsheetError(too_many_rows_message(max_rows))
            table.rows.append(_parse_row(table, number, cells, columns, positions, blank_ok=False))
    if total_check and table.total_row is not None:
        _check_total(table, table.total_row, columns)
    return table


def _find_header(
    rows: Iterator[tuple[Any, ...]], columns: Sequence[Column], max_header_scan: int
) -> tuple[int, dict[str, int], set[int], list[tuple[int, str]]]:
    """Return the header's row number, each found column's index, the 序号-like indexes and the
    text of the rows above the header."""
    required = [column for column in columns if column.required]
    closest = required
    preamble: list[tuple[int, str]] = []
    for number, values in enumerate(rows, start=1):
        headers = [normalise_header(value) for value in values]
        found = _match_header(headers, columns)
        missing = [column for column in required if column.key not in found]
        if not missing:
            serial = {index for index, name in enumerate(headers) if name in _SERIAL_HEADERS}
            return number, found, serial, preamble
        if text := " ".join(str(value).strip() for value in values if not _is_blank(value)):
            preamble.append((number, text))
        if len(missing) < len(closest):
            closest = missing
        if number >= max_header_scan:
            break
    names = "、".join(f"「{column.label}」" for column in closest)
    raise SpreadsheetError(f"未找到表头：缺少列{names}")


def _match_header(headers: list[str], columns: Sequence[Column]) -> dict[str, int]:
    found: dict[str, int] = {}
    for column in columns:
        names = column.header_names
        index = next((i for i, header in enumerate(headers) if header in names), None)
        if index is not None:
            found[column.key] = index
    return found


def _is_blank(value: object) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _parse_row(
    table: Table,
    number: int,
    cells: list[Any],
    columns: Sequence[Column],
    positions: Mapping[str, int],
    *,
    blank_ok: bool,
) -> Row:
    values: dict[str, Any] = {}
    for column in columns:
        index = positions.get(column.key)
        raw = cells[index] if index is not None and index < len(cells) else None
        values[column.key] = None
        if raw is None:
            if index is not None and not (blank_ok or column.allow_blank):
                table.add_error(number, column.key, "必填")
            continue
        try:
            values[column.key] = _parse_value(column, raw)
        except _InvalidCell as invalid:
            table.add_error(number, column.key, str(invalid))
    return Row(number=number, values=values)


def _parse_value(column: Column, raw: Any) -> Any:
    if column.kind == "text":
        if isinstance(raw, float) and raw.is_integer():
            return str(int(raw))
        return str(raw).strip()
    if column.kind == "date":
        return _parse_date(raw)
    number = _parse_decimal(raw)
    if column.kind == "int":
        if number != number.to_integral_value():
            raise _InvalidCell(f"{_quote(raw)}不是整数")
        number = int(number)
    if column.min_value is not None and number < column.min_value:
        raise _InvalidCell("不能为负数" if column.min_value == 0 else f"不能小于 {column.min_value}")
    return number


def _parse_decimal(raw: Any) -> Decimal:
    number: Decimal | None = None
    if isinstance(raw, bool):  # TRUE/FALSE cells are ints to Python, not amounts to anyone.
        pass
    elif isinstance(raw, int | float):
        # str() gives the shortest repr, so a cell typed 12.3 becomes 12.3, not 12.2999…
        number = Decimal(str(raw))
    elif isinstance(raw, str):
        text = "".join(unicodedata.normalize("NFKC", raw).split()).replace(",", "")
        if _NUMBER_RE.fullmatch(text):
            number = Decimal(text)
    # A crafted file can hold 1E999 (infinity); absurd magnitudes would also break quantize() later.
    if number is None or not number.is_finite() or number.adjusted() >= _MAX_DIGITS:
        raise _InvalidCell(f"{_quote(raw)}不是有效的数字")
    return number


def _parse_date(raw: Any) -> date:
    if isinstance(raw, datetime):
        return raw.date()
    if isinstance(raw, date):
        return raw
    if isinstance(raw, str) and (match := _DATE_RE.fullmatch(raw.strip())):
        try:
            return date(*(int(part) for part in match.groups()))
        except ValueError:
            pass
    raise _InvalidCell(f"{_quote(raw)}不是有效的日期")


def _quote(raw: Any) -> str:
    text = str(raw).strip()
    return f"「{text[:20]}…」" if len(text) > 20 else f"「{text}」"


def _check_total(table: Table, total_row: Row, columns: Sequence[Column]) -> None:
    failed_letters = {error.column for error in table.errors}
    for column in columns:
        total = total_row.values.get(column.key)
        # A column with bad cells has no meaningful sum; its cell errors already explain the problem.
        if not column.summed or total is None or table.letters.get(column.key) in failed_letters:
            continue
        row_sum = sum((Decimal(row.values[column.key] or 0) for row in table.rows), Decimal(0))
        if Decimal(total).quantize(_CENT) != row_sum.quantize(_CENT):
            stated, summed = (format_wan(figure, 2, decimals_if_any=True) for figure in (total, row_sum))
            message = f"合计 {stated} 与各行之和 {summed} 不符"
            table.add_error(total_row, column.key, message)
