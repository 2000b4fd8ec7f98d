"""Units' cumulative figures for a period, as the figures page shows them."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from common.periods import Period
from targets.models import Unit

from ..choices import FigureSource, SubmissionStatus
from ..models import OfficialFigure, Submission
from ..rules import growth_pct
from .unit_figures import figure_source_for, unit_figures


def locked_unit_ids(*, period: Period, unit_ids: Iterable[int]) -> set[int]:
    """Units whose figure for the period is frozen: their return for its last month is locked."""
    return set(
        Submission.objects.filter(
            unit_id__in=list(unit_ids), year=period.year, month=period.month, status=SubmissionStatus.LOCKED
        ).values_list("unit_id", flat=True)
    )


@dataclass(frozen=True)
class FigureRow:
    unit: Unit
    official: OfficialFigure | None
    project_sum: Decimal | None
    project_sum_baseline: Decimal | None
    locked: bool

    @property
    def official_growth(self) -> Decimal | None:
        if self.official is None:
            return None
        return growth_pct(self.official.ytd_completed, self.official.baseline)


@dataclass(frozen=True)
class FiguresPage:
    period: Period
    source: FigureSource
    rows: list[FigureRow]

    @property
    def uses_official(self) -> bool:
        return self.source == FigureSource.OFFICIAL


def figures_page(*, period: Period, units: Iterable[Unit]) -> FiguresPage:
    """Official figures beside the sums of the units' project reports, and which of them counts.

    A fixed handful of queries whatever the number of units.
    """
    units = list(units)
    official = {
        figure.unit_id: figure
        for figure in OfficialFigure.objects.filter(
            unit__in=units, year=period.year, month=period.month
        ).select_related("entered_by")
    }
    sums = unit_figures(units=units, period=period, source=FigureSource.PROJECT_SUM)
    locked = locked_unit_ids(period=period, unit_ids=[unit.pk for unit in units])
    rows = [
        FigureRow(
            unit=unit,
            official=official.get(unit.pk),
            project_sum=sums[unit.pk].ytd_completed if unit.pk in sums else None,
            project_sum_baseline=sums[unit.pk].baseline if unit.pk in sums else None,
            locked=unit.pk in locked,
        )
        for unit in units
    ]
    return FiguresPage(period=period, source=figure_source_for(period.year), rows=rows)
