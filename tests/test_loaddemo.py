"""The demo jurisdiction is seed 000 to the 万元 (郑经管政〔2022〕2号)."""

from decimal import Decimal

import pytest
from django.core.management import call_command
from django.db.models import Sum

from accounts.models import User
from accounts.roles import BUSINESS_ROLES
from demo.constants import DEMO_PASSWORD
from projects.choices import LIBRARY_STAGES
from projects.models import Project, ProjectReport
from reporting.models import OfficialFigure
from targets.models import AllocationTable, MonthlyIntakeTarget, PlanYear, RankingGroup, Target, Unit
from targets.selectors import allocation_balance
from tests.base import DemoTestCase

BUREAU_TABLE = {
    "综合保税区": 150000,
    "物流园区": 480000,
    "建设局": 2230000,
    "工信局": 750000,
    "自然资源和规划分局": 500000,
    "投资促进局": 400000,
    "科技人才局": 200000,
    "滨河新城指挥部": 200000,
    "综合执法局": 150000,
    "开放办": 110000,
    "教文体局": 80000,
    "社会事业局": 80000,
    "政务服务局": 40000,
}
SUBDISTRICT_TABLE = {
    "明湖办事处": 1450000,
    "潮河办事处": 1300000,
    "前程办事处": 680000,
    "京航办事处": 870000,
    "九龙办事处": 880000,
    "祥云办事处": 190000,
}


def _targets(table_name: str) -> dict[str, Decimal]:
    table = AllocationTable.objects.get(plan_year__year=2022, name=table_name)
    return {t.unit.name: t.value for t in Target.objects.filter(table=table).select_related("unit")}


def _snapshot() -> dict:
    return {
        "units": list(Unit.objects.order_by("pk").values_list("name", "code", "kind")),
        "targets": list(Target.objects.order_by("pk").values_list("unit_id", "value")),
        "projects": list(Project.objects.order_by("pk").values_list("code", "stage", "total_investment")),
        "reports": ProjectReport.objects.aggregate(n=Sum("month"), total=Sum("amount")),
        "figures": list(
            OfficialFigure.objects.order_by("pk").values_list("unit_id", "month", "ytd_completed", "baseline")
        ),
        "users": list(User.objects.order_by("pk").values_list("username", "password")),
    }


