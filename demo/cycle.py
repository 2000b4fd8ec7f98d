"""The demo's monthly cycle: the official figures, the 通报 letterhead, the ranking schemes, the units'
submissions and the published rankings with their escalations."""

from __future__ import annotations

import random
from datetime import date, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.conf import settings
from simple_history.utils import bulk_create_with_history

from common.periods import FIRST_PERIOD_MONTH, Period, periods_of_year
from projects.models import Project
from reporting.choices import EscalationStatus, Metric, SubmissionStatus
from reporting.models import (
    BulletinLetterhead,
    CompositeWeight,
    Escalation,
    Ladder,
    OfficialFigure,
    RankingRun,
    RankingScheme,
    Submission,
)
from reporting.presets import DEFAULT_COMPOSITE_WEIGHTS_SEED_004, LADDER_SEED_001, LADDER_SEED_003
from reporting.services.escalations import (
    escalation_close,
    escalation_record_meeting,
    escalation_submit_measures,
)
from reporting.services.rankings import period_publish, period_rank
from targets.models import AllocationTable, Indicator, PlanYear, RankingGroup, Target, Unit

from .constants import DEMO_YEAR, LAST_REPORTED_MONTH, SUBDISTRICT_GROWTH_PCT, SUBDISTRICT_PACE, money


def load_official_figures(rng: random.Random, units: dict[str, Unit], plan_year: PlanYear) -> None:
    """Official YTD figures and 2021 baselines for every unit and period 1-2月 … 1-10月."""
    targets = {
        target.unit_id: target.value
        for target in Target.objects.filter(table__plan_year=plan_year).select_related("unit")
    }
    periods = periods_of_year(DEMO_YEAR, through=LAST_REPORTED_MONTH)
    existing = set(OfficialFigure.objects.filter(year=DEMO_YEAR).values_list("unit_id", "month"))
    figures = []
    for unit in units.values():
        target = targets[unit.pk]
        if unit.name in SUBDISTRICT_GROWTH_PCT:
            pace = Decimal(SUBDISTRICT_PACE[unit.name])
            growth = [Decimal(g) for g in SUBDISTRICT_GROWTH_PCT[unit.name]]
        else:
            pace = Decimal(str(round(rng.uniform(0.78, 1.12), 3)))
            base_growth = rng.uniform(-4, 22)
            growth = [Decimal(str(round(base_growth + rng.uniform(-2.5, 2.5), 1))) for _ in periods]
        for period, growth_pct in zip(periods, growth, strict=True):
            wobble = Decimal(str(round(rng.uniform(-0.03, 0.03), 3)))
            ytd = money(target * period.time_progress_pct / 100 * (pace + wobble))
            baseline = money(ytd / (1 + growth_pct / 100))
            if (unit.pk, period.month) not in existing:
                figures.append(
                    OfficialFigure(
                        unit=unit, year=period.year, month=period.month, ytd_completed=ytd, baseline=baseline
                    )
                )
    bulk_create_with_history(figures, OfficialFigure)


def load_letterhead() -> None:
    """The 经发局 issues the 通报; the 文号 follows seed 000's own 郑经管政〔2022〕2号 style."""
    BulletinLetterhead.objects.update_or_create(
        pk=1,
        defaults={
            "issuing_authority": "郑州经济技术开发区经济发展局",
            "number_pattern": "郑经发〔{year}〕{month}号",
            "signatory": "郑州经济技术开发区经济发展局",
        },
    )


