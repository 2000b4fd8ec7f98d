"""储备比例 (rule 6): the reserve against the registered projects under construction, per unit and
for the jurisdiction."""

from __future__ import annotations

from typing import NamedTuple

from django.db.models import Count, Q, QuerySet, Sum

from targets.models import Unit

from ..choices import Stage
from ..models import Project
from ..rules import ReserveRatio, reserve_ratio

# Seed 001 compares the reserve with the in-construction projects 「纳入统计库」, i.e. registered.
_RESERVE = {"stage": Stage.RESERVE}
_REGISTERED_CONSTRUCTION = {"stage": Stage.UNDER_CONSTRUCTION, "is_registered": True}


def _where(condition: dict, prefix: str = "") -> Q:
    return Q(**{f"{prefix}{key}": value for key, value in condition.items()})


class UnitReserve(NamedTuple):
    unit: Unit
    ratio: ReserveRatio


def unit_reserve_ratios(*, units: QuerySet[Unit]) -> list[UnitReserve]:
    """Rule 6 per unit (by 属地)."""
    reserve = _where(_RESERVE, "reported_projects__")
    construction = _where(_REGISTERED_CONSTRUCTION, "reported_projects__")
    rows = units.annotate(
        reserve_count=Count("reported_projects", filter=reserve),
        reserve_investment=Sum("reported_projects__total_investment", filter=reserve),
        construction_count=Count("reported_projects", filter=construction),
        construction_investment=Sum("reported_projects__total_investment", filter=construction),
    ).order_by("sort_order", "name")
    return [
        UnitReserve(
            unit,
            reserve_ratio(
                reserve_count=unit.reserve_count,
                reserve_investment=unit.reserve_investment,
                construction_count=unit.construction_count,
                construction_investment=unit.construction_investment,
            ),
        )
        for unit in rows
    ]


def jurisdiction_reserve_ratio() -> ReserveRatio:
    """Rule 6 for the whole jurisdiction."""
    totals = Project.objects.aggregate(
        reserve_count=Count("pk", filter=_where(_RESERVE)),
        reserve_investment=Sum("total_investment", filter=_where(_RESERVE)),
        construction_count=Count("pk", filter=_where(_REGISTERED_CONSTRUCTION)),
        construction_investment=Sum("total_investment", filter=_where(_REGISTERED_CONSTRUCTION)),
    )
    return reserve_ratio(**totals)
