from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal

from django.db.models import Count, Prefetch, QuerySet, Sum

from common.spreadsheets import normalise_header

from .models import AllocationTable, MonthlyIntakeTarget, PlanYear, Target, Unit


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
    """分解表各行之和必须等于年度计划总量（rule: an allocation table sums to the plan total).

    A table from ``allocation_tables_with_sums`` carries its sums already, so a list of tables is
    judged without a query per table.
    """
    if hasattr(table, "row_sum") and hasattr(table, "row_count"):
        row_sum, row_count = table.row_sum, table.row_count
    else:
        totals = table.targets.aggregate(row_sum=Sum("value"), row_count=Count("id"))
        row_sum, row_count = totals["row_sum"], totals["row_count"]
    return AllocationBalance(row_sum=row_sum or Decimal(0), plan_total=table.plan_total, row_count=row_count)


def allocation_tables_with_sums(plan_year_id: int):
    return (
        AllocationTable.objects.filter(plan_year_id=plan_year_id)
        .select_related("plan_year", "indicator", "ranking_group")
        .annotate(row_sum=Sum("targets__value"), row_count=Count("targets"))
    )


def targets_in_order() -> Prefetch:
    """A table's targets as the table lists them: by 序号, with their units."""
    return Prefetch(
        "targets", queryset=Target.objects.select_related("unit").order_by("sort_order", "unit__sort_order")
    )


@dataclass(frozen=True)
class PlanOverview:
    plan_year: object | None
    tables: list


def plan_overview(year: int | None = None) -> PlanOverview:
    """The plan year (the latest unless one is named) and its allocation tables with their rows."""
    plan_years = PlanYear.objects.all()
    plan_year = plan_years.filter(year=year).first() if year else plan_years.first()
    if plan_year is None:
        return PlanOverview(plan_year=None, tables=[])
    tables = list(allocation_tables_with_sums(plan_year.pk).prefetch_related(targets_in_order()))
    return PlanOverview(plan_year=plan_year, tables=tables)


@dataclass(frozen=True)
class TableLine:
    table: AllocationTable
    balance: AllocationBalance


def plan_year_table_lines(plan_year_id: int) -> list[TableLine]:
    """One plan year's tables with their balance, in one query."""
    return [
        TableLine(table=table, balance=allocation_balance(table))
        for table in allocation_tables_with_sums(plan_year_id).order_by("sort_order", "name")
    ]


def allocation_tables_listed() -> QuerySet[AllocationTable]:
    """Every allocation table with its sums (``allocation_balance`` judges it without a query),
    the newest plan year first."""
    return (
        AllocationTable.objects.select_related("plan_year", "indicator", "ranking_group")
        .annotate(row_sum=Sum("targets__value"), row_count=Count("targets"))
        .order_by("-plan_year__year", "sort_order", "name")
    )


def plan_years_with_table_counts() -> QuerySet[PlanYear]:
    """Every plan year, newest first, with how many allocation tables it has (``table_count``)."""
    return PlanYear.objects.annotate(table_count=Count("tables")).order_by("-year")


def allocation_tables_for_edit() -> QuerySet[AllocationTable]:
    """Tables with what the grid needs: plan year, indicator, group and their targets in order."""
    return AllocationTable.objects.select_related("plan_year", "indicator", "ranking_group").prefetch_related(
        targets_in_order()
    )


def allocation_tables_for_export(tables: QuerySet[AllocationTable]) -> list[AllocationTable]:
    return list(
        tables.select_related("plan_year", "indicator")
        .prefetch_related(targets_in_order())
        .order_by("plan_year__year", "sort_order", "name")
    )


def monthly_intake_by_unit(*, plan_year_ids: Iterable[int]) -> dict[tuple[int, int], MonthlyIntakeTarget]:
    """Each unit's monthly 入库 target, keyed by (plan year id, unit id)."""
    return {
        (intake.plan_year_id, intake.unit_id): intake
        for intake in MonthlyIntakeTarget.objects.filter(plan_year_id__in=list(plan_year_ids))
    }


@dataclass(frozen=True)
class GridRow:
    """One line of the grid: a unit with its target, or a member of the table's ranking group
    that has none yet (``target`` is None) and may be given one."""

    unit: Unit
    target: Target | None


def allocation_grid_rows(table: AllocationTable) -> list[GridRow]:
    """The table's targets in order (prefetched by ``allocation_tables_for_edit``), then the active
    members of its ranking group that are not in it yet."""
    rows = [GridRow(unit=target.unit, target=target) for target in table.targets.all()]
    if table.ranking_group_id is not None:
        listed = {row.unit.pk for row in rows}
        members = Unit.objects.filter(ranking_groups=table.ranking_group_id, is_active=True)
        rows += [GridRow(unit=unit, target=None) for unit in members if unit.pk not in listed]
    return rows


@dataclass(frozen=True)
class AllocationChange:
    unit_name: str
    old: Decimal | None
    new: Decimal | None


@dataclass
class AllocationVersion:
    """One save of a table (a grid save, an import, or the rows entered together before that)."""

    date: datetime
    user: str
    reason: str
    changes: list[AllocationChange] = field(default_factory=list)


def allocation_table_history(table: AllocationTable) -> list[AllocationVersion]:
    """The table's earlier versions, newest first: who, when, why, and each unit's old → new value.

    Services give every row of one save the same history date and reason, so a version is the run
    of records sharing them; rows saved without a reason (the demo, the admin) group by user alone.
    """
    records = (
        Target.history.filter(table_id=table.pk)
        .select_related("history_user", "unit")
        .order_by("history_date", "history_id")
    )
    versions: list[AllocationVersion] = []
    last_value: dict[int, Decimal] = {}
    last_key = None
    for record in records:
        reason = record.history_change_reason or ""
        key = (record.history_user_id, reason, record.history_date if reason else None)
        if key != last_key:
            user = str(record.history_user) if record.history_user else "系统"
            versions.append(AllocationVersion(date=record.history_date, user=user, reason=reason))
            last_key = key
        old = last_value.get(record.id)
        new = None if record.history_type == "-" else record.value
        versions[-1].changes.append(AllocationChange(unit_name=record.unit.name, old=old, new=new))
        if new is None:
            last_value.pop(record.id, None)
        else:
            last_value[record.id] = new
    return versions[::-1]


def unit_lookup(units: Iterable[Unit] | None = None) -> dict[str, Unit]:
    """Units by full name, code and short name (in that order of precedence), spaces ignored."""
    units = list(Unit.objects.all() if units is None else units)
    lookup: dict[str, Unit] = {}
    for attribute in ("short_name", "code", "name"):
        for unit in units:
            if getattr(unit, attribute):
                lookup[normalise_header(getattr(unit, attribute))] = unit
    return lookup
