"""The one place InvestTrack reads and writes .xlsx files.

Reading: ``read_table`` checks an uploaded file by its content before openpyxl sees it, finds the
header row under the title lines people put above their tables, parses every cell and collects every
error, so an import can show them all and save nothing.

Writing: ``write_table`` lays out a printable report (title, unit line, header, 合计 row, data) in a
normal openpyxl workbook, because merged cells and print titles need one. ``stream_table`` writes the
same layout into a write-only workbook for exports of any size: rows go to disk as they come.
"""

from __future__ import annotations

import io
import math
import os
import re
import unicodedata
import warnings
import zipfile
from collections.abc import Iterable, Iterator, Mapping, Sequence
from copy import copy
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from itertools import chain, islice
from typing import IO, Any, Literal

from django.conf import settings
from openpyxl import load_workbook
from openpyxl.cell.cell import ERROR_CODES, ILLEGAL_CHARACTERS_RE, Cell, WriteOnlyCell
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.styles.cell_style import StyleArray
from openpyxl.utils import get_column_letter
from openpyxl.workbook import Workbook
from openpyxl.worksheet._write_only import WriteOnlyWorksheet
from openpyxl.worksheet.page import PageMargins
from openpyxl.worksheet.worksheet import Worksheet

from common.figures import format_amount

MIB = 1024 * 1024
XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

MSG_ENCRYPTED = "文件已加密或设置了密码，请取消密码后再上传"
MSG_XLS = "不支持旧版 .xls 格式，请另存为 .xlsx"
MSG_NOT_XLSX = "文件不是有效的 Excel（.xlsx）文件"
MSG_MACRO = "不接受含宏的文件（.xlsm）"
MSG_BOMB = "文件解压后体积异常，已拒绝处理"
MSG_UNREADABLE = "文件不存在或无法读取"

_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
# An encrypted .xlsx is an OLE container holding this stream; directory names are UTF-16LE.
_ENCRYPTED_STREAM = "EncryptedPackage".encode("utf-16-le")
_WORKBOOK_TYPES = ("spreadsheetml.sheet.main+xml", "spreadsheetml.template.main+xml")
# .xlsm/.xltm/.xlam; .xlsb's type ends in "macroEnabled.main" and is refused as not an .xlsx.
_MACRO_TYPE = "macroEnabled.main+xml"
_WORKSHEET_TYPE = "spreadsheetml.worksheet+xml"
_TYPE_TAG_RE = re.compile(r"<(?:Override|Default)\b[^>]*>")
_PART_NAME_RE = re.compile(r"""PartName\s*=\s*["']([^"']+)["']""")
_CONTENT_TYPE_RE = re.compile(r"""ContentType\s*=\s*["']([^"']+)["']""")
# Small parts (styles, shared strings of repeated names) legitimately compress very well.
_RATIO_GRACE_BYTES = MIB
_MAX_RATIO = 100

# A worksheet row's start tag, with or without a namespace prefix (<row r="2"> or <x:row r="2">).
_ROW_TAG_RE = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?row[\s>/]")
_XML_CHUNK = MIB

_TOTAL_MARKERS = frozenset({"合计", "总计"})
_SERIAL_HEADERS = frozenset({"序号", "编号"})
_NUMBER_RE = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)")
_DATE_RE = re.compile(r"(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?")
_CENT = Decimal("0.01")
_MAX_DIGITS = 15

Kind = Literal["text", "decimal", "int", "date"]
# "label" is a whole number that names rather than counts (年度, 月份): never written 2,022.
OutKind = Literal["text", "money", "pct", "int", "label", "date"]


class SpreadsheetError(ValueError):
    """The file as a whole cannot be read; the message is meant for the user."""


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


