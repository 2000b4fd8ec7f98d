"""领导驾驶舱 and the unit page: every figure of a period in one call, in a bounded number of queries.

Amounts stay ``Decimal`` in 万元; chart specs (read by ``static/js/charts.js``) carry floats rounded
for display only, and each chart's numbers are also given to the page as a table.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.db.models import (
    Count,
    DecimalField,
    ExpressionWrapper,
    F,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
)
from django.db.models.functions import Coalesce

from accounts.models import User
from accounts.permissions import readable_units
from common import clock
from common.figures import format_number
from common.periods import Period
from projects.access import readable_problems, readable_projects
from projects.choices import Stage
from projects.models import Project, ProjectReport, ProjectYearPlan
from projects.rules import ReserveRatio
from projects.selectors.boards import LibraryTotal, board_projects, library_totals, library_year
from projects.selectors.intake import UnitIntake, monthly_intake
from projects.selectors.reserve import jurisdiction_reserve_ratio, unit_reserve_ratios
from projects.selectors.warnings import problem_list
from targets.models import PlanYear, Target, Unit

from ..choices import EscalationStatus, Metric, RunStatus
from ..models import Escalation, RankingRow, RankingRun, Submission
from ..rules import WarningColour, completion_rate_pct, warning_colour
from .jurisdiction import JurisdictionPoint, jurisdiction_series
from .periods import period_as_of
from .rankings import can_see_drafts, period_runs, visible_escalations

WORST_PROJECTS = 10
INVESTING_STAGES = (Stage.UNDER_CONSTRUCTION, Stage.COMPLETED)
COLOURS = {WarningColour.GREEN: "#198754", WarningColour.YELLOW: "#ffc107", WarningColour.RED: "#dc3545"}
NO_COLOUR = "#adb5bd"
MONEY = DecimalField(max_digits=16, decimal_places=2)


def _display(value: Decimal | None) -> float | None:
    return None if value is None else float(round(value, 1))


@dataclass(frozen=True)
class CockpitRow:
    row: RankingRow
    completion_rate: Decimal | None
    colour: WarningColour | None
    escalation: Escalation | None

    @property
    def hex_colour(self) -> str:
        return COLOURS.get(self.colour, NO_COLOUR)


@dataclass(frozen=True)
class GroupRanking:
    run: RankingRun
    rows: list[CockpitRow]

    @property
    def bottom(self) -> list[CockpitRow]:
        return [row for row in self.rows if row.row.is_bottom]

    @property
    def shows_completion_rate(self) -> bool:
        """A scheme ranked by completion rate already shows it as its metric: not twice."""
        return self.run.scheme.metric != Metric.COMPLETION_RATE

    @property
    def chart_id(self) -> str:
        return f"chart-run-{self.run.pk}"

    @property
    def chart(self) -> dict:
        ranked = [row for row in self.rows if row.row.value is not None]
        return {
            "type": "bar",
            "categories": [row.row.unit.display_name for row in ranked],
            "series": [
                {
                    "name": self.run.scheme.get_metric_display(),
                    "data": [_display(row.row.value) for row in ranked],
                    "labels": [format_number(row.row.value, 1) for row in ranked],
                    "colours": [row.hex_colour for row in ranked],
                }
            ],
            "unit": "%",
        }


def group_rankings(*, period: Period, actor: User, yellow_gap: Decimal) -> list[GroupRanking]:
    """Each active scheme's run for the period, every row with its 红黄绿 and its escalation."""
    runs = period_runs(period=period, actor=actor)
    escalations = {
        (escalation.scheme_id, escalation.unit_id): escalation
        for escalation in visible_escalations(actor=actor).filter(year=period.year, month=period.month)
    }
    groups = []
    for run in runs:
        rows = []
        for row in run.rows.all():
            rate = (
                completion_rate_pct(row.ytd_completed, row.target) if row.ytd_completed is not None else None
            )
            colour = warning_colour(
                completion_rate=rate, time_progress=period.time_progress_pct, yellow_gap=yellow_gap
            )
            rows.append(CockpitRow(row, rate, colour, escalations.get((run.scheme_id, row.unit_id))))
        groups.append(GroupRanking(run, rows))
    return groups


def _trend_chart(points: list[JurisdictionPoint]) -> dict:
    return {
        "type": "line",
        "categories": [f"1-{point.period.month}月" for point in points],
        "series": [
            {
                "name": "完成率",
                "data": [_display(point.completion_rate) for point in points],
                "labels": [format_number(point.completion_rate, 1) for point in points],
            },
            # Time progress is the same line every year, and growth reads from its axis and table:
            # labelling all three lines in one box only piles the numbers on each other.
            {"name": "时序进度", "data": [_display(point.time_progress) for point in points]},
            {"name": "增速", "data": [_display(point.growth) for point in points]},
        ],
        "unit": "%",
    }


