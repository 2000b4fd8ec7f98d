"""What the periodic jobs do on a given day: remind, draft rankings, assess.

Each function takes ``today`` so the beat jobs, the commands and the tests run the same code, and
each is safe to run any number of times a day.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date

from django.urls import reverse

from common.periods import FIRST_PERIOD_MONTH, Period
from projects.models import Project
from projects.selectors.warnings import dispatch_projects
from targets.models import PlanYear, Unit

from ..choices import NotificationKind, RunStatus, SubmissionStatus
from ..freeze import period_is_published
from ..models import Assessment, RankingRun, Submission
from ..selectors.rankings import active_schemes
from ..selectors.staleness import stale_run_ids
from .assessments import QUARTER_END_MONTHS, assessments_after_publish
from .notifications import Message, notification_send, notifications_send, unit_heads_of, units_users
from .rankings import RankingError, period_rank

DONE = [
    SubmissionStatus.SUBMITTED,
    SubmissionStatus.APPROVED,
    SubmissionStatus.VERIFIED,
    SubmissionStatus.LOCKED,
]


def reported_month(today: date) -> tuple[int, int]:
    """The month whose returns are due this month: last month."""
    return (today.year, today.month - 1) if today.month > 1 else (today.year - 1, 12)


def reminders_send(*, today: date) -> int:
    """催报: from the reminder day to the deadline, remind every unit that has not submitted last month."""
    year, month = reported_month(today)
    plan_year = PlanYear.objects.filter(year=year).first()
    if plan_year is None or not plan_year.reminder_start_day <= today.day <= plan_year.report_deadline_day:
        return 0
    done = Submission.objects.filter(year=year, month=month, status__in=DONE).values_list(
        "unit_id", flat=True
    )
    units = Unit.objects.filter(is_active=True, ranking_groups__isnull=False).exclude(pk__in=done).distinct()
    deadline = date(today.year, today.month, plan_year.report_deadline_day)
    units = list(units)
    users = units_users(unit.pk for unit in units)
    title = f"请于{deadline.month}月{deadline.day}日前报送{year}年{month}月投资数据"
    return notifications_send(
        key=f"remind:{year}-{month:02d}:{today.isoformat()}",
        kind=NotificationKind.REMINDER,
        messages=[
            Message(
                user,
                title,
                f"{unit.name}尚未报送{year}年{month}月数据，距截止还有{(deadline - today).days}天。",
                unit=unit,
            )
            for unit in units
            for user in users[unit.pk]
        ],
    )


def rankings_draft_due(*, today: date) -> list[RankingRun]:
    """After the deadline, draft last month's period: once for every scheme that has no run yet, and
    again whenever a draft has gone stale (its figures, targets or scheme changed since)."""
    year, month = reported_month(today)
    plan_year = PlanYear.objects.filter(year=year).first()
    if plan_year is None or month < FIRST_PERIOD_MONTH or today.day <= plan_year.report_deadline_day:
        return []
    period = Period(year, month)
    if period_is_published(period):
        return []
    runs = list(RankingRun.objects.filter(year=year, month=month).select_related("scheme"))
    drafted = {run.scheme_id for run in runs}
    if all(scheme.pk in drafted for scheme in active_schemes()) and not stale_run_ids(runs):
        return []
    try:
        return period_rank(period=period).runs
    except RankingError:
        return []


def assessments_due(*, today: date) -> list[Assessment]:
    """Quarter-end and year-end: any assessment a published quarter-end period should have had and
    has not (publication drafts them; this catches up on one that could not be drafted then)."""
    done = []
    for year in (today.year - 1, today.year):
        published = RankingRun.objects.filter(
            year=year, month__in=QUARTER_END_MONTHS, status=RunStatus.PUBLISHED
        ).values_list("month", flat=True)
        for month in sorted(set(published)):
            done += assessments_after_publish(period=Period(year, month), missing_only=True).assessments
    return done


def weekly_dispatch_send(*, today: date) -> int:
    """周调度 reaches every project: each 项目管家 is told of their own projects with no report this
    month or overdue problems, and the notice opens that steward's own list; a project with no
    steward goes to its unit's heads, flagged 缺项目管家 (seed 003: 一项目一管家)."""
    by_steward, unstewarded = defaultdict(list), defaultdict(list)
    for project in dispatch_projects(projects=Project.objects.all(), on=today):
        if project.steward_id is None:
            unstewarded[project.reporting_unit_id].append(project)
        else:
            by_steward[project.steward].append(project)
    year, week, _ = today.isocalendar()
    dispatch = reverse("projects:dispatch")
    sent = 0
    for steward, projects in by_steward.items():
        sent += notification_send(
            users=[steward],
            key=f"dispatch:{year}-W{week:02d}",
            kind=NotificationKind.REMINDER,
            title=f"周调度：{len(projects)}个项目本月未报或有逾期问题",
            body=f"{_names(projects)}，请督促填报并推进问题销号。",
            link=f"{dispatch}?steward={steward.pk}",
        )
    heads = unit_heads_of(unstewarded)
    for unit_id, projects in unstewarded.items():
        unit = projects[0].reporting_unit
        sent += notification_send(
            users=heads.get(unit_id, []),
            key=f"dispatch-no-steward:{year}-W{week:02d}",
            kind=NotificationKind.REMINDER,
            title=f"周调度：{unit.name}{len(projects)}个项目缺项目管家",
            body=f"缺项目管家：{_names(projects)}。这些项目本月未报或有逾期问题，请指定项目管家并督促推进。",
            link=f"{dispatch}?steward_missing=true",
            unit=unit,
        )
    return sent


def _names(projects: list[Project]) -> str:
    names = "、".join(project.name for project in projects[:5])
    return names + (f"等{len(projects)}个项目" if len(projects) > 5 else "")
