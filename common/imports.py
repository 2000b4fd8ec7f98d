"""What every spreadsheet import shares: its outcome, the history's reason, its blank template.

Every import is all-or-nothing: the file is read with the shared reader (``common.spreadsheets``),
each row is matched and checked against the same rules as the pages, and only a file without a single
error is written, in one transaction. The user gets every error with its row and column, the first
IMPORT_ERRORS_SHOWN of them listed.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import IO

from django.conf import settings
from openpyxl import Workbook

from common.spreadsheets import Column, OutColumn, Table, write_table

Source = str | IO[bytes]
ZERO_OR_MORE = Decimal(0)


@dataclass
class ImportOutcome:
    """What an import did: nothing unless ``errors`` and ``confirmations`` are both empty.

    ``errors`` holds the first IMPORT_ERRORS_SHOWN problems and ``error_count`` all of them: a
    file wrong on every row is answered with a page, not a book."""

    errors: list[str] = field(default_factory=list)
    confirmations: list[str] = field(default_factory=list)
    created: int = 0
    updated: int = 0
    error_count: int = 0

    def __post_init__(self) -> None:
        self.error_count = max(self.error_count, len(self.errors))
        self.errors = self.errors[: settings.IMPORT_ERRORS_SHOWN]

    @property
    def errors_not_shown(self) -> int:
        return self.error_count - len(self.errors)

    @property
    def saved(self) -> bool:
        return not self.errors and not self.confirmations

    @classmethod
    def failed(cls, *messages: str) -> ImportOutcome:
        return cls(errors=list(messages))

    @classmethod
    def rejected(cls, table: Table) -> ImportOutcome:
        """Every error of the sheet, in row order (cell errors and matching errors interleaved)."""
        first = sorted(table.errors, key=lambda error: error.row)[: settings.IMPORT_ERRORS_SHOWN]
        return cls(errors=[str(error) for error in first], error_count=len(table.errors))


def change_reason(file_name: str) -> str:
    """The history's change reason (at most 100 characters): which file a change came from."""
    return f"导入：{file_name}"[:100]


def import_template(title: str, columns: Sequence[Column], rows: Iterable[dict], note: str) -> Workbook:
    """The table on the first sheet (the one imported) and the instructions on a second one, so
    that nothing below the table is read back as a row."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "导入模板"
    out = [
        OutColumn(column.label, column.key, "money" if column.kind == "decimal" else "text")
        for column in columns
    ]
    write_table(sheet, title=title, columns=out, rows=list(rows))
    instructions = workbook.create_sheet("填写说明")
    for line in note.split("；"):
        instructions.append([line])
    instructions.column_dimensions["A"].width = 100
    return workbook