def _library_chart(totals: list[LibraryTotal]) -> dict:
    return {
        "type": "bar",
        "categories": [f"{total.stage.label}库" for total in totals],
        "series": [{"name": "项目个数", "data": [total.count for total in totals]}],
        "unit": "个",
    }


@dataclass(frozen=True)
class Cockpit:
    period: Period
    periods: list[Period]
    plan_year: PlanYear | None
    headline: JurisdictionPoint | None
    trend: list[JurisdictionPoint]
    trend_chart: dict
    groups: list[GroupRanking]
    libraries: list[LibraryTotal]
    library_chart: dict
    reserve_ratio: ReserveRatio
    intake: list[UnitIntake]
    open_escalations: list[Escalation]
    overdue_problems: list
    overdue_problem_count: int
    on: date

    @property
    def yellow_gap(self) -> Decimal | None:
        return self.plan_year.warning_yellow_gap if self.plan_year else None

    @property
    def headline_colour(self) -> WarningColour | None:
        if self.headline is None or self.plan_year is None:
            return None
        return warning_colour(
            completion_rate=self.headline.completion_rate,
            time_progress=self.period.time_progress_pct,
            yellow_gap=self.plan_year.warning_yellow_gap,
        )


OVERDUE_PROBLEMS_SHOWN = 10


def ranked_periods() -> list[Period]:
    return [
        Period(year, month)
        for year, month in RankingRun.objects.order_by("-year", "-month")
        .values_list("year", "month")
        .distinct()
    ]


def cockpit(*, period: Period, actor: User) -> Cockpit:
    plan_year = PlanYear.objects.filter(year=period.year).first()
    yellow_gap = plan_year.warning_yellow_gap if plan_year else Decimal(0)
    trend = jurisdiction_series(year=period.year, through=period.month)
    on = period_as_of(period)
    open_year = library_year()
    board = board_projects(projects=readable_projects(actor), year=open_year, open_year=open_year, on=on)
    libraries = library_totals(board)
    overdue = (
        problem_list(problems=readable_problems(actor), on=on)
        .filter(is_overdue=True)
        .order_by("deadline", "pk")
    )
    intake = monthly_intake(year=period.year, month=period.month, units=readable_units(actor))
    return Cockpit(
        period=period,
        periods=ranked_periods(),
        plan_year=plan_year,
        headline=next((point for point in trend if point.period == period), None),
        trend=trend,
        trend_chart=_trend_chart(trend),
        groups=group_rankings(period=period, actor=actor, yellow_gap=yellow_gap),
        libraries=libraries,
        library_chart=_library_chart(libraries),
        reserve_ratio=jurisdiction_reserve_ratio(),
        intake=[row for row in intake if row.has_target],
        open_escalations=list(visible_escalations(actor=actor).exclude(status=EscalationStatus.CLOSED)),
        overdue_problems=list(overdue[:OVERDUE_PROBLEMS_SHOWN]),
        overdue_problem_count=overdue.count(),
        on=on,
    )


# --- The unit page ------------------------------------------------------------------------------


def worst_projects(*, unit: Unit, period: Period, projects: QuerySet[Project]) -> QuerySet[Project]:
    """The unit's projects under way furthest behind: annual plan × time progress − YTD, largest first.

    Reserve and to-start projects are left out: their plan depends on starting, which the boards follow.
    """
    ytd = (
        ProjectReport.objects.filter(project=OuterRef("pk"), year=period.year, month__lte=period.month)
        .order_by()
        .values("project")
        .annotate(total=Sum("amount"))
        .values("total")
    )
    plan = ProjectYearPlan.objects.filter(project=OuterRef("pk"), year=period.year).values(
        "planned_investment"
    )
    progress = Value(period.time_progress_pct / 100, output_field=MONEY)
    return (
        projects.filter(Q(reporting_unit=unit) | Q(responsible_unit=unit), stage__in=INVESTING_STAGES)
        .annotate(
            ytd=Coalesce(Subquery(ytd, output_field=MONEY), Value(Decimal(0), output_field=MONEY)),
            annual_plan=Subquery(plan[:1], output_field=MONEY),
        )
        .filter(annual_plan__gt=0)
        .annotate(
            expected=ExpressionWrapper(F("annual_plan") * progress, output_field=MONEY),
            shortfall=ExpressionWrapper(F("annual_plan") * progress - F("ytd"), output_field=MONEY),
        )
        .select_related("reporting_unit")
        .order_by("-shortfall", "name")
    )


