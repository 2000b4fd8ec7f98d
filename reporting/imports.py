"""The three imports — monthly project reports, official unit figures, projects — and their blank
templates. Each is used by a management command and by a web upload.

Every import is all-or-nothing: the file is read with the shared reader (``common.spreadsheets``),
each row is matched and checked against the same rules as the pages, and only a file without a
single error is written, in one transaction. The user gets every error with its row and column.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import IO

from django.conf import settings
from django.db import transaction
from openpyxl import Workbook

from audit.models import AuditAction
from audit.services import audited
from common.periods import Period
from common.queries import chunks
from common.spreadsheets import (
    Column,
    OutColumn,
    SpreadsheetError,
    Table,
    normalise_header,
    read_table,
    write_table,
)
from projects.choices import Field, Level
from projects.models import Project
from targets.models import Unit

from .choices import SubmissionStatus
from .models import Submission
from .selectors.figures import locked_unit_ids
from .selectors.monthly import GridRow, month_grid_lines, month_grid_rows, month_listing
from .services.figures import FigureInput, official_figures_save
from .services.monthly import (
    EntryInput,
    ReportChange,
    amount_problem,
    confirmed_unusual,
    entry_issues,
    project_reports_write,
)
from .services.projects import ProjectInput, RowsInvalid, projects_upsert
from .services.submissions import SubmissionError, submissions_claim_for_import

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


def _reason(file_name: str) -> str:
    """The history's change reason (at most 100 characters): which file a change came from."""
    return f"导入：{file_name}"[:100]


def _key(text: str) -> str:
    return normalise_header(text)


# --- 项目月报 -------------------------------------------------------------------------------------

REPORT_COLUMNS = (
    Column("code", "项目代码", aliases=("项目编码", "项目统一代码"), required=False, allow_blank=True),
    Column("name", "项目名称", required=False, allow_blank=True),
    Column(
        "amount",
        "本月完成投资(万元)",
        aliases=("本月完成投资", "本月完成(万元)"),
        kind="decimal",
        min_value=ZERO_OR_MORE,
        summed=True,
    ),
    Column("progress", "形象进度", required=False, allow_blank=True),
    Column("problems", "存在问题", required=False, allow_blank=True),
)


def _find_projects(table: Table, *, unit: Unit | None, year: int, month: int) -> dict[int, Project]:
    """Each row's project, by 项目代码 or else by 项目名称; rows that match none get an error.

    The projects are read with what the month's checks need of them (``month_listing``)."""
    codes = sorted({row.values["code"] for row in table.rows if row.values["code"]})
    names = sorted(
        {row.values["name"] for row in table.rows if row.values["name"] and not row.values["code"]}
    )
    base = Project.objects.all() if unit is None else Project.objects.filter(reporting_unit=unit)
    # What the import reads of a project, no more: a file may name tens of thousands of them, so
    # they are also asked for in slices (SQLite refuses a query of too many parameters).
    base = month_listing(
        base.only("pk", "code", "name", "reporting_unit", "total_investment").order_by(),
        year=year,
        month=month,
    )
    candidates = list(
        {
            project.pk: project
            for lookup, values in (("code__in", codes), ("name__in", names))
            for chunk in chunks(values)
            for project in base.filter(**{lookup: chunk})
        }.values()
    )
    units = Unit.objects.in_bulk({project.reporting_unit_id for project in candidates})
    by_code, by_name = {}, defaultdict(list)
    for project in candidates:
        project.reporting_unit = units[project.reporting_unit_id]
        by_code[project.code] = project
        by_name[project.name].append(project)
    scope = "本单位" if unit is not None else ""
    found: dict[int, Project] = {}
    first_row: dict[int, int] = {}
    for row in table.rows:
        code, name = row.values["code"], row.values["name"]
        if code:
            project = by_code.get(code)
            if project is None:
                table.add_error(row, "code", f"未找到{scope}项目代码为「{code}」的项目")
                continue
            if name and name != project.name and _key(name) != _key(project.name):
                table.add_error(row, "name", f"与项目代码对应的项目名称「{project.name}」不符")
                continue
        elif name:
            matches = by_name.get(name, [])
            if len(matches) != 1:
                problem = (
                    "有多个同名项目，请填写项目代码" if matches else f"未找到{scope}名为「{name}」的项目"
                )
                table.add_error(row, "name", problem)
                continue
            project = matches[0]
        else:
            table.add_error(row, "code", "请填写项目代码或项目名称")
            continue
        if project.pk in first_row:
            table.add_error(row, None, f"与第{first_row[project.pk]}行是同一个项目")
            continue
        first_row[project.pk] = row.number
        found[row.number] = project
    return found


