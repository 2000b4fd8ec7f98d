"""The demo jurisdiction: 郑州经开区 2022 as seed 000 gives it, plus generated projects and figures.

Units, targets, the plan year and the monthly 入库 targets come verbatim from
``fixtures/zhengzhou_jingkai_2022.json``. Projects, monthly reports, official figures and
baselines are generated from a fixed random seed, so every run produces the same rows and a second
run finds them all present and changes nothing.
"""

from __future__ import annotations

import json
import random
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal
from itertools import pairwise
from pathlib import Path

from django.conf import settings
from django.contrib.auth.models import Group
from django.db import transaction
from simple_history.utils import bulk_create_with_history

from accounts.models import User
from accounts.roles import Role
from common.clock import clock_set
from common.periods import FIRST_PERIOD_MONTH, Period, periods_of_year
from projects.choices import Field, Level, ProblemCategory, ProblemStatus, Stage
from projects.models import Problem, Project, ProjectReport, ProjectYearPlan, StageChange, Tag
from reporting.choices import EscalationStatus, Metric
from reporting.models import (
    BulletinLetterhead,
    CompositeWeight,
    Escalation,
    Ladder,
    OfficialFigure,
    RankingRun,
    RankingScheme,
)
from reporting.presets import DEFAULT_COMPOSITE_WEIGHTS_SEED_004, LADDER_SEED_001, LADDER_SEED_003
from reporting.services.escalations import (
    escalation_close,
    escalation_record_meeting,
    escalation_submit_measures,
)
from reporting.services.rankings import period_publish, period_rank
from targets.models import (
    AllocationTable,
    Indicator,
    MonthlyIntakeTarget,
    PlanYear,
    RankingGroup,
    Target,
    Unit,
)

DEMO_FILE = settings.BASE_DIR / "fixtures" / "zhengzhou_jingkai_2022.json"
DEMO_YEAR = 2022
LAST_REPORTED_MONTH = 10
# The demo's data stands as on this day: October was due on 5 November, 京航 sent it late on the
# 8th, and 1-10月 is drafted. The product's clock (``common.clock``) is set to it by ``demo_load``.
DEMO_TODAY = date(DEMO_YEAR, 11, 9)
RANDOM_SEED = 20220516  # the plan's date of issue
CENT = Decimal("0.01")
# A demo problem was registered this long before its 办结时限 (and so before any 销号, made on it).
PROBLEM_TIME_TO_SOLVE = timedelta(days=60)

DEMO_PASSWORD = "Jk@2022demo"


@dataclass(frozen=True)
class DemoUser:
    username: str
    full_name: str
    role: Role
    unit: str | None = None


DEMO_USERS = (
    DemoUser("admin", "经发局管理员", Role.ADMIN),
    DemoUser("leader", "管委会领导", Role.LEADER),
    DemoUser("reviewer", "统计局审核员", Role.REVIEWER),
    DemoUser("minghu_reporter", "明湖填报员", Role.REPORTER, "明湖办事处"),
    DemoUser("minghu_head", "明湖负责人", Role.UNIT_HEAD, "明湖办事处"),
    DemoUser("chaohe_reporter", "潮河填报员", Role.REPORTER, "潮河办事处"),
    DemoUser("jianshe_reporter", "建设局填报员", Role.REPORTER, "建设局"),
)

# 增速 (%) of each sub-district for 1-2月 … 1-10月. Written out rather than drawn at random so the
# demo's ladder can be followed by hand: 前程 bottom three periods running (levels 1, 2, 3), then
# 京航 twice, 祥云 twice, 前程 once more after a gap (level 1 again), 祥云 again (level 1).
SUBDISTRICT_GROWTH_PCT = {
    "明湖办事处": ["14.2", "13.5", "12.8", "12.1", "11.6", "12.3", "12.9", "13.4", "13.8"],
    "潮河办事处": ["9.8", "10.4", "11.2", "11.9", "12.5", "12.2", "11.8", "11.5", "11.9"],
    "前程办事处": ["3.1", "2.4", "1.8", "4.5", "6.2", "7.1", "7.8", "5.8", "9.0"],
    "京航办事处": ["8.5", "8.9", "9.4", "3.9", "5.1", "8.8", "9.6", "10.2", "10.6"],
    "九龙办事处": ["16.5", "17.2", "15.8", "14.9", "15.5", "16.1", "16.8", "17.3", "17.9"],
    "祥云办事处": ["6.0", "5.5", "4.9", "5.2", "5.8", "6.5", "5.9", "6.1", "6.3"],
}

