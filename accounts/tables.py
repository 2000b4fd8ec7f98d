"""The accounts' list as a django-tables2 table: what each row shows, never how rows are found."""

from __future__ import annotations

import django_tables2 as tables
from django.urls import reverse
from django.utils.html import format_html

from common.lists import BaseTable

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
