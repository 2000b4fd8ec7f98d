"""The jurisdiction's own figures, month by month.

Every FAI allocation table splits the whole jurisdiction total over its units (seed 000: by bureau
and by sub-district, both 5,370,000 万元), so the jurisdiction's figure is the sum over the units of
one such table: the territorial split where there is one (the 通报 uses the same rule), else the
first table that has a ranking group.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Prefetch, Sum

from common.periods import Period
from targets.choices import TERRITORIAL_KINDS
from targets.models import AllocationTable, PlanYear, Target

from ..choices import FigureSource
from ..models import OfficialFigure
from ..rules import completion_rate_pct, growth_pct
from .unit_figures import figure_source_for, unit_figures


@dataclass(frozen=True)
class JurisdictionPoint:
    period: Period
    ytd_completed: Decimal
    baseline: Decimal | None
    target: Decimal

    @property
    def completion_rate(self) -> Decimal | None:
        return completion_rate_pct(self.ytd_completed, self.target)

    @property
    def growth(self) -> Decimal | None:
        return growth_pct(self.ytd_completed, self.baseline)

    @property
    def time_progress(self) -> Decimal:
        return self.period.time_progress_pct

    @property
    def gap_to_time_progress(self) -> Decimal | None:
        rate = self.completion_rate
        return None if rate is None else rate - self.time_progress


def covering_table(year: int) -> AllocationTable | None:
    tables = list(
        AllocationTable.objects.filter(
            plan_year__year=year, indicator__code="fai", ranking_group__isnull=False
        )
        .select_related("plan_year")
        .prefetch_related(Prefetch("targets", queryset=Target.objects.select_related("unit")))
        .order_by("sort_order", "pk")
    )
    territorial = (
        table
        for table in tables
        if table.targets.all()
        and all(target.unit.kind in TERRITORIAL_KINDS for target in table.targets.all())
    )
    return next(territorial, tables[0] if tables else None)


def jurisdiction_series(*, year: int, through: int = 12) -> list[JurisdictionPoint]:
    """The jurisdiction's YTD and baseline for every period of the year up to ``through``."""
    plan_year = PlanYear.objects.filter(year=year).first()
    table = covering_table(year)
    if plan_year is None or table is None:
        return []
    unit_ids = list(table.targets.values_list("unit_id", flat=True))
    if figure_source_for(year) == FigureSource.OFFICIAL:
        rows = (
            OfficialFigure.objects.filter(unit_id__in=unit_ids, year=year, month__lte=through)
            .values("month")
            .annotate(ytd=Sum("ytd_completed"), baseline=Sum("baseline"))
            .order_by("month")
        )
        return [
            JurisdictionPoint(Period(year, row["month"]), row["ytd"], row["baseline"], plan_year.fai_target)
            for row in rows
        ]
    units = [target.unit for target in table.targets.select_related("unit")]
    points = []
    for month in range(2, through + 1):
        period = Period(year, month)
        figures = unit_figures(units=units, period=period, source=FigureSource.PROJECT_SUM).values()
        if figures:
            ytd = sum((figure.ytd_completed for figure in figures), Decimal(0))
            baselines = [figure.baseline for figure in figures if figure.baseline is not None]
            points.append(
                JurisdictionPoint(period, ytd, sum(baselines, Decimal(0)) or None, plan_year.fai_target)
            )
    return points
