"""The FilterSet of the accounts' list (角色分配)."""

from __future__ import annotations

import django_filters
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