def load_schemes(plan_year: PlanYear) -> None:
    """The demo's schemes: 办事处 by growth with seed 001's ladder, 局办 by completion rate with
    seed 003's ladder (表态发言 at the key-project meeting, then 分管区领导约谈主要负责人).

    A composite (seed 004) scheme for the sub-districts ships inactive, to show how one is set up.
    """
    ladder = Ladder.objects.get(name=LADDER_SEED_001.name)
    subdistricts = RankingGroup.objects.get(name="办事处")
    bureaus = RankingGroup.objects.get(name="局办")
    RankingScheme.objects.get_or_create(
        name="办事处固定资产投资增速排名",
        defaults={"group": subdistricts, "metric": Metric.GROWTH, "ladder": ladder, "sort_order": 1},
    )
    RankingScheme.objects.get_or_create(
        name="局办固定资产投资完成率排名",
        defaults={
            "group": bureaus,
            "metric": Metric.COMPLETION_RATE,
            "allocation_table": AllocationTable.objects.get(plan_year=plan_year, ranking_group=bureaus),
            "ladder": Ladder.objects.get(name=LADDER_SEED_003.name),
            "sort_order": 2,
        },
    )
    composite, created = RankingScheme.objects.get_or_create(
        name="办事处综合考评（加权打分）",
        defaults={"group": subdistricts, "metric": Metric.COMPOSITE, "is_active": False, "sort_order": 3},
    )
    if created:
        indicators = Indicator.objects.filter(code__in=["fai", "intake_count", "intake_amount", "new_starts"])
        CompositeWeight.objects.bulk_create(
            [
                CompositeWeight(
                    scheme=composite,
                    indicator=indicator,
                    weight=DEFAULT_COMPOSITE_WEIGHTS_SEED_004.get(indicator.code, 10),
                )
                for indicator in indicators
            ]
        )


def load_submissions(units: dict[str, Unit], plan_year: PlanYear) -> None:
    """Monthly returns: January–September locked (their bulletins are out), October under way.

    明湖办事处's October has no return yet, so its reporter can fill the month, save, come back and
    submit it. The other units' October returns stand at each step of the way, and a few returns
    came in after the deadline, so the 报送情况 board shows every state and late returns.
    """
    # Imported here, so that this loader stays one block at the end of the module.

    late = {("前程办事处", 3), ("前程办事处", 7), ("祥云办事处", 5), ("京航办事处", LAST_REPORTED_MONTH)}
    october = {
        "潮河办事处": SubmissionStatus.APPROVED,
        "九龙办事处": SubmissionStatus.VERIFIED,
        "京航办事处": SubmissionStatus.SUBMITTED,
        "综合保税区": SubmissionStatus.SUBMITTED,
    }
    reporting_units = set(Project.objects.values_list("reporting_unit_id", flat=True))
    existing = set(Submission.objects.filter(year=DEMO_YEAR).values_list("unit_id", "month"))
    timezone = ZoneInfo(settings.TIME_ZONE)
    returns = []
    for unit in units.values():
        for month in range(1, LAST_REPORTED_MONTH + 1):
            status = SubmissionStatus.LOCKED if month < LAST_REPORTED_MONTH else october.get(unit.name)
            if status is None or (unit.pk, month) in existing:
                continue
            submitted_at = None
            if unit.pk in reporting_units:
                day = plan_year.report_deadline_day + 3 if (unit.name, month) in late else 1 + month % 4
                submitted_at = datetime(DEMO_YEAR, month + 1, day, 17, 30, tzinfo=timezone)
            returns.append(
                Submission(
                    unit=unit,
                    year=DEMO_YEAR,
                    month=month,
                    status=status,
                    submitted_at=submitted_at,
                    is_late=submitted_at is not None and submitted_at.day > plan_year.report_deadline_day,
                )
            )
    Submission.objects.bulk_create(returns)


def load_rankings() -> None:
    """1-2月 … 1-9月 published with their bulletins; 1-10月 drafted, waiting for the lead office.

    The earliest escalations have run their course, so every state of one shows in the demo.
    """
    for month in range(FIRST_PERIOD_MONTH, LAST_REPORTED_MONTH):
        period_publish(period=Period(DEMO_YEAR, month))
    if not RankingRun.objects.filter(year=DEMO_YEAR, month=LAST_REPORTED_MONTH).exists():
        period_rank(period=Period(DEMO_YEAR, LAST_REPORTED_MONTH))
    pending = Escalation.objects.filter(year=DEMO_YEAR, month__lte=4, status=EscalationStatus.PENDING)
    for escalation in pending.order_by("month"):
        meeting_day = date(DEMO_YEAR, escalation.month + 1, 12)
        if escalation.needs_meeting:
            escalation_record_meeting(
                escalation=escalation,
                meeting_date=meeting_day,
                interviewer=escalation.interviewer_role,
                minutes="听取投资完成情况汇报，分析增速落后原因，要求制定整改方案、明确完成时限。",
            )
        escalation_submit_measures(
            escalation=escalation,
            measures="一是加快在建项目投资进度；二是推动已开工项目尽快入库纳统；三是每周调度重点项目。",
        )
        if escalation.month < 4:
            escalation_close(escalation=escalation, closed_on=meeting_day + timedelta(days=30))
