"""The four libraries' boards: the year the libraries are open for, the projects of a year's boards
(today's or as they stood at a closed year's end) and each library's totals."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.db.models import Count, F, FilteredRelation, Max, OuterRef, Q, QuerySet, Subquery, Sum
from django.db.models.functions import Coalesce

from common import clock
from targets.models import PlanYear

from ..choices import LIBRARY_STAGES, Stage
from ..models import Project, StageChange, YearRollover
from .warnings import with_warnings

ZERO = Decimal(0)


def library_year() -> int:
    """The year the libraries are open for: the year after the last roll-over, else the latest plan."""
    last_rollover = YearRollover.objects.aggregate(year=Max("year"))["year"]
    if last_rollover is not None:
        return last_rollover + 1
    return PlanYear.objects.aggregate(year=Max("year"))["year"] or clock.today().year


def stage_at_year_end(year: int) -> Coalesce:
    """The library a project was in on 31 December of ``year``, read back from its stage log."""
    first_later_change = (
        StageChange.objects.filter(project=OuterRef("pk"), changed_on__gt=date(year, 12, 31))
        .order_by("changed_on", "id")
        .values("from_stage")[:1]
    )
    return Coalesce(Subquery(first_later_change), F("stage"))


def board_projects(*, projects: QuerySet[Project], year: int, open_year: int, on: date) -> QuerySet[Project]:
    """The projects in ``year``'s four libraries, each with its ``library`` and ``annual_plan``.

    The open year (``library_year()``) shows today's libraries; a closed year shows them as they
    stood at its end (only the projects that had a plan that year), so a roll-over never makes the
    past unreadable.
    """
    if year >= open_year:
        in_year = projects.filter(stage__in=LIBRARY_STAGES).annotate(library=F("stage"))
    else:
        in_year = (
            projects.filter(year_plans__year=year)
            .annotate(library=stage_at_year_end(year))
            .filter(library__in=LIBRARY_STAGES)
        )
    # A join on the year's plan (one per project and year), not a subquery per project: the
    # libraries' totals sum it over every project of the board.
    return with_warnings(
        in_year.select_related("reporting_unit", "responsible_unit", "steward")
        .prefetch_related("tags")
        .annotate(
            plan_of_year=FilteredRelation("year_plans", condition=Q(year_plans__year=year)),
            annual_plan=F("plan_of_year__planned_investment"),
        ),
        on=on,
    )


@dataclass(frozen=True)
class LibraryTotal:
    stage: Stage
    count: int
    investment: Decimal
    annual_plan: Decimal
    overdue_milestones: int


def library_totals(board: QuerySet[Project]) -> list[LibraryTotal]:
    """Count, total and planned investment, and overdue milestones of each library of a board."""
    rows = {
        row["library"]: row
        for row in board.order_by()
        .values("library")
        .annotate(
            count=Count("pk"),
            investment=Sum("total_investment"),
            annual=Sum("annual_plan"),
            overdue=Sum("overdue_milestone_count"),
        )
    }
    empty: dict = {}
    return [
        LibraryTotal(
            stage=Stage(stage),
            count=rows.get(stage, empty).get("count", 0),
            investment=rows.get(stage, empty).get("investment") or ZERO,
            annual_plan=rows.get(stage, empty).get("annual") or ZERO,
            overdue_milestones=rows.get(stage, empty).get("overdue") or 0,
        )
        for stage in LIBRARY_STAGES
    ]
