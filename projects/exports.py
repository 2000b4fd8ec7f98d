"""The lists' .xlsx exports: the rows the page's FilterSet selected, streamed by ``stream_table``.

A list may hold every project of a province (100,000 rows): rows come from the database in chunks as
plain values, go through a streamed workbook (XlsxWriter's constant-memory mode) into a temporary file
and leave as a streamed response, so an export's memory does not grow with its rows and its queries
do not grow with its projects.
"""

from __future__ import annotations

import tempfile
from collections.abc import Iterable, Iterator, Mapping, Sequence
from typing import IO

from django.db.models import F, QuerySet
from django.http import FileResponse

from accounts.models import User
from common.spreadsheets import XLSX_CONTENT_TYPE, OutColumn, StreamedWorkbook, stream_table, streamed_sheet

from .choices import Field, Level, Stage
from .models import Problem, Project
from .rules import plan_completion_pct, stewardship_missing

ITERATOR_CHUNK = 2000
# Widths fit the first rows like a report's; a longer list keeps them (a streamed sheet cannot look back).
FIT_ROWS = 1000


def xlsx_write(
    target: str | IO[bytes],
    *,
    title: str,
    columns: Sequence[OutColumn],
    rows: Iterable[Mapping[str, object]],
) -> int:
    """Write the list to ``target`` through a streamed workbook; return the number of rows."""
    workbook = StreamedWorkbook()
    sheet = streamed_sheet(workbook, title[:31])  # Excel's limit on sheet names
    count = stream_table(sheet, title=title, columns=columns, rows=rows, fit_rows=FIT_ROWS)
    workbook.save(target)
    return count


def xlsx_response(
    *, title: str, columns: Sequence[OutColumn], rows: Iterable[Mapping[str, object]]
) -> FileResponse:
    handle = tempfile.TemporaryFile()  # noqa: SIM115 (the response closes it once sent)
    xlsx_write(handle, title=title, columns=columns, rows=rows)
    handle.seek(0)
    return FileResponse(handle, as_attachment=True, filename=f"{title}.xlsx", content_type=XLSX_CONTENT_TYPE)


def _warnings(row: Mapping[str, object]) -> str:
    warnings = []
    if row["overdue_milestone_count"]:
        warnings.append(f"节点逾期{row['overdue_milestone_count']}个")
    if row["overdue_problem_count"]:
        warnings.append(f"问题逾期{row['overdue_problem_count']}个")
    if row["is_missing_registration"]:
        warnings.append("应入未入")
    missing = stewardship_missing(
        total_investment=row["total_investment"],
        has_steward=row["steward_id"] is not None,
        leader_in_charge=row["leader_in_charge"],
    )
    if missing:
        warnings.append(f"缺{'、'.join(missing)}")
    return "；".join(warnings)


BOARD_COLUMNS = (
    OutColumn("项目名称", "name"),
    OutColumn("项目代码", "code"),
    OutColumn("属地单位", "reporting_unit"),
    OutColumn("责任局办", "responsible_unit"),
    OutColumn("项目级别", "level"),
    OutColumn("项目领域", "field"),
    OutColumn("总投资(万元)", "total_investment", "money"),
    OutColumn("年度计划投资(万元)", "annual_plan", "money"),
    OutColumn("项目管家", "steward"),
    OutColumn("分包领导", "leader_in_charge"),
    OutColumn("预警", "warnings"),
)
_LEVELS, _FIELDS, _STAGES = dict(Level.choices), dict(Field.choices), dict(Stage.choices)


