"""Reads: 入库 counts against the targets, reserve ratios, overdue milestones, 周调度."""

from datetime import date
from decimal import Decimal

import pytest

from projects.choices import MilestoneKind, ProblemStatus, Stage
from projects.models import Project
from projects.selectors.intake import monthly_intake, year_intake
from projects.selectors.reserve import jurisdiction_reserve_ratio, unit_reserve_ratios
from projects.selectors.warnings import (
    dispatch_projects,
    overdue_milestones,
    steward_projects,
    units_with_overdue_milestones,
)
from targets.models import Unit
from tests.factories import (
    MilestoneFactory,
    MonthlyIntakeTargetFactory,
    PlanYearFactory,
    ProblemFactory,
    ProjectFactory,
    ProjectReportFactory,
    UnitFactory,
)

pytestmark = pytest.mark.django_db
ON = date(2022, 10, 31)


def _registered(unit, on: date, total: str = "10000", **kwargs):
    return ProjectFactory(
        reporting_unit=unit, is_registered=True, registered_on=on, total_investment=Decimal(total), **kwargs
    )


def test_intake_counts_a_units_projects_registered_in_the_month_against_its_target():
    met, short, untargeted = UnitFactory(), UnitFactory(), UnitFactory()
    MonthlyIntakeTargetFactory(unit=met, min_projects=2, min_investment=Decimal("20000"))
    MonthlyIntakeTargetFactory(unit=short, min_projects=2, min_investment=Decimal("20000"))
    _registered(met, date(2022, 5, 1))
    _registered(met, date(2022, 5, 31))
    _registered(met, date(2022, 6, 1))  # next month
    _registered(short, date(2022, 5, 9), total="30000")
    ProjectFactory(reporting_unit=short, is_registered=False)
    _registered(untargeted, date(2022, 5, 2))
    rows = {row.unit: row for row in monthly_intake(year=2022, month=5, units=Unit.objects.all())}
    assert (rows[met].count, rows[met].investment, rows[met].met) == (2, Decimal("20000"), True)
    assert (rows[short].count, rows[short].count_met, rows[short].investment_met) == (1, False, True)
    assert not rows[short].met
    assert (rows[untargeted].count, rows[untargeted].has_target, rows[untargeted].met) == (1, False, False)


def test_intake_needs_both_the_count_and_the_investment():
    unit = UnitFactory()
    MonthlyIntakeTargetFactory(unit=unit, min_projects=1, min_investment=Decimal("50000"))
    _registered(unit, date(2022, 5, 3), total="49999")
    (row,) = monthly_intake(year=2022, month=5, units=Unit.objects.filter(pk=unit.pk))
    assert row.count_met and not row.investment_met and not row.met


def test_the_year_intake_counts_from_january_against_the_jurisdiction_targets():
    PlanYearFactory(
        year=2022,
        intake_project_target=2,
        intake_investment_target=Decimal("25000"),
        intake_large_project_target=2,
    )
    unit = UnitFactory()
    _registered(unit, date(2022, 1, 10), total="10000")
    _registered(unit, date(2022, 5, 31), total="9000")
    _registered(unit, date(2022, 6, 1), total="50000")
    _registered(unit, date(2021, 12, 31), total="50000")
    intake = year_intake(year=2022, through=5)
    assert (intake.count, intake.investment, intake.large_count) == (2, Decimal("19000"), 1)
    assert intake.count_met and not intake.investment_met and not intake.large_count_met


def test_reserve_ratio_per_unit_compares_the_reserve_with_registered_construction():
    unit = UnitFactory()
    for _ in range(3):
        ProjectFactory(reporting_unit=unit, stage=Stage.RESERVE, total_investment=Decimal("100"))
    _registered(unit, date(2022, 3, 1), total="100", stage=Stage.UNDER_CONSTRUCTION)
    ProjectFactory(reporting_unit=unit, stage=Stage.UNDER_CONSTRUCTION, is_registered=False)
    ProjectFactory(reporting_unit=unit, stage=Stage.TO_START)
    ((_, ratio),) = unit_reserve_ratios(units=Unit.objects.filter(pk=unit.pk))
    assert (ratio.reserve_count, ratio.construction_count) == (3, 1)
    assert (ratio.reserve_investment, ratio.construction_investment) == (Decimal("300"), Decimal("100"))
    assert not ratio.is_short


