"""导入月报: importing 10,000 project report rows against bare openpyxl parsing plus one bulk insert.

Goal (issue 9): our import at most twice the limit.

*Ours* is ``reporting.imports.reports_import`` — the service the ``import_reports`` command and the
import page call — with every guarantee it gives: the upload checked by content, every cell parsed
and every error collected with its row and column, projects matched by code (and name), the
month's rules (total investment, unusual amounts, closed months), the units' returns claimed, one
transaction, a history row for every report written (who, when, why) and the audit event.

*The limit* is the least that can write the same report rows from the same file: openpyxl
``load_workbook(read_only=True)`` iterating the rows, one query for the projects' ids by code (the
file names projects by code, the table holds ids) and ONE ``ProjectReport.objects.bulk_create``.

The file is laid out as our template and exports are (title, unit line, header; 项目代码,
项目名称, 本月完成投资(万元), 形象进度, 存在问题) and names the first 10,000 projects (by id) that
reported in the latest reported month, with what they reported.

Same starting state, reset outside the timed part: each run is one transaction that first resets
(deletes those projects' reports of that month, reopens the month's returns of their units as
drafts, and puts under way any of them that the libraries would not list for that month), then
times the import, checks what it wrote, and rolls everything back. Both sides therefore write
into the same rows and the same indexes, neither pays a commit (the same for both), and the
profile's database is left as it was. The runs go ours, limit, limit, ours, … so neither side
always runs on the other's freshly rolled-back pages. The import runs confirmed (as
``import_reports --confirm``): the profile's figures may be unusual, and a file waiting for
confirmation writes nothing. A run holds the month's returns of those units until it rolls back,
so the section runs alone, as ``python -m bench`` runs its sections (one writing the same month
meanwhile, like ``surge``, deadlocks with it).
"""

from __future__ import annotations

import gc
import statistics
import tempfile
import time
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path

from django.db import connection, transaction
from django.db.models import Max
from openpyxl import Workbook, load_workbook

from bench.harness import Line
from common.spreadsheets import OutColumn, write_table
from projects.choices import Stage
from projects.models import Project, ProjectReport
from reporting.choices import SubmissionStatus
from reporting.imports import REPORT_COLUMNS, reports_import
from reporting.models import Submission
from reporting.selectors.monthly import month_projects

ROWS = 10_000
GOAL = 2.0
REPEAT = 7  # the machines are shared: an odd number of pairs, and enough for a steady median
FILE_NAME = "bench_月报.xlsx"


class _Rollback(Exception):
    """Raised to leave a run's transaction; the run's result travels with it."""