# How far ahead of (above 1) or behind time progress each unit runs; bureaus get a drawn value.
SUBDISTRICT_PACE = {
    "明湖办事处": "1.03",
    "潮河办事处": "0.97",
    "前程办事处": "0.86",
    "京航办事处": "0.92",
    "九龙办事处": "1.06",
    "祥云办事处": "0.89",
}

TAGS = ["三个一批", "982工程", "灾后重建", "专项债"]
BRANDS = [
    "恒川",
    "博源",
    "锦程",
    "中科豫信",
    "华豫",
    "天瑞",
    "联创",
    "凯丰",
    "金象",
    "鼎盛",
    "汇通",
    "瑞祥",
    "嘉禾",
    "东方航港",
    "新港",
    "宇晟",
    "正弘",
    "绿地滨河",
    "豫发",
    "宏达",
    "中铁",
    "国宏",
    "郑发",
    "智云",
]
INDUSTRY_PRODUCTS = [
    ("智能装备", "36"),
    ("新能源汽车零部件", "36"),
    ("电子信息", "39"),
    ("生物医药", "27"),
    ("精密制造", "34"),
    ("新材料", "30"),
    ("冷链物流", "59"),
    ("跨境电商", "52"),
    ("数据中心", "65"),
    ("高端装备", "35"),
    ("食品加工", "14"),
    ("光电显示", "39"),
]
INDUSTRY_SUFFIXES = [
    "产业园项目",
    "生产基地项目",
    "研发中心项目",
    "智能化技术改造项目",
    "二期工程",
    "总部基地项目",
]
PLACES = [
    "经南八路",
    "第三大街",
    "航海东路",
    "前程大道",
    "浔江东路",
    "第十五大街",
    "潮河环路",
    "龙飞北街",
    "京航路",
]
INFRA_WORKS = ["道路改造工程", "雨污分流改造工程", "综合管廊工程", "桥梁建设工程", "供热管网工程"]
SOCIAL_WORKS = [
    "小学建设项目",
    "社区卫生服务中心项目",
    "养老服务中心项目",
    "文体中心项目",
    "初级中学建设项目",
]
ECOLOGY_WORKS = ["河道综合治理项目", "污水处理厂提标改造项目", "生态公园项目", "海绵城市改造项目"]
ESTATE_SUFFIXES = ["府住宅项目", "苑安置房项目", "城商住项目", "公馆项目"]
LEADERS = ["张志强（副主任）", "李晓明（副主任）", "王建华（副主任）", "刘海涛（副主任）"]
SURNAMES = "王李张刘陈杨赵黄周吴"


@dataclass
class DemoSummary:
    units: int
    projects: int
    reports: int
    figures: int
    created_users: list[DemoUser]


def demo_load() -> DemoSummary:
    """Load the demo jurisdiction. Idempotent: rows are keyed by their natural keys."""
    data = json.loads(Path(DEMO_FILE).read_text(encoding="utf-8"))
    with transaction.atomic():
        clock_set(on=DEMO_TODAY, reason="演示数据所在日期")
        units = _load_units(data)
        plan_year = _load_plan(data, units)
        created_users = _load_users(units)
        # One generator per part, so what one part draws never shifts the next part's values.
        _load_projects(random.Random(RANDOM_SEED), units, plan_year)
        _load_official_figures(random.Random(RANDOM_SEED + 1), units, plan_year)
        _load_lifecycle(random.Random(RANDOM_SEED + 2), units)
        _load_letterhead()
        _load_schemes(plan_year)
        _load_submissions(units, plan_year)
        _load_rankings()
        _load_site_photos()
    return DemoSummary(
        units=Unit.objects.count(),
        projects=Project.objects.count(),
        reports=ProjectReport.objects.count(),
        figures=OfficialFigure.objects.count(),
        created_users=created_users,
    )


def _load_units(data: dict) -> dict[str, Unit]:
    units = {}
    for order, row in enumerate(data["units"], start=1):
        units[row["name"]], _ = Unit.objects.get_or_create(
            name=row["name"],
            defaults={
                "short_name": row["short_name"],
                "code": row["code"],
                "kind": row["kind"],
                "sort_order": order,
            },
        )
    for order, row in enumerate(data["ranking_groups"], start=1):
        group, _ = RankingGroup.objects.get_or_create(
            name=row["name"], defaults={"description": row["description"], "sort_order": order}
        )
        group.units.add(*(units[name] for name in row["units"]))
    return units


