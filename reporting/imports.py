"""The imports of the monthly cycle — project reports and official unit figures — and their blank
templates. Each is used by a management command and by a web upload (the project imports are in
``projects.imports``).

Every import is all-or-nothing: the file is read with the shared reader (``common.spreadsheets``),
each row is matched and checked against the same rules as the pages, and only a file without a
single error is written, in one transaction. The user gets every error with its row and column.
"""

from __future__ import annotations

from collections import defaultdict

from django.db import transaction
from openpyxl import Workbook

from accounts.models import User
from audit.models import AuditAction
from audit.services import audited
from common.imports import ZERO_OR_MORE, ImportOutcome, Source, change_reason, import_template
from common.periods import Period
from common.queries import chunks
from common.spreadsheets import (
    Column,
    SpreadsheetError,
    Table,
    normalise_header,
    read_table,
)
from projects.models import Project
from targets.models import Unit
from targets.selectors import unit_lookup

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
from .services.submissions import SubmissionError, submissions_claim_for_import


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
    actor: User | None,
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
                year=year, month=month, changes=changes, actor=actor, reason=change_reason(file_name)
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


@audited(AuditAction.IMPORT)
def figures_import(*, source: Source, period: Period, actor: User | None, file_name: str) -> ImportOutcome:
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
            period=period, figures=list(figures.values()), actor=actor, reason=change_reason(file_name)
        )
    except SubmissionError as error:
        return ImportOutcome.failed(str(error))
    return ImportOutcome(created=saved.created, updated=saved.updated)


# --- 空白模板 -------------------------------------------------------------------------------------


def reports_template(*, unit: Unit | None, year: int, month: int) -> Workbook:
    """The report import's template; for a unit, already listing its projects of the month."""
    rows = []
    if unit is not None:
        rows = [
            {"code": r.project.code, "name": r.project.name}
            for r in month_grid_rows(unit=unit, year=year, month=month)
        ]
    return import_template(
        f"{year}年{month}月项目月报导入模板",
        REPORT_COLUMNS,
        rows,
        "说明：按项目代码匹配项目（无代码时按项目名称）；本月无投资请填 0；可增加「合计」行，导入时核对。",
    )


def figures_template() -> Workbook:
    units = [{"unit": unit.name} for unit in Unit.objects.filter(is_active=True)]
    return import_template(
        "单位固定资产投资统计数导入模板",
        FIGURE_COLUMNS,
        units,
        "说明：单位按名称、简称或编码匹配；上年同期累计可留空；可增加「合计」行，导入时核对。",
    )