def open_workbook(
    source: str | os.PathLike[str] | IO[bytes],
    *,
    max_bytes: int = 10 * MIB,
    max_uncompressed: int = 100 * MIB,
    max_rows: int | None = None,
    row_slack: int = 0,
) -> Workbook:
    """Validate an upload by content and open it read-only; any problem is a SpreadsheetError.

    With ``max_rows``, a worksheet of more rows (plus ``row_slack`` for titles and a header) is
    refused from its XML before openpyxl reads anything: loading a huge sheet's shared strings
    alone takes seconds."""
    data = _read_limited(source, max_bytes)
    if data.startswith(_OLE_MAGIC):
        raise SpreadsheetError(MSG_ENCRYPTED if _ENCRYPTED_STREAM in data else MSG_XLS)
    worksheets = _check_zip(data, max_uncompressed)
    if max_rows is not None:
        _check_row_count(data, worksheets, max_rows, slack=row_slack)
    try:
        with warnings.catch_warnings():
            # WPS and Excel extensions openpyxl does not know trigger warnings that mean nothing here.
            warnings.simplefilter("ignore")
            return load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises anything from KeyError to TypeError on odd files.
        raise SpreadsheetError(MSG_NOT_XLSX) from exc


def _read_limited(source: str | os.PathLike[str] | IO[bytes], max_bytes: int) -> bytes:
    too_large = SpreadsheetError(f"文件过大（上限 {max_bytes // MIB} MB）")
    try:
        if isinstance(source, str | os.PathLike):
            with open(source, "rb") as handle:
                data = handle.read(max_bytes + 1)
        else:
            # Django's UploadedFile knows its size: refuse before reading anything.
            if (getattr(source, "size", None) or 0) > max_bytes:
                raise too_large
            if source.seekable():
                source.seek(0)
            data = source.read(max_bytes + 1)
    except OSError as exc:
        raise SpreadsheetError(MSG_UNREADABLE) from exc
    if len(data) > max_bytes:
        raise too_large
    return data


