"""单位项目看板's panels as django-tables2 tables: the unit's most overdue construction milestones and
its projects that carry a warning; never how rows are found."""

from __future__ import annotations

import django_tables2 as tables
from django.urls import reverse

from common.lists import BaseTable, DayColumn, WanColumn

from .models import Milestone, Project
from .tables import WarningsColumn


class UnitOverdueMilestoneTable(BaseTable):
    """逾期建设节点 (``selectors.warnings.overdue_milestones``), the earliest first: every line is a
    warning, so every line is red."""

    project = tables.Column(
        verbose_name="项目",
        accessor="project__name",
        linkify=lambda record: reverse("projects:detail", args=[record.project_id]),
    )
    kind = tables.Column(verbose_name="节点")
    planned_on = DayColumn("计划日期")

    class Meta(BaseTable.Meta):
        model = Milestone
        fields = ()
        sequence = ("project", "kind", "planned_on")
        orderable = False
        row_attrs = {"class": "table-danger"}
        attrs = {"class": "table table-sm mb-0"}
        empty_text = "没有逾期的建设节点。"


class FlaggedProjectTable(BaseTable):
    """有预警的项目: the unit's projects in the libraries (``selectors.boards.board_projects``) that
    carry a warning badge, the largest first, with the badges the boards show (``WarningsColumn``)."""

    name = tables.Column(
        verbose_name="项目", linkify=lambda record: reverse("projects:detail", args=[record.pk])
    )
    stage = tables.Column(verbose_name="所在库")
    total_investment = WanColumn("总投资(万元)")
    steward = tables.Column(verbose_name="项目管家")
    leader_in_charge = tables.Column(verbose_name="分包领导")
    warnings = WarningsColumn()

    class Meta(BaseTable.Meta):
        model = Project
        fields = ()
        sequence = ("name", "stage", "total_investment", "steward", "leader_in_charge", "warnings")
        orderable = False
        attrs = {"class": "table table-sm mb-0 figures"}
        empty_text = "没有需要预警的项目。"
