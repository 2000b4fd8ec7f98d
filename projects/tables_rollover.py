"""年度结转 as django-tables2 tables: what closing the year would move, shown before it runs, and
what each roll-over did; never how rows are found."""

from __future__ import annotations

from collections.abc import Collection

import django_tables2 as tables
from django.urls import reverse
from django.utils.html import format_html

from common.lists import BaseTable, DayColumn, MinuteColumn

from .models import Project, YearRollover


def _unit() -> tables.Column:
    return tables.Column(verbose_name="属地单位", accessor="reporting_unit__display_name")


class RolloverCompletedTable(BaseTable):
    """调出项目库的竣工项目 (``selectors.rollover.rollover_completed``): the 竣工库 projects the
    roll-over takes out of the libraries, each linked to its page."""

    name = tables.Column(
        verbose_name="项目", linkify=lambda record: reverse("projects:detail", args=[record.pk])
    )
    reporting_unit = _unit()
    actual_completion = DayColumn("实际竣工日期", default="")

    class Meta(BaseTable.Meta):
        model = Project
        fields = ()
        sequence = ("name", "reporting_unit", "actual_completion")
        orderable = False
        attrs = {"class": "table table-sm mb-0"}
        empty_text = "无。"


class RolloverUnstartedTable(BaseTable):
    """当年未开工的开工库项目 (``selectors.rollover.rollover_unstarted``): a checkbox per project of the
    form's 退回储备库 field, ticked as the form holds it (``checked``, the form's values as text), the
    project's name its label; an unticked project stays in 开工库."""

    return_to_reserve = tables.Column(verbose_name="退回储备库", accessor="pk")
    name = tables.Column(verbose_name="项目")
    reporting_unit = _unit()
    planned_start = DayColumn("计划开工日期")

    def __init__(self, *args, checked: Collection[str] = (), **kwargs):
        self.checked = checked
        super().__init__(*args, **kwargs)

    def render_return_to_reserve(self, value: int) -> str:
        return format_html(
            '<input class="form-check-input" type="checkbox" name="return_to_reserve" value="{}"'
            ' id="return-{}"{}>',
            value,
            value,
            " checked" if str(value) in self.checked else "",
        )

    def render_name(self, record: Project) -> str:
        return format_html('<label for="return-{}">{}</label>', record.pk, record.name)

    class Meta(BaseTable.Meta):
        model = Project
        fields = ()
        sequence = ("return_to_reserve", "name", "reporting_unit", "planned_start")
        orderable = False
        attrs = {"class": "table table-sm mb-0"}
        empty_text = "无。"


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