@audited(AuditAction.IMPORT)
def reports_import(
    *,
    source: Source,
    year: int,
    month: int,
    actor,
    file_name: str,
    unit: Unit | None = None,
    confirm_unusual: bool = False,
) -> ImportOutcome:
    """Import one month of project reports (项目代码, 本月完成投资(万元), 形象进度, 存在问题).

    ``unit`` limits the file to that unit's projects (a unit's own upload). Amounts far above a
    project's usual month are listed for confirmation and saved only with ``confirm_unusual``.
    """
    try:
        table = read_table(source, columns=REPORT_COLUMNS)
    except SpreadsheetError as error:
        return ImportOutcome.failed(str(error))
    if "code" not in table.letters and "name" not in table.letters:
        return ImportOutcome.failed("未找到表头：缺少列「项目代码」（或「项目名称」）")
    with transaction.atomic():
        projects = _find_projects(table, unit=unit, year=year, month=month)
        by_unit: dict[Unit, list] = defaultdict(list)
        for row in table.rows:
            if row.number in projects and row.values["amount"] is not None:
                by_unit[projects[row.number].reporting_unit].append(row)
        _refuse_closed_months(table, by_unit, year=year, month=month)
        rows = sorted(
            (row for unit_rows in by_unit.values() for row in unit_rows), key=lambda row: row.number
        )
        grid = month_grid_lines(projects=[projects[row.number] for row in rows], year=year, month=month)
        confirmations: list[str] = []
        changes = _check_report_rows(
            table, rows, projects, grid, year=year, confirm_unusual=confirm_unusual, out=confirmations
        )
        if not table.ok:
            return ImportOutcome.rejected(table)
        if confirmations:
            return ImportOutcome(confirmations=confirmations)
        try:
            submissions_claim_for_import(units=by_unit, year=year, month=month)
            project_reports_write(
                year=year, month=month, changes=changes, actor=actor, reason=_reason(file_name)
            )
        except SubmissionError as error:
            transaction.set_rollback(True)
            return ImportOutcome.failed(str(error))
    created = sum(1 for change in changes if change.report is None)
    return ImportOutcome(created=created, updated=len(changes) - created)


def _refuse_closed_months(table: Table, by_unit: dict, *, year: int, month: int) -> None:
    closed = {
        s.unit_id: s
        for s in Submission.objects.filter(unit__in=list(by_unit), year=year, month=month).exclude(
            status=SubmissionStatus.DRAFT
        )
    }
    for report_unit in list(by_unit):
        if report_unit.pk in closed:
            label = closed[report_unit.pk].get_status_display()
            for row in by_unit.pop(report_unit):
                table.add_error(row, None, f"{report_unit.name}{year}年{month}月{label}，不能导入")


def _check_report_rows(
    table: Table,
    rows: list,
    projects: dict[int, Project],
    grid: dict[int, GridRow],
    *,
    year: int,
    confirm_unusual: bool,
    out: list[str],
) -> list[ReportChange]:
    entries = {
        row.number: EntryInput(
            project_id=projects[row.number].pk,
            amount=row.values["amount"],
            progress=row.values["progress"] or "",
            problems=row.values["problems"] or "",
        )
        for row in rows
    }
    confirmed = {e.project_id: e.amount for e in entries.values()} if confirm_unusual else {}
    issues = entry_issues(rows=grid, entries=list(entries.values()), year=year, confirmed=confirmed)
    changes = []
    for row in rows:
        entry = entries[row.number]
        line = grid.get(entry.project_id)
        if line is None:
            table.add_error(row, None, "该项目本月不在填报范围内（储备库、尚未开工或此前已竣工）")
            continue
        for message in issues.errors.get(entry.project_id, []):
            table.add_error(row, "amount", message)
        for message in issues.confirmations.get(entry.project_id, []):
            out.append(f"第{row.number}行「{line.project.name}」：{message}")
        if entry.project_id in issues.errors:
            continue
        report = line.report
        if report and (report.amount, report.progress, report.problems) == (
            entry.amount,
            entry.progress,
            entry.problems,
        ):
            continue
        changes.append(
            ReportChange(
                project=line.project,
                report=report,
                expected_version=report.version if report else None,
                amount=entry.amount,
                progress=entry.progress,
                problems=entry.problems,
                unusual_confirmed=confirmed_unusual(line, entry, year=year, confirmed=confirmed),
            )
        )
    return changes


# --- 单位官方统计数 -------------------------------------------------------------------------------

FIGURE_COLUMNS = (
    Column("unit", "单位", aliases=("责任单位", "所属办事处", "单位名称")),
    Column(
        "ytd",
        "本年累计完成(万元)",
        aliases=("本年累计完成", "累计完成(万元)"),
        kind="decimal",
        min_value=ZERO_OR_MORE,
        summed=True,
    ),
    Column(
        "baseline",
        "上年同期累计(万元)",
        aliases=("上年同期累计", "上年同期(万元)", "上年同期"),
        kind="decimal",
        min_value=ZERO_OR_MORE,
        summed=True,
        required=False,
        allow_blank=True,
    ),
)


