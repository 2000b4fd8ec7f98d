"""The 通报 workbook and the project ledger export, each against bare openpyxl writing the same cells.

Time (goal: at most 1.3 × the limit):

- 通报工作簿: ours is ``workbook_write`` saved to bytes — the writer the 通报 page, the
  ``export_bulletin`` command and publication all use — for the open period's content (built once
  by ``bulletin_content``; the key projects are read from the database while their sheet is
  written); the limit writes the same cell values, sheet by sheet, row by row, into a bare
  ``Workbook(write_only=True)``: the ranking and escalation rows computed beforehand, the key
  projects from one ``values_list`` query over the same queryset. The section checks that the
  limit's first key project rows equal the workbook's before timing.
- 项目台账 (项目清单 export, every project: 100,000 at province, 20,000 at city): ours is the page's
  view ``project_list_export`` called as ``bench_admin`` and its file read to the end; the limit runs
  one ``values_list`` query over the same queryset and writes the same cell values into a bare
  write-only workbook. The section checks that the limit's first rows equal ours before timing.

Peak memory (goal: flat, at most 1.2 × the smaller profile's): each export runs once in a fresh child
process (``python -m bench.sections.exports_memory EXPORT`` with the database's URL in
``DATABASE_URL``), which reports its peak resident memory minus its resident memory just before the
export. A memory line needs two profiles, so the province run measures its own database and the city's:
that database is found by swapping the profile at the end of this database's name
(``investtrack_bench_province`` → ``investtrack_bench_city``), and the memory lines are left out
when it does not exist, and at the smaller profiles: a district's exports (500 projects) stay under
the 2,000-row chunks and the 1,000 rows held for fitting, so city against district would measure
the chunk size, not growth.
"""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
from collections.abc import Iterator
from itertools import islice

from django.conf import settings
from django.db import connection
from django.test import RequestFactory
from django.urls import reverse
from openpyxl import Workbook

from accounts.models import User
from bench.harness import Line, alternate
from common import clock
from common.figures import shown_pct
from common.lists import export_columns, job_request
from common.periods import Period
from common.spreadsheets import workbook_response_bytes
from projects.choices import Field, Level, Stage
from projects.listing import PROJECT_LIST, listed_projects
from projects.models import Project
from projects.rules import plan_completion_pct, stewardship_missing
from projects.selectors.boards import library_year
from projects.views.listing import project_list_export
from reporting.bulletin.content import photo_note
from reporting.bulletin.service import bulletin_content
from reporting.bulletin.workbook import (
    ESCALATION_COLUMNS,
    ESCALATION_SHEET,
    KEY_PROJECT_COLUMNS,
    KEY_PROJECT_SHEET,
    UNIT_LINE,
    group_columns,
    line_values,
    workbook_write,
)
from reporting.models import RankingRun
from reporting.rules import completion_rate_pct
from reporting.selectors.bulletins import key_projects

SHORT = {"district": "区", "city": "市", "province": "省"}
REPEAT = {"district": 5, "city": 5, "province": 3}
CHECKED_ROWS = 2000
CHUNK = 2000


def measure(profile: str, *args: str) -> list[Line]:
    period = open_period()
    lines = [bulletin_line(profile, period), ledger_line(profile)]
    smaller = sibling_database(profile)
    if smaller is not None:
        for export, label in (("bulletin", "通报工作簿"), ("ledger", "项目台账")):
            ours = memory_peak(export, connection.settings_dict["NAME"])
            theirs = memory_peak(export, smaller[1])
            lines.append(
                Line(
                    f"峰值内存：{label} {SHORT[profile]}/{SHORT[smaller[0]]}（持平）",
                    profile,
                    round(ours, 1),
                    round(theirs, 1),
                    "MiB",
                    1.2,
                    limit_label=f"{SHORT[smaller[0]]}级数据库的同一导出",
                )
            )
    return lines


def open_period() -> Period:
    latest = RankingRun.objects.order_by("-year", "-month").values_list("year", "month").first()
    return Period(*latest)


# 通报工作簿 ---------------------------------------------------------------------------------------


def bulletin_line(profile: str, period: Period) -> Line:
    content = bulletin_content(period=period)
    sheets = bulletin_cells(content)
    check_same_key_projects(content, period)

    def ours() -> bytes:
        return workbook_response_bytes(workbook_write(content))

    def bare() -> bytes:
        return bare_bulletin(sheets, content.title, period)

    mine, limit = alternate(ours, bare, repeat=REPEAT[profile])
    key_projects_count = key_projects(period=period).count()
    rows = sum(len(rows) for _, rows in sheets) + key_projects_count
    return Line(
        f"通报工作簿（全部排名方案，{len(content.groups)} 组，{rows:,} 行）",
        profile,
        round(mine * 1000, 1),
        round(limit * 1000, 1),
        "ms",
        1.3,
        limit_label="openpyxl 只写模式直接写同样的单元格（重点项目一条 values_list 查询）",
    )


