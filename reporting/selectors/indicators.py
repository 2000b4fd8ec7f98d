"""Each unit's completion of its own target per indicator, for 加权打分 and 单项奖 (seed 004)."""

from __future__ import annotations

import calendar
from collections import defaultdict
from datetime import date
from decimal import Decimal

from django.db.models import Count, Q, QuerySet, Sum

from common.periods import Period
from projects.models import LARGE_PROJECT_THRESHOLD, Project
from targets.choices import IndicatorCode, UnitKind
from targets.models import MonthlyIntakeTarget, Target, Unit

from ..choices import FigureSource
from ..rules import completion_rate_pct
from .unit_figures import unit_figures

PROJECT_INDICATORS = {
    IndicatorCode.INTAKE_COUNT,
    IndicatorCode.INTAKE_AMOUNT,
    IndicatorCode.LARGE_PROJECTS,
    IndicatorCode.NEW_STARTS,
    IndicatorCode.COMPLETIONS,
}


def indicator_targets(*, units: list[Unit], year: int, codes: list[str]) -> dict[int, dict[str, Decimal]]:
    """unit id → indicator code → annual target, from the year's allocation tables.

    A unit with monthly 入库 targets (seed 000: 单月新增不少于10个，总投资不低于5亿元) and no allocated
    入库 target carries twelve months of them.
    """
    targets: dict[int, dict[str, Decimal]] = defaultdict(dict)
    rows = Target.objects.filter(
        unit__in=units, table__plan_year__year=year, table__indicator__code__in=codes
    )
    for unit_id, code, value in rows.order_by("table__sort_order").values_list(
        "unit_id", "table__indicator__code", "value"
    ):
        targets[unit_id].setdefault(code, value)
    for monthly in MonthlyIntakeTarget.objects.filter(unit__in=units, plan_year__year=year):
        if IndicatorCode.INTAKE_COUNT in codes:
            targets[monthly.unit_id].setdefault(
                IndicatorCode.INTAKE_COUNT, Decimal(monthly.min_projects * 12)
            )
        if IndicatorCode.INTAKE_AMOUNT in codes:
            targets[monthly.unit_id].setdefault(IndicatorCode.INTAKE_AMOUNT, monthly.min_investment * 12)
    return targets


def indicator_actuals(
    *, units: list[Unit], period: Period, codes: list[str], source: FigureSource
) -> dict[int, dict[str, Decimal]]:
    """unit id → indicator code → what the unit achieved from January to the end of the period."""
    actuals: dict[int, dict[str, Decimal]] = defaultdict(dict)
    if IndicatorCode.FAI in codes:
        for unit_id, figure in unit_figures(units=units, period=period, source=source).items():
            actuals[unit_id][IndicatorCode.FAI] = figure.ytd_completed
    if PROJECT_INDICATORS & set(codes):
        period_end = date(period.year, period.month, calendar.monthrange(period.year, period.month)[1])
        window = {"gte": date(period.year, 1, 1), "lte": period_end}
        for field, unit_ids in _project_unit_fields(units).items():
            for row in _project_counts(field, unit_ids, window):
                unit_actuals = actuals[row[field]]
                unit_actuals[IndicatorCode.INTAKE_COUNT] = Decimal(row["intake_count"])
                unit_actuals[IndicatorCode.INTAKE_AMOUNT] = row["intake_amount"] or Decimal(0)
                unit_actuals[IndicatorCode.LARGE_PROJECTS] = Decimal(row["large_projects"])
                unit_actuals[IndicatorCode.NEW_STARTS] = Decimal(row["new_starts"])
                unit_actuals[IndicatorCode.COMPLETIONS] = Decimal(row["completions"])
    return actuals


def indicator_completion_rates(
    *, units: list[Unit], period: Period, codes: list[str], source: FigureSource
) -> dict[int, dict[str, Decimal | None]]:
    """unit id → code → completion % of the unit's own target, for the indicators it carries."""
    targets = indicator_targets(units=units, year=period.year, codes=codes)
    actuals = indicator_actuals(units=units, period=period, codes=codes, source=source)
    rates: dict[int, dict[str, Decimal | None]] = {}
    for unit in units:
        carried = targets.get(unit.pk, {})
        rates[unit.pk] = {
            code: completion_rate_pct(actuals.get(unit.pk, {}).get(code, Decimal(0)), target)
            for code, target in carried.items()
        }
    return rates


def _project_unit_fields(units: list[Unit]) -> dict[str, list[int]]:
    """Bureaus answer for the projects they are responsible for; others for the projects they report."""
    fields: dict[str, list[int]] = {"responsible_unit": [], "reporting_unit": []}
    for unit in units:
        fields["responsible_unit" if unit.kind == UnitKind.BUREAU else "reporting_unit"].append(unit.pk)
    return {field: ids for field, ids in fields.items() if ids}


def _project_counts(field: str, unit_ids: list[int], window: dict[str, date]) -> QuerySet:
    registered = Q(is_registered=True, registered_on__gte=window["gte"], registered_on__lte=window["lte"])
    return (
        Project.objects.filter(**{f"{field}__in": unit_ids})
        .values(field)
        .annotate(
            intake_count=Count("id", filter=registered),
            intake_amount=Sum("total_investment", filter=registered),
            large_projects=Count("id", filter=registered & Q(total_investment__gte=LARGE_PROJECT_THRESHOLD)),
            new_starts=Count(
                "id", filter=Q(actual_start__gte=window["gte"], actual_start__lte=window["lte"])
            ),
            completions=Count(
                "id", filter=Q(actual_completion__gte=window["gte"], actual_completion__lte=window["lte"])
            ),
        )
    )
