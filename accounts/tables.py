"""The accounts' list as a django-tables2 table: what each row shows, never how rows are found."""

from __future__ import annotations

import django_tables2 as tables
from django.urls import reverse
from django.utils.html import format_html

from common.lists import BaseTable, local_minute

from .lockout import lock_end
from .models import User


class AccountTable(BaseTable):
    """角色分配: each account and its roles; the 安全管理员 assigns any account's but its own."""

    username = tables.Column(verbose_name="用户名", orderable=False)
    name = tables.Column(verbose_name="姓名", accessor="pk", orderable=False)
    unit = tables.Column(verbose_name="所属单位", accessor="unit__name", orderable=False)
    roles = tables.Column(verbose_name="角色", accessor="pk", orderable=False)
    actions = tables.Column(verbose_name="", accessor="pk", orderable=False, exclude_from_export=True)

    def __init__(self, *args, user: User, **kwargs):
        self.user = user
        super().__init__(*args, **kwargs)

    def render_name(self, record: User) -> str:
        return str(record)

    def render_roles(self, record: User) -> str:
        return "、".join(group.name for group in record.groups.all()) or "—"

    def render_actions(self, record: User) -> str:
        if record.pk == self.user.pk:
            return ""
        return format_html('<a href="{}">分配角色</a>', reverse("accounts:roles_edit", args=[record.pk]))

    class Meta(BaseTable.Meta):
        model = User
        fields = ()
        sequence = ("username", "name", "unit", "roles", "actions")


class LockedAccountTable(BaseTable):
    """已锁定的账号: each username locked from a source address, until when, and 解锁 (the cell's
    template). Its rows are values (``locked_attempts``), not accounts."""

    username = tables.Column(verbose_name="用户名", orderable=False)
    ip_address = tables.Column(verbose_name="来源地址", orderable=False)
    until = tables.Column(verbose_name="锁定至", accessor="last", orderable=False)
    actions = tables.TemplateColumn(
        verbose_name="",
        accessor="username",
        template_name="accounts/_unlock_cell.html",
        orderable=False,
        exclude_from_export=True,
    )

    def render_until(self, value) -> str:
        return local_minute(lock_end(value))

    def value_until(self, value) -> str:
        return self.render_until(value)

    class Meta(BaseTable.Meta):
        fields = ()
        sequence = ("username", "ip_address", "until", "actions")
        attrs = {"class": "table table-sm w-auto align-middle"}
        empty_text = "当前没有被锁定的账号。"


class SecuritySettingTable(BaseTable):
    """当前安全设置: each setting the deployment's environment decides (``views.SHOWN_SETTINGS``), its
    name and its value as code."""

    label = tables.Column(verbose_name="设置", orderable=False, attrs={"td": {"class": "fw-bold"}})
    value = tables.Column(verbose_name="值", orderable=False)

    def render_value(self, value) -> str:
        return format_html("<code>{}</code>", value)

    class Meta(BaseTable.Meta):
        attrs = {"class": "table table-sm w-auto"}
        show_header = False