def bulletin_cells(content) -> list[tuple[str, list[list[object]]]]:
    """The ranking and escalation sheets' rows of cell values as ``workbook_write`` lays them out
    (title, unit line, header, 合计, data, note), computed once so that the limit only writes."""
    sheets = []
    for group in content.groups:
        columns = group_columns(group)
        rows = [[line_values(group.total).get(column.key) for column in columns]]
        rows += [[line_values(line).get(column.key) for column in columns] for line in group.lines]
        head = [[content.title], [UNIT_LINE], [column.label for column in columns]]
        sheets.append((group.group[:31], [*head, *rows, ["注"]]))
    rows = [
        [{"serial": serial, **vars(line)}.get(column.key) for column in ESCALATION_COLUMNS]
        for serial, line in enumerate(content.escalations, start=1)
    ]
    sheets.append((ESCALATION_SHEET, [[content.title], [c.label for c in ESCALATION_COLUMNS], *rows, ["注"]]))
    return sheets


KEY_PROJECT_FIELDS = (
    "name",
    "code",
    "reporting_unit__name",
    "responsible_unit__name",
    "level",
    "stage",
    "total_investment",
    "annual_plan",
    "ytd_completed",
    "latest_progress",
    "latest_photo_at",
    "latest_photo_id",
)


def bare_key_project_rows(period: Period) -> Iterator[list[object]]:
    levels, stages = dict(Level.choices), dict(Stage.choices)
    rows = key_projects(period=period).values_list(*KEY_PROJECT_FIELDS)
    for serial, (
        name,
        code,
        unit,
        bureau,
        level,
        stage,
        total,
        plan,
        ytd,
        progress,
        photo_at,
        photo_id,
    ) in enumerate(rows.iterator(chunk_size=CHUNK), start=1):
        completion = shown_pct(completion_rate_pct(ytd, plan))
        yield [
            serial,
            name,
            code,
            unit,
            bureau,
            levels[level],
            stages[stage],
            total,
            plan,
            ytd,
            completion,
            progress or "",
            photo_note(photo_at, photo_id),
        ]


def check_same_key_projects(content, period: Period) -> None:
    pairs = zip(
        islice(content.key_projects, CHECKED_ROWS),
        islice(bare_key_project_rows(period), CHECKED_ROWS),
        strict=True,
    )
    for index, (line, theirs) in enumerate(pairs):
        mine = [{"serial": index + 1, **vars(line)}[column.key] for column in KEY_PROJECT_COLUMNS]
        if mine != theirs:
            raise AssertionError(f"key project {index}: the limit writes {theirs}, the workbook {mine}")


