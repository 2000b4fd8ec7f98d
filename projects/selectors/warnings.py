"""What a project warns about (overdue milestones and problems, 应入未入, a missing month's report) and
the lists built on those warnings: the project page, problems, 周调度, the steward's projects.

Every count is a correlated subquery, so a page asks the same number of queries whatever the number
of projects. Callers pass the projects the user may read (``projects.access``).
"""

from __future__ import annotations

from datetime import date

from django.db.models import (
    BooleanField,
    Count,
    Exists,
    ExpressionWrapper,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
)
from django.db.models.functions import Coalesce

from targets.models import Unit

from ..choices import LIBRARY_STAGES, ProblemStatus, Stage
from ..models import Milestone, Problem, Project, ProjectReport
from ..rules import missing_registration, overdue_milestone, overdue_problem


def _count_of(queryset: QuerySet, *, link: str = "project") -> Coalesce:
    """A correlated COUNT of ``queryset``'s rows pointing (by ``link``) at the outer row.

    Counting in a subquery keeps several counts on one row from multiplying each other's joins.
    """
    counted = (
        queryset.filter(**{link: OuterRef("pk")}).order_by().values(link).annotate(n=Count("pk")).values("n")
    )
    return Coalesce(Subquery(counted, output_field=IntegerField()), 0)


def with_warnings(projects: QuerySet[Project], *, on: date) -> QuerySet[Project]:
    """What a project row warns about on ``on``: overdue milestones and problems, 应入未入, a missing
    report for ``on``'s month."""
    return projects.annotate(
        overdue_milestone_count=_count_of(Milestone.objects.filter(overdue_milestone(on=on))),
        overdue_problem_count=_count_of(Problem.objects.filter(overdue_problem(on=on))),
        is_missing_registration=ExpressionWrapper(missing_registration(), output_field=BooleanField()),
        reported_this_month=Exists(
            ProjectReport.objects.filter(project=OuterRef("pk"), year=on.year, month=on.month)
        ),
    )


def project_detail(*, projects: QuerySet[Project], on: date) -> QuerySet[Project]:
    return with_warnings(projects.select_related("reporting_unit", "responsible_unit", "steward"), on=on)


def overdue_milestones(*, on: date, projects: QuerySet[Project] | None = None) -> QuerySet[Milestone]:
    """Milestones planned before ``on`` and not reached: the warning of the project page, the unit
    board and the cockpit (pass the projects the viewer may read)."""
    milestones = Milestone.objects.filter(overdue_milestone(on=on))
    if projects is not None:
        milestones = milestones.filter(project__in=projects)
    return milestones.select_related("project", "project__reporting_unit").order_by("planned_on", "pk")


def units_with_overdue_milestones(*, on: date, units: QuerySet[Unit]) -> QuerySet[Unit]:
    """Units annotated with ``overdue_milestone_count`` (their projects' overdue milestones), for
    the cockpit's per-unit warning."""
    counted = Milestone.objects.filter(overdue_milestone(on=on))
    return units.annotate(
        overdue_milestone_count=_count_of(counted, link="project__reporting_unit")
    ).order_by("sort_order", "name")


def problem_list(*, problems: QuerySet[Problem], on: date) -> QuerySet[Problem]:
    return problems.select_related("project", "project__reporting_unit", "owner_unit").annotate(
        is_overdue=ExpressionWrapper(overdue_problem(on=on), output_field=BooleanField())
    )


def dispatch_projects(*, projects: QuerySet[Project], on: date) -> QuerySet[Project]:
    """周调度: projects under construction with no report for ``on``'s month, or with overdue problems."""
    return (
        with_warnings(projects.select_related("reporting_unit", "steward"), on=on)
        .filter(Q(stage=Stage.UNDER_CONSTRUCTION, reported_this_month=False) | Q(overdue_problem_count__gt=0))
        .order_by("steward__username", "reporting_unit__sort_order", "name")
    )


def steward_projects(*, steward, on: date) -> QuerySet[Project]:
    """项目管家's own projects, still in the libraries, with their warnings."""
    return with_warnings(
        Project.objects.filter(steward=steward, stage__in=LIBRARY_STAGES).select_related(
            "reporting_unit", "responsible_unit"
        ),
        on=on,
    ).order_by("reporting_unit__sort_order", "name")


def missing_registration_projects(*, projects: QuerySet[Project]) -> QuerySet[Project]:
    """Rule 8's list: 应入未入."""
    return (
        projects.filter(missing_registration())
        .select_related("reporting_unit", "responsible_unit", "steward")
        .order_by("reporting_unit__sort_order", "actual_start", "name")
    )


def open_problem_count() -> Coalesce:
    """Annotation: a project's problems not yet 销号."""
    return _count_of(Problem.objects.exclude(status=ProblemStatus.CLOSED))
