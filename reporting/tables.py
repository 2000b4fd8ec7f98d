"""The reporting lists as django-tables2 tables: what each row shows, never how rows are found."""

from __future__ import annotations

import django_tables2 as tables
from django.urls import reverse

from common.lists import BaseTable, DayColumn

from .models import Escalation


class EscalationTable(BaseTable):
    """约谈及整改: newest period first, then the higher level."""

    period = tables.Column(verbose_name="统计期", accessor="pk", orderable=False)
    unit = tables.Column(
        verbose_name="单位",
        accessor="unit__name",
        linkify=lambda record: reverse("reporting:escalation_detail", args=[record.pk]),
        orderable=False,
    )
    scheme = tables.Column(verbose_name="排名方案", accessor="scheme__name", orderable=False)
    level = tables.Column(verbose_name="级别", orderable=False)
    action = tables.Column(verbose_name="处理方式", orderable=False)
    consecutive_bottom = tables.Column(verbose_name="连续末位", orderable=False)
    status = tables.Column(verbose_name="状态", orderable=False)
    meeting_date = DayColumn("约谈日期", orderable=False)

    def render_period(self, record: Escalation) -> str:
        return record.period.label

    def render_level(self, value: int) -> str:
        return f"{value}级"

    def render_consecutive_bottom(self, value: int) -> str:
        return f"{value}期"

    def render_meeting_date(self, value) -> str:
        return f"{value.year}年{value.month}月{value.day}日" if value else "—"

    class Meta(BaseTable.Meta):
        model = Escalation
        fields = ()
        sequence = (
            "period",
            "unit",
            "scheme",
            "level",
            "action",
            "consecutive_bottom",
            "status",
            "meeting_date",
        )
        empty_text = "暂无约谈记录。"
