"""退库审批's tables: the pending requests an admin decides, and the decisions taken last."""

from __future__ import annotations

import django_tables2 as tables
from django.urls import reverse
from django.utils.html import format_html

from common.lists import SCREEN_ONLY, BaseTable, MinuteColumn, local_minute

from .models import ExitRequest


class ExitRequestTable(BaseTable):
    """退库审批: the pending requests, each with the admin's 批准 and 不予批准 (the cell's template)."""

    project = tables.Column(
        verbose_name="项目",
        accessor="project__name",
        linkify=lambda record: reverse("projects:detail", args=[record.project_id]),
        orderable=False,
    )
    reporting_unit = tables.Column(
        verbose_name="属地单位", accessor="project__reporting_unit__display_name", orderable=False
    )
    stage = tables.Column(verbose_name="所在库", accessor="project__stage", orderable=False)
    reason = tables.Column(verbose_name="退库原因", orderable=False)
    note = tables.Column(verbose_name="情况说明", orderable=False)
    requested_by = tables.Column(verbose_name="申请人", accessor="pk", orderable=False)
    requested_at = MinuteColumn("申请时间", visible=False)  # in the file only
    actions = tables.TemplateColumn(
        verbose_name="审批",
        accessor="pk",
        template_name="projects/_exit_actions_cell.html",
        orderable=False,
        attrs=SCREEN_ONLY,
        exclude_from_export=True,
    )

    def render_requested_by(self, record: ExitRequest) -> str:
        return format_html(
            '{}<div class="small text-muted">{}</div>',
            record.requested_by or "—",
            local_minute(record.requested_at),
        )

    def value_requested_by(self, record: ExitRequest) -> str:
        return str(record.requested_by) if record.requested_by else ""

    class Meta(BaseTable.Meta):
        model = ExitRequest
        fields = ()
        sequence = (
            "project",
            "reporting_unit",
            "stage",
            "reason",
            "note",
            "requested_by",
            "requested_at",
            "actions",
        )
        empty_text = "没有待审批的退库申请。"


class ExitDecisionTable(BaseTable):
    """最近审批: the last decisions taken, as they stand (``recent_exit_decisions``)."""

    project = tables.Column(
        verbose_name="项目",
        accessor="project__name",
        linkify=lambda record: reverse("projects:detail", args=[record.project_id]),
    )
    reporting_unit = tables.Column(verbose_name="属地单位", accessor="project__reporting_unit__display_name")
    reason = tables.Column(verbose_name="退库原因")
    status = tables.Column(verbose_name="结果")
    decided_by = tables.Column(verbose_name="审批人")
    decided_at = MinuteColumn("审批时间")
    decision_note = tables.Column(verbose_name="审批意见", default="")

    class Meta(BaseTable.Meta):
        model = ExitRequest
        fields = ()
        sequence = (
            "project",
            "reporting_unit",
            "reason",
            "status",
            "decided_by",
            "decided_at",
            "decision_note",
        )
        orderable = False
        attrs = {"class": "table table-sm"}
        empty_text = "暂无。"
