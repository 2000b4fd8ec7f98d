"""An uploaded .xlsx checked by its content before openpyxl reads it: ``open_workbook``.

Refused with a message for the user: encrypted files, old .xls, macros, what is no workbook at all,
zip bombs, and (from the worksheet XML alone) sheets of more rows than an import takes.
"""

from __future__ import annotations

import io
import os
import re
import warnings
import zipfile
from typing import IO

from openpyxl import load_workbook
from openpyxl.workbook import Workbook

MIB = 1024 * 1024

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


class SpreadsheetError(ValueError):
    """The file as a whole cannot be read; the message is meant for the user."""


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
