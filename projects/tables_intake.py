"""入库纳统's panels as django-tables2 tables: each unit's registrations of the month against its
monthly target, and the year's month-by-month matrix of the units with a target."""

from __future__ import annotations

from collections.abc import Sequence

import django_tables2 as tables
from django.utils.html import format_html

from common.figures import format_wan
from common.lists import BaseTable, WanColumn, met_badge, muted

from .selectors.intake import UnitIntake

# A unit's line of the year's matrix as the view builds it: its month row and one cell a month,
# each a mapping with the month's ``count`` and ``investment``.
MatrixRow = tuple[UnitIntake, Sequence[dict]]


def _short(flag: str) -> dict:
    """Right-aligned figures, in red where a unit with a monthly target fell short (``UnitIntake.<flag>``)."""

    def cell(record: UnitIntake) -> str:
        short = record.has_target and not getattr(record, flag)
        return "text-end text-nowrap text-danger" if short else "text-end text-nowrap"

    return {"td": {"class": cell}, "th": {"class": "text-end"}}


class MonthIntakeTable(BaseTable):
    """各单位新增入库情况 (``selectors.intake.monthly_intake``): a line per unit that has a monthly 入库
    target or registered a project in the month, its count and investment in red where it fell short
    of the target, the target as "≥" its minimum ("—" without one) and a 达标/未达标 badge."""

    unit = tables.Column(verbose_name="单位", accessor="unit__name")
    count = tables.Column(verbose_name="新增入库项目(个)", attrs=_short("count_met"))
    investment = WanColumn("新增入库总投资", attrs=_short("investment_met"))
    min_projects = tables.Column(
        verbose_name="月度目标(个)",
        default="—",
        attrs={"td": {"class": "text-end"}, "th": {"class": "text-end"}},
    )
    min_investment = WanColumn("月度目标总投资")
    verdict = tables.Column(verbose_name="完成情况", accessor="met")

    def render_min_projects(self, value: int) -> str:
        return f"≥{value}"

    def render_min_investment(self, value) -> str:
        return f"≥{format_wan(value)}"

    def render_verdict(self, record: UnitIntake) -> str:
        if not record.has_target:
            return muted("无月度目标")
        return met_badge(record.met)

    class Meta(BaseTable.Meta):
        orderable = False
        attrs = {"class": "table table-sm table-striped mb-0 figures"}
        empty_text = "本月没有新增入库项目，也没有单位设有月度入库目标。"


class MonthCellColumn(tables.Column):
    """One month of the year's matrix: the count and, below it, the investment of the unit's
    registrations, green where both reach the unit's monthly minimum, red where either falls short."""

    def __init__(self, index: int, month: int):
        self.index = index
        super().__init__(
            verbose_name=f"{month}月",
            accessor="1",
            orderable=False,
            attrs={"td": {"class": self._cell_class}, "th": {"class": "text-end"}},
        )

    def _cell_class(self, record: MatrixRow) -> str:
        row, cells = record
        cell = cells[self.index]
        met = cell["count"] >= row.min_projects and cell["investment"] >= row.min_investment
        return f"text-end text-nowrap {'table-success' if met else 'table-danger'}"

    def render(self, record: MatrixRow) -> str:
        cell = record[1][self.index]
        return format_html('{}<div class="small">{}</div>', cell["count"], format_wan(cell["investment"]))


class YearIntakeTable(BaseTable):
    """逐月新增入库 (``selectors.intake.intake_by_month``): a line per unit with a monthly target and a
    column per month from January to the month shown (``months``, the view's), each cell coloured
    against the unit's monthly minimum."""

    unit = tables.Column(
        verbose_name="单位", accessor="0__unit__display_name", attrs={"td": {"class": "text-nowrap"}}
    )

    def __init__(self, data: Sequence[MatrixRow], *, months: Sequence[int], **kwargs):
        columns = [(f"month_{month}", MonthCellColumn(index, month)) for index, month in enumerate(months)]
        super().__init__(data, extra_columns=columns, **kwargs)

    class Meta(BaseTable.Meta):
        orderable = False
        attrs = {"class": "table table-sm table-bordered mb-0 figures"}
        empty_text = "没有单位设有月度入库目标。"
