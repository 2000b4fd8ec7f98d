"""Import limits (issue 14, M7): an oversized sheet is refused from its XML before any cell is
parsed; a file wrong on every row lists its first problems and their total; a large file never
ends in SQLite's "too many SQL variables"."""

import io
import sqlite3
import time
import zipfile
from unittest import mock

import pytest
from django.db import connection
from django.test import override_settings
from django.urls import reverse
from openpyxl import Workbook

from accounts.models import User
from common.spreadsheets import SpreadsheetError, read_table, reading
from reporting.imports import REPORT_COLUMNS, reports_import
from tests.base import DemoTestCase

HEADER = ["项目代码", "本月完成投资(万元)", "形象进度", "存在问题"]


def report_file(rows: int) -> io.BytesIO:
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("月报")
    sheet.append(["2022年10月项目月报"])
    sheet.append(HEADER)
    for number in range(rows):
        sheet.append([f"NO-SUCH-{number:06d}", 10, "施工中", ""])
    out = io.BytesIO()
    workbook.save(out)
    out.seek(0)
    return out


def test_the_row_limit_defaults_to_fifty_thousand_and_two_hundred_errors_are_listed():
    from django.conf import settings

    assert settings.IMPORT_MAX_ROWS == 50_000
    assert settings.IMPORT_ERRORS_SHOWN == 200


@override_settings(IMPORT_MAX_ROWS=1_000)
def test_a_sheet_over_the_limit_is_refused_before_any_cell_is_parsed():
    upload = report_file(5_000)
    with (
        mock.patch.object(reading, "_parse_row", wraps=reading._parse_row) as parsed,
        pytest.raises(SpreadsheetError, match="数据行过多（上限 1,000 行）"),
    ):
        read_table(upload, columns=REPORT_COLUMNS)
    assert parsed.call_count == 0


@override_settings(IMPORT_MAX_ROWS=1_000)
def test_a_sheet_at_the_limit_is_read():
    assert len(read_table(report_file(1_000), columns=REPORT_COLUMNS).rows) == 1_000


def inflated_report_file(rows: int) -> io.BytesIO:
    """A report file of ``rows`` rows written straight into the sheet's XML (its <dimension> still
    says three rows): quick to make, as large to read as a real one."""
    small = report_file(1)
    extra = "".join(
        f'<row r="{n}"><c r="A{n}" t="inlineStr"><is><t>NO-{n}</t></is></c><c r="B{n}"><v>10</v></c></row>'
        for n in range(4, rows + 3)
    ).encode()
    out = io.BytesIO()
    with zipfile.ZipFile(small) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            data = source.read(item.filename)
            if item.filename.startswith("xl/worksheets/"):
                data = data.replace(b"</sheetData>", extra + b"</sheetData>")
            target.writestr(item, data)
    out.seek(0)
    return out


def test_a_sheet_of_sixty_thousand_rows_is_refused_within_two_seconds():
    upload = inflated_report_file(60_000)
    start = time.monotonic()
    with pytest.raises(SpreadsheetError, match="数据行过多（上限 50,000 行）"):
        read_table(upload, columns=REPORT_COLUMNS)
    assert time.monotonic() - start < 2


def import_reports(source):
    return reports_import(source=source, year=2022, month=10, actor=None, file_name="月报.xlsx")


class ImportErrorListTests(DemoTestCase):
    def test_a_file_wrong_on_every_row_lists_the_first_two_hundred_and_the_total(self):
        outcome = reports_import(
            source=report_file(1_500), year=2022, month=10, actor=None, file_name="月报.xlsx"
        )
        assert not outcome.saved
        assert outcome.error_count == 1_500 and len(outcome.errors) == 200
        assert outcome.errors[0].startswith("第3行")

        self.client.force_login(User.objects.get(username="admin"))
        upload = report_file(1_500)
        upload.name = "月报.xlsx"
        page = self.client.post(reverse("reporting:import_reports"), {"month": "2022-10", "file": upload})
        html = page.content.decode()
        assert page.status_code == 200
        assert "共 1500 处问题" in html and "其余 1300 处未列出" in html
        assert html.count("<li>第") == 200

    def test_many_rows_do_not_exceed_sqlites_parameter_limit(self):
        if connection.vendor != "sqlite":
            # The same file on PostgreSQL: nothing to provoke, the import must simply answer.
            outcome = reports_import(
                source=report_file(1_500), year=2022, month=10, actor=None, file_name="x"
            )
            assert outcome.error_count == 1_500
            return
        connection.ensure_connection()
        raw = connection.connection
        before = raw.getlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER)
        # SQLite before 3.32 (and many builds since) allow 999 parameters per query.
        raw.setlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER, 999)
        try:
            outcome = reports_import(
                source=report_file(1_500), year=2022, month=10, actor=None, file_name="x"
            )
        finally:
            raw.setlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER, before)
        assert outcome.error_count == 1_500
        assert "未找到项目代码为「NO-SUCH-000000」的项目" in outcome.errors[0]


@pytest.mark.django_db
def test_a_thousand_projects_import_within_sqlites_oldest_parameter_limit():
    from projects.imports.spreadsheet import projects_import
    from reporting.tests.test_imports import PROJECT_HEADER, sheet
    from targets.choices import UnitKind
    from tests.factories import UnitFactory

    unit = UnitFactory(kind=UnitKind.SUBDISTRICT, name="明湖办事处")
    UnitFactory(kind=UnitKind.BUREAU, name="建设局")
    rows = [
        [f"2022-410171-36-01-{n:06d}", f"项目{n}", unit.name, "建设局", "产业", None, 1000, 100]
        for n in range(1, 1_201)  # serials from 000001: a national code's serial is never 000000
    ]
    source = sheet(PROJECT_HEADER, *rows, title=None)
    if connection.vendor == "sqlite":
        connection.ensure_connection()
        raw = connection.connection
        before = raw.getlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER)
        raw.setlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER, 999)
    try:
        outcome = projects_import(source=source, year=2022, actor=None, file_name="项目.xlsx")
        assert outcome.saved, outcome.errors[:3]
        assert outcome.created == 1_200
        again = projects_import(
            source=sheet(PROJECT_HEADER, *rows, title=None), year=2022, actor=None, file_name="x"
        )
        assert again.saved
    finally:
        if connection.vendor == "sqlite":
            raw.setlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER, before)
