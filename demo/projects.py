"""The demo's projects: drawn from a fixed seed, with their monthly reports, 入库 and stage history
and their problems."""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from itertools import pairwise

from simple_history.utils import bulk_create_with_history

from projects.choices import Field, Level, ProblemCategory, ProblemStatus, Stage
from projects.models import Problem, Project, ProjectReport, ProjectYearPlan, StageChange, Tag
from targets.models import PlanYear, Target, Unit

from .constants import DEMO_YEAR, LAST_REPORTED_MONTH, PROBLEM_TIME_TO_SOLVE, money

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
class _PlannedProject:
    project: Project
    tags: list[str]
    annual_plan: Decimal
    monthly_share: list[float]


def load_projects(rng: random.Random, units: dict[str, Unit], plan_year: PlanYear) -> None:
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
            annual_plan = money(Decimal(str(weight / active_weight)) * target * Decimal("0.8"))
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
                    money(rng.uniform(8000, 60000)),
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
            amount=money(item.annual_plan * Decimal(str(share))),
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
    total = money(annual_plan / share_of_total).quantize(Decimal(1))
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