def bare_bulletin(sheets: list[tuple[str, list[list[object]]]], title: str, period: Period) -> bytes:
    workbook = Workbook(write_only=True)
    for name, rows in sheets:
        sheet = workbook.create_sheet(name)
        for row in rows:
            sheet.append(row)
    sheet = workbook.create_sheet(KEY_PROJECT_SHEET)
    for row in ([title], [UNIT_LINE], [column.label for column in KEY_PROJECT_COLUMNS]):
        sheet.append(row)
    for row in bare_key_project_rows(period):
        sheet.append(row)
    sheet.append(["注"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


# 项目台账 -----------------------------------------------------------------------------------------


def ledger_request():
    request = RequestFactory().get(reverse("projects:list_export"))
    request.user = User.objects.get(username="bench_admin")
    return request


def ledger_export(request) -> int:
    """The page's export, read to the end as the browser would; returns the file's size."""
    response = project_list_export(request)
    size = sum(len(chunk) for chunk in response.streaming_content)
    response.close()
    return size


LEDGER_FIELDS = (
    "pk",
    "name",
    "code",
    "reporting_unit__name",
    "reporting_unit__short_name",
    "responsible_unit__name",
    "responsible_unit__short_name",
    "stage",
    "is_registered",
    "level",
    "field",
    "total_investment",
    "annual_plan",
    "ytd_completed",
    "steward_id",
    "leader_in_charge",
    "overdue_milestone_count",
    "overdue_problem_count",
    "is_missing_registration",
)


def bare_ledger_rows(request) -> Iterator[list[object]]:
    """The 项目清单 cells from one ``values_list`` query over the page's own queryset, and one for the
    标签 of its projects."""
    levels, fields, stages = dict(Level.choices), dict(Field.choices), dict(Stage.choices)
    stewards = {
        user.pk: str(user) for user in User.objects.filter(stewarded_projects__isnull=False).distinct()
    }
    projects = listed_projects(actor=request.user, year=library_year(), on=clock.today())
    tags: dict[int, list[str]] = {}
    for project_id, tag in Project.tags.through.objects.order_by("tag__name").values_list(
        "project_id", "tag__name"
    ):
        tags.setdefault(project_id, []).append(tag)
    rows = projects.prefetch_related(None).values_list(*LEDGER_FIELDS)
    for (
        pk,
        name,
        code,
        unit,
        unit_short,
        bureau,
        bureau_short,
        stage,
        registered,
        level,
        field,
        total,
        plan,
        ytd,
        steward,
        leader,
        *flags,
    ) in rows.iterator(chunk_size=CHUNK):
        milestones, problems, missing_registration = flags
        warnings = [
            *([f"节点逾期{milestones}个"] if milestones else []),
            *([f"问题逾期{problems}个"] if problems else []),
            *(["应入未入"] if missing_registration else []),
        ]
        lacking = stewardship_missing(
            total_investment=total, has_steward=steward is not None, leader_in_charge=leader
        )
        if lacking:
            warnings.append(f"缺{'、'.join(lacking)}")
        yield [
            name,
            code,
            "；".join(warnings),
            stages[stage],
            unit_short or unit,
            bureau_short or bureau,
            levels[level],
            fields[field],
            "、".join(tags[pk]) if pk in tags else None,
            total,
            plan,
            ytd,
            plan_completion_pct(ytd, plan),
            "已入库" if registered else "未入库",
            stewards.get(steward),
            leader or None,
        ]


def bare_ledger(request) -> int:
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("项目清单")
    sheet.append([f"{library_year()}年项目清单"])
    sheet.append(["单位：万元"])
    table, _ = PROJECT_LIST.export_table(job_request(actor=request.user, params={}))
    sheet.append([column.label for column in export_columns(table)])
    count = 0
    for row in bare_ledger_rows(request):
        sheet.append(row)
        count += 1
    buffer = io.BytesIO()
    workbook.save(buffer)
    return count


def check_same_cells(request) -> None:
    table, records = PROJECT_LIST.export_table(job_request(actor=request.user, params={}))
    columns = export_columns(table)
    ours = iter(PROJECT_LIST.export_rows(table, records))
    for index, theirs in enumerate(bare_ledger_rows(request)):
        if index == CHECKED_ROWS:
            break
        mine = next(ours)
        expected = [mine[column.key] for column in columns]
        if expected != theirs:
            raise AssertionError(f"row {index}: the limit writes {theirs}, the export {expected}")


def ledger_line(profile: str) -> Line:
    request = ledger_request()
    check_same_cells(request)
    count = listed_projects(actor=request.user, year=library_year(), on=clock.today()).count()
    mine, limit = alternate(
        lambda: ledger_export(request), lambda: bare_ledger(request), repeat=REPEAT[profile]
    )
    return Line(
        f"项目台账导出（项目清单）{count:,} 行",
        profile,
        round(mine * 1000, 1),
        round(limit * 1000, 1),
        "ms",
        1.3,
        limit_label="一条 values_list 查询 + openpyxl 只写模式",
    )


# 峰值内存 -----------------------------------------------------------------------------------------


def sibling_database(profile: str) -> tuple[str, str] | None:
    """For the province, the city and its database's name, when that database exists."""
    name = connection.settings_dict["NAME"]
    if profile != "province" or not name.endswith(f"_{profile}"):
        return None
    smaller = "city"
    sibling = name[: -len(profile)] + smaller
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [sibling])
        return (smaller, sibling) if cursor.fetchone() else None


def memory_peak(export: str, database: str) -> float:
    """MiB the export adds to a fresh process's resident memory at its peak."""
    server = connection.settings_dict
    url = f"postgres://{server['USER']}@{server['HOST']}:{server['PORT']}/{database}"
    if server.get("PASSWORD"):
        url = f"postgres://{server['USER']}:{server['PASSWORD']}@{server['HOST']}:{server['PORT']}/{database}"
    environment = {**os.environ, "DATABASE_URL": url}
    result = subprocess.run(
        [sys.executable, "-m", "bench.sections.exports_memory", export],
        env=environment,
        capture_output=True,
        text=True,
        check=True,
        cwd=settings.BASE_DIR,
    )
    return json.loads(result.stdout.strip().splitlines()[-1])["peak_mib"]
