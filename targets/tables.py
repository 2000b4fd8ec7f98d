"""The allocation tables' list as a django-tables2 table: what each row shows, never how rows are found."""

from __future__ import annotations

import django_tables2 as tables
from django.urls import reverse
from django.utils.html import format_html

from common.figures import format_wan
from common.lists import RIGHT, BaseTable, WanColumn

from .models import AllocationTable
from .selectors import AllocationChange, TableLine, allocation_balance


def _difference_attrs(record: AllocationTable) -> str:
    balanced = allocation_balance(record).is_balanced
    return "text-end " + ("text-success" if balanced else "text-danger fw-bold")


class AllocationTableTable(BaseTable):
    """年度固定资产投资任务分解表: each table with the allocation rule's verdict (its rows against
    the plan total); the admin edits it, anyone who may read it exports its workbook."""

    year = tables.Column(verbose_name="年度", accessor="plan_year__year", orderable=False)
    name = tables.Column(verbose_name="分解表", orderable=False)
    indicator = tables.Column(verbose_name="指标", accessor="indicator__name", orderable=False)
    ranking_group = tables.Column(verbose_name="对应排名组", accessor="ranking_group__name", orderable=False)
    row_count = tables.Column(verbose_name="单位数", attrs=RIGHT, orderable=False)
    row_sum = WanColumn("各行合计(万元)", orderable=False, empty_values=())  # no rows yet: 0
    plan_total = WanColumn("计划总量(万元)", orderable=False)
    difference = WanColumn(
        "差额(万元)",
        accessor="pk",
        orderable=False,
        attrs={"td": {"class": _difference_attrs}, "th": {"class": "text-end"}},
    )
    actions = tables.Column(
        verbose_name="",
        accessor="pk",
        orderable=False,
        attrs={"td": {"class": "text-end text-nowrap d-print-none"}, "th": {"class": "d-print-none"}},
        exclude_from_export=True,
    )

    def __init__(self, *args, can_edit: bool, **kwargs):
        self.can_edit = can_edit
        super().__init__(*args, **kwargs)

    def render_year(self, value: int) -> str:
        return f"{value}年度"

    def value_row_sum(self, record: AllocationTable):
        return allocation_balance(record).row_sum

    def render_row_sum(self, record: AllocationTable) -> str:
        return format_wan(allocation_balance(record).row_sum)

    def render_difference(self, record: AllocationTable) -> str:
        balance = allocation_balance(record)
        if balance.difference is None:
            return format_wan(None)
        verdict = "（平衡）" if balance.is_balanced else "（不平衡）"
        return f"{format_wan(balance.difference)}{verdict}"

    def value_difference(self, record: AllocationTable):
        return allocation_balance(record).difference

    def render_actions(self, record: AllocationTable) -> str:
        export = format_html(
            '<a href="{}">导出</a>', reverse("targets:table_export", kwargs={"table_id": record.pk})
        )
        if not self.can_edit:
            return export
        edit = reverse("targets:table_edit", kwargs={"table_id": record.pk})
        return format_html('<a href="{}">编辑</a> · {}', edit, export)

    class Meta(BaseTable.Meta):
        model = AllocationTable
        fields = ()
        sequence = (
            "year",
            "name",
            "indicator",
            "ranking_group",
            "row_count",
            "row_sum",
            "plan_total",
            "difference",
            "actions",
        )
        empty_text = "还没有分解表。"


class AllocationTargetsTable(BaseTable):
    """A 分解表 as its workbook lays it out, on the home page: 合计 first, then 序号, 责任单位 and
    投资目标 per unit in the table's order (``selectors.targets_in_order``)."""

    number = tables.Column(verbose_name="序号", orderable=False)
    unit = tables.Column(verbose_name="责任单位", orderable=False, default="")
    value = WanColumn("投资目标", orderable=False)

    def __init__(self, table: AllocationTable, **kwargs):
        self.balance = allocation_balance(table)  # the allocation rule's verdict, under the table
        total = {"number": "合计", "unit": "", "value": self.balance.row_sum, "total": True}
        lines = [
            {"number": number, "unit": target.unit.name, "value": target.value, "total": False}
            for number, target in enumerate(table.targets.all(), start=1)
        ]
        super().__init__([total, *lines], **kwargs)
        self.row_attrs = {"class": lambda record: "fw-bold" if record["total"] else ""}

    class Meta(BaseTable.Meta):
        attrs = {"class": "table table-sm table-striped mb-0 figures"}


def _exact(value) -> str:
    """万元 as a 分解表 being edited shows it: the cents only when there are any (``wan_exact``)."""
    return format_wan(value, 2, decimals_if_any=True)


def _balance_attrs(record: TableLine) -> str:
    return "text-end " + ("text-success" if record.balance.is_balanced else "text-danger fw-bold")


class TableBalanceTable(BaseTable):
    """本年度分解表 on the plan total's page (``selectors.plan_year_table_lines``): each table's rows
    summed against the plan total, exact to the cent, the difference green when it balances and red
    when it does not (the allocation rule)."""

    name = tables.Column(verbose_name="分解表", accessor="table__name", orderable=False)
    row_sum = WanColumn("各行合计(万元)", accessor="balance__row_sum", orderable=False)
    difference = WanColumn(
        "差额(万元)",
        accessor="balance__difference",
        orderable=False,
        attrs={"td": {"class": _balance_attrs}, "th": {"class": "text-end"}},
    )

    def render_row_sum(self, value) -> str:
        return _exact(value)

    def render_difference(self, value) -> str:
        return _exact(value)

    class Meta(BaseTable.Meta):
        attrs = {"class": "table table-sm figures"}
        empty_text = "本年度还没有分解表。"


class AllocationChangeTable(BaseTable):
    """One version of a 分解表's history (``selectors.allocation_table_history``): each unit whose
    target changed, old → new exact to the cent, a unit added or removed said so."""

    unit_name = tables.Column(verbose_name="单位", orderable=False)
    change = tables.Column(verbose_name="调整", accessor="new", empty_values=(), orderable=False, attrs=RIGHT)
    kind = tables.Column(
        verbose_name="",
        accessor="old",
        empty_values=(),
        orderable=False,
        attrs={"td": {"class": "small text-muted"}},
    )

    def render_change(self, record: AllocationChange) -> str:
        return f"{_exact(record.old)} → {_exact(record.new)}"

    def render_kind(self, record: AllocationChange) -> str:
        if record.old is None:
            return "新增"
        return "移出" if record.new is None else ""

    class Meta(BaseTable.Meta):
        attrs = {"class": "table table-sm mb-0 figures"}
        show_header = False