def test_reserve_ratio_of_the_jurisdiction_adds_every_unit():
    for unit in (UnitFactory(), UnitFactory()):
        ProjectFactory(reporting_unit=unit, stage=Stage.RESERVE, total_investment=Decimal("100"))
        _registered(unit, date(2022, 3, 1), total="100", stage=Stage.UNDER_CONSTRUCTION)
    ratio = jurisdiction_reserve_ratio()
    assert (ratio.reserve_count, ratio.construction_count, ratio.required_count) == (2, 2, 6)
    assert ratio.is_short


def test_a_milestone_is_overdue_when_its_planned_date_passed_unreached():
    overdue = MilestoneFactory(kind=MilestoneKind.START, planned_on=date(2022, 10, 30))
    MilestoneFactory(kind=MilestoneKind.START, planned_on=date(2022, 10, 31))
    MilestoneFactory(kind=MilestoneKind.SIGNING, planned_on=date(2022, 1, 1), actual_on=date(2022, 2, 1))
    MilestoneFactory(kind=MilestoneKind.SIGNING, planned_on=None)
    MilestoneFactory(project=ProjectFactory(stage=Stage.EXITED), planned_on=date(2022, 1, 1))
    assert list(overdue_milestones(on=ON)) == [overdue]


def test_units_carry_their_overdue_milestone_count_for_the_cockpit():
    unit = UnitFactory()
    project = ProjectFactory(reporting_unit=unit)
    MilestoneFactory(project=project, kind=MilestoneKind.START, planned_on=date(2022, 1, 1))
    MilestoneFactory(project=project, kind=MilestoneKind.COMPLETION, planned_on=date(2022, 2, 1))
    counts = {
        u.pk: u.overdue_milestone_count
        for u in units_with_overdue_milestones(on=ON, units=Unit.objects.all())
    }
    assert counts[unit.pk] == 2
    assert counts[project.responsible_unit_id] == 0


def test_the_weekly_dispatch_lists_unreported_construction_and_overdue_problems():
    unreported = ProjectFactory(stage=Stage.UNDER_CONSTRUCTION)
    reported = ProjectFactory(stage=Stage.UNDER_CONSTRUCTION)
    ProjectReportFactory(project=reported, year=2022, month=10)
    ProjectReportFactory(project=unreported, year=2022, month=9)
    with_problem = ProjectFactory(stage=Stage.RESERVE)
    ProblemFactory(project=with_problem, deadline=date(2022, 10, 1))
    closed = ProjectFactory(stage=Stage.RESERVE)
    ProblemFactory(
        project=closed,
        deadline=date(2022, 10, 1),
        status=ProblemStatus.CLOSED,
        closed_on=ON,
        resolution="已解决",
    )
    listed = dispatch_projects(projects=Project.objects.all(), on=ON)
    assert {p.pk for p in listed} == {unreported.pk, with_problem.pk}


def test_a_steward_sees_their_projects_still_in_the_libraries(reporter):
    mine = ProjectFactory(steward=reporter)
    ProjectFactory(steward=reporter, stage=Stage.EXITED)
    ProjectFactory()
    assert [p.pk for p in steward_projects(steward=reporter, on=ON)] == [mine.pk]


@pytest.mark.django_db
def test_library_totals_sum_the_year_plans_through_a_join_not_a_query_per_project():
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from projects.models import ProjectYearPlan
    from projects.selectors.boards import board_projects, library_totals

    first, second = (ProjectFactory(stage=Stage.UNDER_CONSTRUCTION) for _ in range(2))
    ProjectYearPlan.objects.create(project=first, year=2022, planned_investment=Decimal("100"))
    ProjectYearPlan.objects.create(project=first, year=2021, planned_investment=Decimal("999"))
    ProjectYearPlan.objects.create(project=second, year=2022, planned_investment=Decimal("50"))
    board = board_projects(projects=Project.objects.all(), year=2022, open_year=2022, on=date(2022, 5, 10))

    with CaptureQueriesContext(connection) as queries:
        totals = {total.stage: total for total in library_totals(board)}

    assert totals[Stage.UNDER_CONSTRUCTION].count == 2
    assert totals[Stage.UNDER_CONSTRUCTION].annual_plan == Decimal("150")
    assert len(queries) == 1
    assert 'FROM "projects_projectyearplan"' not in queries[0]["sql"], "a subquery per project"
