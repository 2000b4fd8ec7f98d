"""单位、排名组、年度计划: read-only."""

from __future__ import annotations

from django.db.models import Prefetch, QuerySet
from rest_framework.response import Response

from accounts.permissions import (
    ALL_UNITS_READERS,
    readable_units,
    unit_for_read,
)
from targets.models import PlanYear, RankingGroup, Target, Unit

from .. import serializers as s
from ..core import ApiView
from .base import ListView, get_or_404

# --- 单位、排名组、年度计划 ----------------------------------------------------------------------


class UnitList(ListView):
    """责任单位: the units the user may read (every unit, or a unit user's own)."""

    serializer_class = s.UnitSerializer

    def get_queryset(self) -> QuerySet[Unit]:
        return readable_units(self.request.user)


class UnitDetail(ApiView):
    serializer_class = s.UnitSerializer

    def get(self, request, unit_id: int):
        return Response(self.get_serializer(unit_for_read(request.user, unit_id)).data)


class RankingGroupList(ListView):
    serializer_class = s.RankingGroupSerializer
    queryset = RankingGroup.objects.prefetch_related("units")


class PlanYearList(ListView):
    """年度计划: read by the lead office's readers, as the 分解表 pages are."""

    roles = ALL_UNITS_READERS
    serializer_class = s.PlanYearSerializer
    queryset = PlanYear.objects.all()


class PlanYearDetail(ApiView):
    """One year's plan with its allocation tables (分解表) and every unit's target."""

    roles = ALL_UNITS_READERS
    serializer_class = s.PlanYearDetailSerializer

    def get(self, request, year: int):
        targets = Target.objects.select_related("unit").order_by("sort_order", "unit__sort_order")
        plan = get_or_404(
            PlanYear.objects.prefetch_related(
                "tables__indicator", Prefetch("tables__targets", queryset=targets)
            ),
            f"没有{year}年度计划。",
            year=year,
        )
        return Response(self.get_serializer(plan).data)