def _load_plan(data: dict, units: dict[str, Unit]) -> PlanYear:
    plan = data["plan_year"]
    plan_year, _ = PlanYear.objects.get_or_create(
        year=plan["year"],
        defaults={
            "title": plan["title"],
            "fai_target": Decimal(plan["fai_target"]),
            "growth_target_pct": Decimal(plan["growth_target_pct"]),
            "intake_project_target": plan["intake_project_target"],
            "intake_investment_target": Decimal(plan["intake_investment_target"]),
            "intake_large_project_target": plan["intake_large_project_target"],
        },
    )
    for order, table_data in enumerate(data["allocation_tables"], start=1):
        table, _ = AllocationTable.objects.get_or_create(
            plan_year=plan_year,
            name=table_data["name"],
            defaults={
                "indicator": Indicator.objects.get(code=table_data["indicator"]),
                "ranking_group": RankingGroup.objects.get(name=table_data["ranking_group"]),
                "sort_order": order,
            },
        )
        for row_order, (unit_name, value) in enumerate(table_data["rows"], start=1):
            Target.objects.get_or_create(
                table=table,
                unit=units[unit_name],
                defaults={"value": Decimal(value), "sort_order": row_order},
            )
    for unit_name, min_projects, min_investment in data["monthly_intake_targets"]:
        MonthlyIntakeTarget.objects.get_or_create(
            plan_year=plan_year,
            unit=units[unit_name],
            defaults={"min_projects": min_projects, "min_investment": Decimal(min_investment)},
        )
    return plan_year


def _load_users(units: dict[str, Unit]) -> list[DemoUser]:
    created = []
    for demo_user in DEMO_USERS:
        user, was_created = User.objects.get_or_create(
            username=demo_user.username,
            defaults={
                "last_name": demo_user.full_name,
                "unit": units[demo_user.unit] if demo_user.unit else None,
                "is_staff": demo_user.role == Role.ADMIN,
                "is_superuser": demo_user.role == Role.ADMIN,
            },
        )
        if was_created:
            user.set_password(DEMO_PASSWORD)
            user.save(update_fields=["password"])
            user.groups.add(Group.objects.get(name=demo_user.role))
            created.append(demo_user)
    return created


def _money(value: float | Decimal) -> Decimal:
    return Decimal(str(value)).quantize(CENT, rounding=ROUND_HALF_UP)


@dataclass
class _PlannedProject:
    project: Project
    tags: list[str]
    annual_plan: Decimal
    monthly_share: list[float]


def _load_projects(rng: random.Random, units: dict[str, Unit], plan_year: PlanYear) -> None:
    """Generate a few hundred projects in all four libraries with monthly reports for Jan–Oct."""
    subdistrict_targets = {
        target.unit.name: target.value
        for target in Target.objects.filter(
            table__plan_year=plan_year, unit__kind="subdistrict"
        ).select_related("unit")
    }
    bureaus = [unit for unit in units.values() if unit.kind == "bureau"]
    planned: list[_PlannedProject] = []
    serial = 0
    for unit_name, target in subdistrict_targets.items():
        count = max(12, int(target / 16000))
        weights = [rng.lognormvariate(0, 0.9) for _ in range(count)]
        stages = [_draw_stage(rng) for _ in range(count)]
        active_weight = sum(
            w
            for w, s in zip(weights, stages, strict=True)
            if s in (Stage.UNDER_CONSTRUCTION, Stage.COMPLETED)
        )
        # Projects carry about 80% of a unit's target; the rest is investment outside the key projects.
        for weight, stage in zip(weights, stages, strict=True):
            serial += 1
            annual_plan = _money(Decimal(str(weight / active_weight)) * target * Decimal("0.8"))
            planned.append(
                _plan_project(
                    rng, serial, units[unit_name], rng.choice(bureaus), stage, max(annual_plan, Decimal(800))
                )
            )
    for park_name in ("综合保税区", "物流园区"):
        for _ in range(8):
            serial += 1
            planned.append(
                _plan_project(
                    rng,
                    serial,
                    units[park_name],
                    units[park_name],
                    _draw_stage(rng),
                    _money(rng.uniform(8000, 60000)),
                )
            )

    existing = set(Project.objects.values_list("code", flat=True))
    new = [item for item in planned if item.project.code not in existing]
    bulk_create_with_history([item.project for item in new], Project)
    by_code = {
        project.code: project for project in Project.objects.filter(code__in=[i.project.code for i in new])
    }
    tags = {name: Tag.objects.get_or_create(name=name)[0] for name in TAGS}
    through = Project.tags.through
    through.objects.bulk_create(
        [through(project_id=by_code[i.project.code].pk, tag_id=tags[name].pk) for i in new for name in i.tags]
    )
    bulk_create_with_history(
        [
            ProjectYearPlan(project=by_code[i.project.code], year=DEMO_YEAR, planned_investment=i.annual_plan)
            for i in new
        ],
        ProjectYearPlan,
    )
    reports = [
        ProjectReport(
            project=by_code[item.project.code],
            year=DEMO_YEAR,
            month=month,
            amount=_money(item.annual_plan * Decimal(str(share))),
            progress=_progress_text(rng, month, item.project),
            problems="",
        )
        for item in new
        for month, share in enumerate(item.monthly_share, start=1)
        if share > 0
    ]
    bulk_create_with_history(reports, ProjectReport, batch_size=1000)
    _load_stage_history([by_code[i.project.code] for i in new])
    _load_problems(rng, [by_code[i.project.code] for i in new])


