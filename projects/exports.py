"""The lists' .xlsx exports: the rows the page's FilterSet selected, laid out by ``write_table``."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence

from django.db.models import QuerySet
from django.http import HttpResponse
from django.utils.http import content_disposition_header
from openpyxl import Workbook

from common.spreadsheets import XLSX_CONTENT_TYPE, OutColumn, workbook_response_bytes, write_table

from .models import Problem, Project
from .rules import stewardship_missing


def xlsx_response(
    *,
    title: str,
    columns: Sequence[OutColumn],
    rows: Iterable[Mapping[str, object]],
    total_row: Mapping[str, object] | None = None,
) -> HttpResponse:
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = title[:31]  # Excel's limit on sheet names
    write_table(sheet, title=title, columns=columns, rows=rows, total_row=total_row)
    response = HttpResponse(workbook_response_bytes(workbook), content_type=XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = content_disposition_header(True, f"{title}.xlsx")
    return response


def _warnings(project: Project) -> str:
    warnings = []
    if project.overdue_milestone_count:
        warnings.append(f"节点逾期{project.overdue_milestone_count}个")
    if project.overdue_problem_count:
        warnings.append(f"问题逾期{project.overdue_problem_count}个")
    if project.is_missing_registration:
        warnings.append("应入未入")
    missing = stewardship_missing(
        total_investment=project.total_investment,
        has_steward=project.steward_id is not None,
        leader_in_charge=project.leader_in_charge,
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


def board_rows(projects: QuerySet[Project]) -> list[dict[str, object]]:
    return [
        {
            "name": project.name,
            "code": project.code,
            "reporting_unit": project.reporting_unit.name,
            "responsible_unit": project.responsible_unit.name,
            "level": project.get_level_display(),
            "field": project.get_field_display(),
            "total_investment": project.total_investment,
            "annual_plan": project.annual_plan,
            "steward": str(project.steward) if project.steward else "",
            "leader_in_charge": project.leader_in_charge,
            "warnings": _warnings(project),
        }
        for project in projects
    ]


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
