"""预报与实际: what each unit forecast for a month against what its projects then reported."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, Sum

from projects.models import Project, ProjectReport
from targets.choices import UnitKind
from targets.models import ZERO, Unit

from ..models import Forecast


@dataclass(frozen=True)
class ForecastRow:
    unit: Unit
    month: int
    forecast: Forecast | None
    actual_investment: Decimal
    actual_intake_count: int
    actual_intake_amount: Decimal

    @property
    def investment_gap(self) -> Decimal | None:
        """实际减预报: positive when the unit reported more than it forecast."""
        if self.forecast is None:
            return None
        return self.actual_investment - self.forecast.expected_investment


def _unit_field(unit: Unit) -> str:
    # A project counts for its 属地 unit, and for a bureau as its 责任局办 (as in the unit figures).
    return "responsible_unit" if unit.kind == UnitKind.BUREAU else "reporting_unit"


def forecast_rows(*, units: Iterable[Unit], year: int, months: Iterable[int]) -> list[ForecastRow]:
    """One row per unit and month; at most five queries whatever the number of units and months."""
    units, months = list(units), list(months)
    forecasts = {
        (f.unit_id, f.month): f
        for f in Forecast.objects.filter(unit__in=units, year=year, month__in=months).select_related(
            "entered_by"
        )
    }
    investment: dict[tuple[int, int], Decimal] = {}
    intake: dict[tuple[int, int], dict] = {}
    for field in sorted({_unit_field(unit) for unit in units}):
        unit_ids = [unit.pk for unit in units if _unit_field(unit) == field]
        for row in (
            ProjectReport.objects.filter(year=year, month__in=months, **{f"project__{field}__in": unit_ids})
            .values(f"project__{field}", "month")
            .annotate(total=Sum("amount"))
            .order_by()
        ):
            investment[(row[f"project__{field}"], row["month"])] = row["total"]
        for row in (
            Project.objects.filter(
                is_registered=True,
                registered_on__year=year,
                registered_on__month__in=months,
                **{f"{field}__in": unit_ids},
            )
            .values(field, "registered_on__month")
            .annotate(count=Count("pk"), amount=Sum("total_investment"))
            .order_by()
        ):
            intake[(row[field], row["registered_on__month"])] = row
    return [
        ForecastRow(
            unit=unit,
            month=month,
            forecast=forecasts.get((unit.pk, month)),
            actual_investment=investment.get((unit.pk, month), ZERO),
            actual_intake_count=intake.get((unit.pk, month), {}).get("count", 0),
            actual_intake_amount=intake.get((unit.pk, month), {}).get("amount") or ZERO,
        )
        for unit in units
        for month in months
    ]
