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
from targets.models import AllocationTable, PlanYear, Target, Unit

from ..choices import FigureSource
from ..models import OfficialFigure


@dataclass(frozen=True)
class UnitFigure:
    ytd_completed: Decimal
    baseline: Decimal | None


def figure_source_for(year: int) -> FigureSource:
    return figure_source_of(PlanYear.objects.filter(year=year).only("uses_official_figures").first())


def figure_source_of(plan_year: PlanYear | None) -> FigureSource:
    """Where a year's unit figures come from: the statistics bureau's, unless its plan says project sums."""
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


def year_target_table(*, scheme, year: int) -> AllocationTable | None:
    """DESIGN.md rule 10, the year's own targets: the allocation table a scheme measures completion
    rates against in ``year`` (``year_target_tables`` for one scheme)."""
    return year_target_tables(schemes=[scheme], year=year)[scheme.pk]


def year_target_tables(*, schemes, year: int) -> dict[int, AllocationTable | None]:
    """DESIGN.md rule 10 for each of ``schemes``, in one query: scheme id → its table of ``year``.

    The scheme's own table when it belongs to that year, else the year's FAI table for the scheme's
    group (the first by its order); never another year's, so a year without one has none (and cannot
    rank by completion rate). A scheme set up with 2022's table ranks 2023 against 2023's table of
    its group.
    """
    pinned = {scheme.allocation_table_id for scheme in schemes if scheme.allocation_table_id}
    groups = {scheme.group_id for scheme in schemes}
    tables = list(
        AllocationTable.objects.filter(plan_year__year=year)
        .filter(Q(pk__in=pinned) | Q(indicator__code="fai", ranking_group_id__in=groups))
        .annotate(is_fai=Q(indicator__code="fai"))
        .order_by("sort_order", "pk")
    )
    by_pk = {table.pk: table for table in tables}
    group_fai: dict[int, AllocationTable] = {}
    for table in tables:
        if table.is_fai and table.ranking_group_id is not None:
            group_fai.setdefault(table.ranking_group_id, table)
    return {
        scheme.pk: by_pk.get(scheme.allocation_table_id) or group_fai.get(scheme.group_id)
        for scheme in schemes
    }


def unit_targets(*, units: list[Unit], table: AllocationTable | None) -> dict[int, Decimal]:
    """The annual FAI targets of a ranking: each unit's row in the table rule 10 chose."""
    if table is None:
        return {}
    return dict(Target.objects.filter(unit__in=units, table=table).values_list("unit_id", "value"))