class LoadDemoTests(DemoTestCase):
    def test_the_demo_has_the_19_units_of_seed_000(self):
        assert Unit.objects.count() == 19
        assert set(Unit.objects.values_list("name", flat=True)) == set(BUREAU_TABLE) | set(SUBDISTRICT_TABLE)

    def test_the_bureau_table_is_seed_000_to_the_wan_yuan(self):
        assert _targets("各局办年度固定资产投资任务一览表") == {
            k: Decimal(v) for k, v in BUREAU_TABLE.items()
        }

    def test_the_subdistrict_table_is_seed_000_to_the_wan_yuan(self):
        assert _targets("各办事处年度固定资产投资任务一览表") == {
            k: Decimal(v) for k, v in SUBDISTRICT_TABLE.items()
        }

    def test_both_allocation_tables_sum_to_5370000(self):
        for table in AllocationTable.objects.filter(plan_year__year=2022):
            balance = allocation_balance(table)
            assert balance.row_sum == Decimal("5370000")
            assert balance.is_balanced

    def test_the_plan_year_has_the_jurisdiction_totals_of_seed_000(self):
        plan = PlanYear.objects.get(year=2022)
        assert plan.fai_target == Decimal("5370000")  # 537亿元
        assert plan.growth_target_pct == Decimal("11")
        assert plan.intake_project_target == 330
        assert plan.intake_investment_target == Decimal("5000000")  # 500亿元
        assert plan.intake_large_project_target == 40

    def test_the_subdistricts_have_their_monthly_intake_targets(self):
        targets = {
            t.unit.name: (t.min_projects, t.min_investment)
            for t in MonthlyIntakeTarget.objects.select_related("unit")
        }
        assert targets == {
            "明湖办事处": (10, Decimal("50000")),
            "潮河办事处": (10, Decimal("50000")),
            "前程办事处": (10, Decimal("50000")),
            "京航办事处": (10, Decimal("50000")),
            "九龙办事处": (10, Decimal("50000")),
            "祥云办事处": (5, Decimal("25000")),
        }

    def test_the_ranking_groups_are_subdistricts_and_bureaus(self):
        groups = {g.name: set(g.units.values_list("name", flat=True)) for g in RankingGroup.objects.all()}
        assert groups == {"办事处": set(SUBDISTRICT_TABLE), "局办": set(BUREAU_TABLE)}

    def test_the_demo_has_a_few_hundred_projects_in_all_four_libraries(self):
        assert 200 <= Project.objects.count() <= 600
        for stage in LIBRARY_STAGES:
            assert Project.objects.filter(stage=stage).exists(), stage

    def test_monthly_reports_run_from_january_to_october_2022(self):
        months = set(ProjectReport.objects.values_list("year", "month").distinct())
        assert months == {(2022, month) for month in range(1, 11)}

    def test_no_project_has_reported_more_than_its_total_investment(self):
        over = [
            p
            for p in Project.objects.annotate(reported=Sum("reports__amount"))
            if p.reported is not None and p.reported > p.total_investment
        ]
        assert over == []

    def test_every_unit_has_official_figures_and_baselines_for_every_period(self):
        assert OfficialFigure.objects.filter(year=2022).count() == 19 * 9
        assert not OfficialFigure.objects.filter(baseline__isnull=True).exists()

    def test_growth_differs_between_subdistricts(self):
        growth = {
            f.unit.name: f.ytd_completed / f.baseline
            for f in OfficialFigure.objects.filter(month=10, unit__kind="subdistrict").select_related("unit")
        }
        assert len(set(growth.values())) == 6

    def test_official_figures_rise_month_by_month(self):
        for unit in Unit.objects.all():
            series = list(
                OfficialFigure.objects.filter(unit=unit)
                .order_by("month")
                .values_list("ytd_completed", flat=True)
            )
            assert series == sorted(series), unit.name

    def test_there_is_one_demo_user_per_role(self):
        # The 三权分立 roles have no demo account: none with a known password may administer security.
        for role in BUSINESS_ROLES:
            assert User.objects.filter(groups__name=role).exists(), role
        assert User.objects.get(username="minghu_reporter").unit.name == "明湖办事处"
        assert User.objects.get(username="chaohe_reporter").unit.name == "潮河办事处"
        assert User.objects.get(username="admin").check_password(DEMO_PASSWORD)

    def test_a_demo_user_is_the_steward_of_projects_under_construction_for_the_phone_page(self):
        steward = User.objects.get(username="minghu_head")
        assert steward.stewarded_projects.filter(stage="construction").exists()

    def test_running_loaddemo_twice_changes_nothing(self):
        before = _snapshot()
        call_command("loaddemo", stdout=open("/dev/null", "w"))  # noqa: SIM115
        assert _snapshot() == before


@pytest.mark.django_db
def test_loaddemo_prints_the_demo_logins(db, capsys):
    call_command("loaddemo")
    out = capsys.readouterr().out
    for username in ("admin", "leader", "reviewer", "minghu_reporter", "minghu_head"):
        assert username in out
    assert DEMO_PASSWORD in out


class DemoAssessmentTests(DemoTestCase):
    def test_the_published_quarter_ends_brought_their_assessments_as_drafts(self):
        # 1-3月, 1-6月 and 1-9月 are published: quarters 1–3 and the half-year, for both groups.
        from reporting.models import Assessment

        drafted = set(Assessment.objects.values_list("kind", "number", "group__name", "status"))
        assert drafted == {
            (kind, number, group, "draft")
            for kind, number in [("quarter", 1), ("quarter", 2), ("half_year", 1), ("quarter", 3)]
            for group in ("办事处", "局办")
        }
