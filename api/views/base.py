"""What the /api/v1/ endpoints share: the period parameters, the list view, the 404s."""

from __future__ import annotations

from django.http import Http404
from drf_spectacular.utils import OpenApiParameter
from rest_framework.mixins import ListModelMixin

from common.periods import Period

from ..core import ApiView

PERIOD_PARAMS = [
    OpenApiParameter("year", int, OpenApiParameter.PATH, description="年度"),
    OpenApiParameter("month", int, OpenApiParameter.PATH, description="月份（统计期截至月份）"),
]


def month_or_404(year: int, month: int) -> tuple[int, int]:
    if not 1 <= month <= 12 or not 2000 <= year <= 2100:
        raise Http404("没有这个月份。")
    return year, month


def period_or_404(year: int, month: int) -> Period:
    try:
        return Period(year, month)
    except ValueError as error:
        raise Http404(str(error)) from error


class ListView(ListModelMixin, ApiView):
    """A cursor-paginated list of ``get_queryset()``, filtered by its FilterSet when it has one."""

    def get(self, request, *args, **kwargs):
        return self.list(request, *args, **kwargs)


def get_or_404(queryset, message: str, **lookup):
    found = queryset.filter(**lookup).first()
    if found is None:
        raise Http404(message)
    return found


def valid_data(serializer_class, data, **kwargs) -> dict:
    serializer = serializer_class(data=data, **kwargs)
    serializer.is_valid(raise_exception=True)
    return serializer.validated_data
