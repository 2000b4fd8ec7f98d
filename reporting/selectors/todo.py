"""What waits for each role on its home page: the to-do list of the monthly cycle.

填报员 and 单位负责人: the open month, days left by the one clock, the return's state, and a return
sent back with its reason and who sent it until it is resubmitted; the head also sees the returns
waiting for its approval with the amounts the reporter confirmed as unusual. 统计审核: returns to
verify and official figures still missing. 管理员: the period's readiness, its draft ranking and the
escalations waiting for the lead office.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime
from functools import reduce
from operator import or_

from django.db.models import Q

from accounts.models import User
from accounts.permissions import has_any_role
from accounts.roles import Role
from common import clock
from common.periods import FIRST_PERIOD_MONTH, Period
from projects.models import ProjectReport
from targets.models import Unit

from ..choices import EscalationStatus, FigureSource, RunStatus, SubmissionStatus
from ..freeze import period_is_published
from ..models import Escalation, OfficialFigure, RankingRow, RankingRun, Submission, SubmissionEvent
from .monthly import confirmed_reports
from .periods import ReportingMonth, open_reporting_month
from .rankings import active_schemes
from .readiness import PeriodReadiness, period_readiness, return_state
from .unit_figures import figure_source_for

OPEN_ESCALATION = [EscalationStatus.PENDING, EscalationStatus.INTERVIEWED, EscalationStatus.RECTIFYING]


@dataclass(frozen=True)
class SentBack:
    """The reason a return was sent back, who sent it and when."""

    reason: str
    by: str
    at: datetime


@dataclass(frozen=True)
class UnitReturn:
    unit: Unit
    month: ReportingMonth
    submission: Submission | None
    state: str
    days_left: int | None
    sent_back: SentBack | None


@dataclass(frozen=True)
class AwaitingApproval:
    submission: Submission
    # The month's reports whose unusual amount the reporter confirmed (我已核实), with who and when.
    confirmed_unusual: list[ProjectReport]


@dataclass
class HomeTodo:
    unit_return: UnitReturn | None = None
    awaiting_approval: list[AwaitingApproval] = field(default_factory=list)
    to_verify: list[Submission] = field(default_factory=list)
    figures_period: Period | None = None
    figures_missing: list[Unit] = field(default_factory=list)
    readiness: PeriodReadiness | None = None
    draft_runs: list[RankingRun] = field(default_factory=list)
    # The draft's bottom units, with the ladder step proposed for each (its row's note).
    draft_bottom: list[RankingRow] = field(default_factory=list)
    escalations: list[Escalation] = field(default_factory=list)

    @property
    def is_empty(self) -> bool:
        return not (
            self.unit_return
            or self.awaiting_approval
            or self.to_verify
            or self.figures_missing
            or self.readiness
            or self.escalations
        )


def sent_back(submission: Submission | None) -> SentBack | None:
    """A draft that was submitted before was sent back: the last move to draft says why and by whom."""
    if submission is None or submission.status != SubmissionStatus.DRAFT or submission.submitted_at is None:
        return None
    event = (
        SubmissionEvent.objects.filter(submission=submission, to_status=SubmissionStatus.DRAFT)
        .exclude(from_status=SubmissionStatus.DRAFT)
        .select_related("actor")
        .order_by("-created_at", "-id")
        .first()
    )
    if event is None:
        return None
    by = (event.actor.get_full_name() or event.actor.username) if event.actor else "系统"
    return SentBack(reason=event.reason, by=by, at=event.created_at)


def unit_return(*, unit: Unit) -> UnitReturn:
    today = clock.today()
    month = open_reporting_month(today=today, unit=unit)
    submission = Submission.objects.filter(unit=unit, year=month.year, month=month.month).first()
    owed = submission is None or submission.status == SubmissionStatus.DRAFT
    return UnitReturn(
        unit=unit,
        month=month,
        submission=submission,
        state=return_state(submission),
        days_left=month.days_left(today) if owed else None,
        sent_back=sent_back(submission),
    )


def awaiting_approval(*, unit: Unit) -> list[AwaitingApproval]:
    """The unit's returns waiting for its head, each with the amounts its reporter confirmed as
    unusual: two queries however many returns wait and however many rows they confirm."""
    waiting = list(
        Submission.objects.filter(unit=unit, status=SubmissionStatus.SUBMITTED)
        .select_related("unit")
        .order_by("year", "month")
    )
    if not waiting:
        return []
    months = reduce(or_, (Q(year=submission.year, month=submission.month) for submission in waiting))
    confirmed = defaultdict(list)
    for report in confirmed_reports(unit=unit).filter(months):
        confirmed[report.year, report.month].append(report)
    return [
        AwaitingApproval(submission, confirmed[submission.year, submission.month]) for submission in waiting
    ]


def open_period(today) -> Period | None:
    """The period of the month being reported: the one the reviewer and the lead office work on."""
    month = open_reporting_month(today=today)
    return Period(month.year, month.month) if month.month >= FIRST_PERIOD_MONTH else None


def figures_missing(*, period: Period) -> list[Unit]:
    """Units of the ranking groups still without the statistics bureau's figure for the period."""
    if figure_source_for(period.year) != FigureSource.OFFICIAL:
        return []
    have = OfficialFigure.objects.filter(year=period.year, month=period.month).values("unit_id")
    return list(
        Unit.objects.filter(is_active=True, ranking_groups__isnull=False)
        .exclude(pk__in=have)
        .distinct()
        .order_by("sort_order", "name")
    )


def home_todo(*, actor: User) -> HomeTodo:
    todo = HomeTodo()
    if actor.unit_id is not None and has_any_role(actor, (Role.REPORTER, Role.UNIT_HEAD)):
        todo.unit_return = unit_return(unit=actor.unit)
        todo.escalations = list(
            Escalation.objects.filter(unit=actor.unit_id, status__in=OPEN_ESCALATION).select_related(
                "unit", "scheme"
            )
        )
    if actor.unit_id is not None and has_any_role(actor, (Role.UNIT_HEAD,)):
        todo.awaiting_approval = awaiting_approval(unit=actor.unit)
    period = open_period(clock.today())
    if has_any_role(actor, (Role.REVIEWER,)):
        todo.to_verify = list(
            Submission.objects.filter(status=SubmissionStatus.APPROVED)
            .select_related("unit")
            .order_by("year", "month", "unit__sort_order")
        )
        if period is not None:
            todo.figures_period = period
            todo.figures_missing = figures_missing(period=period)
    if has_any_role(actor, (Role.ADMIN,)):
        if period is not None and not period_is_published(period):
            todo.readiness = period_readiness(period=period, schemes=list(active_schemes()))
            todo.draft_runs = list(
                RankingRun.objects.filter(year=period.year, month=period.month, status=RunStatus.DRAFT)
                .select_related("scheme")
                .order_by("scheme__sort_order", "scheme__name")
            )
            todo.draft_bottom = list(
                RankingRow.objects.filter(run__in=todo.draft_runs, is_bottom=True)
                .select_related("unit", "run__scheme")
                .order_by("run__scheme__sort_order", "run__scheme__name", "unit__sort_order")
            )
        todo.escalations = list(
            Escalation.objects.filter(
                status__in=[EscalationStatus.PENDING, EscalationStatus.RECTIFYING]
            ).select_related("unit", "scheme")
        )
    return todo
