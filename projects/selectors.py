"""Reads of the project lifecycle: boards, 入库纳统, 储备比例, overdue milestones and the 周调度 list.

Every figure is an ``annotate`` or ``aggregate``: a page asks the same number of queries whatever the
number of projects. Callers pass the projects the user may read (``projects.access``).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.db.models import (
    BooleanField,
    Count,
    Exists,
    ExpressionWrapper,
    F,
    FilteredRelation,
    IntegerField,
    Max,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
)
from django.db.models.functions import Coalesce, ExtractMonth

from common import clock
from targets.models import MonthlyIntakeTarget, PlanYear, Unit

from .choices import LIBRARY_STAGES, EvidenceKind, ProblemStatus, Stage
from .models import (
    LARGE_PROJECT_THRESHOLD,
    Milestone,
    Problem,
    Project,
    ProjectReport,
    ProjectYearPlan,
    SitePhoto,
    StageChange,
    YearRollover,
)
from .rules import ReserveRatio, missing_registration, overdue_milestone, overdue_problem, reserve_ratio

ZERO = Decimal(0)


def _count_of(queryset: QuerySet, *, link: str = "project") -> Coalesce:
    """A correlated COUNT of ``queryset``'s rows pointing (by ``link``) at the outer row.

    Counting in a subquery keeps several counts on one row from multiplying each other's joins.
    """
    counted = (
        queryset.filter(**{link: OuterRef("pk")}).order_by().values(link).annotate(n=Count("pk")).values("n")
    )
    return Coalesce(Subquery(counted, output_field=IntegerField()), 0)


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


# --- 入库纳统 ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class UnitIntake:
    """One unit's newly registered projects in one month against its monthly 入库 target."""

    unit: Unit
    count: int
    investment: Decimal
    min_projects: int | None
    min_investment: Decimal | None

    @property
    def has_target(self) -> bool:
        return self.min_projects is not None

    @property
    def count_met(self) -> bool:
        return self.has_target and self.count >= self.min_projects

    @property
    def investment_met(self) -> bool:
        return self.has_target and self.investment >= self.min_investment

    @property
    def met(self) -> bool:
        return self.count_met and self.investment_met