def unit_lookup(units: Iterable[Unit] | None = None) -> dict[str, Unit]:
    """Units by full name, code and short name (in that order of precedence), spaces ignored."""
    units = list(Unit.objects.all() if units is None else units)
    lookup: dict[str, Unit] = {}
    for attribute in ("short_name", "code", "name"):
        for unit in units:
            if getattr(unit, attribute):
                lookup[_key(getattr(unit, attribute))] = unit
    return lookup


@audited(AuditAction.IMPORT)
def figures_import(*, source: Source, period: Period, actor, file_name: str) -> ImportOutcome:
    """Import the official figures of a period (单位, 本年累计完成(万元), 上年同期累计(万元))."""
    try:
        table = read_table(source, columns=FIGURE_COLUMNS)
    except SpreadsheetError as error:
        return ImportOutcome.failed(str(error))
    units = unit_lookup()
    figures: dict[int, FigureInput] = {}
    first_row: dict[int, int] = {}
    for row in table.rows:
        unit = units.get(_key(row.values["unit"] or ""))
        if unit is None:
            if row.values["unit"]:
                table.add_error(row, "unit", f"未找到单位「{row.values['unit']}」")
            continue
        if unit.pk in first_row:
            table.add_error(row, "unit", f"与第{first_row[unit.pk]}行是同一个单位")
            continue
        first_row[unit.pk] = row.number
        for key in ("ytd", "baseline"):
            if row.values[key] is not None and (problem := amount_problem(row.values[key], label="金额")):
                table.add_error(row, key, problem)
        figures[row.number] = FigureInput(unit, row.values["ytd"], row.values["baseline"])
    for unit_id in locked_unit_ids(period=period, unit_ids=first_row):
        table.add_error(first_row[unit_id], "unit", f"{period.label}已发布锁定，不能修改该单位的数据")
    if not table.ok:
        return ImportOutcome.rejected(table)
    try:
        saved = official_figures_save(
            period=period, figures=list(figures.values()), actor=actor, reason=_reason(file_name)
        )
    except SubmissionError as error:
        return ImportOutcome.failed(str(error))
    return ImportOutcome(created=saved.created, updated=saved.updated)


# --- 项目 -----------------------------------------------------------------------------------------

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
    by_label = {_key(label): value for value, label in choices}
    value = by_label.get(_key(text)) if text else None
    if text and value is None:
        table.add_error(
            row, key, f"「{text}」不是有效的选项（可选：{'、'.join(label for _, label in choices)}）"
        )
    return value


@audited(AuditAction.IMPORT)
def projects_import(
    *, source: Source, year: int, actor, file_name: str, unit: Unit | None = None
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
                values[key] = units.get(_key(row.values[key]))
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
        saved = projects_upsert(rows=inputs, year=year, actor=actor, reason=_reason(file_name))
    except RowsInvalid as invalid:
        for index, messages in invalid.errors.items():
            for message in messages:
                table.add_error(row_of_input[index], None, message)
        return ImportOutcome.rejected(table)
    except SubmissionError as error:
        return ImportOutcome.failed(str(error))
    return ImportOutcome(created=saved.created, updated=saved.updated)


# --- 空白模板 -------------------------------------------------------------------------------------


def _template(title: str, columns: Sequence[Column], rows: Iterable[dict], note: str) -> Workbook:
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


def reports_template(*, unit: Unit | None, year: int, month: int) -> Workbook:
    """The report import's template; for a unit, already listing its projects of the month."""
    rows = []
    if unit is not None:
        rows = [
            {"code": r.project.code, "name": r.project.name}
            for r in month_grid_rows(unit=unit, year=year, month=month)
        ]
    return _template(
        f"{year}年{month}月项目月报导入模板",
        REPORT_COLUMNS,
        rows,
        "说明：按项目代码匹配项目（无代码时按项目名称）；本月无投资请填 0；可增加「合计」行，导入时核对。",
    )


def figures_template() -> Workbook:
    units = [{"unit": unit.name} for unit in Unit.objects.filter(is_active=True)]
    return _template(
        "单位固定资产投资统计数导入模板",
        FIGURE_COLUMNS,
        units,
        "说明：单位按名称、简称或编码匹配；上年同期累计可留空；可增加「合计」行，导入时核对。",
    )


def projects_template() -> Workbook:
    return _template(
        "项目信息导入模板",
        PROJECT_COLUMNS,
        [],
        "说明：按项目代码匹配，已有项目更新、新项目进入储备库；项目领域可选："
        + "、".join(Field.labels)
        + "；项目级别可选："
        + "、".join(Level.labels)
        + "。",
    )
