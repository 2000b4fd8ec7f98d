"""A hostile-file corpus, generated here, through every importer.

Each of the four importers (项目月报, 单位统计数, 项目库, 分解表) gets the same 31 kinds of file
(124 in all): broken or disguised files, a zip bomb, a renamed PDF, a .xlsm, and workbooks with
wrong headers, merged cells, formulas, text or extreme values in number columns, duplicate rows,
unknown units and projects, empty and hidden sheets. For every file: no exception other than the
importer's own validation result, a Chinese message, and a database unchanged when the file is
refused. Kinds that can never be valid must be refused, with the message naming the problem.
"""

from __future__ import annotations

import hashlib
import io
import os
import re
import zipfile
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from django.apps import apps
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import Workbook

from accounts.models import User
from common.periods import Period
from common.spreadsheets import SpreadsheetError
from projects.imports.spreadsheet import projects_import
from projects.models import Project
from reporting.imports import figures_import, reports_import
from targets.models import Unit
from targets.services.imports import TargetImportError, targets_import
from tests.base import DemoTestCase

CHINESE = re.compile(r"[\u4e00-\u9fff]")
# What the upload pages say for the sample kinds sent through them.
WEB_MESSAGES = ("不是有效的 Excel", "宏", "解压", "表头", "过大")
# The models an import may write. A refused file that wrote to none of them changed nothing; one that
# did must leave every row as it was (all their rows hashed, before and after).
WATCHED_APPS = ("targets", "projects", "reporting")


@dataclass
class Layout:
    headers: list[str]
    row: list
    number: int  # index of a number column
    key: int  # index of the unit or project column


def layouts() -> dict[str, Layout]:
    project = Project.objects.select_related("reporting_unit", "responsible_unit").order_by("pk").first()
    unit = Unit.objects.get(name="明湖办事处")
    return {
        "reports": Layout(
            ["项目代码", "项目名称", "本月完成投资(万元)", "形象进度", "存在问题"],
            [project.code, project.name, 12.5, "主体施工", ""],
            number=2,
            key=0,
        ),
        "figures": Layout(["单位", "本年累计完成(万元)", "上年同期累计(万元)"], [unit.name, 1000, 900], 1, 0),
        "projects": Layout(
            ["项目代码", "项目名称", "属地单位", "责任局办", "项目领域", "总投资(万元)"],
            [
                project.code,
                project.name,
                project.reporting_unit.name,
                project.responsible_unit.name,
                project.get_field_display(),
                float(project.total_investment),
            ],
            number=5,
            key=2,  # a new 项目代码 is a new project; an unknown unit never is
        ),
        "targets": Layout(["序号", "责任单位", "投资目标"], [1, unit.name, 1000], number=2, key=1),
    }


def _book(layout: Layout, rows: list[list], *, header_row: int = 3) -> Workbook:
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "分解表"
    sheet.cell(1, 1, "2031年固定资产投资目标分解表")
    sheet.cell(2, 1, "单位：万元")
    for column, header in enumerate(layout.headers, start=1):
        sheet.cell(header_row, column, header)
    for offset, row in enumerate(rows, start=1):
        for column, value in enumerate(row, start=1):
            sheet.cell(header_row + offset, column, value)
    return workbook


def _with(layout: Layout, index: int, value) -> list:
    row = list(layout.row)
    row[index] = value
    return row


