"""入库纳统: each unit's registrations of a month against its monthly target, the jurisdiction's
year to date against the plan year's, and the checklist of what the started projects still lack."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.db.models import Count, Exists, OuterRef, Q, QuerySet, Subquery, Sum
from django.db.models.functions import ExtractMonth

from targets.models import MonthlyIntakeTarget, PlanYear, Unit

from ..choices import LIBRARY_STAGES, EvidenceKind, Stage
from ..models import LARGE_PROJECT_THRESHOLD, Project, SitePhoto

ZERO = Decimal(0)


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
