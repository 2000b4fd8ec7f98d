"""A unit's cumulative figure for a period: the statistics bureau's, or the sum of its projects'.

DESIGN.md: rankings use the official figures; where a deployment has none (PlanYear
``uses_official_figures`` off), the sum of the unit's project reports stands in. A project counts
for its 属地 unit (the one that reports it) and, for bureaus, for its 责任局办.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Q, Sum

from common.periods import Period
from projects.models import ProjectReport
from targets.choices import UnitKind
from targets.models import PlanYear, Target, Unit

from ..choices import FigureSource
from ..models import OfficialFigure


@dataclass(frozen=True)
class UnitFigure:
    ytd_completed: Decimal
    baseline: Decimal | None


def figure_source_for(year: int) -> FigureSource:
    plan_year = PlanYear.objects.filter(year=year).only("uses_official_figures").first()
    if plan_year is None or plan_year.uses_official_figures:
        return FigureSource.OFFICIAL
    return FigureSource.PROJECT_SUM


def unit_figures(*, units: list[Unit], period: Period, source: FigureSource) -> dict[int, UnitFigure]:
    """YTD and 上年同期 per unit id; a unit with no figure for the period is absent (未报送)."""
    if source == FigureSource.OFFICIAL:
        return {
            figure.unit_id: UnitFigure(figure.ytd_completed, figure.baseline)
            for figure in OfficialFigure.objects.filter(unit__in=units, year=period.year, month=period.month)
        }
    return _project_sums(units=units, period=period)


def _project_sums(*, units: list[Unit], period: Period) -> dict[int, UnitFigure]:
    bureaus = {unit.pk for unit in units if unit.kind == UnitKind.BUREAU}
    others = {unit.pk for unit in units} - bureaus
    sums: dict[tuple[int, int], Decimal] = defaultdict(Decimal)
    for field, unit_ids in (("project__responsible_unit", bureaus), ("project__reporting_unit", others)):
        if not unit_ids:
            continue
        rows = (
            ProjectReport.objects.filter(
                Q(year=period.year) | Q(year=period.year - 1),
                month__lte=period.month,
                **{f"{field}__in": unit_ids},
            )
            .values(field, "year")
            .annotate(total=Sum("amount"))
        )
        for row in rows:
            sums[(row[field], row["year"])] += row["total"]
    figures = {}
    for unit_id in bureaus | others:
        if (unit_id, period.year) in sums:
            figures[unit_id] = UnitFigure(sums[(unit_id, period.year)], sums.get((unit_id, period.year - 1)))
    return figures


def unit_targets(*, units: list[Unit], year: int, table_id: int | None, group_id: int) -> dict[int, Decimal]:
    """The annual FAI targets of a ranking: the scheme's table, else the year's table for the group."""
    targets = Target.objects.filter(unit__in=units, table__plan_year__year=year, table__indicator__code="fai")
    targets = (
        targets.filter(table_id=table_id) if table_id else targets.filter(table__ranking_group_id=group_id)
    )
    return dict(targets.values_list("unit_id", "value"))
