"""The 安全管理员's token list as a django-tables2 table: what each row shows, never how rows are found."""

from __future__ import annotations

import django_tables2 as tables
from django.utils import timezone
from django.utils.html import format_html

from common.lists import RIGHT, BaseTable, local_minute

from .models import ApiToken

WHEN = "Y-m-d H:i"


class ApiTokenTable(BaseTable):
    """接口令牌: who holds one, until when, when it was last used; the 吊销 button of a live one."""

    prefix = tables.Column(verbose_name="令牌前缀", orderable=False)
    user = tables.Column(verbose_name="用户", accessor="user__username", orderable=False)
    unit = tables.Column(verbose_name="所属单位", accessor="user__unit__name", orderable=False)
    name = tables.Column(verbose_name="用途", orderable=False)
    created_at = tables.DateTimeColumn(verbose_name="创建时间", format=WHEN, orderable=False)
    expires_at = tables.DateTimeColumn(
        verbose_name="到期时间", format=WHEN, default="不过期", orderable=False
    )
    last_used_at = tables.DateTimeColumn(verbose_name="最近使用", format=WHEN, orderable=False)
    calls = tables.Column(verbose_name="调用次数", attrs=RIGHT, default=0, orderable=False)
    state = tables.Column(verbose_name="状态", accessor="pk", orderable=False)
    actions = tables.TemplateColumn(
        verbose_name="",
        accessor="pk",
        template_name="api/_token_revoke_cell.html",
        orderable=False,
        exclude_from_export=True,
    )

    def render_prefix(self, value: str) -> str:
        return format_html("<code>{}…</code>", value)

    def render_state(self, record: ApiToken) -> str:
        if record.revoked_at:
            revoked = local_minute(record.revoked_at)
            by = record.revoked_by.username if record.revoked_by else ""
            return f"已吊销（{revoked}，{by}）"
        if record.expires_at and record.expires_at < timezone.now():
            return "已过期"
        return "有效"

    class Meta(BaseTable.Meta):
        model = ApiToken
        fields = ()
        sequence = (
            "prefix",
            "user",
            "unit",
            "name",
            "created_at",
            "expires_at",
            "last_used_at",
            "calls",
            "state",
            "actions",
        )
        attrs = {"class": "table table-sm"}
        empty_text = "尚未生成任何接口令牌。"
