"""The project import: projects created or changed by 项目代码 from a spreadsheet, and its template.

All or nothing, like every import (``common.imports``); the rows are written by ``upsert``, which
the API's project endpoint uses too.
"""

from __future__ import annotations

from openpyxl import Workbook

from accounts.models import User
from audit.models import AuditAction
from audit.services import audited
from common.errors import SubmissionError
from common.imports import ZERO_OR_MORE, ImportOutcome, Source, change_reason, import_template
from common.queries import chunks
from common.spreadsheets import Column, SpreadsheetError, Table, normalise_header, read_table
from projects.choices import Field, Level
from projects.models import Project
from targets.models import Unit
from targets.selectors import unit_lookup

from .upsert import ProjectInput, RowsInvalid, projects_upsert

PROJECT_COLUMNS = (
    Column("code", "项目代码", aliases=("项目编码", "项目统一代码")),
    Column("name", "项目名称"),
    Column("reporting_unit", "属地单位", aliases=("所属办事处", "属地", "填报单位")),
    Column("responsible_unit", "责任局办", aliases=("责任单位", "责任部门")),
    Column("field", "项目领域", aliases=("行业领域", "领域")),
    Column("level", "项目级别", aliases=("级别",), required=False, allow_blank=True),
    Column(
        "total_investment",
        "总投资(万元)",
        aliases=("总投资", "项目总投资(万元)"),
        kind="decimal",
        min_value=ZERO_OR_MORE,
        summed=True,
    ),
    Column(
        "annual_plan",
        "年度计划投资(万元)",
        aliases=("年度计划投资", "本年计划投资(万元)"),
        kind="decimal",
        min_value=ZERO_OR_MORE,
        summed=True,
        required=False,
        allow_blank=True,
    ),
    Column("company", "建设单位", aliases=("项目单位",), required=False, allow_blank=True),
    Column("contact_person", "联系人", required=False, allow_blank=True),
    Column("contact_phone", "联系电话", required=False, allow_blank=True),
    Column("leader_in_charge", "分包领导", required=False, allow_blank=True),
)
_TEXT_FIELDS = ("name", "company", "contact_person", "contact_phone", "leader_in_charge")


def _choice(table: Table, row, key: str, choices) -> str | None:
    text = row.values[key]
    by_label = {normalise_header(label): value for value, label in choices}
    value = by_label.get(normalise_header(text)) if text else None
    if text and value is None:
        table.add_error(
            row, key, f"「{text}」不是有效的选项（可选：{'、'.join(label for _, label in choices)}）"
        )
    return value


@audited(AuditAction.IMPORT)
def projects_import(
    *, source: Source, year: int, actor: User | None, file_name: str, unit: Unit | None = None
) -> ImportOutcome:
    """Create or change projects by 项目代码; new ones enter the 储备库.

    ``unit`` limits the file to that unit's projects (a unit's own upload): each row's 属地单位 must
    be it, and an existing code must already be one of its projects.
    """
    try:
        table = read_table(source, columns=PROJECT_COLUMNS)
    except SpreadsheetError as error:
        return ImportOutcome.failed(str(error))
    units = unit_lookup()
    codes = [row.values["code"] for row in table.rows if row.values["code"]]
    existing = {
        code: unit_id
        for chunk in chunks(codes)
        for code, unit_id in Project.objects.filter(code__in=chunk).values_list("code", "reporting_unit_id")
    }
    inputs: list[ProjectInput] = []
    row_of_input: list[int] = []
    first_row: dict[str, int] = {}
    for row in table.rows:
        code = row.values["code"]
        if code in first_row:
            table.add_error(row, "code", f"与第{first_row[code]}行的项目代码重复")
            continue
        if code:
            first_row[code] = row.number
        values = {name: row.values[name] for name in _TEXT_FIELDS if row.values[name] is not None}
        for key in ("reporting_unit", "responsible_unit"):
            if row.values[key]:
                values[key] = units.get(normalise_header(row.values[key]))
                if values[key] is None:
                    table.add_error(row, key, f"未找到单位「{row.values[key]}」")
        if unit is not None and values.get("reporting_unit") not in (None, unit):
            table.add_error(row, "reporting_unit", "只能导入本单位的项目")
        if unit is not None and code in existing and existing[code] != unit.pk:
            table.add_error(row, "code", "该项目代码已存在且不属于本单位")
        values["field"] = _choice(table, row, "field", Field.choices)
        if row.values["level"]:
            values["level"] = _choice(table, row, "level", Level.choices)
        if row.values["total_investment"] is not None:
            values["total_investment"] = row.values["total_investment"]
        if code:
            inputs.append(ProjectInput(code=code, values=values, annual_plan=row.values["annual_plan"]))
            row_of_input.append(row.number)
    if not table.ok:
        return ImportOutcome.rejected(table)
    try:
        saved = projects_upsert(rows=inputs, year=year, actor=actor, reason=change_reason(file_name))
    except RowsInvalid as invalid:
        for index, messages in invalid.errors.items():
            for message in messages:
                table.add_error(row_of_input[index], None, message)
        return ImportOutcome.rejected(table)
    except SubmissionError as error:
        return ImportOutcome.failed(str(error))
    return ImportOutcome(created=saved.created, updated=saved.updated)


def projects_template() -> Workbook:
    return import_template(
        "项目信息导入模板",
        PROJECT_COLUMNS,
        [],
        "说明：按项目代码匹配，已有项目更新、新项目进入储备库；项目领域可选："
        + "、".join(Field.labels)
        + "；项目级别可选："
        + "、".join(Level.labels)
        + "。",
    )