def _draw_stage(rng: random.Random) -> Stage:
    return rng.choices(
        [Stage.RESERVE, Stage.TO_START, Stage.UNDER_CONSTRUCTION, Stage.COMPLETED], weights=[22, 14, 50, 14]
    )[0]


def _plan_project(
    rng: random.Random,
    serial: int,
    reporting_unit: Unit,
    responsible_unit: Unit,
    stage: Stage,
    annual_plan: Decimal,
) -> _PlannedProject:
    field = rng.choices(
        [Field.INDUSTRY, Field.INFRASTRUCTURE, Field.REAL_ESTATE, Field.SOCIAL, Field.ECOLOGY],
        weights=[45, 20, 15, 12, 8],
    )[0]
    name, industry_code = _project_name(rng, field, reporting_unit)
    share_of_total = Decimal(str(rng.uniform(0.2, 0.45)))
    total = _money(annual_plan / share_of_total).quantize(Decimal(1))
    start_month = rng.randint(1, 9)
    project = Project(
        name=name,
        code=_project_code(rng, serial, industry_code),
        reporting_unit=reporting_unit,
        responsible_unit=responsible_unit,
        level=rng.choices(
            [Level.PROVINCIAL, Level.MUNICIPAL, Level.DISTRICT, Level.GENERAL], weights=[6, 18, 40, 36]
        )[0],
        field=field,
        total_investment=total,
        stage=stage,
        planned_start=date(DEMO_YEAR, start_month, 1),
        planned_completion=date(DEMO_YEAR + rng.randint(0, 3), rng.randint(1, 12), 28),
        company=f"郑州{rng.choice(BRANDS)}{rng.choice(['实业', '科技', '置业', '建设'])}有限公司",
        contact_person=f"{rng.choice(SURNAMES)}{rng.choice(['经理', '主任', '总监'])}",
        contact_phone=f"1{rng.choice('3589')}{rng.randint(100000000, 999999999)}",
    )
    monthly_share = [0.0] * 12
    if stage in (Stage.UNDER_CONSTRUCTION, Stage.COMPLETED):
        started_last_year = rng.random() < 0.6
        first_month = 1 if started_last_year else rng.randint(1, 6)
        project.actual_start = (
            date(DEMO_YEAR - 1, rng.randint(3, 11), 15)
            if started_last_year
            else date(DEMO_YEAR, first_month, 10)
        )
        last_month = LAST_REPORTED_MONTH
        if stage == Stage.COMPLETED:
            last_month = rng.randint(max(first_month + 1, 4), LAST_REPORTED_MONTH)
            project.actual_completion = date(DEMO_YEAR, last_month, 25)
        for month in range(first_month, last_month + 1):
            monthly_share[month - 1] = rng.uniform(0.05, 0.12)
        project.is_registered = rng.random() < 0.9
        if project.is_registered:
            # The 入库 drive launched with the plan in May 2022 registered the spring's backlog that month;
            # a project is registered once it has started.
            drawn_month, day = rng.randint(1, LAST_REPORTED_MONTH), rng.randint(1, 28)
            backlog = drawn_month in (3, 4) and day > 10
            project.registered_on = date(DEMO_YEAR, max(first_month, 5 if backlog else drawn_month), day)
    if project.total_investment >= 10000:
        project.leader_in_charge = rng.choice(LEADERS)
    tags = sorted(set(rng.sample(TAGS, k=rng.choice([0, 0, 1, 1, 2]))))
    return _PlannedProject(project=project, tags=tags, annual_plan=annual_plan, monthly_share=monthly_share)


