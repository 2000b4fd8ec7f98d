"""年度结转's record as a django-tables2 table: what each roll-over did, never how rows are found."""

from __future__ import annotations

import django_tables2 as tables

from common.lists import BaseTable, MinuteColumn

from .models import YearRollover


class YearRolloverTable(BaseTable):
    """结转记录: each closed year, when and by whom, and how many projects each step moved."""

    year = tables.Column(verbose_name="结转年度")
    performed_at = MinuteColumn("执行时间")
    performed_by = tables.Column(verbose_name="执行人")
    exited_count = tables.Column(verbose_name="调出竣工项目")
    returned_count = tables.Column(verbose_name="退回储备库")
    kept_count = tables.Column(verbose_name="留在开工库")
    plans_created = tables.Column(verbose_name="待填报计划")

    def render_year(self, value: int) -> str:
        return f"{value}年"

    class Meta(BaseTable.Meta):
        model = YearRollover
        fields = ()
        sequence = (
            "year",
            "performed_at",
            "performed_by",
            "exited_count",
            "returned_count",
            "kept_count",
            "plans_created",
        )
        orderable = False
        attrs = {"class": "table table-sm"}
        empty_text = "尚未结转过。"
