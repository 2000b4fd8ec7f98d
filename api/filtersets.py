"""The FilterSet of the 安全管理员's token list."""

from __future__ import annotations

import django_filters
from django.db.models import Q
from django.utils import timezone

from common.lists import StyledFilterSet

from .models import ApiToken

STATES = [("valid", "有效"), ("expired", "已过期"), ("revoked", "已吊销")]


class ApiTokenFilterSet(StyledFilterSet):
    q = django_filters.CharFilter(label="用户名", field_name="user__username", lookup_expr="icontains")
    state = django_filters.ChoiceFilter(
        label="状态", choices=STATES, empty_label="全部", method="filter_state"
    )

    class Meta:
        model = ApiToken
        fields: list[str] = []

    def filter_state(self, queryset, name, value):
        now = timezone.now()
        if value == "revoked":
            return queryset.filter(revoked_at__isnull=False)
        expired = Q(expires_at__isnull=False, expires_at__lte=now)
        if value == "expired":
            return queryset.filter(expired, revoked_at__isnull=True)
        return queryset.filter(revoked_at__isnull=True).exclude(expired)
