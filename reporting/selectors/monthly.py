"""What a unit reports for a month: its projects with this month's figures and the derived YTD."""

from __future__ import annotations

import calendar
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from django.db.models import (
    Avg,
    BooleanField,
    Case,
    Count,
    Exists,
    ExpressionWrapper,
    F,
    FilteredRelation,
    Max,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Coalesce

from common.queries import chunks
from projects.choices import Stage
from projects.models import Project, ProjectReport, ProjectYearPlan
from targets.models import ZERO, Unit

from ..models import Submission, SubmissionEvent

CENT = Decimal("0.01")


@dataclass(frozen=True)
class GridRow:
    """One project's line in a unit's month: the report (if any) and what the checks compare with."""

    project: Project
    report: ProjectReport | None
    ytd_before: Decimal
    other_months_total: Decimal
    usual_month: Decimal | None
    annual_plan: Decimal | None

    @property
    def project_id(self) -> int:
        return self.project.pk

    @property
    def amount(self) -> Decimal | None:
        return self.report.amount if self.report else None

    @property
    def progress(self) -> str:
        return self.report.progress if self.report else ""

    @property
    def problems(self) -> str:
        return self.report.problems if self.report else ""

    @property
    def version(self) -> int | None:
        return self.report.version if self.report else None

    @property
    def ytd(self) -> Decimal:
        """本年累计: months 1..this one, summed from the reports (never typed, never stored)."""
        return self.ytd_before + (self.amount or ZERO)


@dataclass(frozen=True, slots=True)
class MonthLine:
    """One project's line of the month grid as the page shows it: plain values, no model instance.

    ``version`` is None while the project has no report for the month (nor an amount, a progress
    or a problem).
    """

    project_id: int
    name: str
    code: str
    stage: str
    total_investment: Decimal
    annual_plan: Decimal | None
    ytd_before: Decimal
    amount: Decimal | None
    progress: str
    problems: str
    version: int | None
    confirmed_at: datetime | None = None  # 我已核实: when the unusual amount was confirmed, by whom, why
    confirmed_by: str = ""
    confirmed_reason: str = ""

    @property
    def ytd(self) -> Decimal:
        """本年累计, as ``GridRow.ytd``."""
        return self.ytd_before + (self.amount or ZERO)


def _other_months(year: int, month: int, *, prefix: str = "reports__") -> Q:
    return (
        Q(**{f"{prefix}year__lt": year})
        | Q(**{f"{prefix}year__gt": year})
        | Q(**{f"{prefix}year": year, f"{prefix}month__lt": month})
        | Q(**{f"{prefix}year": year, f"{prefix}month__gt": month})
    )


def month_projects(*, year: int, month: int, unit: Unit | int | None = None) -> QuerySet[Project]:
    """The projects a unit (or every unit) reports for a month: those under way in it, and any
    already reported.

    Under way: started by the month's end and not completed before it began. A project not yet
    started (储备, 拟开工) has no investment to report; one that left the libraries is listed only
    for the months it reported.
    """
    projects = Project.objects.filter(_listed_in_month(year, month))
    return projects if unit is None else projects.filter(reporting_unit=unit)


def _listed_in_month(year: int, month: int) -> Q:
    month_start = date(year, month, 1)
    month_end = date(year, month, calendar.monthrange(year, month)[1])
    reported = ProjectReport.objects.filter(project=OuterRef("pk"), year=year, month=month)
    under_way = (
        Q(stage__in=(Stage.TO_START, Stage.UNDER_CONSTRUCTION, Stage.COMPLETED))
        & Q(actual_start__lte=month_end)
        & (Q(actual_completion__isnull=True) | Q(actual_completion__gte=month_start))
    )
    return under_way | Q(Exists(reported))


_REPORT_COLUMNS = (
    "id",
    "amount",
    "progress",
    "problems",
    "version",
    "updated_at",
    "updated_by_id",
    "unusual_confirmed_by_id",
    "unusual_confirmed_at",
    "unusual_reason",
)


def month_grid_rows(
    *,
    unit: Unit | int,
    year: int,
    month: int,
    missing_first: bool = False,
    projects: Sequence[int] | None = None,
) -> list[GridRow]:
    """One query whatever the number of projects: the projects annotated with their months and
    this month's report, joined once (a project has at most one per month).

    ``projects`` (ids) narrows the lines to those of them the unit reports in the month.
    """
    other_months = _other_months(year, month)
    plan = ProjectYearPlan.objects.filter(project=OuterRef("pk"), year=year).values("planned_investment")
    listed = month_projects(unit=unit, year=year, month=month)
    if projects is not None:
        listed = listed.filter(pk__in=projects)
    annotated = listed.annotate(
        this_month=FilteredRelation("reports", condition=Q(reports__year=year, reports__month=month)),
        ytd_before=Coalesce(
            Sum("reports__amount", filter=Q(reports__year=year, reports__month__lt=month)), Value(ZERO)
        ),
        other_months_total=Coalesce(Sum("reports__amount", filter=other_months), Value(ZERO)),
        usual_month=Avg("reports__amount", filter=other_months),
        annual_plan=Subquery(plan[:1]),
        **{f"report_{column}": F(f"this_month__{column}") for column in _REPORT_COLUMNS},
    )
    order = ["name", "pk"]
    if missing_first:
        annotated = annotated.annotate(has_report=Q(this_month__id__isnull=False))
        order.insert(0, "has_report")
    return [
        GridRow(
            project=project,
            report=_month_report(project, year=year, month=month),
            ytd_before=project.ytd_before,
            other_months_total=project.other_months_total,
            usual_month=project.usual_month,
            annual_plan=project.annual_plan,
        )
        for project in annotated.order_by(*order)
    ]


def _month_report(project: Project, *, year: int, month: int) -> ProjectReport | None:
    """This month's report as the row's annotations carry it (None when the project has none)."""
    if project.report_id is None:
        return None
    values = {column: getattr(project, f"report_{column}") for column in _REPORT_COLUMNS}
    return ProjectReport(project=project, year=year, month=month, **values)


@dataclass(frozen=True)
class MonthTotals:
    """The unit's month summed over its lines: this month, 本年累计, and the lines with no figure yet."""

    amount: Decimal
    ytd: Decimal
    missing: int


def month_totals(*, unit: Unit | int, year: int, month: int) -> MonthTotals:
    """The grid's 合计 row without reading its lines: one aggregate over the unit's lines and their
    reports of the year up to the month."""
    this_month = Q(reports__year=year, reports__month=month)
    sums = month_projects(unit=unit, year=year, month=month).aggregate(
        this_month=Coalesce(Sum("reports__amount", filter=this_month), Value(ZERO)),
        year_to_date=Coalesce(
            Sum("reports__amount", filter=Q(reports__year=year, reports__month__lte=month)), Value(ZERO)
        ),
        reported=Count("reports", filter=this_month),
        lines=Count("pk", distinct=True),
    )
    return MonthTotals(
        amount=sums["this_month"], ytd=sums["year_to_date"], missing=sums["lines"] - sums["reported"]
    )


def month_lines(*, unit: Unit | int, year: int, month: int) -> list[MonthLine]:
    """The grid's lines in one query of plain values: ``month_grid_rows``' projects with their year
    plan, the months before this one and this month's report, without building a model instance
    per project (the page writes some eighty lines; the checks of a save read ``month_grid_rows``)."""
    before = (
        ProjectReport.objects.filter(project=OuterRef("pk"), year=year, month__lt=month)
        .order_by()
        .values("project")
        .annotate(total=Sum("amount"))
        .values("total")
    )
    plan = ProjectYearPlan.objects.filter(project=OuterRef("pk"), year=year).values("planned_investment")
    values = (
        month_projects(unit=unit, year=year, month=month)
        .annotate(
            # This month's report joined once (a project has at most one per month), not read by a
            # subquery per column.
            report=FilteredRelation("reports", condition=Q(reports__year=year, reports__month=month)),
            ytd_before=Coalesce(Subquery(before), Value(ZERO)),
            annual_plan=Subquery(plan[:1]),
            report_amount=F("report__amount"),
            report_progress=F("report__progress"),
            report_problems=F("report__problems"),
            report_version=F("report__version"),
            confirmed_at=F("report__unusual_confirmed_at"),
            confirmed_reason=F("report__unusual_reason"),
            confirmed_first=F("report__unusual_confirmed_by__first_name"),
            confirmed_last=F("report__unusual_confirmed_by__last_name"),
            confirmed_username=F("report__unusual_confirmed_by__username"),
        )
        .order_by("name", "pk")
        .values_list(
            "pk",
            "name",
            "code",
            "stage",
            "total_investment",
            "annual_plan",
            "ytd_before",
            "report_amount",
            "report_progress",
            "report_problems",
            "report_version",
            "confirmed_at",
            "confirmed_reason",
            "confirmed_first",
            "confirmed_last",
            "confirmed_username",
        )
    )
    # The amount as the model field gives it, whatever the backend returns (SQLite's floats).
    return [
        MonthLine(
            pid,
            name,
            code,
            stage,
            total,
            plan,
            before,
            None if amount is None else amount.quantize(CENT),
            progress or "",
            problems or "",
            version,
            confirmed_at,
            # The name as ``User.get_full_name`` writes it, else the username.
            f"{first or ''} {last or ''}".strip() or (username or ""),
            reason or "",
        )
        for (
            pid, name, code, stage, total, plan, before, amount, progress, problems, version,
            confirmed_at, reason, first, last, username,
        ) in values
    ]  # fmt: skip


def month_listing(projects: QuerySet[Project], *, year: int, month: int) -> QuerySet[Project]:
    """``projects`` with what ``month_grid_lines`` needs of each, read with them: whether the month
    lists it (``listed_in_month``) and its year plan (``annual_plan``)."""
    plan = ProjectYearPlan.objects.filter(project=OuterRef("pk"), year=year).values("planned_investment")
    return projects.annotate(
        listed_in_month=ExpressionWrapper(_listed_in_month(year, month), output_field=BooleanField()),
        annual_plan=Subquery(plan[:1]),
    )


def month_grid_lines(*, projects: Sequence[Project], year: int, month: int) -> dict[int, GridRow]:
    """``month_grid_rows``' lines, by project id, for projects of any units read through
    ``month_listing``; projects the month does not list have no line.

    For imports, which match thousands of projects of many units at once: one query whatever
    their number (their reports' sums, grouped over the reports alone), and a second for this
    month's reports when there are any.
    """
    listed = [project for project in projects if project.listed_in_month]
    other_months = _other_months(year, month, prefix="")
    sums = {
        row["project_id"]: row
        for chunk in chunks([project.pk for project in listed])
        for row in ProjectReport.objects.filter(project_id__in=chunk)
        .values("project_id")
        .annotate(
            ytd_before=Sum("amount", filter=Q(year=year, month__lt=month)),
            other_months_total=Sum("amount", filter=other_months),
            usual_month=Avg("amount", filter=other_months),
            this_month=Max("pk", filter=Q(year=year, month=month)),
        )
        .order_by()
    }
    report_ids = [row["this_month"] for row in sums.values() if row["this_month"] is not None]
    reports = {
        report.project_id: report
        for chunk in chunks(report_ids)
        for report in ProjectReport.objects.filter(pk__in=chunk).order_by()
    }
    lines = {}
    for project in listed:
        row = sums.get(project.pk, {})
        lines[project.pk] = GridRow(
            project=project,
            report=reports.get(project.pk),
            ytd_before=row.get("ytd_before") or ZERO,
            other_months_total=row.get("other_months_total") or ZERO,
            usual_month=row.get("usual_month"),
            annual_plan=project.annual_plan,
        )
    return lines


def confirmed_reports(*, unit: Unit | int) -> QuerySet[ProjectReport]:
    """The unit's reports whose unusual amount the reporter confirmed (我已核实), with who did."""
    return (
        ProjectReport.objects.filter(project__reporting_unit=unit, unusual_confirmed_at__isnull=False)
        .select_related("project", "unusual_confirmed_by")
        .order_by("year", "month", "project__name", "pk")
    )


def unit_submission(*, unit: Unit | int, year: int, month: int) -> Submission | None:
    """The unit's return for the month with its events (who moved it, when and why)."""
    return (
        Submission.objects.filter(unit=unit, year=year, month=month)
        .prefetch_related(
            Prefetch(
                "events", queryset=SubmissionEvent.objects.select_related("actor").order_by("-created_at")
            )
        )
        .first()
    )


def submission_board(*, units: QuerySet[Unit], year: int, month: int) -> QuerySet[Unit]:
    """Every active unit of ``units`` with its return for the month: the projects it reports
    (``projects``) and has reported so far (``reported``), the return's ``submission_status`` (None
    before anything is entered) and the return itself (``month_submissions``: none or one). Units
    with something to report come first; those with no project and no return this month follow.
    Two queries however many units."""
    reported = ProjectReport.objects.filter(project=OuterRef("pk"), year=year, month=month)
    unit_projects = (
        month_projects(year=year, month=month)
        .filter(reporting_unit=OuterRef("pk"))
        .annotate(has_report=Exists(reported))
        .order_by()
        .values("reporting_unit")
    )
    projects = unit_projects.annotate(count=Count("pk")).values("count")
    reported_projects = unit_projects.annotate(count=Count("pk", filter=Q(has_report=True))).values("count")
    month_returns = Submission.objects.filter(year=year, month=month)
    return (
        units.filter(is_active=True)
        .annotate(
            projects=Coalesce(Subquery(projects), 0),
            reported=Coalesce(Subquery(reported_projects), 0),
            submission_status=Subquery(month_returns.filter(unit=OuterRef("pk")).values("status")[:1]),
        )
        .annotate(
            idle=Case(
                When(submission_status__isnull=True, projects=0, then=Value(True)),
                default=Value(False),
                output_field=BooleanField(),
            )
        )
        .prefetch_related(Prefetch("submissions", queryset=month_returns, to_attr="month_submissions"))
        .order_by("idle", "sort_order", "name")
    )
