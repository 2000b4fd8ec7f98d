"""DESIGN.md rules 10 and 11, and the drafts that must not go stale: a second year, a quiet group.

Two groups, each of two units, ranked by completion rate (办) and by growth (街). Expected values are
worked out by hand in the comments.
"""

from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse
from django.utils import timezone

from accounts.roles import Role
from common.periods import Period
from projects.models import ProjectReport
from reporting.bulletin.service import bulletin_content
from reporting.choices import EscalationStatus, FigureSource, Metric, RunStatus
from reporting.models import Escalation, Ladder, LadderStep, OfficialFigure, RankingRun, RankingScheme
from reporting.presets import LADDER_SEED_001, LADDER_SEED_003
from reporting.selectors.rankings import period_runs
from reporting.selectors.staleness import stale_run_ids
from reporting.selectors.unit_figures import year_target_table, year_target_tables
from reporting.services.publication import period_publish
from reporting.services.rankings import RankingError, period_rank, ranking_compute
from targets.models import Indicator, PlanYear, Target
from tests.factories import (
    AllocationTableFactory,
    OfficialFigureFactory,
    PlanYearFactory,
    ProjectFactory,
    ProjectReportFactory,
    RankingGroupFactory,
    TargetFactory,
    UnitFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

FEB_2023 = Period(2023, 2)


@pytest.fixture
def world():
    """2022 and 2023 plans; bureaus 甲局 and 乙局 ranked by completion rate against the scheme's 2022
    table; sub-districts 东街 and 西街 by growth."""
    bureaus = RankingGroupFactory(name="局办")
    streets = RankingGroupFactory(name="办事处")
    units = {name: UnitFactory(name=name) for name in ("甲局", "乙局", "东街", "西街")}
    bureaus.units.add(units["甲局"], units["乙局"])
    streets.units.add(units["东街"], units["西街"])
    plan_2022 = PlanYearFactory(year=2022, fai_target=Decimal(3000))
    plan_2023 = PlanYearFactory(year=2023, fai_target=Decimal(6000))
    table_2022 = AllocationTableFactory(plan_year=plan_2022, ranking_group=bureaus, name="局办分解表")
    TargetFactory(table=table_2022, unit=units["甲局"], value=1000)
    TargetFactory(table=table_2022, unit=units["乙局"], value=2000)
    completion = RankingScheme.objects.create(
        name="局办完成率",
        group=bureaus,
        metric=Metric.COMPLETION_RATE,
        allocation_table=table_2022,
        ladder=Ladder.objects.get(name=LADDER_SEED_003.name),
        sort_order=2,
    )
    growth = RankingScheme.objects.create(
        name="办事处增速",
        group=streets,
        metric=Metric.GROWTH,
        ladder=Ladder.objects.get(name=LADDER_SEED_001.name),
        sort_order=1,
    )
    return {
        "units": units,
        "bureaus": bureaus,
        "plan_2023": plan_2023,
        "completion": completion,
        "growth": growth,
    }


def figure(unit, period: Period, ytd, baseline) -> None:
    OfficialFigureFactory(
        unit=unit, year=period.year, month=period.month, ytd_completed=ytd, baseline=baseline
    )


def table_2023(world, *, first=Decimal(2000), second=Decimal(4000)):
    table = AllocationTableFactory(
        plan_year=world["plan_2023"], ranking_group=world["bureaus"], name="2023局办"
    )
    TargetFactory(table=table, unit=world["units"]["甲局"], value=first)
    TargetFactory(table=table, unit=world["units"]["乙局"], value=second)
    return table


def values(run: RankingRun) -> dict[str, tuple]:
    return {row.unit.name: (row.value, row.rank) for row in run.rows.select_related("unit")}


def test_rule_10_a_scheme_ranks_a_period_against_its_groups_table_of_that_year(world):
    table = table_2023(world)
    units = world["units"]
    figure(units["甲局"], FEB_2023, 600, 500)
    figure(units["乙局"], FEB_2023, 600, 500)
    assert year_target_table(scheme=world["completion"], year=2023) == table
    run = ranking_compute(scheme=world["completion"], period=FEB_2023)
    # 600 of 2023's 2000 = 30.0%, of 4000 = 15.0% (against 2022's table they would be 60% and 30%).
    assert values(run) == {"甲局": (Decimal("30.0"), 1), "乙局": (Decimal("15.0"), 2)}
    assert {row.unit.name: row.target for row in run.rows.select_related("unit")} == {
        "甲局": Decimal(2000),
        "乙局": Decimal(4000),
    }


def test_rule_10_schemes_read_together_each_get_their_own_groups_table_of_that_year(world):
    bureaus_2023 = table_2023(world)
    streets = world["growth"].group
    streets_2023 = AllocationTableFactory(
        plan_year=world["plan_2023"], ranking_group=streets, name="2023办事处", sort_order=1
    )
    # Neither a later FAI table of the group nor a table of another indicator is the group's table.
    AllocationTableFactory(
        plan_year=world["plan_2023"], ranking_group=streets, name="2023办事处补充", sort_order=2
    )
    AllocationTableFactory(
        plan_year=world["plan_2023"],
        ranking_group=streets,
        name="2023办事处入库",
        sort_order=0,
        indicator=Indicator.objects.exclude(code="fai").first(),
    )
    completion, growth = world["completion"], world["growth"]

    assert year_target_tables(schemes=[completion, growth], year=2023) == {
        completion.pk: bureaus_2023,  # its own 2022 table is not 2023's
        growth.pk: streets_2023,
    }
    assert year_target_tables(schemes=[completion, growth], year=2022) == {
        completion.pk: completion.allocation_table,
        growth.pk: None,  # the sub-districts had no 2022 table
    }


def test_rule_10_a_year_with_no_table_cannot_rank_by_completion_rate_and_says_so(world):
    units = world["units"]
    figure(units["甲局"], FEB_2023, 600, 500)
    figure(units["东街"], FEB_2023, 600, 500)
    figure(units["西街"], FEB_2023, 550, 500)
    with pytest.raises(RankingError, match="2023年没有「局办」的投资目标分解表"):
        period_rank(period=FEB_2023)
    assert not RankingRun.objects.exists(), "nothing is saved"


def test_rule_11_a_scheme_with_no_figures_is_skipped_and_the_others_rank(world):
    units = world["units"]
    table_2023(world)
    # Only the sub-districts have figures in 2023's 1-2月: 东街 +20%, 西街 +10%.
    figure(units["东街"], FEB_2023, 600, 500)
    figure(units["西街"], FEB_2023, 550, 500)
    ranking = period_rank(period=FEB_2023)
    assert [run.scheme.name for run in ranking.runs] == ["办事处增速"]
    assert [skipped.scheme.name for skipped in ranking.skipped] == ["局办完成率"]
    assert "本期不排名" in ranking.skipped[0].notice
    assert values(ranking.runs[0]) == {"东街": (Decimal("20.0"), 1), "西街": (Decimal("10.0"), 2)}

    period_publish(period=FEB_2023)
    assert list(RankingRun.objects.values_list("scheme__name", "status")) == [
        ("办事处增速", RunStatus.PUBLISHED)
    ]
    # 西街 is bottom: 通报批评 (seed 001 level 1), done by the 通报 itself; the quiet bureaus have
    # no escalation at all.
    assert list(Escalation.objects.values_list("unit__name", "level", "status")) == [
        ("西街", 1, EscalationStatus.CLOSED)
    ]
    content = bulletin_content(period=FEB_2023)
    assert not content.is_draft
    assert [(quiet.group, quiet.note) for quiet in content.quiet_groups] == [("局办", "本期无数据")]


def test_rule_11_the_rank_command_prints_the_notice_and_succeeds(world):
    units = world["units"]
    figure(units["东街"], FEB_2023, 600, 500)
    figure(units["西街"], FEB_2023, 550, 500)
    table_2023(world)
    out, err = StringIO(), StringIO()
    call_command("rank", "--period", "2023-02", "--format", "json", stdout=out, stderr=err)
    assert "「局办」尚无任何单位的数据" in err.getvalue()
    assert '"group": "办事处"' in out.getvalue() and '"group": "局办"' not in out.getvalue()


def test_a_period_in_a_year_with_no_plan_is_refused_with_the_year_named(world):
    with pytest.raises(CommandError, match="2024年尚未建立年度计划"):
        call_command("rank", "--period", "2024-02", stdout=StringIO(), stderr=StringIO())


def test_a_period_with_no_figures_at_all_cannot_be_published(world):
    table_2023(world)
    with pytest.raises(RankingError, match="所有排名组均无数据"):
        period_publish(period=FEB_2023)
    assert not RankingRun.objects.exists()


def test_a_published_period_stays_as_published_when_late_figures_arrive(world):
    units = world["units"]
    table_2023(world)
    figure(units["东街"], FEB_2023, 600, 500)
    figure(units["西街"], FEB_2023, 550, 500)
    period_publish(period=FEB_2023)
    figure(units["甲局"], FEB_2023, 600, 500)
    figure(units["乙局"], FEB_2023, 600, 500)
    ranking = period_rank(period=FEB_2023)
    assert [run.scheme.name for run in ranking.runs] == ["办事处增速"]
    assert not RankingRun.objects.filter(scheme=world["completion"]).exists()


def test_a_draft_whose_target_changed_is_marked_stale_until_recomputed(world):
    units = world["units"]
    table = table_2023(world)
    figure(units["甲局"], FEB_2023, 600, 500)
    figure(units["乙局"], FEB_2023, 600, 500)
    run = ranking_compute(scheme=world["completion"], period=FEB_2023)
    assert stale_run_ids([run]) == set()
    Target.objects.filter(table=table, unit=units["甲局"]).update(value=Decimal(2400))
    assert stale_run_ids([run]) == {run.pk}
    run = ranking_compute(scheme=world["completion"], period=FEB_2023)
    assert stale_run_ids([run]) == set()
    # 600 of 2,400 = 25.0%
    assert values(run)["甲局"] == (Decimal("25.0"), 1)


@pytest.mark.parametrize(
    "change",
    [
        lambda world: OfficialFigure.objects.filter(unit=world["units"]["东街"]).update(
            ytd_completed=Decimal(700)
        ),
        lambda world: (
            world["growth"].__class__.objects.filter(pk=world["growth"].pk).update(metric=Metric.AMOUNT)
        ),
        lambda world: (
            world["growth"]
            .__class__.objects.filter(pk=world["growth"].pk)
            .update(ladder=Ladder.objects.get(name=LADDER_SEED_003.name))
        ),
        lambda world: (
            world["units"]["西街"]
            .__class__.objects.filter(pk=world["units"]["西街"].pk)
            .update(is_active=False)
        ),
        lambda world: OfficialFigure.objects.filter(unit=world["units"]["西街"]).update(
            baseline=Decimal(400)
        ),
        lambda world: LadderStep.objects.filter(ladder_id=world["growth"].ladder_id, level=1).update(
            action="书面检查"
        ),
        lambda world: world["growth"].group.units.add(UnitFactory(name="南街")),
        lambda world: RankingRun.objects.create(
            scheme=world["growth"],
            year=2023,
            month=1,
            status=RunStatus.PUBLISHED,
            figure_source=FigureSource.OFFICIAL,
            computed_at=timezone.now(),
        ),
    ],
    ids=["figure", "metric", "ladder", "unit", "baseline", "ladder-step", "unit-joins", "earlier-published"],
)
def test_a_change_to_any_input_of_a_draft_marks_it_stale(world, change):
    units = world["units"]
    figure(units["东街"], FEB_2023, 600, 500)
    figure(units["西街"], FEB_2023, 550, 500)
    run = ranking_compute(scheme=world["growth"], period=FEB_2023)
    change(world)
    assert stale_run_ids([run]) == {run.pk}


def test_a_draft_ranked_on_project_sums_is_current_until_a_report_changes(world):
    """Without official figures the group ranks on its projects' sums: 东街 600 over 500 (20.0%),
    西街 550 over 500 (10.0%)."""
    units = world["units"]
    PlanYear.objects.filter(year=2023).update(uses_official_figures=False)
    for name, amount in (("东街", 600), ("西街", 550)):
        project = ProjectFactory(reporting_unit=units[name])
        ProjectReportFactory(project=project, year=2023, month=2, amount=Decimal(amount))
        ProjectReportFactory(project=project, year=2022, month=2, amount=Decimal(500))
    run = ranking_compute(scheme=world["growth"], period=FEB_2023)
    assert values(run) == {"东街": (Decimal("20.0"), 1), "西街": (Decimal("10.0"), 2)}
    assert stale_run_ids([run]) == set()
    ProjectReport.objects.filter(project__reporting_unit=units["西街"], year=2023).update(amount=Decimal(700))
    assert stale_run_ids([run]) == {run.pk}


def test_a_published_run_is_never_stale(world):
    units = world["units"]
    table_2023(world)
    figure(units["东街"], FEB_2023, 600, 500)
    figure(units["西街"], FEB_2023, 550, 500)
    period_publish(period=FEB_2023)
    OfficialFigure.objects.filter(unit=units["东街"]).update(ytd_completed=Decimal(100))
    assert stale_run_ids(list(RankingRun.objects.all())) == set()


def test_the_ranking_page_and_the_cockpit_say_a_stale_draft_is_stale(client, world):
    units = world["units"]
    figure(units["东街"], FEB_2023, 600, 500)
    figure(units["西街"], FEB_2023, 550, 500)
    table_2023(world)
    period_rank(period=FEB_2023)
    client.force_login(UserFactory(role=Role.LEADER))
    assert [run.is_stale for run in period_runs(period=FEB_2023, actor=UserFactory(role=Role.LEADER))] == [
        False
    ]
    for url in (reverse("reporting:rankings"), reverse("reporting:cockpit")):
        assert "已过期" not in client.get(url, {"period": "2023-02"}).content.decode()
    OfficialFigure.objects.filter(unit=units["西街"]).update(ytd_completed=Decimal(700))
    for url in (reverse("reporting:rankings"), reverse("reporting:cockpit")):
        assert "已过期" in client.get(url, {"period": "2023-02"}).content.decode(), url


def test_the_publish_button_refuses_on_the_page_a_period_that_cannot_be_published(client, world):
    client.force_login(UserFactory(role=Role.ADMIN))
    response = client.post(reverse("reporting:ranking_publish"), {"period": "2024-02"}, follow=True)
    assert "2024年尚未建立年度计划" in response.content.decode()
    response = client.post(reverse("reporting:ranking_publish"), {"period": "2023-02"}, follow=True)
    assert "所有排名组均无数据，无法发布" in response.content.decode()
    assert not RankingRun.objects.exists()
