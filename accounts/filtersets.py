"""The FilterSet of the accounts' list (角色分配)."""

from __future__ import annotations

import django_filters
from axes.models import AccessAttempt
from django.db.models import Q

from common.lists import StyledFilterSet

from .models import User


class AccountFilterSet(StyledFilterSet):
    q = django_filters.CharFilter(label="用户名或姓名", method="filter_text")

    class Meta:
        model = User
        fields: list[str] = []

    def filter_text(self, queryset, name, value):
        text = value.strip()
        return queryset.filter(Q(username__icontains=text) | Q(last_name__icontains=text))


class LockedAccountFilterSet(StyledFilterSet):
    """已锁定的账号: the locks by username and by source address (both typed, in part)."""

    username = django_filters.CharFilter(label="用户名", lookup_expr="icontains")
    ip_address = django_filters.CharFilter(label="来源地址", lookup_expr="icontains")

    class Meta:
        model = AccessAttempt
        fields: list[str] = []
