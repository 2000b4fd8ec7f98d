"""The 分解表 spreadsheet layout, read and written in one place so a table round-trips unchanged.

The layout is seed 000's: a title line (the table's name), a right-aligned "单位：万元" line, the
header 序号 / 责任单位 (所属办事处 when every unit is a sub-district) / 投资目标 [/ 入库目标], the 合计
row first, then the numbered units. One table per worksheet; a plan year's export puts each of its
tables on its own sheet.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import QuerySet
from openpyxl import Workbook

from common.spreadsheets import SHEET_NAME_MAX, Column, OutColumn, sheet_name, write_table

from .choices import IndicatorCode, UnitKind
from .models import AllocationTable, MonthlyIntakeTarget
from .selectors import allocation_tables_for_export, monthly_intake_by_unit

TEMPLATE_TITLE = "各单位年度固定资产投资任务一览表"
TEMPLATE_ROWS = 20
WAN_PER_YI = Decimal(10000)

UNIT_HEADER = "责任单位"
SUBDISTRICT_UNIT_HEADER = "所属办事处"
TARGET_HEADER = "投资目标"
INTAKE_HEADER = "入库目标"

ALLOCATION_COLUMNS = (
    Column("seq", "序号", kind="int", required=False, allow_blank=True),
    Column("unit", UNIT_HEADER, aliases=(SUBDISTRICT_UNIT_HEADER, "单位", "单位名称")),
    Column(
        "target",
        TARGET_HEADER,
        aliases=("投资目标(万元)",),
        kind="decimal",
        min_value=Decimal(0),
        summed=True,
    ),
    Column("intake", INTAKE_HEADER, aliases=("每月入库目标",), required=False, allow_blank=True),
)

UNIT_LINE_RE = re.compile(r"单位\s*[:：]\s*(\S+)")
_INTAKE_COUNT_RE = re.compile(r"(\d+)\s*[个项]")
_INTAKE_AMOUNT_RE = re.compile(r"(\d+(?:\.\d+)?)\s*(亿|万)\s*元")


@dataclass(frozen=True)
class IntakeGoal:
    """每月入库目标 as the 入库目标 column writes it: projects a month, and their total in 万元."""

    min_projects: int
    min_investment: Decimal


def intake_goal_parse(text: str) -> IntakeGoal | None:
    """Read "单月新增不少于10个，总投资不低于5亿元" (亿元 ×10000 → 万元); None without either number."""
    normalised = unicodedata.normalize("NFKC", text)
    count = _INTAKE_COUNT_RE.search(normalised)
    amount = _INTAKE_AMOUNT_RE.search(normalised)
    if count is None and amount is None:
        return None
    investment = Decimal(0)
    if amount is not None:
        investment = Decimal(amount.group(1)) * (WAN_PER_YI if amount.group(2) == "亿" else 1)
    return IntakeGoal(min_projects=int(count.group(1)) if count else 0, min_investment=investment)


def intake_goal_text(goal: IntakeGoal | MonthlyIntakeTarget) -> str:
    """The inverse of ``intake_goal_parse``, in seed 000's words."""
    yi = (goal.min_investment / WAN_PER_YI).normalize()
    return f"单月新增不少于{goal.min_projects}个，总投资不低于{yi:f}亿元"


def unit_header_for(kinds: Sequence[str]) -> str:
    """Seed 000 heads the sub-district table 所属办事处 and every other table 责任单位."""
    if kinds and all(kind == UnitKind.SUBDISTRICT for kind in kinds):
        return SUBDISTRICT_UNIT_HEADER
    return UNIT_HEADER


def allocation_workbook(*, tables: QuerySet[AllocationTable]) -> Workbook:
    """One sheet per table, in the tables' order, with each unit's monthly 入库 target when any
    unit of the table has one (seed 000's sub-district table)."""
    listed = allocation_tables_for_export(tables)
    intake_by_unit = monthly_intake_by_unit(plan_year_ids={table.plan_year_id for table in listed})
    workbook = Workbook()
    workbook.remove(workbook.active)
    taken: set[str] = set()
    for table in listed:
        targets = list(table.targets.all())
        intakes = [intake_by_unit.get((table.plan_year_id, target.unit_id)) for target in targets]
        columns = [
            OutColumn("序号", "seq", kind="int", width=8),
            OutColumn(unit_header_for([target.unit.kind for target in targets]), "unit"),
            OutColumn(target_header_for(table), "target", kind="money"),
        ]
        if any(intakes):
            columns.append(OutColumn(INTAKE_HEADER, "intake"))
        rows = [
            {
                "seq": number,
                "unit": target.unit.name,
                "target": target.value,
                "intake": intake_goal_text(intake) if intake else None,
            }
            for number, (target, intake) in enumerate(zip(targets, intakes, strict=True), start=1)
        ]
        write_table(
            workbook.create_sheet(_sheet_title(table.name, taken)),
            title=table.name,
            unit_line=f"单位：{table.indicator.measure_unit}",
            columns=columns,
            # The sum of the rows, not the plan total: the file must pass its own 合计 check on re-import.
            total_row={"seq": "合计", "target": sum((target.value for target in targets), Decimal(0))},
            rows=rows,
        )
    return workbook


def allocation_template_workbook() -> Workbook:
    """A blank table in the import layout, pre-numbered; the reader skips rows holding only a 序号."""
    workbook = Workbook()
    columns = [
        OutColumn("序号", "seq", kind="int", width=8),
        OutColumn(UNIT_HEADER, "unit", width=24),
        OutColumn(TARGET_HEADER, "target", kind="money", width=16),
        OutColumn(INTAKE_HEADER, "intake", width=40),
    ]
    write_table(
        workbook.active,
        title=TEMPLATE_TITLE,
        columns=columns,
        total_row={"seq": "合计"},
        rows=[{"seq": number} for number in range(1, TEMPLATE_ROWS + 1)],
    )
    workbook.active.title = "分解表"
    return workbook


def target_header_for(table: AllocationTable) -> str:
    """投资目标 for the FAI tables seed 000 prints; other indicators' tables are named by indicator."""
    if table.indicator.code == IndicatorCode.FAI:
        return TARGET_HEADER
    return f"{table.indicator.name}目标"


def _sheet_title(name: str, taken: set[str]) -> str:
    """Excel refuses sheet names over 31 characters, with []:*?/\\, or used twice (case-blind)."""
    base = sheet_name(name, replace="_") or "分解表"
    title, number = base, 1
    while title.casefold() in taken:
        number += 1
        suffix = f"({number})"
        title = base[: SHEET_NAME_MAX - len(suffix)] + suffix
    taken.add(title.casefold())
    return title
