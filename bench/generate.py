"""Generate a benchmark jurisdiction: ``python -m bench.generate --profile province``.

Three profiles (``PROFILES``): a district, a city and a province. Each gets its own PostgreSQL
database (``investtrack_bench_<profile>``), dropped and built afresh: migrations, then the
jurisdiction written with COPY (units, plan years 2021–2022 with their allocation tables, projects
with year plans, one report per project and month from 2021-01 to 2022-12, the statistics bureau's
official figures — the units' project sums — with baselines, the monthly returns), then the two
ranking schemes published for 1-2月…1-11月 2022 and 1-12月 drafted through the same services as
the pages, so pages, exports and jobs see what a real year leaves behind.

The data is random but seeded, so two runs of a profile hold the same figures. Territorial units
(区县 and 办事处) report the projects; bureaus answer for them, so each project counts once for
each side, as in seed 000.
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from dataclasses import dataclass
from datetime import UTC, date, datetime

from .harness import PROFILES, SERVER_URL, database_name, use_database

YEARS = (2021, 2022)
MONTHS = [(year, month) for year in YEARS for month in range(1, 13)]
PUBLISHED_THROUGH = 11  # 1-2月…1-11月 2022 published; 1-12月 a draft; December still open
OPEN_MONTH = (2022, 12)
PASSWORD = "Bench@2022pass"
REPORTERS = 100  # one 填报员 for each of the first territorial units that report projects
TERRITORIAL_SHARE = 0.6
SEED = 2022


@dataclass(frozen=True)
class Profile:
    name: str
    units: int
    projects: int
    territorial_share: float = TERRITORIAL_SHARE

    @property
    def territorial(self) -> int:
        return round(self.units * self.territorial_share)

    @property
    def bureaus(self) -> int:
        return self.units - self.territorial


SIZES = {
    "district": Profile("district", units=30, projects=500),
    # A city's month-end surge has some 200 reporting units (bench.sections.surge): 200 territorial
    # units of 100 projects each, and 100 bureaus.
    "city": Profile("city", units=300, projects=20_000, territorial_share=2 / 3),
    "province": Profile("province", units=2_000, projects=100_000),
}
assert tuple(SIZES) == PROFILES

PLACES = list("青白金银东西南北龙凤华新安平长永兴和泰丰宝福盛德胜利光明阳春秋山河湖海云天石林松柏桂")
PLACES2 = list("山河桥湾庄店集口岗坡岭塘溪源州城屯营寨关门镇坊园沟洼港滩塬坪峪台堡铺圩埠")
BUREAUS = [
    "发展改革委",
    "住建局",
    "交通运输局",
    "水利局",
    "自然资源局",
    "工信局",
    "商务局",
    "教育局",
    "卫健委",
    "文旅局",
    "生态环境局",
    "城管局",
    "农业农村局",
    "财政局",
    "科技局",
    "民政局",
    "应急管理局",
    "市场监管局",
    "体育局",
    "园林局",
]
FIELDS = ["industry", "infrastructure", "real_estate", "social", "ecology", "other"]
LEVELS = ["provincial", "municipal", "district", "star", "general", "general", "general"]
STAGES = ["reserve"] * 1 + ["to_start"] * 1 + ["construction"] * 6 + ["completed"] * 2


def territorial_name(index: int) -> str:
    place = PLACES[index % len(PLACES)] + PLACES2[(index // len(PLACES)) % len(PLACES2)]
    suffix = ("镇", "街道", "乡")[index // (len(PLACES) * len(PLACES2))]
    return place + suffix


def bureau_name(index: int) -> str:
    place = PLACES[index // len(BUREAUS) % len(PLACES)] + PLACES2[index // len(BUREAUS) // len(PLACES)]
    return f"{place}县{BUREAUS[index % len(BUREAUS)]}"


def money(cents: int) -> str:
    return f"{cents // 100}.{cents % 100:02d}"


class Generator:
    def __init__(self, profile: Profile, database: str):
        self.profile = profile
        self.database = database
        self.rng = random.Random(SEED)
        self.now = datetime(2023, 1, 3, 9, 0, tzinfo=UTC)
        self.timings: list[tuple[str, float]] = []

    # --- the database ----------------------------------------------------------------------------

    def recreate_database(self) -> None:
        import psycopg

        with psycopg.connect(f"{SERVER_URL}/postgres", autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{self.database}" WITH (FORCE)')
            conn.execute(f'CREATE DATABASE "{self.database}"')

    def setup_django(self) -> None:
        use_database(self.database)

    def step(self, label: str, fn) -> None:
        start = time.perf_counter()
        fn()
        elapsed = time.perf_counter() - start
        self.timings.append((label, elapsed))
        print(f"  {label}: {elapsed:.1f} s", flush=True)

    def copy(self, model, columns: list[str], rows) -> None:
        """COPY rows into the model's table; ``rows`` yields tuples in ``columns`` order."""
        from django.db import connection

        table = model._meta.db_table
        sql = f'COPY "{table}" ({", ".join(columns)}) FROM STDIN'
        with connection.cursor() as cursor, cursor.cursor.copy(sql) as copy:
            for row in rows:
                copy.write_row(row)

    def reset_sequences(self, *models) -> None:
        from django.core.management.color import no_style
        from django.db import connection

        with connection.cursor() as cursor:
            for sql in connection.ops.sequence_reset_sql(no_style(), models):
                cursor.execute(sql)

    # --- the run ---------------------------------------------------------------------------------

    def run(self) -> None:
        print(
            f"生成 {self.profile.name}：{self.profile.units} 个单位，"
            f"{self.profile.projects} 个项目 → {self.database}"
        )
        started = time.perf_counter()
        self.step("建库", self.recreate_database)
        self.setup_django()
        from django.core.management import call_command

        self.step("迁移", lambda: call_command("migrate", verbosity=0))
        self.step("单位、排名组", self.units)
        self.step("项目", self.projects)
        self.step("项目月报", self.reports)
        self.step("年度计划、目标、官方统计数", self.plans_and_figures)
        self.step("月度报送", self.submissions)
        self.step("用户、排名方案", self.users_and_schemes)
        self.step("ANALYZE", self.analyze)
        self.step("排名发布（1-2月至1-11月）与 1-12月草稿", self.rankings)
        total = time.perf_counter() - started
        print(f"完成：{total:.1f} s")

    def units(self) -> None:
        from targets.choices import UnitKind
        from targets.models import RankingGroup, Unit

        profile = self.profile
        units = [
            Unit(
                pk=i + 1,
                name=territorial_name(i),
                code=f"T{i + 1:05d}",
                kind=UnitKind.COUNTY if profile.name == "province" else UnitKind.SUBDISTRICT,
                sort_order=i + 1,
            )
            for i in range(profile.territorial)
        ] + [
            Unit(
                pk=profile.territorial + i + 1,
                name=bureau_name(i),
                code=f"B{i + 1:05d}",
                kind=UnitKind.BUREAU,
                sort_order=profile.territorial + i + 1,
            )
            for i in range(profile.bureaus)
        ]
        Unit.objects.bulk_create(units, batch_size=1000)
        self.reset_sequences(Unit)
        self.territorial_ids = list(range(1, profile.territorial + 1))
        self.bureau_ids = list(range(profile.territorial + 1, profile.units + 1))
        territorial = RankingGroup.objects.create(
            name="属地单位", description="区县、乡镇（街道）", sort_order=1
        )
        bureaus = RankingGroup.objects.create(name="责任局办", description="行业主管部门", sort_order=2)
        territorial.units.set(self.territorial_ids)
        bureaus.units.set(self.bureau_ids)
        self.groups = (territorial, bureaus)

    def projects(self) -> None:
        from projects.models import Project, ProjectYearPlan

        rng = self.rng
        count = self.profile.projects
        # Each project: its 属地 (round robin, so each territorial unit reports the same number),
        # its bureau, its size and the growth of its unit from 2021 to 2022.
        self.project_units = [self.territorial_ids[i % len(self.territorial_ids)] for i in range(count)]
        self.project_bureaus = [rng.choice(self.bureau_ids) for _ in range(count)]
        self.project_totals = [int(rng.lognormvariate(10.2, 1.0) * 100) for _ in range(count)]  # cents
        self.project_stages = [rng.choice(STAGES) for _ in range(count)]
        now = self.now

        def rows():
            for i in range(count):
                total = self.project_totals[i]
                registered = self.project_stages[i] != "reserve" or rng.random() < 0.3
                reg_month = rng.randint(1, 12)
                yield (
                    i + 1,
                    f"重点项目{i + 1:06d}（{FIELD_NAMES[i % len(FIELD_NAMES)]}）",
                    f"2021-410171-{i % 90 + 10:02d}-01-{i + 1:06d}",
                    self.project_units[i],
                    self.project_bureaus[i],
                    LEVELS[i % len(LEVELS)],
                    FIELDS[i % len(FIELDS)],
                    money(total),
                    self.project_stages[i],
                    date(2021, rng.randint(1, 12), 1),
                    registered,
                    date(2021 + (i % 2), reg_month, 10) if registered else None,
                    False,
                    f"建设单位{i % 997 + 1:03d}有限公司",
                    "",
                    "",
                    "",
                    now,
                    now,
                )

        columns = [
            "id",
            "name",
            "code",
            "reporting_unit_id",
            "responsible_unit_id",
            "level",
            "field",
            "total_investment",
            "stage",
            "planned_start",
            "is_registered",
            "registered_on",
            "land_for_reinvestment",
            "company",
            "contact_person",
            "contact_phone",
            "leader_in_charge",
            "created_at",
            "updated_at",
        ]
        self.copy(Project, columns, rows())
        self.reset_sequences(Project)

        def plans():
            for i in range(count):
                for year in YEARS:
                    yield (i + 1, year, money(self.project_totals[i] // 3))

        self.copy(ProjectYearPlan, ["project_id", "year", "planned_investment"], plans())
        self.reset_sequences(ProjectYearPlan)

    def reports(self) -> None:
        """One report per project and month; the units' sums are kept for the official figures."""
        from projects.models import ProjectReport

        rng = self.rng
        months = len(MONTHS)
        units = self.profile.units + 1
        self.unit_month_cents = [[0] * months for _ in range(units)]
        growth = {unit: rng.uniform(0.8, 1.3) for unit in range(units)}
        now = self.now
        sums = self.unit_month_cents

        def rows():
            for i in range(self.profile.projects):
                unit, bureau = self.project_units[i], self.project_bureaus[i]
                base = self.project_totals[i] / 36
                for m, (year, month) in enumerate(MONTHS):
                    factor = growth[unit] if year == 2022 else 1.0
                    cents = int(base * factor * rng.uniform(0.3, 1.7))
                    sums[unit][m] += cents
                    sums[bureau][m] += cents
                    yield (i + 1, year, month, money(cents), "", "", "", 1, now)

        columns = [
            "project_id",
            "year",
            "month",
            "amount",
            "progress",
            "problems",
            "unusual_reason",
            "version",
            "updated_at",
        ]
        self.copy(ProjectReport, columns, rows())
        self.reset_sequences(ProjectReport)

    def plans_and_figures(self) -> None:
        from decimal import Decimal

        from reporting.models import OfficialFigure
        from targets.models import AllocationTable, Indicator, PlanYear, Target

        rng = self.rng
        fai = Indicator.objects.get(code="fai")
        territorial_group, bureau_group = self.groups
        for y, year in enumerate(YEARS):
            year_cents = {
                unit: sum(self.unit_month_cents[unit][y * 12 : y * 12 + 12])
                for unit in range(1, self.profile.units + 1)
            }
            # Targets a little above or below what each unit will do, so completion rates spread.
            territorial = {
                unit: int(year_cents[unit] * rng.uniform(0.85, 1.2)) // 100 * 100
                for unit in self.territorial_ids
            }
            total = sum(territorial.values())
            raw = {unit: year_cents[unit] * rng.uniform(0.85, 1.2) for unit in self.bureau_ids}
            scale = total / sum(raw.values())
            bureaus = {unit: int(value * scale) // 100 * 100 for unit, value in raw.items()}
            bureaus[self.bureau_ids[-1]] += total - sum(bureaus.values())
            plan = PlanYear.objects.create(
                year=year,
                title=f"{year}年固定资产投资计划",
                fai_target=Decimal(money(total)),
                growth_target_pct=Decimal("10"),
                intake_project_target=self.profile.projects // 4,
            )
            for order, (group, targets) in enumerate(
                ((territorial_group, territorial), (bureau_group, bureaus))
            ):
                table = AllocationTable.objects.create(
                    plan_year=plan,
                    name=f"{group.name}固定资产投资目标",
                    indicator=fai,
                    ranking_group=group,
                    sort_order=order,
                )
                Target.objects.bulk_create(
                    [
                        Target(table=table, unit_id=unit, value=Decimal(money(cents)), sort_order=n)
                        for n, (unit, cents) in enumerate(targets.items(), start=1)
                    ],
                    batch_size=2000,
                )
        self.reset_sequences(Target)

        # The bureau's figures: each unit's year-to-date project sum, with last year's as baseline
        # (2021's baseline from an earlier year that grew by a factor of the unit's own).
        earlier = {unit: rng.uniform(0.85, 1.25) for unit in range(self.profile.units + 1)}
        now = self.now

        def rows():
            for unit in range(1, self.profile.units + 1):
                for y, year in enumerate(YEARS):
                    ytd = 0
                    baseline_ytd = 0
                    for month in range(1, 13):
                        ytd += self.unit_month_cents[unit][y * 12 + month - 1]
                        if y:
                            baseline_ytd += self.unit_month_cents[unit][month - 1]
                        else:
                            baseline_ytd = int(ytd / earlier[unit])
                        if month >= 2:
                            yield (unit, year, month, money(ytd), money(baseline_ytd), now)

        columns = ["unit_id", "year", "month", "ytd_completed", "baseline", "updated_at"]
        self.copy(OfficialFigure, columns, rows())
        self.reset_sequences(OfficialFigure)

    def submissions(self) -> None:
        from reporting.choices import SubmissionStatus
        from reporting.models import Submission

        now = self.now

        def rows():
            for unit in range(1, self.profile.units + 1):
                for year, month in MONTHS:
                    if (year, month) == OPEN_MONTH:
                        continue
                    submitted = datetime(year + month // 12, month % 12 + 1, 3, 9, 0, tzinfo=UTC)
                    yield (unit, year, month, SubmissionStatus.LOCKED.value, submitted, False, 1, now)

        columns = ["unit_id", "year", "month", "status", "submitted_at", "is_late", "version", "updated_at"]
        self.copy(Submission, columns, rows())
        self.reset_sequences(Submission)

    def users_and_schemes(self) -> None:
        from django.contrib.auth import get_user_model
        from django.contrib.auth.hashers import make_password
        from django.contrib.auth.models import Group
        from django.utils import timezone

        from accounts.roles import Role
        from reporting.choices import Metric
        from reporting.models import Ladder, RankingScheme
        from reporting.presets import LADDER_SEED_001

        User = get_user_model()
        password = make_password(PASSWORD)
        chosen = timezone.now()  # chosen today, so no first-login or expiry change is asked for
        groups = {group.name: group for group in Group.objects.all()}

        def user(username: str, role: Role, unit_id: int | None = None):
            created = User.objects.create(
                username=username, password=password, unit_id=unit_id, password_changed_at=chosen
            )
            created.groups.add(groups[role])
            return created

        user("bench_admin", Role.ADMIN)
        user("bench_leader", Role.LEADER)
        user("bench_reviewer", Role.REVIEWER)
        for n, unit in enumerate(self.territorial_ids[:REPORTERS], start=1):
            user(f"reporter{n:04d}", Role.REPORTER, unit)

        territorial_group, bureau_group = self.groups
        RankingScheme.objects.create(
            name="属地单位投资增速排名",
            group=territorial_group,
            metric=Metric.GROWTH,
            ladder=Ladder.objects.get(name=LADDER_SEED_001.name),
            sort_order=1,
        )
        RankingScheme.objects.create(
            name="责任局办目标完成率排名", group=bureau_group, metric=Metric.COMPLETION_RATE, sort_order=2
        )

    def analyze(self) -> None:
        from django.db import connection

        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")

    def rankings(self) -> None:
        """Publish 1-2月…1-11月 and draft 1-12月 through the ranking services.

        Only the last published period goes through ``period_publish`` with its stored 通报
        (which the exports benchmark measures on its own); the earlier ones are published run by
        run, as their bulletins would only repeat it.
        """
        from common.periods import Period
        from reporting.selectors.rankings import active_schemes
        from reporting.services.publication import period_publish
        from reporting.services.rankings import period_rank, ranking_compute, ranking_publish

        for month in range(2, PUBLISHED_THROUGH):
            for scheme in active_schemes():
                ranking_publish(run=ranking_compute(scheme=scheme, period=Period(2022, month)))
        period_publish(period=Period(2022, PUBLISHED_THROUGH))
        period_rank(period=Period(*OPEN_MONTH))


FIELD_NAMES = ["产业", "基础设施", "房地产", "社会事业", "生态环保", "其他"]


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="生成基准测试数据（PostgreSQL）")
    parser.add_argument("--profile", choices=PROFILES, required=True)
    parser.add_argument("--database", help="数据库名，默认 investtrack_bench_<profile>")
    args = parser.parse_args(argv)
    Generator(SIZES[args.profile], args.database or database_name(args.profile)).run()


if __name__ == "__main__":
    main(sys.argv[1:])
