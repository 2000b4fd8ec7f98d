"""The allocation workbook's import: plan year, allocation tables, targets and monthly 入库 targets
from the tables people already hand round (``import_targets`` and the upload page).

All or nothing; every change keeps its old version with who, when and why (``allocations.history_stamp``).
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from decimal import Decimal
from typing import IO, TYPE_CHECKING

from django.db import transaction
from django.db.models import F, Max
from django.utils import timezone

from audit.models import AuditAction
from audit.services import audited
from common.figures import format_wan
from common.spreadsheets import SpreadsheetError, Table, filled_sheet_names, normalise_header, read_table

from ..choices import IndicatorCode, UnitKind
from ..models import AllocationTable, Indicator, MonthlyIntakeTarget, PlanYear, RankingGroup, Target, Unit
from ..rules import balanced_table_refusal
from ..workbooks import ALLOCATION_COLUMNS, UNIT_LINE_RE, IntakeGoal, intake_goal_parse
from .allocations import MSG_REASON_REQUIRED, history_stamp

if TYPE_CHECKING:
    from accounts.models import User

UNIT_CODE_PREFIX = "DW"
_ATTACHMENT_RE = re.compile(r"附\s*[件表]\s*[0-9一二三四五六七八九十]*\s*[:：]?")

# DESIGN.md's glossary: 办事处/街道/镇 are sub-districts, 园区/开发区/综保区 are parks.
_KIND_SUFFIXES = (
    (UnitKind.SUBDISTRICT, ("办事处", "街道", "街道办", "镇", "乡")),
    (UnitKind.PARK, ("园区", "开发区", "保税区", "综保区", "产业园")),
)


class TargetImportError(Exception):
    """The file was read but cannot be imported; ``errors`` name the row and column of each.

    ``unknown_units`` tells the caller to point at its way of creating them (a flag, a checkbox).
    """

    def __init__(self, errors: list[str], *, unknown_units: bool = False) -> None:
        super().__init__("\n".join(errors))
        self.errors = errors
        self.unknown_units = unknown_units


@dataclass
class ImportedTable:
    table: AllocationTable
    created: bool
    had_values: bool = False
    added: list[str] = field(default_factory=list)
    changed: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)

    @property
    def altered(self) -> bool:
        """Whether values already there were changed (which needs a reason)."""
        return self.had_values and bool(self.added or self.changed or self.removed)


@dataclass
class TargetImport:
    plan_year: PlanYear
    plan_year_created: bool
    created_units: list[Unit]
    tables: list[ImportedTable]
    intake_targets_changed: int

    def summary_lines(self) -> list[str]:
        """What the import did, in the words the command and the upload page both show."""
        lines = []
        if self.plan_year_created:
            lines.append(
                f"已新建{self.plan_year.year}年度计划，投资目标 {format_wan(self.plan_year.fai_target)} 万元"
                "（增速及入库目标请在系统管理中补充）。"
            )
        if self.created_units:
            names = "、".join(f"{unit.name}（{unit.get_kind_display()}）" for unit in self.created_units)
            lines.append(f"新增责任单位 {len(self.created_units)} 个：{names}。")
        for imported in self.tables:
            action = "新建" if imported.created else "更新"
            counts = f"新增 {len(imported.added)} 个单位，修改 {len(imported.changed)} 个"
            if imported.removed:
                counts += f"，移出 {len(imported.removed)} 个（{'、'.join(imported.removed)}）"
            if not (imported.added or imported.changed or imported.removed):
                counts = "目标值无变化"
            lines.append(f"{action}分解表「{imported.table.name}」：{counts}。")
        if self.intake_targets_changed:
            lines.append(f"每月入库目标新增或修改 {self.intake_targets_changed} 个单位。")
        return lines


@dataclass
class _Line:
    unit: Unit | str  # a str names a unit the import will create
    value: Decimal
    intake: IntakeGoal | None


@dataclass
class _Sheet:
    """One table read from the file, its units resolved, before anything is written."""

    sheet_name: str
    name: str
    table: Table
    goals: dict[int, IntakeGoal]  # by row number, from the 入库目标 column
    lines: list[_Line] = field(default_factory=list)


@audited(AuditAction.IMPORT)
def targets_import(
    *,
    source: str | os.PathLike[str] | IO[bytes],
    source_name: str,
    year: int,
    table_name: str | None = None,
    reason: str = "",
    create_units: bool = False,
    unit_kind: str | None = None,
    actor: User | None = None,
) -> TargetImport:
    """Import allocation tables in seed 000's layout, one table per sheet; all or nothing.

    Raises SpreadsheetError when the file cannot be read and TargetImportError with every problem
    (row and column) when it can; nothing is saved then. Each table is named by ``table_name`` or
    its sheet's title line. Units are matched by full or short name; unknown ones are errors unless
    ``create_units`` (their kind is ``unit_kind``, or read from the name's ending, else 局办).
    Changing values that were already there needs a ``reason``.
    """
    errors: list[str] = []
    sheets = _read_sheets(source, table_name=table_name, errors=errors)
    unknown_units = _resolve_units(sheets, create_units=create_units)
    several = len(sheets) + len(errors) > 1  # the sheets read, and those whose header was not found
    for sheet in sheets:
        prefix = f"工作表「{sheet.sheet_name}」" if several else ""
        in_order = sorted(sheet.table.errors, key=lambda error: (error.row, len(error.column), error.column))
        errors.extend(f"{prefix}{error}" for error in in_order)
    if errors:
        raise TargetImportError(errors, unknown_units=unknown_units)
    reason = reason.strip()
    history = {"reason": reason or f"导入《{source_name}》", "actor": actor, "when": timezone.now()}
    with transaction.atomic():
        # Locked, so the plan total cannot change between the check below and the writes.
        plan_year = PlanYear.objects.select_for_update().filter(year=year).first()
        plan_year_created = plan_year is None
        if plan_year is None:
            plan_year = _plan_year_create(year=year, sheet=sheets[0], history=history)
        if refusals := _balance_refusals(plan_year, sheets):
            # Raised inside the transaction: a plan year created above is not kept either.
            raise TargetImportError(refusals)
        created_units = _units_create(sheets, unit_kind=unit_kind)
        tables = [_table_import(plan_year, sheet, history=history) for sheet in sheets]
        intake_changed, intake_altered = _intake_import(plan_year, sheets, history=history)
        if not reason and (intake_altered or any(imported.altered for imported in tables)):
            # Raised inside the transaction: nothing written above is kept.
            raise TargetImportError([MSG_REASON_REQUIRED])
    return TargetImport(
        plan_year=plan_year,
        plan_year_created=plan_year_created,
        created_units=created_units,
        tables=tables,
        intake_targets_changed=intake_changed,
    )


def _read_sheets(source, *, table_name: str | None, errors: list[str]) -> list[_Sheet]:
    names = filled_sheet_names(source)
    if not names:
        raise SpreadsheetError("文件中没有任何内容")
    read: list[tuple[str, Table | SpreadsheetError]] = []
    for sheet_name in names:
        try:
            read.append((sheet_name, read_table(source, columns=ALLOCATION_COLUMNS, sheet=sheet_name)))
        except SpreadsheetError as error:
            read.append((sheet_name, error))
    table_name = (table_name or "").strip() or None
    if table_name and len(read) > 1:
        # Several tables in the file: the name picks one, by its sheet's name or its title line.
        read = [
            (sheet_name, table)
            for sheet_name, table in read
            if sheet_name == table_name or (isinstance(table, Table) and _title_of(table) == table_name)
        ]
        if not read:
            found = "、".join(f"「{sheet_name}」" for sheet_name in names)
            raise SpreadsheetError(f"文件中没有名为「{table_name}」的表（文件中的工作表：{found}）")
    sheets: list[_Sheet] = []
    for sheet_name, table in read:
        if isinstance(table, SpreadsheetError):
            errors.append(f"工作表「{sheet_name}」{table}" if len(read) > 1 else str(table))
            continue
        _check_unit_line(table)
        name = table_name or _title_of(table)
        if not name:
            table.add_error(
                table.header_row, None, "表头上方没有标题行，无法确定分解表名称，请补上标题或指定表名"
            )
        elif len(name) > AllocationTable._meta.get_field("name").max_length:
            table.add_error(table.header_row, None, f"分解表名称「{name[:20]}…」过长（最多100字）")
        elif name in {sheet.name for sheet in sheets}:
            table.add_error(table.header_row, None, f"文件中有两张表都名为「{name}」")
        if not table.rows:
            table.add_error(table.header_row, None, "表头下面没有填写任何单位")
        sheet = _Sheet(sheet_name=sheet_name, name=name, table=table, goals={})
        for row in table.rows:
            if (text := row.values["intake"]) is None:
                continue
            if (goal := intake_goal_parse(text)) is None:
                message = f"无法识别「{text}」，应写作“单月新增不少于10个，总投资不低于5亿元”"
                table.add_error(row, "intake", message)
            else:
                sheet.goals[row.number] = goal
        sheets.append(sheet)
    return sheets


def _title_of(table: Table) -> str:
    """The first line above the header, less any "单位：万元" on the same row; an "附件1" line that
    official documents put above a table's title is not its name."""
    for _, text in table.preamble:
        title = UNIT_LINE_RE.sub("", text).strip()
        if title and not _ATTACHMENT_RE.fullmatch(title):
            return title
    return ""


def _check_unit_line(table: Table) -> None:
    for number, text in table.preamble:
        match = UNIT_LINE_RE.search(text)
        if match and match.group(1) != "万元":
            table.add_error(number, None, f"金额单位为「{match.group(1)}」，请换算为万元后导入")


def _resolve_units(sheets: list[_Sheet], *, create_units: bool) -> bool:
    """Match each row's unit; returns whether any was unknown (an error without ``create_units``)."""
    unknown = False
    by_name: dict[str, Unit] = {}
    by_short_name: dict[str, list[Unit]] = {}
    for unit in Unit.objects.all():
        by_name[normalise_header(unit.name)] = unit
        if unit.short_name:
            by_short_name.setdefault(normalise_header(unit.short_name), []).append(unit)
    for sheet in sheets:
        seen: dict[str, int] = {}
        for row in sheet.table.rows:
            text = row.values["unit"]
            if text is None:
                continue  # the reader has reported the blank cell
            key = normalise_header(text)
            unit: Unit | str | None = by_name.get(key)
            if unit is None:
                matches = by_short_name.get(key, [])
                if len(matches) > 1:
                    sheet.table.add_error(row, "unit", f"简称「{text}」对应多个单位，请填写全称")
                    continue
                unit = matches[0] if matches else None
            if unit is None:
                if not create_units:
                    sheet.table.add_error(row, "unit", f"系统中没有单位「{text}」（全称或简称均未找到）")
                    unknown = True
                    continue
                unit = text
            identity = unit.name if isinstance(unit, Unit) else key
            if identity in seen:
                sheet.table.add_error(row, "unit", f"与第{seen[identity]}行是同一单位")
                continue
            seen[identity] = row.number
            if row.values["target"] is not None:
                sheet.lines.append(
                    _Line(unit=unit, value=row.values["target"], intake=sheet.goals.get(row.number))
                )
    return unknown


def _row_sum(sheet: _Sheet) -> Decimal:
    return sum((line.value for line in sheet.lines), Decimal(0))


def _plan_year_create(*, year: int, sheet: _Sheet, history: dict) -> PlanYear:
    """A year the file is the first table of: its FAI total is the table's 合计, or its rows' sum,
    so the first table balances and every later table of the year must match it (rule 12)."""
    total = sheet.table.total_row.values["target"] if sheet.table.total_row else None
    plan_year = PlanYear(
        year=year,
        title=f"{year}年固定资产投资计划",
        fai_target=total if total is not None else _row_sum(sheet),
        growth_target_pct=Decimal(0),
    )
    plan_year.full_clean()
    history_stamp(plan_year, **history)
    plan_year.save()
    return plan_year


def _balance_refusals(plan_year: PlanYear, sheets: list[_Sheet]) -> list[str]:
    """Rule 12 where a file is imported: each sheet's rows, which become its table's whole content,
    against the plan total of the table's indicator (FAI for a table the import creates)."""
    named = AllocationTable.objects.filter(plan_year=plan_year, name__in=[sheet.name for sheet in sheets])
    indicators = dict(named.values_list("name", "indicator__code"))
    refusals = []
    for sheet in sheets:
        refusal = balanced_table_refusal(
            year=plan_year.year,
            table_name=sheet.name,
            row_sum=_row_sum(sheet),
            plan_total=plan_year.total_for(indicators.get(sheet.name, IndicatorCode.FAI)),
        )
        if refusal:
            refusals.append(refusal)
    return refusals


def _units_create(sheets: list[_Sheet], *, unit_kind: str | None) -> list[Unit]:
    """Create the units only the file names (in the order it names them) and put them in its lines."""
    created: dict[str, Unit] = {}
    taken_codes = set(Unit.objects.values_list("code", flat=True))
    order = Unit.objects.aggregate(last=Max("sort_order"))["last"] or 0
    number = 0
    for line in (line for sheet in sheets for line in sheet.lines if isinstance(line.unit, str)):
        key = normalise_header(line.unit)
        if key not in created:
            number += 1
            while f"{UNIT_CODE_PREFIX}{number:03d}" in taken_codes:
                number += 1
            order += 1
            unit = Unit(
                name=line.unit,
                code=f"{UNIT_CODE_PREFIX}{number:03d}",
                kind=unit_kind or unit_kind_guess(line.unit),
                sort_order=order,
            )
            unit.full_clean()
            unit.save()
            created[key] = unit
        line.unit = created[key]
    return list(created.values())


def unit_kind_guess(name: str) -> str:
    """A new unit's kind from how its name ends (明湖办事处 → 办事处, 物流园区 → 园区), else 局办."""
    for kind, suffixes in _KIND_SUFFIXES:
        if name.endswith(suffixes):
            return kind
    return UnitKind.BUREAU


def _table_import(plan_year: PlanYear, sheet: _Sheet, *, history: dict) -> ImportedTable:
    """Make the table hold exactly the sheet's units, values and order."""
    table = AllocationTable.objects.filter(plan_year=plan_year, name=sheet.name).first()
    if table is None:
        table = AllocationTable(
            plan_year=plan_year,
            name=sheet.name,
            indicator=Indicator.objects.get(code=IndicatorCode.FAI),
            ranking_group=_group_of_exactly({line.unit.pk for line in sheet.lines}),
            sort_order=(plan_year.tables.aggregate(last=Max("sort_order"))["last"] or 0) + 1,
        )
        table.full_clean()
        table.save()
        imported = ImportedTable(table=table, created=True)
    else:
        imported = ImportedTable(table=table, created=False)
        # A grid opened before this import is stale now.
        AllocationTable.objects.filter(pk=table.pk).update(version=F("version") + 1)
    targets = Target.objects.select_for_update(of=("self",)).filter(table=table).select_related("unit")
    existing = {target.unit_id: target for target in targets}
    imported.had_values = bool(existing)
    for order, line in enumerate(sheet.lines, start=1):
        target = existing.pop(line.unit.pk, None)
        if target is None:
            target = Target(table=table, unit=line.unit, value=line.value, sort_order=order)
            imported.added.append(line.unit.name)
        elif (target.value, target.sort_order) != (line.value, order):
            if target.value != line.value:
                imported.changed.append(line.unit.name)
            target.value, target.sort_order = line.value, order
        else:
            continue
        target.full_clean()
        history_stamp(target, **history)
        target.save()
    # The file is the whole table: units it no longer lists leave it (their history stays).
    for target in existing.values():
        imported.removed.append(target.unit.name)
        history_stamp(target, **history)
        target.delete()
    return imported


def _group_of_exactly(unit_ids: set[int]) -> RankingGroup | None:
    """The ranking group whose members are exactly the table's units, when there is one."""
    groups = [
        group
        for group in RankingGroup.objects.prefetch_related("units")
        if {unit.pk for unit in group.units.all()} == unit_ids
    ]
    return groups[0] if len(groups) == 1 else None


def _intake_import(plan_year: PlanYear, sheets: list[_Sheet], *, history: dict) -> tuple[int, bool]:
    """Fill 每月入库目标 from the 入库目标 column; a blank cell leaves the unit's target as it is.

    Returns how many units' targets were written and whether any of them had one before.
    """
    existing = {intake.unit_id: intake for intake in MonthlyIntakeTarget.objects.filter(plan_year=plan_year)}
    written, altered = 0, False
    for line in (line for sheet in sheets for line in sheet.lines if line.intake is not None):
        intake = existing.get(line.unit.pk)
        if intake is None:
            intake = MonthlyIntakeTarget(plan_year=plan_year, unit=line.unit)
        elif IntakeGoal(intake.min_projects, intake.min_investment) == line.intake:
            continue
        else:
            altered = True
        intake.min_projects, intake.min_investment = line.intake.min_projects, line.intake.min_investment
        intake.full_clean()
        history_stamp(intake, **history)
        intake.save()
        existing[line.unit.pk] = intake
        written += 1
    return written, altered