def _bytes(workbook: Workbook) -> bytes:
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def _zip(entries: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in entries.items():
            archive.writestr(name, data)
    return out.getvalue()


def _xlsm(valid: bytes) -> bytes:
    source = zipfile.ZipFile(io.BytesIO(valid))
    entries = {name: source.read(name) for name in source.namelist()}
    entries["[Content_Types].xml"] = entries["[Content_Types].xml"].replace(
        b"spreadsheetml.sheet.main+xml", b"ms-excel.sheet.macroEnabled.main+xml"
    )
    entries["xl/vbaProject.bin"] = b"\xd0\xcf\x11\xe0" + os.urandom(512)
    return _zip(entries)


def _zip_bomb(valid: bytes) -> bytes:
    source = zipfile.ZipFile(io.BytesIO(valid))
    entries = {name: source.read(name) for name in source.namelist()}
    entries["xl/worksheets/sheet1.xml"] = b"<worksheet>" + b" " * (40 * 1024 * 1024) + b"</worksheet>"
    return _zip(entries)


def _merged(layout: Layout, cells: str) -> Workbook:
    workbook = _book(layout, [layout.row, layout.row])
    workbook.active.merge_cells(cells)
    return workbook


def _hidden(layout: Layout) -> Workbook:
    workbook = Workbook()
    workbook.active.title = "说明"
    hidden = _book(layout, [layout.row]).active
    sheet = workbook.create_sheet("数据")
    for row in hidden.iter_rows(values_only=True):
        sheet.append(row)
    sheet.sheet_state = "hidden"
    return workbook


# kind → (builder(layout, valid_bytes) → bytes, must it be refused, words the message must hold)
def corpus(layout: Layout) -> dict[str, tuple[bytes, bool, tuple[str, ...]]]:
    valid = _bytes(_book(layout, [layout.row]))
    width = len(layout.headers)
    letter = chr(ord("A") + width - 1)
    kinds = {
        "empty_file": (b"", True, ()),
        "random_bytes": (os.urandom(4096), True, ("Excel",)),
        "renamed_pdf": (
            b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF",
            True,
            ("Excel",),
        ),
        "renamed_csv": (",".join(layout.headers).encode() + b"\n1,2,3\n", True, ("Excel",)),
        "renamed_html": (b"<html><body><table><tr><td>1</td></tr></table></body></html>", True, ("Excel",)),
        "old_xls": (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(4096), True, (".xls",)),
        "truncated": (valid[: len(valid) // 2], True, ("Excel",)),
        "zip_without_workbook": (_zip({"readme.txt": b"hello"}), True, ("Excel",)),
        "xlsm_macros": (_xlsm(valid), True, ("宏",)),
        "zip_bomb": (_zip_bomb(valid), True, ("解压",)),
        "too_large": (os.urandom(11 * 1024 * 1024), True, ("过大",)),
        "empty_sheet": (_bytes(Workbook()), True, ()),
        "header_only": (_bytes(_book(layout, [])), False, ()),
        "hidden_sheet": (_bytes(_hidden(layout)), True, ()),
        "wrong_headers": (
            _bytes(_book(Layout([f"列{i}" for i in range(width)], layout.row, 0, 0), [layout.row])),
            True,
            ("表头",),
        ),
        "header_too_far_down": (_bytes(_book(layout, [layout.row], header_row=80)), True, ("表头",)),
        "merged_header": (_bytes(_merged(layout, f"A3:{letter}3")), True, ()),
        "merged_data": (_bytes(_merged(layout, f"A4:{letter}5")), False, ()),
        "formula_number": (_bytes(_book(layout, [_with(layout, layout.number, "=1+1")])), True, ()),
        "formula_injection": (
            _bytes(_book(layout, [_with(layout, layout.key, "=cmd|'/C calc'!A0")])),
            True,
            (),
        ),
        "text_in_number": (_bytes(_book(layout, [_with(layout, layout.number, "一千二")])), True, ("数字",)),
        "date_in_number": (
            _bytes(_book(layout, [_with(layout, layout.number, datetime(2022, 1, 1))])),
            True,
            (),
        ),
        "bool_in_number": (_bytes(_book(layout, [_with(layout, layout.number, True)])), True, ()),
        "negative_number": (_bytes(_book(layout, [_with(layout, layout.number, -5)])), True, ("负数",)),
        "huge_number": (_bytes(_book(layout, [_with(layout, layout.number, 1e20)])), True, ()),
        "overflow_text": (_bytes(_book(layout, [_with(layout, layout.number, "1e400")])), True, ()),
        "nan_text": (_bytes(_book(layout, [_with(layout, layout.number, "NaN")])), True, ()),
        "duplicate_rows": (_bytes(_book(layout, [layout.row, layout.row])), True, ()),
        "unknown_key": (
            _bytes(_book(layout, [_with(layout, layout.key, "不存在的单位或项目ZZ-0000")])),
            True,
            (),
        ),
        "blank_key": (_bytes(_book(layout, [_with(layout, layout.key, None)])), False, ()),
        "very_long_text": (_bytes(_book(layout, [_with(layout, layout.key, "长" * 40000)])), True, ()),
    }
    assert len(kinds) == 31
    return kinds


def _table_digest_sql(model) -> str:
    """One row for the table: its label, its row count and a digest of every column of every row in
    primary-key order, computed by the database (so no row is read into Python)."""
    quote = connection.ops.quote_name
    table, pk = quote(model._meta.db_table), quote(model._meta.pk.column)
    if connection.vendor == "postgresql":
        rows = f"coalesce(md5(string_agg(t::text, '|' ORDER BY t.{pk})), '')"
        return f"SELECT '{model._meta.label}', count(*), {rows} FROM {table} t"
    row = " || ',' || ".join(f"quote({quote(field.column)})" for field in model._meta.local_concrete_fields)
    return (
        f"SELECT '{model._meta.label}', count(*), group_concat(r, '|') "
        f"FROM (SELECT {row} AS r FROM {table} ORDER BY {pk})"
    )


def database_fingerprint() -> str:
    """Every row of every watched table, hashed: one query, each table aggregated by the database."""
    models = [model for app in WATCHED_APPS for model in apps.get_app_config(app).get_models()]
    with connection.cursor() as cursor:
        cursor.execute(" UNION ALL ".join(_table_digest_sql(model) for model in models))
        # UNION ALL promises no order (PostgreSQL may run its branches in parallel): sort by table
        tables = sorted(cursor.fetchall())
    assert len(tables) == len(models)
    return hashlib.sha256(repr(tables).encode()).hexdigest()


_WRITE_RE = re.compile(r"^\s*(INSERT|UPDATE|DELETE)\b", re.IGNORECASE)


def watched_writes(queries: CaptureQueriesContext) -> list[str]:
    """The statements among ``queries`` that wrote to a watched table. A file that ran none left the
    watched tables as they were; only one that did needs the fingerprint to prove nothing stayed."""
    tables = {
        connection.ops.quote_name(model._meta.db_table)
        for app in WATCHED_APPS
        for model in apps.get_app_config(app).get_models()
    }
    return [
        query["sql"]
        for query in queries.captured_queries
        if _WRITE_RE.match(query["sql"]) and any(table in query["sql"] for table in tables)
    ]


class HostileFileTests(DemoTestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.admin = User.objects.get(username="admin")

    def run_importer(self, importer: str, path: Path) -> tuple[bool, str]:
        """(saved, messages) — the importer's own validation result, whatever its style."""
        name = path.name
        if importer == "reports":
            outcome = reports_import(source=str(path), year=2022, month=10, actor=self.admin, file_name=name)
        elif importer == "figures":
            outcome = figures_import(
                source=str(path), period=Period(2022, 10), actor=self.admin, file_name=name
            )
        elif importer == "projects":
            outcome = projects_import(source=str(path), year=2022, actor=self.admin, file_name=name)
        else:
            try:
                targets_import(source=str(path), source_name=name, year=2031, actor=self.admin)
            except (SpreadsheetError, TargetImportError) as error:
                return False, str(error)
            return True, ""
        return outcome.saved, "\n".join([*outcome.errors, *outcome.confirmations])

    def test_the_fingerprint_changes_with_any_value_of_any_row_and_only_then(self):
        before = database_fingerprint()
        assert database_fingerprint() == before
        project = Project.objects.order_by("pk").last()
        with CaptureQueriesContext(connection) as queries:
            Project.objects.filter(pk=project.pk).update(contact_phone=project.contact_phone + "0")
            User.objects.filter(pk=self.admin.pk).update(last_name=self.admin.last_name)
        assert len(watched_writes(queries)) == 1, "the project's update, not the user's"
        assert database_fingerprint() != before
        Project.objects.filter(pk=project.pk).update(contact_phone=project.contact_phone)
        assert database_fingerprint() == before

    def test_every_importer_refuses_every_hostile_file_cleanly_and_changes_nothing(self):
        tmp = Path(self.enterContext(__import__("tempfile").TemporaryDirectory()))
        problems, files = [], 0
        for importer, layout in layouts().items():
            before = database_fingerprint()
            for kind, (data, must_refuse, words) in corpus(layout).items():
                path = tmp / f"{importer}_{kind}.xlsx"
                path.write_bytes(data)
                files += 1
                where = f"{importer} / {kind}"
                try:
                    with CaptureQueriesContext(connection) as queries:
                        saved, message = self.run_importer(importer, path)
                except Exception as error:  # the test's point: nothing else may escape
                    problems.append(f"{where}: {type(error).__name__}: {error}")
                    continue
                if saved:
                    if must_refuse:
                        problems.append(f"{where}: accepted")
                    before = database_fingerprint()
                    continue
                if not CHINESE.search(message):
                    problems.append(f"{where}: no Chinese message ({message!r})")
                missing = [word for word in words if word not in message]
                if missing:
                    problems.append(f"{where}: the message does not name the problem {missing}: {message!r}")
                if watched_writes(queries) and database_fingerprint() != before:
                    problems.append(f"{where}: refused, but the database changed")
        assert files >= 100
        assert not problems, "\n".join(problems)

    def test_hostile_uploads_through_the_web_pages_get_a_chinese_message_and_no_server_error(self):
        layout = layouts()["figures"]
        samples = corpus(layout)
        self.client.force_login(self.admin)
        pages = [
            (reverse("reporting:import_figures"), {"period": "2022-10"}),
            (reverse("reporting:import_projects"), {"year": "2022"}),
            (reverse("reporting:import_reports"), {"month": "2022-10"}),
        ]
        before = database_fingerprint()
        for url, fields in pages:
            for kind in ("renamed_pdf", "xlsm_macros", "zip_bomb", "wrong_headers", "too_large"):
                upload = io.BytesIO(samples[kind][0])
                upload.name = f"{kind}.xlsx"
                response = self.client.post(url, {**fields, "file": upload})
                assert response.status_code in (200, 422), (url, kind, response.status_code)
                html = response.content.decode()
                assert any(word in html for word in WEB_MESSAGES), (url, kind)
        assert database_fingerprint() == before