def _project_code(rng: random.Random, serial: int, industry_code: str) -> str:
    """A national project code: year - 区划代码 (410171 郑州经开区) - industry - type - serial."""
    project_type = rng.choice(["01", "02", "03"])
    return f"{DEMO_YEAR - rng.randint(0, 2)}-410171-{industry_code}-{project_type}-{serial:06d}"


def _project_name(rng: random.Random, field: Field, unit: Unit) -> tuple[str, str]:
    place = rng.choice(PLACES)
    if field == Field.INDUSTRY:
        product, code = rng.choice(INDUSTRY_PRODUCTS)
        return f"{rng.choice(BRANDS)}{product}{rng.choice(INDUSTRY_SUFFIXES)}", code
    if field == Field.INFRASTRUCTURE:
        return f"经开区{place}{rng.choice(INFRA_WORKS)}", "48"
    if field == Field.REAL_ESTATE:
        return f"{rng.choice(BRANDS)}·{unit.display_name}{rng.choice(ESTATE_SUFFIXES)}", "70"
    if field == Field.SOCIAL:
        return f"经开区{unit.display_name}{rng.choice(SOCIAL_WORKS)}", "83"
    return f"{unit.display_name}片区{rng.choice(ECOLOGY_WORKS)}", "77"


def _progress_text(rng: random.Random, month: int, project: Project) -> str:
    phase = [
        "土方开挖",
        "基础施工",
        "主体结构施工",
        "主体封顶",
        "二次结构及机电安装",
        "装饰装修",
        "设备安装调试",
    ]
    return f"{month}月：{phase[min(len(phase) - 1, (month - 1) * len(phase) // 12 + rng.randint(0, 1))]}"


def _load_stage_history(projects: list[Project]) -> None:
    """The moves that brought each project to its library: 储备→开工→在建→竣工."""
    path = [Stage.RESERVE, Stage.TO_START, Stage.UNDER_CONSTRUCTION, Stage.COMPLETED]
    changes = []
    for project in projects:
        dates = {
            Stage.TO_START: date(project.planned_start.year - 1, 12, 1),
            Stage.UNDER_CONSTRUCTION: project.actual_start,
            Stage.COMPLETED: project.actual_completion,
        }
        for from_stage, to_stage in pairwise(path[: path.index(project.stage) + 1]):
            changes.append(
                StageChange(
                    project=project,
                    from_stage=from_stage,
                    to_stage=to_stage,
                    changed_on=dates[to_stage],
                    reason="演示数据：按项目实际进展调整入库阶段",
                )
            )
    StageChange.objects.bulk_create(changes)


def _load_problems(rng: random.Random, projects: list[Project]) -> None:
    descriptions = {
        ProblemCategory.FUNDS: "项目资本金未足额到位，影响后续施工",
        ProblemCategory.LAND: "部分用地指标未落实，需协调土地报批",
        ProblemCategory.PROCEDURES: "施工许可证尚未办理完成",
        ProblemCategory.DEMOLITION: "红线范围内尚有未拆迁房屋",
        ProblemCategory.OTHER: "施工用电接入滞后",
    }
    started = [p for p in projects if p.stage == Stage.UNDER_CONSTRUCTION]
    problems = []
    for project in rng.sample(started, k=min(24, len(started))):
        category = rng.choice(list(ProblemCategory))
        closed = rng.random() < 0.4
        deadline = date(DEMO_YEAR, rng.randint(6, 12), 30 if rng.random() < 0.5 else 15)
        problems.append(
            Problem(
                project=project,
                category=category,
                description=descriptions[category],
                owner_unit=project.responsible_unit,
                deadline=deadline,
                registered_on=deadline - PROBLEM_TIME_TO_SOLVE,
                status=ProblemStatus.CLOSED
                if closed
                else rng.choice([ProblemStatus.OPEN, ProblemStatus.IN_PROGRESS]),
                closed_on=deadline if closed else None,
                resolution="经协调已解决" if closed else "",
            )
        )
    bulk_create_with_history(problems, Problem)


