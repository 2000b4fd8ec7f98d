"""The FilterSet of the audit log: it serves the log's page and its CSV export."""

from __future__ import annotations

import django_filters
from django.db.models import Q

from common.lists import StyledFilterSet
from common.widgets import DateInput

from .models import AuditAction, AuditEvent, AuditResult


class AuditEventFilterSet(StyledFilterSet):
    text = django_filters.CharFilter(label="用户名／对象／地址", method="filter_text")
    action = django_filters.ChoiceFilter(label="操作", choices=AuditAction.choices, empty_label="全部")
    result = django_filters.ChoiceFilter(label="结果", choices=AuditResult.choices, empty_label="全部")
    since = django_filters.DateFilter(
        label="起始日期", field_name="time", lookup_expr="date__gte", widget=DateInput()
    )
    until = django_filters.DateFilter(
        label="截止日期", field_name="time", lookup_expr="date__lte", widget=DateInput()
    )

    class Meta:
        model = AuditEvent
        fields: list[str] = []

    def filter_text(self, queryset, name, value):
        return queryset.filter(
            Q(username__icontains=value) | Q(object_repr__icontains=value) | Q(source_ip__icontains=value)
        )