def board_rows(projects: QuerySet[Project], *, with_tags: bool = False) -> Iterator[dict[str, object]]:
    """A row per project of a board or list queryset (``with_warnings``, ``annual_plan``), in its order,
    with the library (``stage``) and 入库 status the project list adds, and with ``with_tags`` its 标签;
    two queries however many rows, three with the tags."""
    stewards = {
        user.pk: str(user) for user in User.objects.filter(stewarded_projects__isnull=False).distinct()
    }
    tags = _tag_names(projects) if with_tags else {}
    # The project list adds the year's 累计完成 (and so its 完成率); the boards do not show them.
    with_ytd = "ytd_completed" in projects.query.annotations
    values = projects.prefetch_related(None).values(
        *(("ytd_completed",) if with_ytd else ()),
        "name",
        "code",
        "level",
        "field",
        "stage",
        "is_registered",
        "total_investment",
        "annual_plan",
        "steward_id",
        "leader_in_charge",
        "overdue_milestone_count",
        "overdue_problem_count",
        "is_missing_registration",
        "pk",
        reporting_unit_name=F("reporting_unit__name"),
        responsible_unit_name=F("responsible_unit__name"),
    )
    for row in values.iterator(chunk_size=ITERATOR_CHUNK):
        ytd = row.get("ytd_completed")
        yield {
            "ytd_completed": ytd,
            "completion_pct": plan_completion_pct(ytd, row["annual_plan"]) if with_ytd else None,
            "name": row["name"],
            "code": row["code"],
            "reporting_unit": row["reporting_unit_name"],
            "responsible_unit": row["responsible_unit_name"],
            "level": _LEVELS.get(row["level"], row["level"]),
            "field": _FIELDS.get(row["field"], row["field"]),
            "stage": _STAGES.get(row["stage"], row["stage"]),
            "registered": "已入库" if row["is_registered"] else "未入库",
            "total_investment": row["total_investment"],
            "annual_plan": row["annual_plan"],
            "steward": stewards.get(row["steward_id"], ""),
            "leader_in_charge": row["leader_in_charge"],
            "warnings": _warnings(row),
            "tags": tags.get(row["pk"], ""),
        }


def _tag_names(projects: QuerySet[Project]) -> dict[int, str]:
    """Each listed project's 标签 as the list page shows them (「三个一批、专项债」), in one query."""
    links = (
        Project.tags.through.objects.filter(project__in=projects.order_by().values("pk"))
        .order_by("project_id", "tag__name")
        .values_list("project_id", "tag__name")
    )
    names: dict[int, list[str]] = {}
    for project_id, name in links.iterator(chunk_size=ITERATOR_CHUNK):
        names.setdefault(project_id, []).append(name)
    return {project_id: "、".join(tags) for project_id, tags in names.items()}


PROBLEM_COLUMNS = (
    OutColumn("项目名称", "project"),
    OutColumn("属地单位", "reporting_unit"),
    OutColumn("问题类别", "category"),
    OutColumn("问题描述", "description", width=40),
    OutColumn("责任单位", "owner_unit"),
    OutColumn("办结时限", "deadline", "date"),
    OutColumn("状态", "status"),
    OutColumn("是否逾期", "overdue"),
    OutColumn("销号日期", "closed_on", "date"),
    OutColumn("解决情况", "resolution", width=30),
)


def problem_rows(problems: QuerySet[Problem]) -> list[dict[str, object]]:
    return [
        {
            "project": problem.project.name,
            "reporting_unit": problem.project.reporting_unit.name,
            "category": problem.get_category_display(),
            "description": problem.description,
            "owner_unit": problem.owner_unit.name,
            "deadline": problem.deadline,
            "status": problem.get_status_display(),
            "overdue": "逾期" if problem.is_overdue else "",
            "closed_on": problem.closed_on,
            "resolution": problem.resolution,
        }
        for problem in problems
    ]


MISSING_REGISTRATION_COLUMNS = (
    OutColumn("项目名称", "name"),
    OutColumn("项目代码", "code"),
    OutColumn("属地单位", "reporting_unit"),
    OutColumn("责任局办", "responsible_unit"),
    OutColumn("所在库", "stage"),
    OutColumn("实际开工日期", "actual_start", "date"),
    OutColumn("总投资(万元)", "total_investment", "money"),
    OutColumn("项目管家", "steward"),
)


def missing_registration_rows(projects: QuerySet[Project]) -> list[dict[str, object]]:
    return [
        {
            "name": project.name,
            "code": project.code,
            "reporting_unit": project.reporting_unit.name,
            "responsible_unit": project.responsible_unit.name,
            "stage": project.get_stage_display(),
            "actual_start": project.actual_start,
            "total_investment": project.total_investment,
            "steward": str(project.steward) if project.steward else "",
        }
        for project in projects
    ]