def _load_letterhead() -> None:
    """The 经发局 issues the 通报; the 文号 follows seed 000's own 郑经管政〔2022〕2号 style."""
    BulletinLetterhead.objects.update_or_create(
        pk=1,
        defaults={
            "issuing_authority": "郑州经济技术开发区经济发展局",
            "number_pattern": "郑经发〔{year}〕{month}号",
            "signatory": "郑州经济技术开发区经济发展局",
        },
    )


def _load_schemes(plan_year: PlanYear) -> None:
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


def _load_rankings() -> None:
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


def _load_official_figures(rng: random.Random, units: dict[str, Unit], plan_year: PlanYear) -> None:
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
            ytd = _money(target * period.time_progress_pct / 100 * (pace + wobble))
            baseline = _money(ytd / (1 + growth_pct / 100))
            if (unit.pk, period.month) not in existing:
                figures.append(
                    OfficialFigure(
                        unit=unit, year=period.year, month=period.month, ytd_completed=ytd, baseline=baseline
                    )
                )
    bulk_create_with_history(figures, OfficialFigure)


def _load_lifecycle(rng: random.Random, units: dict[str, Unit]) -> None:
    """Stewards (with a 单位负责人 login per unit), procedures checklists and the 签约/开工/竣工/达效
    milestones of the demo projects, and one pending 退库 request.

    Only projects that have no milestones yet are filled in, so a second run finds nothing to do.
    """
    from datetime import timedelta

    from projects.choices import ExitReason, MilestoneKind
    from projects.models import PROCEDURES, ExitRequest, Milestone

    as_of = date(DEMO_YEAR, LAST_REPORTED_MONTH, 31)
    stewards = {"明湖办事处": User.objects.get(username="minghu_head")}
    for username, unit_name in (
        ("chaohe_head", "潮河办事处"),
        ("qiancheng_head", "前程办事处"),
        ("jinghang_head", "京航办事处"),
        ("jiulong_head", "九龙办事处"),
        ("xiangyun_head", "祥云办事处"),
        ("zongbao_head", "综合保税区"),
        ("wuliu_head", "物流园区"),
    ):
        unit = units[unit_name]
        steward, created = User.objects.get_or_create(
            username=username, defaults={"last_name": f"{unit.display_name}主任", "unit": unit}
        )
        if created:
            steward.set_password(DEMO_PASSWORD)
            steward.save(update_fields=["password"])
            steward.groups.add(Group.objects.get(name=Role.UNIT_HEAD))
        stewards[unit_name] = steward

    projects = list(
        Project.objects.filter(milestones__isnull=True).select_related("reporting_unit").order_by("code")
    )
    if not projects:
        return
    milestones = []
    for project in projects:
        if rng.random() < 0.9:
            project.steward = stewards.get(project.reporting_unit.name)
        if project.stage == Stage.RESERVE:
            # 储备库 holds the projects that cannot start this year (seed 003), so they plan to next year.
            project.planned_start = project.planned_start.replace(year=DEMO_YEAR + 1)
            project.planned_completion = max(
                project.planned_completion, project.planned_start + timedelta(days=365)
            )
        # Procedures are done in order, each some weeks after the previous one; a reserve project has
        # done only some of them, every other library's project all of them before it started.
        done = rng.choice([0, 1, 2, 2, 3, 4]) if project.stage == Stage.RESERVE else len(PROCEDURES)
        start = project.actual_start or project.planned_start
        day = start - timedelta(days=rng.randint(150, 300))
        for field, _label in PROCEDURES[:done]:
            setattr(project, field, min(day, as_of))
            day += timedelta(days=rng.randint(20, 60))
        signed_on = (project.approval_on or as_of) - timedelta(days=rng.randint(30, 150))
        reached_output = (
            project.actual_completion + timedelta(days=rng.randint(60, 120))
            if project.actual_completion
            else None
        )
        dates = {
            MilestoneKind.SIGNING: (signed_on, signed_on if done or project.stage != Stage.RESERVE else None),
            MilestoneKind.START: (project.planned_start, project.actual_start),
            MilestoneKind.COMPLETION: (project.planned_completion, project.actual_completion),
            MilestoneKind.OUTPUT: (
                project.planned_completion + timedelta(days=180),
                reached_output if reached_output and reached_output <= as_of else None,
            ),
        }
        milestones += [
            Milestone(project=project, kind=kind, planned_on=planned, actual_on=actual)
            for kind, (planned, actual) in dates.items()
        ]
    # One UPDATE per project: bulk_update's CASE expressions over 350 rows cost seconds to build.
    fields = ["steward", "planned_start", "planned_completion", *(field for field, _label in PROCEDURES)]
    for project in projects:
        Project.objects.filter(pk=project.pk).update(**{field: getattr(project, field) for field in fields})
    Project.history.bulk_history_create(projects, update=True)
    bulk_create_with_history(milestones, Milestone)

    stopped = next(
        (p for p in projects if p.stage == Stage.RESERVE and p.reporting_unit.name == "明湖办事处"), None
    )
    if stopped is not None:
        ExitRequest.objects.create(
            project=stopped,
            reason=ExitReason.TALKS_STOPPED,
            note="企业因资金链紧张已停止洽谈，经区重大项目建设工作领导小组研究同意退出重点项目库。",
            requested_by=stewards["明湖办事处"],
        )