def _check_zip(data: bytes, max_uncompressed: int) -> list[str]:
    """Refuse what is not a plain .xlsx; return the worksheets' part names."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except Exception as exc:  # a damaged archive raises BadZipFile, EOFError, struct.error …
        raise SpreadsheetError(MSG_NOT_XLSX) from exc
    with archive:
        members = archive.infolist()
        # Declared sizes are trustworthy bounds: zipfile never inflates past file_size.
        if sum(info.file_size for info in members) > max_uncompressed:
            raise SpreadsheetError(MSG_BOMB)
        for info in members:
            ratio = info.file_size / max(info.compress_size, 1)
            if info.file_size > _RATIO_GRACE_BYTES and ratio > _MAX_RATIO:
                raise SpreadsheetError(MSG_BOMB)
        names = {info.filename for info in members}
        if any(name.lower().endswith("vbaproject.bin") for name in names):
            raise SpreadsheetError(MSG_MACRO)
        if "[Content_Types].xml" not in names:
            raise SpreadsheetError(MSG_NOT_XLSX)
        try:
            content_types = archive.read("[Content_Types].xml").decode("utf-8", "replace")
        except Exception as exc:  # zlib.error, a bad CRC, an encrypted or unsupported member …
            raise SpreadsheetError(MSG_NOT_XLSX) from exc
    parts: list[tuple[str, str]] = []
    for tag in _TYPE_TAG_RE.findall(content_types):
        part, kind = _PART_NAME_RE.search(tag), _CONTENT_TYPE_RE.search(tag)
        if kind:
            # Some producers declare the workbook type as a <Default>; openpyxl then reads this part.
            parts.append((part.group(1).lstrip("/") if part else "xl/workbook.xml", kind.group(1)))
    if any(kind.endswith(_MACRO_TYPE) for _, kind in parts):
        raise SpreadsheetError(MSG_MACRO)
    if not any(kind.endswith(_WORKBOOK_TYPES) and part in names for part, kind in parts):
        raise SpreadsheetError(MSG_NOT_XLSX)
    return [part for part, kind in parts if kind.endswith(_WORKSHEET_TYPE) and part in names]


def too_many_rows_message(max_rows: int) -> str:
    return f"文件数据行过多（上限 {max_rows:,} 行），请拆分为多个文件分批导入"


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


def _check_row_count(data: bytes, worksheets: list[str], max_rows: int, *, slack: int) -> None:
    """Refuse a workbook with a sheet of more than ``max_rows`` rows from the XML alone, by counting
    row tags: the declared <dimension> may be wrong or missing."""
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        for path in worksheets:
            count, tail = 0, b""
            with archive.open(path) as xml:
                while chunk := xml.read(_XML_CHUNK):
                    text = tail + chunk
                    # Count up to the last complete tag; the rest waits for the next chunk.
                    cut = text.rfind(b">") + 1
                    count += len(_ROW_TAG_RE.findall(text, 0, cut))
                    tail = text[cut:]
                    if count > max_rows + slack:
                        raise SpreadsheetError(too_many_rows_message(max_rows))


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
            message = f"合计 {format_amount(total)} 与各行之和 {format_amount(row_sum)} 不符"
            table.add_error(total_row, column.key, message)


@dataclass(frozen=True)
class OutColumn:
    label: str
    key: str
    kind: OutKind = "text"
    width: float | None = None
    decimals: int | None = None  # money and int default to 0 places, pct to 1

    @property
    def places(self) -> int:
        if self.decimals is not None:
            return self.decimals
        return 1 if self.kind == "pct" else 0

    @property
    def number_format(self) -> str | None:
        if self.kind == "date":
            return "yyyy-mm-dd"
        if self.kind == "text":
            return None
        if self.kind == "label":
            return "0"
        integer = "0" if self.kind == "pct" else "#,##0"
        return f"{integer}.{'0' * self.places}" if self.places else integer


_THIN = Side(style="thin", color="000000")
_BORDER = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
_HEADER_FILL = PatternFill("solid", fgColor="D9D9D9")
_FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
_ERROR_CODES = frozenset(ERROR_CODES)
_MAX_CELL_TEXT = 32767  # Excel's limit; openpyxl cuts longer text there too
# What a streamed column's cells usually need, since a write-only sheet cannot measure them first.
_TYPICAL_WIDTH: dict[OutKind, int] = {"text": 10, "money": 12, "pct": 6, "int": 6, "label": 6, "date": 10}
_TITLE_SCALE = 16 / 11  # the title's 16pt font against the 11pt the column widths are measured in


def display_width(text: str) -> int:
    """Width in Excel character units: CJK and full-width characters take two."""
    return sum(2 if unicodedata.east_asian_width(char) in ("W", "F") else 1 for char in text)


def safe_cell_value(cell: Cell, value: object) -> Cell:
    """Put ``value`` in ``cell`` so that text from users can never become a formula.

    openpyxl turns any text starting with "=" into a formula (and "#N/A" into an error), so such text
    is forced back to a string cell; quotePrefix makes Excel show it without an apostrophe and keep it
    text when someone edits the cell. Control characters Excel rejects are dropped instead of failing.
    """
    if isinstance(value, str):
        value = ILLEGAL_CHARACTERS_RE.sub("", value)
        cell.value = value
        if _looks_like_formula(value):
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

    merged_line(1, title, Alignment(horizontal="center", vertical="center"), Font(bold=True, size=16))
    ws.row_dimensions[1].height = 30
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
            widths[index - 1] = max(widths[index - 1], _shown_width(column, value))

    fitted = _fit_widths(columns, widths, title)
    for index, width in enumerate(fitted, start=1):
        ws.column_dimensions[get_column_letter(index)].width = width

    if note:
        note_row = row_number + 1
        merged_line(note_row, note, Alignment(horizontal="left", vertical="top", wrap_text=True))
        ws.row_dimensions[note_row].height = 15 * math.ceil(display_width(note) / sum(fitted))

    ws.freeze_panes = ws.cell(row=header_row + 1, column=1).coordinate
    _set_up_printing(ws, title_rows=f"1:{header_row}")
    return header_row


def stream_table(
    ws: WriteOnlyWorksheet,
    *,
    title: str,
    columns: Sequence[OutColumn],
    rows: Iterable[Mapping[str, object]],
    unit_line: str | None = "单位：万元",
    total_row: Mapping[str, object] | None = None,
    note: str | None = None,
    fit_rows: int | None = None,
) -> int:
    """Write ``write_table``'s layout into a write-only sheet; return the number of data rows.

    Any write-only sheet will do; one made by ``streamed_sheet`` takes the rows at about the speed
    openpyxl writes bare values.

    A write-only sheet holds no rows in memory, so its size does not matter; but it cannot look back:
    column widths are fixed before the first row. A column with ``OutColumn.width`` keeps it; the
    others fit the header, the 合计 row and the first ``fit_rows`` rows (held back until then, so a
    table that short comes out exactly as ``write_table`` lays it out), or, when ``fit_rows`` is
    None, what the column's kind usually holds.
    """
    rows = iter(rows)
    held = list(islice(rows, fit_rows or 0))
    if fit_rows is not None:
        widths = [display_width(column.label) for column in columns]
        for values in [total_row, *held] if total_row is not None else held:
            for index, column in enumerate(columns):
                value = values.get(column.key)
                # Text is never wider than two units a character: most cells need no measuring.
                if type(value) is not str or 2 * len(value) > widths[index]:
                    widths[index] = max(widths[index], _shown_width(column, value))
    else:
        widths = [max(display_width(column.label), _TYPICAL_WIDTH[column.kind]) for column in columns]
    fitted = _fit_widths(columns, widths, title)
    for index, width in enumerate(fitted, start=1):
        ws.column_dimensions[get_column_letter(index)].width = width

    last = len(columns)

    def merged_line(row: int, text: str, alignment: Alignment, font: Font | None = None) -> None:
        cell = safe_cell_value(WriteOnlyCell(ws), text)
        cell.alignment = alignment
        if font is not None:
            cell.font = font
        if last > 1:
            ws.merged_cells.add(f"A{row}:{get_column_letter(last)}{row}")
        ws.append([cell])

    header_row = 3 if unit_line else 2
    # The sheet view is written with the first row, so the frozen header must be set before it.
    ws.freeze_panes = f"A{header_row + 1}"
    _set_up_printing(ws, title_rows=f"1:{header_row}")
    ws.row_dimensions[1].height = 30
    merged_line(1, title, Alignment(horizontal="center", vertical="center"), Font(bold=True, size=16))
    if unit_line:
        merged_line(2, unit_line, Alignment(horizontal="right"))

    ws.append([_style_header(safe_cell_value(WriteOnlyCell(ws), column.label)) for column in columns])
    row_number = header_row
    styles: dict[tuple[str | None, bool], StyleArray] = {}
    if total_row is not None:
        ws.append(_streamed_row(ws, _column_cells(ws, columns, bold=True), total_row, styles, bold=True))
        row_number += 1
    cells = _column_cells(ws, columns, bold=False)
    count = 0
    for values in chain(held, rows):
        ws.append(_streamed_row(ws, cells, values, styles))
        count += 1
    row_number += count

    if note:
        note_row = row_number + 1
        ws.row_dimensions[note_row].height = 15 * math.ceil(display_width(note) / sum(fitted))
        merged_line(note_row, note, Alignment(horizontal="left", vertical="top", wrap_text=True))
    return count


class StreamedSheet(WriteOnlyWorksheet):
    """A write-only sheet for ``stream_table``: its rows are lists of ready cells, which openpyxl's own
    sheet would first try, and fail, to store as values (an exception per cell)."""

    def _values_to_row(self, cells: Sequence[Cell], row_idx: int) -> Iterator[Cell]:
        for column, cell in enumerate(cells, start=1):
            cell.row, cell.column = row_idx, column
            yield cell


def streamed_sheet(workbook: Workbook, title: str) -> StreamedSheet:
    """A new sheet of a write-only workbook (``Workbook(write_only=True)``) for ``stream_table``."""
    sheet = StreamedSheet(parent=workbook, title=title)
    workbook._add_sheet(sheet)
    return sheet


class _ColumnCell(Cell):
    """The cell one column's values of one style pass through, row after row.

    A write-only sheet writes a row out while it is appended, so the cell is free again for the next
    row; its style is registered once, where openpyxl would hash every cell's style twice.
    """

    __slots__ = ("has_style", "style_id")

    def __init__(self, ws: WriteOnlyWorksheet, style: StyleArray) -> None:
        super().__init__(ws, row=1, column=1)  # placed for real as each row is written
        self._style = style
        self.style_id = ws.parent._cell_styles.add(style)
        self.has_style = True

    # ``_streamed_row`` has already sorted the value by type, so the setters skip openpyxl's own sorting.
    def put_text(self, value: str) -> None:
        """Text that is no formula, without the characters Excel rejects (openpyxl would refuse them)."""
        if ILLEGAL_CHARACTERS_RE.search(value):
            value = ILLEGAL_CHARACTERS_RE.sub("", value)
        self._value, self.data_type = value[:_MAX_CELL_TEXT], "s"

    def put_number(self, value: Decimal | int | float | None) -> None:
        self._value, self.data_type = value, "n"


def _column_cells(
    ws: WriteOnlyWorksheet, columns: Sequence[OutColumn], *, bold: bool
) -> list[tuple[OutColumn, _ColumnCell, _ColumnCell]]:
    """Each column with its cell for numbers and its cell for text and blanks, styled once per table."""
    styles: dict[tuple[str | None, bool], StyleArray] = {}
    return [
        (
            column,
            *(
                _ColumnCell(ws, _data_cell(WriteOnlyCell(ws), column, value, styles, bold=bold)._style)
                for value in (0, None)
            ),
        )
        for column in columns
    ]


def _streamed_row(
    ws: WriteOnlyWorksheet,
    cells: list[tuple[OutColumn, _ColumnCell, _ColumnCell]],
    values: Mapping[str, object],
    styles: dict[tuple[str | None, bool], StyleArray],
    *,
    bold: bool = False,
) -> list[Cell]:
    row = []
    for column, number_cell, text_cell in cells:
        value = values.get(column.key)
        kind = type(value)
        if kind is str and not _looks_like_formula(value):
            text_cell.put_text(value)
            row.append(text_cell)
        elif value is None:
            text_cell.put_number(None)
            row.append(text_cell)
        elif kind is Decimal or kind is int or kind is float:
            number_cell.put_number(value)
            row.append(number_cell)
        else:
            # Dates (whose binding may set a format), booleans, formula-like text: a cell of their own.
            row.append(_data_cell(WriteOnlyCell(ws), column, value, styles, bold=bold))
    return row


def _looks_like_formula(value: str) -> bool:
    return value.startswith(_FORMULA_PREFIXES) or value in _ERROR_CODES


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


def _fit_widths(columns: Sequence[OutColumn], widths: list[int], title: str) -> list[float]:
    fitted = [
        column.width or min(max(width + 2, 6), 60) for column, width in zip(columns, widths, strict=True)
    ]
    # A merged title is clipped, not spilled, when the columns under it are narrower than its text.
    shortfall = display_width(title) * _TITLE_SCALE - sum(fitted)
    flexible = [index for index, column in enumerate(columns) if column.width is None]
    if shortfall > 0 and flexible:
        for index in flexible:
            fitted[index] += math.ceil(shortfall / len(flexible))
    return fitted


def _set_up_printing(ws: Worksheet | WriteOnlyWorksheet, *, title_rows: str) -> None:
    ws.print_title_rows = title_rows
    ws.page_setup.orientation = Worksheet.ORIENTATION_LANDSCAPE
    ws.page_setup.paperSize = Worksheet.PAPERSIZE_A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True  # without it Excel ignores fitToWidth
    ws.print_options.horizontalCentered = True
    ws.page_margins = PageMargins(left=0.5, right=0.5, top=0.6, bottom=0.6, header=0.3, footer=0.3)
    ws.oddFooter.center.text = "第 &P 页，共 &N 页"


def _shown_width(column: OutColumn, value: object) -> int:
    if value is None:
        return 0
    if isinstance(value, int | float | Decimal) and not isinstance(value, bool) and column.kind != "text":
        grouping = "," if column.kind not in ("pct", "label") else ""
        return len(f"{Decimal(value):{grouping}.{column.places}f}")
    if isinstance(value, date):
        return 10
    return display_width(str(value))


def workbook_response_bytes(wb: Workbook) -> bytes:
    """Serialise a workbook for an HttpResponse (content type: XLSX_CONTENT_TYPE)."""
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()