@dataclass(frozen=True)
class UnitMonth:
    period: Period
    ytd_completed: Decimal | None
    target: Decimal | None
    rank_rows: list[RankingRow]

    @property
    def completion_rate(self) -> Decimal | None:
        if self.ytd_completed is None:
            return None
        return completion_rate_pct(self.ytd_completed, self.target)

    @property
    def time_progress(self) -> Decimal:
        return self.period.time_progress_pct


@dataclass(frozen=True)
class UnitPage:
    unit: Unit
    year: int
    period: Period | None
    targets: list[Target]
    months: list[UnitMonth]
    series_chart: dict
    rank_chart: dict
    schemes: list[str]
    submissions: list[Submission]
    escalations: list[Escalation]
    worst: list[Project]
    libraries: list[LibraryTotal]
    reserve_ratio: ReserveRatio


def unit_period(*, year: int, actor: User) -> Period | None:
    """The latest period of ``year`` whose ranking ``actor`` may see."""
    runs = RankingRun.objects.filter(year=year)
    if not can_see_drafts(actor):
        runs = runs.filter(status=RunStatus.PUBLISHED)
    run = runs.order_by("-month").first()
    return run.period if run else None


def unit_page(*, unit: Unit, year: int, through: int, actor: User) -> UnitPage:
    """A unit's year up to ``through``: targets, monthly YTD against time progress, ranks, submissions,
    escalations and its projects furthest behind."""
    rows = RankingRow.objects.filter(
        unit=unit, run__year=year, run__month__lte=through, run__scheme__is_active=True
    )
    if not can_see_drafts(actor):
        rows = rows.filter(run__status=RunStatus.PUBLISHED)
    group_size = (
        RankingRow.objects.filter(run=OuterRef("run")).order_by().values("run").annotate(n=Count("pk"))
    )
    rows = list(
        rows.select_related("run", "run__scheme")
        .annotate(group_size=Subquery(group_size.values("n")))
        .order_by("run__month", "run__scheme__sort_order")
    )
    by_month: dict[int, list[RankingRow]] = {}
    for row in rows:
        by_month.setdefault(row.run.month, []).append(row)
    months = [
        UnitMonth(Period(year, month), month_rows[0].ytd_completed, month_rows[0].target, month_rows)
        for month, month_rows in sorted(by_month.items())
    ]
    schemes = list(dict.fromkeys(row.run.scheme.name for row in rows))
    period = months[-1].period if months else None
    projects = readable_projects(actor)
    open_year = library_year()
    unit_projects = projects.filter(Q(reporting_unit=unit) | Q(responsible_unit=unit))
    return UnitPage(
        unit=unit,
        year=year,
        period=period,
        targets=list(
            Target.objects.filter(unit=unit, table__plan_year__year=year)
            .select_related("table", "table__indicator", "table__ranking_group")
            .order_by("table__sort_order", "table__pk")
        ),
        months=months,
        series_chart={
            "type": "line",
            "categories": [f"1-{month.period.month}月" for month in months],
            "series": [
                {
                    "name": "完成率",
                    "data": [_display(month.completion_rate) for month in months],
                    "labels": [format_number(month.completion_rate, 1) for month in months],
                },
                {"name": "时序进度", "data": [_display(month.time_progress) for month in months]},
            ],
            "unit": "%",
        },
        rank_chart={
            "type": "line",
            "categories": [f"1-{month.period.month}月" for month in months],
            "series": [
                {
                    "name": scheme,
                    "data": [
                        next((row.rank for row in month.rank_rows if row.run.scheme.name == scheme), None)
                        for month in months
                    ],
                }
                for scheme in schemes
            ],
            "unit": "名",
            "inverse": True,
            "max": max((row.group_size for row in rows), default=None),
        },
        schemes=schemes,
        submissions=list(Submission.objects.filter(unit=unit, year=year).order_by("month")),
        escalations=list(visible_escalations(actor=actor).filter(unit=unit, year=year, month__lte=through)),
        worst=list(worst_projects(unit=unit, period=period, projects=projects)[:WORST_PROJECTS])
        if period
        else [],
        libraries=library_totals(
            board_projects(projects=unit_projects, year=open_year, open_year=open_year, on=clock.today())
        ),
        reserve_ratio=unit_reserve_ratios(units=Unit.objects.filter(pk=unit.pk))[0][1],
    )