def _load_submissions(units: dict[str, Unit], plan_year: PlanYear) -> None:
    """Monthly returns: January–September locked (their bulletins are out), October under way.

    明湖办事处's October has no return yet, so its reporter can fill the month, save, come back and
    submit it. The other units' October returns stand at each step of the way, and a few returns
    came in after the deadline, so the 报送情况 board shows every state and late returns.
    """
    # Imported here, so that this loader stays one block at the end of the module.
    from datetime import datetime
    from zoneinfo import ZoneInfo

    from reporting.choices import SubmissionStatus
    from reporting.models import Submission

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


def _load_site_photos() -> None:
    """Site photos of three of 明湖办事处's key projects, taken on site in September and October with
    the position in their EXIF, one of them marked as 入库纳统 evidence, as 明湖's steward would upload
    them from the phone page. Only when the demo has no photo yet, so a second run adds none."""
    import io

    from PIL import Image, ImageDraw
    from PIL.ExifTags import GPS, IFD, Base

    from projects.choices import EvidenceKind
    from projects.models import SitePhoto
    from projects.services import photo_add

    if SitePhoto.objects.exists():
        return
    steward = User.objects.get(username="minghu_head")
    projects = Project.objects.filter(
        steward=steward, stage=Stage.UNDER_CONSTRUCTION, level__in=(Level.MUNICIPAL, Level.DISTRICT)
    ).order_by("code")[:3]
    for index, project in enumerate(projects):
        for shot, (month, day, floors) in enumerate(
            ((9, 20, 3 + index), (LAST_REPORTED_MONTH, 18, 5 + index))
        ):
            picture = Image.new("RGB", (960, 720), (150, 190, 225))
            draw = ImageDraw.Draw(picture)
            draw.rectangle((0, 520, 960, 720), fill=(150, 130, 100))
            for floor in range(floors):
                draw.rectangle(
                    (300, 500 - floor * 50, 660, 540 - floor * 50), fill=(190, 190, 185), outline="grey"
                )
            draw.line((720, 520, 720, 120, 560, 120), fill=(230, 180, 30), width=8)
            exif = Image.Exif()
            exif.get_ifd(IFD.Exif)[Base.DateTimeOriginal] = (
                f"{DEMO_YEAR}:{month:02d}:{day:02d} 10:{index * 7:02d}:00"
            )
            gps = exif.get_ifd(IFD.GPSInfo)
            gps[GPS.GPSLatitudeRef], gps[GPS.GPSLatitude] = "N", (34.0, 43.0, 10.0 + index * 9)
            gps[GPS.GPSLongitudeRef], gps[GPS.GPSLongitude] = "E", (113.0, 44.0, 20.0 + index * 11)
            out = io.BytesIO()
            picture.save(out, format="JPEG", quality=80, exif=exif.tobytes())
            photo_add(
                project=project,
                data=out.getvalue(),
                by=steward,
                caption=f"主体施工至{floors}层",
                evidence_kind=EvidenceKind.SITE if index == 0 and shot == 1 else "",
            )
