"""年度结转: what closing the open year would do, shown before it runs, the roll-overs done, and the
year's planned investment rows the units fill afterwards."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.db.models import Q, QuerySet

from ..choices import LIBRARY_STAGES, Stage
from ..models import Project, ProjectYearPlan, YearRollover
from .boards import library_year


@dataclass(frozen=True)
class RolloverPlan:
    """What closing ``year`` would do, shown before it runs."""

    year: int
    refusal: str | None
    completed: list[Project]
    unstarted: list[Project]
    plans_to_ask: int

    @property
    def new_year(self) -> int:
        return self.year + 1


def rollover_plan(*, year: int) -> RolloverPlan:
    refusal = None
    open_year = library_year()
    if YearRollover.objects.filter(year=year).exists():
        refusal = f"{year}年度已结转，不能重复结转。"
    elif year != open_year:
        refusal = f"当前项目库所属年度为{open_year}年，只能结转该年度。"
    completed = rollover_completed(year=year)
    unstarted = rollover_unstarted()
    staying = Project.objects.filter(stage__in=LIBRARY_STAGES).exclude(pk__in=completed.values("pk"))
    plans_to_ask = staying.exclude(year_plans__year=year + 1).count()
    related = ("reporting_unit", "responsible_unit")
    return RolloverPlan(
        year=year,
        refusal=refusal,
        completed=list(completed.select_related(*related)),
        unstarted=list(unstarted.select_related(*related)),
        plans_to_ask=plans_to_ask,
    )


def rollover_completed(*, year: int) -> QuerySet[Project]:
    """竣工库 projects completed in or before the closed year: they leave the libraries. One whose
    completion date was never recorded (entered before the guards) leaves too, rather than linger."""
    completed_by_then = Q(actual_completion__lt=date(year + 1, 1, 1)) | Q(actual_completion__isnull=True)
    return Project.objects.filter(completed_by_then, stage=Stage.COMPLETED).order_by(
        "reporting_unit__sort_order", "name"
    )


def rollover_unstarted() -> QuerySet[Project]:
    """开工库 projects that did not start: the admin keeps them or returns them to 储备."""
    return Project.objects.filter(stage=Stage.TO_START, actual_start__isnull=True).order_by(
        "reporting_unit__sort_order", "name"
    )


def pending_year_plans(*, projects: QuerySet[Project], year: int) -> QuerySet[ProjectYearPlan]:
    """The year's planned investment rows of the given projects, for the units to fill."""
    return (
        ProjectYearPlan.objects.filter(project__in=projects, year=year)
        .select_related("project", "project__reporting_unit")
        .order_by("project__reporting_unit__sort_order", "project__name")
    )


def rollover_history() -> QuerySet[YearRollover]:
    """The roll-overs done, the latest year first, with who ran each."""
    return YearRollover.objects.select_related("performed_by")