class ImportBench:
    """The file, the month and the reset shared by both sides."""

    def __init__(self, *, rows: int, folder: Path):
        latest = ProjectReport.objects.aggregate(year=Max("year"))["year"]
        self.year = latest
        self.month = ProjectReport.objects.filter(year=latest).aggregate(month=Max("month"))["month"]
        reports = list(
            ProjectReport.objects.filter(year=self.year, month=self.month)
            .order_by("project_id")
            .values_list("project_id", "amount", "progress", "problems")[:rows]
        )
        self.project_ids = [report[0] for report in reports]
        projects = Project.objects.in_bulk(self.project_ids)
        self.unit_ids = sorted({project.reporting_unit_id for project in projects.values()})
        self.actor = _admin()
        self.not_listed = self._projects_not_listed_once_cleared()
        rows_out = [
            {
                "code": projects[project_id].code,
                "name": projects[project_id].name,
                "amount": amount,
                "progress": progress,
                "problems": problems,
            }
            for project_id, amount, progress, problems in reports
        ]
        self.path = folder / FILE_NAME
        _write_file(self.path, rows_out, year=self.year, month=self.month)
        self.expected = sorted((row[0], row[1], row[2], row[3]) for row in reports)

    @property
    def rows(self) -> int:
        return len(self.project_ids)

    def _projects_not_listed_once_cleared(self) -> list[int]:
        """The chosen projects the month would not list once their reports are gone (the
        libraries say they were not under way): the reset puts them under way."""
        with transaction.atomic():
            self._clear_month()
            listed = set(
                month_projects(year=self.year, month=self.month)
                .filter(pk__in=self.project_ids)
                .values_list("pk", flat=True)
            )
            transaction.set_rollback(True)
        return [pk for pk in self.project_ids if pk not in listed]

    def _clear_month(self) -> None:
        # Raw, so that the reset itself writes no history (it is rolled back in any case).
        with connection.cursor() as cursor:
            cursor.execute(
                f"DELETE FROM {ProjectReport._meta.db_table} WHERE year = %s AND month = %s"
                " AND project_id = ANY(%s)",
                [self.year, self.month, self.project_ids],
            )

    def reset(self) -> None:
        self._clear_month()
        if self.not_listed:
            Project.objects.filter(pk__in=self.not_listed).update(
                stage=Stage.UNDER_CONSTRUCTION,
                actual_start=f"{self.year - 1}-01-01",
                actual_completion=None,
            )
        Submission.objects.filter(unit_id__in=self.unit_ids, year=self.year, month=self.month).update(
            status=SubmissionStatus.DRAFT
        )

    def written(self) -> list[tuple]:
        return sorted(
            ProjectReport.objects.filter(
                year=self.year, month=self.month, project_id__in=self.project_ids
            ).values_list("project_id", "amount", "progress", "problems")
        )

    def run(self, side: Callable[[], None]) -> float:
        """One timed run from the reset state; checks that the side wrote exactly the file's rows."""
        try:
            with transaction.atomic():
                self.reset()
                gc.collect()
                start = time.perf_counter()
                side()
                seconds = time.perf_counter() - start
                if self.written() != self.expected:
                    raise AssertionError(f"{side.__name__} did not write the file's {self.rows} rows")
                raise _Rollback(seconds)
        except _Rollback as done:
            return done.args[0]

    def ours(self) -> None:
        outcome = reports_import(
            source=str(self.path),
            year=self.year,
            month=self.month,
            actor=self.actor,
            file_name=FILE_NAME,
            confirm_unusual=True,
        )
        if not outcome.saved or outcome.created != self.rows:
            raise AssertionError(f"import refused: {(outcome.errors or outcome.confirmations)[:5]}")

    def limit(self) -> None:
        workbook = load_workbook(self.path, read_only=True)
        rows = list(workbook.worksheets[0].iter_rows(min_row=4, values_only=True))
        workbook.close()
        ids = dict(Project.objects.filter(code__in=[row[0] for row in rows]).values_list("code", "pk"))
        ProjectReport.objects.bulk_create(
            ProjectReport(
                project_id=ids[code],
                year=self.year,
                month=self.month,
                amount=Decimal(str(amount)),
                progress=progress or "",
                problems=problems or "",
                updated_by=self.actor,
            )
            for code, _name, amount, progress, problems in rows
        )


def _admin():
    from accounts.models import User

    return User.objects.filter(username__in=("bench_admin", "admin")).order_by("username").first()


def _write_file(path: Path, rows: list[dict], *, year: int, month: int) -> None:
    """The report template's layout (``reporting.imports.reports_template``), filled in."""
    workbook = Workbook()
    columns = [
        OutColumn(column.label, column.key, "money" if column.kind == "decimal" else "text", decimals=2)
        for column in REPORT_COLUMNS
    ]
    write_table(workbook.active, title=f"{year}年{month}月项目月报", columns=columns, rows=rows)
    workbook.save(path)


def measure(profile: str, rows: str | int = ROWS, repeat: str | int = REPEAT) -> list[Line]:
    with tempfile.TemporaryDirectory() as folder:
        bench = ImportBench(rows=int(rows), folder=Path(folder))
        bench.run(bench.ours)  # warm-up, and proof that both write the same rows
        bench.run(bench.limit)
        ours, limit = [], []
        for turn in range(int(repeat)):
            pair = (bench.ours, bench.limit) if turn % 2 == 0 else (bench.limit, bench.ours)
            for side in pair:
                (ours if side == bench.ours else limit).append(bench.run(side))
    return [
        Line(
            figure=f"导入月报 {bench.rows:,} 行",
            profile=profile,
            value=round(statistics.median(ours) * 1000, 1),
            limit=round(statistics.median(limit) * 1000, 1),
            unit="ms",
            goal=GOAL,
            limit_label="openpyxl 只读解析 + 一次批量插入",
        )
    ]
