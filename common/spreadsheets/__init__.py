"""The one place InvestTrack reads and writes .xlsx files.

- ``uploads``: an uploaded file checked by its content before openpyxl opens it (``open_workbook``);
- ``reading``: a table read from it, every cell's error collected (``read_table``);
- ``layout``: what every report sheet shares (``OutColumn``, widths, the formula guard);
- ``report``: a report table in a normal openpyxl workbook, built in memory (``write_table``);
- ``streamed``: the same table streamed row by row through XlsxWriter (``stream_table``).
"""

from .layout import SHEET_NAME_MAX, XLSX_CONTENT_TYPE, OutColumn, OutKind, display_width, sheet_name
from .reading import (
    CellError,
    Column,
    Row,
    Table,
    filled_sheet_names,
    normalise_header,
    read_table,
)
from .report import safe_cell_value, workbook_response_bytes, write_table
from .streamed import StreamedSheet, StreamedWorkbook, stream_table, streamed_sheet
from .uploads import MIB, SpreadsheetError, open_workbook, too_many_rows_message

__all__ = [
    "MIB",
    "SHEET_NAME_MAX",
    "XLSX_CONTENT_TYPE",
    "CellError",
    "Column",
    "OutColumn",
    "OutKind",
    "Row",
    "SpreadsheetError",
    "StreamedSheet",
    "StreamedWorkbook",
    "Table",
    "display_width",
    "filled_sheet_names",
    "normalise_header",
    "open_workbook",
    "read_table",
    "safe_cell_value",
    "sheet_name",
    "stream_table",
    "streamed_sheet",
    "too_many_rows_message",
    "workbook_response_bytes",
    "write_table",
]
