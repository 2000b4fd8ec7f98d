"""储备比例 (rule 6) as a django-tables2 table: a line per unit, the short figures in red."""

from __future__ import annotations

import django_tables2 as tables
from django.urls import reverse
from django.utils.safestring import mark_safe

from common.lists import RIGHT, BaseTable, WanColumn


def _short(flag: str) -> dict:
    """Right-aligned figures, in red where the unit's reserve falls short (``ReserveRatio.<flag>``)."""

    def cell(record) -> str:
        return "text-end text-nowrap text-danger" if getattr(record.ratio, flag) else "text-end text-nowrap"

    return {"td": {"class": cell}, "th": {"class": "text-end"}}


class ReserveRatioTable(BaseTable):
    """储备比例 (rule 6): each unit's reserve against 3 × its registered projects under construction
    (``selectors.reserve.unit_reserve_ratios``), a count or an investment short of it in red."""

    unit = tables.Column(
        verbose_name="单位",
        accessor="unit__name",
        linkify=lambda record: reverse("projects:unit_board", args=[record.unit.pk]),
        orderable=False,
    )
    reserve_count = tables.Column(
        verbose_name="储备项目(个)",
        accessor="ratio__reserve_count",
        attrs=_short("count_short"),
        orderable=False,
    )
    construction_count = tables.Column(
        verbose_name="在建纳统项目(个)", accessor="ratio__construction_count", attrs=RIGHT, orderable=False
    )
    count_multiple = WanColumn("个数倍数", accessor="ratio__count_multiple", places=2, orderable=False)
    reserve_investment = WanColumn(
        "储备总投资", accessor="ratio__reserve_investment", attrs=_short("investment_short"), orderable=False
    )
    construction_investment = WanColumn(
        "在建纳统总投资", accessor="ratio__construction_investment", orderable=False
    )
    investment_multiple = WanColumn(
        "投资倍数", accessor="ratio__investment_multiple", places=2, orderable=False
    )
    verdict = tables.Column(verbose_name="情况", accessor="ratio__is_short", orderable=False)

    def render_verdict(self, value: bool) -> str:
        if value:
            return mark_safe('<span class="badge bg-warning text-dark">储备不足</span>')
        return mark_safe('<span class="badge bg-success">达到3倍</span>')

    class Meta(BaseTable.Meta):
        attrs = {"class": "table table-sm table-striped mb-0 figures"}
        empty_text = "暂无项目。"
