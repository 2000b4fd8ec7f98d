"""The 投资项目在线审批监管平台's own project-list export, matched on 项目代码.

The platform already holds what a unit would otherwise type again: the company (项目单位), its
contact, the total investment and the date the project was approved, authorised or filed (审批、
核准、备案日期 = our 立项日期). The import fills those in where a project of ours has them blank; it never
overwrites what a unit entered, never moves a project between libraries and never creates one (the
platform does not know the 属地单位 or the 责任局办). Codes it lists that we do not hold are named, so
the lead office can register them; codes of another 区划 are left out of that list.

Columns (the export's own header names; a title row above the header is fine):
序号, 项目代码, 项目名称, 项目单位, 建设地点, 所属行业, 项目类型, 总投资(万元), 审批（核准、备案）日期,
办理状态, 项目联系人, 联系电话. Only 项目代码 is required; the others are used when present.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from simple_history.utils import bulk_update_with_history

from accounts.models import User
from audit.models import AuditAction
from audit.services import audited
from common import clock
from common.imports import ZERO_OR_MORE, ImportOutcome, Source, change_reason
from common.spreadsheets import Column, SpreadsheetError, read_table
from projects.codes import project_code_parse, region_inside
from projects.models import Project
from targets.models import Unit

PLATFORM_COLUMNS = (
    Column("code", "项目代码", aliases=("项目统一代码",)),
    Column("name", "项目名称", required=False, allow_blank=True),
    Column(
        "company", "项目单位", aliases=("项目（法人）单位", "项目法人单位"), required=False, allow_blank=True
    ),
    Column("place", "建设地点", required=False, allow_blank=True),
    Column("industry", "所属行业", required=False, allow_blank=True),
    Column("kind", "项目类型", aliases=("审批类型",), required=False, allow_blank=True),
    Column(
        "total_investment",
        "总投资(万元)",
        aliases=("总投资", "项目总投资(万元)"),
        kind="decimal",
        min_value=ZERO_OR_MORE,
        required=False,
        allow_blank=True,
    ),
    Column(
        "approved_on",
        "审批（核准、备案）日期",
        aliases=("审批(核准、备案)日期", "审批核准备案日期", "赋码日期", "办结日期"),
        required=False,
        allow_blank=True,
    ),
    Column("status", "办理状态", required=False, allow_blank=True),
    Column("contact_person", "项目联系人", aliases=("联系人",), required=False, allow_blank=True),
    Column("contact_phone", "联系电话", required=False, allow_blank=True),
)
FILLED_TEXT = ("company", "contact_person", "contact_phone")


@dataclass
class PlatformOutcome(ImportOutcome):
    """An import's outcome, with the projects matched and the codes of ours nobody registered yet."""

    matched: int = 0
    unmatched: list[str] = field(default_factory=list)


def _date(value) -> date | str | None:
    """A date cell as the export writes it (a date, or text like 2021-05-08 / 2021/5/8 / 2021年5月8日)."""
    if value in (None, ""):
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    text = (
        str(value)
        .strip()
        .split(" ")[0]
        .replace("年", "-")
        .replace("月", "-")
        .replace("日", "")
        .replace("/", "-")
    )
    try:
        year, month, day = (int(part) for part in text.split("-")[:3])
        return date(year, month, day)
    except (TypeError, ValueError):
        return str(value)


@audited(AuditAction.IMPORT)
@transaction.atomic
def platform_projects_import(
    *, source: Source, actor: User | None, file_name: str, unit: Unit | None = None
) -> PlatformOutcome:
    """Fill in our projects' blanks from the platform's export; all or nothing, errors by row and column.

    ``unit`` limits it to that unit's own projects (a unit's upload): the others are left alone.
    """
    try:
        table = read_table(source, columns=PLATFORM_COLUMNS, total_check=False)
    except SpreadsheetError as error:
        return PlatformOutcome.failed(str(error))
    codes = [row.values["code"].strip() for row in table.rows if row.values["code"]]
    registered = set(Project.objects.filter(code__in=codes).values_list("code", flat=True))
    projects = Project.objects.select_for_update()
    if unit is not None:
        projects = projects.filter(reporting_unit=unit)
    projects = projects.in_bulk(codes, field_name="code")
    today = clock.today()
    changed: dict[int, Project] = {}
    outcome = PlatformOutcome()
    for row in table.rows:
        code = (row.values["code"] or "").strip()
        project = projects.get(code)
        if project is None:
            parsed = project_code_parse(code)
            ours = parsed is not None and region_inside(parsed.region, settings.PROJECT_CODE_REGION)
            if ours and code not in registered:
                outcome.unmatched.append(code)
            continue
        outcome.matched += 1
        approved_on = _date(row.values["approved_on"])
        if isinstance(approved_on, str):
            table.add_error(row, "approved_on", f"「{approved_on}」不是有效的日期")
            continue
        if approved_on is not None and approved_on > today:
            table.add_error(row, "approved_on", "日期不能晚于今天")
            continue
        filled = False
        for name in FILLED_TEXT:
            value = (row.values[name] or "").strip()
            if value and not getattr(project, name):
                setattr(project, name, value[: Project._meta.get_field(name).max_length])
                filled = True
        if approved_on is not None and project.approval_on is None:
            project.approval_on, filled = approved_on, True
        total = row.values["total_investment"]
        if total is not None and not project.total_investment:
            project.total_investment, filled = total, True
        if filled:
            project.updated_at = timezone.now()
            changed[project.pk] = project
    if table.errors:
        return PlatformOutcome.rejected(table)
    if changed:
        bulk_update_with_history(
            list(changed.values()),
            Project,
            fields=[*FILLED_TEXT, "approval_on", "total_investment", "updated_at"],
            default_user=actor,
            default_change_reason=change_reason(file_name),
        )
    outcome.updated = len(changed)
    return outcome
