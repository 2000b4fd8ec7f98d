"""The audit log as a django-tables2 table: what each event shows, never how events are found."""

from __future__ import annotations

import django_tables2 as tables
from django.utils.html import format_html

from common.lists import BaseTable

from .models import AuditEvent, AuditResult


class AuditEventTable(BaseTable):
    """安全审计日志: newest first."""

    time = tables.DateTimeColumn(
        verbose_name="时间", format="Y-m-d H:i:s", orderable=False, attrs={"td": {"class": "text-nowrap"}}
    )
    username = tables.Column(verbose_name="用户名", orderable=False)
    source_ip = tables.Column(verbose_name="来源地址", orderable=False)
    action = tables.Column(verbose_name="操作", orderable=False)
    object_repr = tables.Column(verbose_name="对象", orderable=False)
    result = tables.Column(verbose_name="结果", orderable=False)
    detail = tables.Column(
        verbose_name="详情",
        orderable=False,
        default="",
        empty_values=(None, "", {}),
        attrs={"td": {"class": "small text-muted"}},
    )

    def render_result(self, record: AuditEvent) -> str:
        style = "text-bg-success" if record.result == AuditResult.SUCCESS else "text-bg-danger"
        return format_html('<span class="badge {}">{}</span>', style, record.get_result_display())

    class Meta(BaseTable.Meta):
        model = AuditEvent
        fields = ()
        sequence = ("time", "username", "source_ip", "action", "object_repr", "result", "detail")
        attrs = {"class": "table table-sm table-striped"}
