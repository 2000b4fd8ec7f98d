from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, Sum

from .models import AllocationTable


@dataclass(frozen=True)
class AllocationBalance:
    """The allocation rule's verdict on a table: its rows against the plan total."""

    row_sum: Decimal
    plan_total: Decimal | None
    row_count: int

    @property
    def difference(self) -> Decimal | None:
        if self.plan_total is None:
            return None
        return self.row_sum - self.plan_total

    @property
    def is_balanced(self) -> bool:
        return self.difference in (None, Decimal(0))


def allocation_balance(table: AllocationTable) -> AllocationBalance:
    """分解表各行之和必须等于年度计划总量（rule: an allocation table sums to the plan total)."""
    totals = table.targets.aggregate(row_sum=Sum("value"), row_count=Count("id"))
    return AllocationBalance(
        row_sum=totals["row_sum"] or Decimal(0), plan_total=table.plan_total, row_count=totals["row_count"]
    )


def allocation_tables_with_sums(plan_year_id: int):
    return (
        AllocationTable.objects.filter(plan_year_id=plan_year_id)
        .select_related("plan_year", "indicator", "ranking_group")
        .annotate(row_sum=Sum("targets__value"), row_count=Count("targets"))
    )


@dataclass(frozen=True)
class PlanOverview:
    plan_year: object | None
    tables: list


def plan_overview(year: int | None = None) -> PlanOverview:
    """The plan year (the latest unless one is named) and its allocation tables with their rows."""
    from django.db.models import Prefetch

    from .models import PlanYear, Target

    plan_years = PlanYear.objects.all()
    plan_year = plan_years.filter(year=year).first() if year else plan_years.first()
    if plan_year is None:
        return PlanOverview(plan_year=None, tables=[])
    tables = list(
        allocation_tables_with_sums(plan_year.pk).prefetch_related(
            Prefetch(
                "targets",
                queryset=Target.objects.select_related("unit").order_by("sort_order", "unit__sort_order"),
            )
        )
    )
    return PlanOverview(plan_year=plan_year, tables=tables)