def _month_span(year: int, month: int) -> tuple[date, date]:
    return date(year, month, 1), date(year + month // 12, month % 12 + 1, 1)


def monthly_intake(*, year: int, month: int, units: QuerySet[Unit]) -> list[UnitIntake]:
    """Per unit (by 属地) the count and total investment of projects registered in the month."""
    first, after = _month_span(year, month)
    in_month = Q(
        reported_projects__is_registered=True,
        reported_projects__registered_on__gte=first,
        reported_projects__registered_on__lt=after,
    )
    target = MonthlyIntakeTarget.objects.filter(plan_year__year=year, unit=OuterRef("pk"))
    rows = units.annotate(
        intake_count=Count("reported_projects", filter=in_month),
        intake_investment=Sum("reported_projects__total_investment", filter=in_month),
        min_projects=Subquery(target.values("min_projects")[:1]),
        min_investment=Subquery(target.values("min_investment")[:1]),
    ).order_by("sort_order", "name")
    return [
        UnitIntake(
            unit=unit,
            count=unit.intake_count,
            investment=unit.intake_investment or ZERO,
            min_projects=unit.min_projects,
            min_investment=unit.min_investment,
        )
        for unit in rows
    ]


def intake_by_month(*, year: int, through: int, units: QuerySet[Unit]) -> dict[tuple[int, int], dict]:
    """{(unit id, month): {"count", "investment"}} of the year's registrations up to ``through``."""
    rows = (
        Project.objects.filter(
            is_registered=True,
            reporting_unit__in=units,
            registered_on__gte=date(year, 1, 1),
            registered_on__lt=_month_span(year, through)[1],
        )
        .annotate(month=ExtractMonth("registered_on"))
        .order_by()
        .values("reporting_unit", "month")
        .annotate(count=Count("pk"), investment=Sum("total_investment"))
    )
    return {(row["reporting_unit"], row["month"]): row for row in rows}


@dataclass(frozen=True)
class YearIntake:
    """The jurisdiction's registrations from January to the month against the plan year's targets."""

    year: int
    through: int
    count: int
    investment: Decimal
    large_count: int
    plan: PlanYear | None

    @property
    def count_met(self) -> bool:
        return self.plan is not None and self.count >= self.plan.intake_project_target

    @property
    def investment_met(self) -> bool:
        return self.plan is not None and self.investment >= self.plan.intake_investment_target

    @property
    def large_count_met(self) -> bool:
        return self.plan is not None and self.large_count >= self.plan.intake_large_project_target


def year_intake(*, year: int, through: int) -> YearIntake:
    totals = Project.objects.filter(
        is_registered=True,
        registered_on__gte=date(year, 1, 1),
        registered_on__lt=_month_span(year, through)[1],
    ).aggregate(
        count=Count("pk"),
        investment=Sum("total_investment"),
        large_count=Count("pk", filter=Q(total_investment__gte=LARGE_PROJECT_THRESHOLD)),
    )
    return YearIntake(
        year=year,
        through=through,
        count=totals["count"],
        investment=totals["investment"] or ZERO,
        large_count=totals["large_count"],
        plan=PlanYear.objects.filter(year=year).first(),
    )


# --- 储备比例 ---------------------------------------------------------------------------------

# Seed 001 compares the reserve with the in-construction projects 「纳入统计库」, i.e. registered.
_RESERVE = {"stage": Stage.RESERVE}
_REGISTERED_CONSTRUCTION = {"stage": Stage.UNDER_CONSTRUCTION, "is_registered": True}


def _where(condition: dict, prefix: str = "") -> Q:
    return Q(**{f"{prefix}{key}": value for key, value in condition.items()})


def unit_reserve_ratios(*, units: QuerySet[Unit]) -> list[tuple[Unit, ReserveRatio]]:
    """Rule 6 per unit (by 属地)."""
    reserve = _where(_RESERVE, "reported_projects__")
    construction = _where(_REGISTERED_CONSTRUCTION, "reported_projects__")
    rows = units.annotate(
        reserve_count=Count("reported_projects", filter=reserve),
        reserve_investment=Sum("reported_projects__total_investment", filter=reserve),
        construction_count=Count("reported_projects", filter=construction),
        construction_investment=Sum("reported_projects__total_investment", filter=construction),
    ).order_by("sort_order", "name")
    return [
        (
            unit,
            reserve_ratio(
                reserve_count=unit.reserve_count,
                reserve_investment=unit.reserve_investment,
                construction_count=unit.construction_count,
                construction_investment=unit.construction_investment,
            ),
        )
        for unit in rows
    ]


def jurisdiction_reserve_ratio() -> ReserveRatio:
    """Rule 6 for the whole jurisdiction."""
    totals = Project.objects.aggregate(
        reserve_count=Count("pk", filter=_where(_RESERVE)),
        reserve_investment=Sum("total_investment", filter=_where(_RESERVE)),
        construction_count=Count("pk", filter=_where(_REGISTERED_CONSTRUCTION)),
        construction_investment=Sum("total_investment", filter=_where(_REGISTERED_CONSTRUCTION)),
    )
    return reserve_ratio(**totals)


# --- 年度结转 ---------------------------------------------------------------------------------


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


# --- 现场照片 -----------------------------------------------------------------------------------


def _photo_date() -> Coalesce:
    return Coalesce("taken_at", "uploaded_at")


def project_photos(*, project: Project) -> QuerySet[SitePhoto]:
    """A project's photos, newest first by the day they were taken (or else uploaded)."""
    return (
        SitePhoto.objects.filter(project=project)
        .select_related("uploaded_by")
        .annotate(dated=_photo_date())
        .order_by("-dated", "-pk")
    )


def photos_by_month(photos: QuerySet[SitePhoto] | list[SitePhoto]) -> dict[tuple[int, int], list[SitePhoto]]:
    """The photos grouped by the (year, month) they are dated in, for a project's monthly series."""
    months: dict[tuple[int, int], list[SitePhoto]] = {}
    for photo in photos:
        on = photo.dated_on
        months.setdefault((on.year, on.month), []).append(photo)
    return months


def latest_photo() -> dict[str, Subquery]:
    """Annotations for a project queryset: its latest photo (``latest_photo_id``) and that photo's date
    (``latest_photo_at``: taken, or else uploaded) — for the 通报's 重点项目 annex and the steward's page."""
    latest = (
        SitePhoto.objects.filter(project=OuterRef("pk"))
        .annotate(dated=_photo_date())
        .order_by("-dated", "-pk")
    )
    return {
        "latest_photo_id": Subquery(latest.values("pk")[:1]),
        "latest_photo_at": Subquery(latest.values("dated")[:1]),
    }


def _has_evidence(kind: EvidenceKind) -> Exists:
    return Exists(SitePhoto.objects.filter(project=OuterRef("pk"), evidence_kind=kind))


def registration_checklist(*, projects: QuerySet[Project]) -> QuerySet[Project]:
    """入库纳统 checklist of the started projects (在建, or an actual start date, and still in the
    libraries): which of 批复文件、施工合同、现场照片 each has as evidence (``has_approval``,
    ``has_contract``, ``has_site_photo``), the 应入未入 first."""
    started = Q(stage=Stage.UNDER_CONSTRUCTION) | Q(actual_start__isnull=False)
    return (
        projects.filter(started, stage__in=LIBRARY_STAGES)
        .select_related("reporting_unit", "responsible_unit", "steward")
        .annotate(
            has_approval=_has_evidence(EvidenceKind.APPROVAL),
            has_contract=_has_evidence(EvidenceKind.CONTRACT),
            has_site_photo=_has_evidence(EvidenceKind.SITE),
        )
        .order_by("is_registered", "reporting_unit__sort_order", "name")
    )


def open_problem_count() -> Coalesce:
    """Annotation: a project's problems not yet 销号."""
    return _count_of(Problem.objects.exclude(status=ProblemStatus.CLOSED))
