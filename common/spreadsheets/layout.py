"""What every report sheet InvestTrack writes shares, whichever writer lays it out.

A report table is a title, an optional unit line, a header, an optional 合计 row, the data rows and an
optional note (``write_table`` in memory, ``stream_table`` row by row). Both size their columns, format
their figures and guard their text against formulas by the rules here, so the two look the same.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Literal

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

# "label" is a whole number that names rather than counts (年度, 月份): never written 2,022.
OutKind = Literal["text", "money", "pct", "int", "label", "date"]

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
# The texts Excel would read as an error value rather than as text.
ERROR_CODES = frozenset(("#NULL!", "#DIV/0!", "#VALUE!", "#REF!", "#NAME?", "#NUM!", "#N/A"))
# Control characters Excel rejects in a cell.
ILLEGAL_CHARACTERS_RE = re.compile(r"[\000-\010]|[\013-\014]|[\016-\037]")
MAX_CELL_TEXT = 32767  # Excel's limit on a cell's text
# What Excel refuses in a sheet's name, and its length limit.
SHEET_NAME_REFUSED = re.compile(r"[\[\]:*?/\\]")
SHEET_NAME_MAX = 31
# The format a date or time gets when its column has none of its own (as openpyxl gives one).
TIME_FORMATS = {
    datetime: "yyyy-mm-dd h:mm:ss",
    date: "yyyy-mm-dd",
    time: "h:mm:ss",
    timedelta: "[hh]:mm:ss",
}
HEADER_FILL = "D9D9D9"
TITLE_HEIGHT = 30
TITLE_SIZE = 16
FOOTER = "第 &P 页，共 &N 页"
# What a streamed column's cells usually need, when the rows are not held back to measure them.
TYPICAL_WIDTH: dict[OutKind, int] = {"text": 10, "money": 12, "pct": 6, "int": 6, "label": 6, "date": 10}
_TITLE_SCALE = TITLE_SIZE / 11  # the title's font against the 11pt the column widths are measured in


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

    def format_for(self, value: object) -> str | None:
        """The number format of this column's cell holding ``value``: text and blanks keep General,
        a date or time in a column that is not a date column takes the format of its type."""
        if value is None or isinstance(value, str):
            return None
        if isinstance(value, date | time | timedelta) and self.kind != "date":
            return TIME_FORMATS.get(type(value), TIME_FORMATS[datetime])
        return self.number_format


def display_width(text: str) -> int:
    """Width in Excel character units: CJK and full-width characters take two."""
    return sum(2 if unicodedata.east_asian_width(char) in ("W", "F") else 1 for char in text)


def looks_like_formula(value: str) -> bool:
    """Text a spreadsheet would take for a formula or an error value if typed into a cell."""
    return value.startswith(FORMULA_PREFIXES) or value in ERROR_CODES


def clean_text(value: str) -> str:
    """The text without the control characters Excel rejects, cut at Excel's limit."""
    if ILLEGAL_CHARACTERS_RE.search(value):
        value = ILLEGAL_CHARACTERS_RE.sub("", value)
    return value[:MAX_CELL_TEXT]


def shown_width(column: OutColumn, value: object) -> int:
    """How wide ``value`` is once formatted for ``column``, in Excel character units."""
    if value is None:
        return 0
    if isinstance(value, int | float | Decimal) and not isinstance(value, bool) and column.kind != "text":
        grouping = "," if column.kind not in ("pct", "label") else ""
        return len(f"{Decimal(value):{grouping}.{column.places}f}")
    if isinstance(value, date):
        return 10
    return display_width(str(value))


def fit_widths(columns: Sequence[OutColumn], widths: list[int], title: str) -> list[float]:
    """The columns' widths from the widest text each holds; a column's own ``width`` wins."""
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


def note_height(note: str, fitted: Sequence[float]) -> float:
    """The note row's height: 15 points a line, the note wrapped across the table's width."""
    return 15 * math.ceil(display_width(note) / sum(fitted))


def sheet_name(text: str, *, replace: str = "") -> str:
    """``text`` as Excel takes a sheet's name: what it refuses there (``[]:*?/\\``) replaced by
    ``replace`` (dropped by default), at most 31 characters, and no apostrophe at either end. A
    title may hold a project's or a group's name ("1#/2#楼改造")."""
    return SHEET_NAME_REFUSED.sub(replace, text)[:SHEET_NAME_MAX].strip("'")
