from decimal import Decimal

import pytest

from common.periods import Period
from reporting.selectors.jurisdiction import jurisdiction_series
from tests.factories import (
    AllocationTableFactory,
    OfficialFigureFactory,
    PlanYearFactory,
    ProjectFactory,
    ProjectReportFactory,
    RankingGroupFactory,
    TargetFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def table():
    plan_year = PlanYearFactory(year=2022, fai_target=Decimal("3000"))
    table = AllocationTableFactory(plan_year=plan_year, ranking_group=RankingGroupFactory())
    TargetFactory(table=table, value=Decimal("1000"))
    TargetFactory(table=table, value=Decimal("2000"))
    return table


def test_the_jurisdiction_figure_is_the_sum_over_a_covering_table(table):
    first, second = (target.unit for target in table.targets.all())
    OfficialFigureFactory(unit=first, month=6, ytd_completed=Decimal("600"), baseline=Decimal("500"))
    OfficialFigureFactory(unit=second, month=6, ytd_completed=Decimal("900"), baseline=Decimal("1000"))
    (point,) = jurisdiction_series(year=2022)
    assert point.period == Period(2022, 6)
    assert point.ytd_completed == Decimal("1500")
    assert point.completion_rate == Decimal(50)  # 1500 of 3000
    assert point.gap_to_time_progress == Decimal(0)  # June: 50% of the year
    assert point.growth == Decimal(0)  # 1500 over 1500


def test_without_official_figures_the_project_reports_stand_in(table):
    table.plan_year.uses_official_figures = False
    table.plan_year.save()
    first = table.targets.first().unit
    project = ProjectFactory(reporting_unit=first)
    for month, amount in ((1, "100"), (2, "50")):
        ProjectReportFactory(project=project, month=month, amount=Decimal(amount))
    ProjectReportFactory(project=project, year=2021, month=2, amount=Decimal("120"))
    points = jurisdiction_series(year=2022, through=3)
    assert [(p.period.month, p.ytd_completed, p.baseline) for p in points] == [
        (2, Decimal("150"), Decimal("120")),
        (3, Decimal("150"), Decimal("120")),
    ]


def test_the_jurisdiction_is_the_territorial_split_when_there_is_one():
    from targets.choices import UnitKind
    from tests.factories import UnitFactory

    plan_year = PlanYearFactory(year=2022, fai_target=Decimal("3000"))
    bureaus = AllocationTableFactory(plan_year=plan_year, ranking_group=RankingGroupFactory(), sort_order=1)
    places = AllocationTableFactory(plan_year=plan_year, ranking_group=RankingGroupFactory(), sort_order=2)
    bureau = TargetFactory(table=bureaus, unit=UnitFactory(kind=UnitKind.BUREAU), value=Decimal("3000")).unit
    place = TargetFactory(
        table=places, unit=UnitFactory(kind=UnitKind.SUBDISTRICT), value=Decimal("3000")
    ).unit
    OfficialFigureFactory(unit=bureau, month=6, ytd_completed=Decimal("1400"), baseline=Decimal("1000"))
    OfficialFigureFactory(unit=place, month=6, ytd_completed=Decimal("1500"), baseline=Decimal("1000"))
    (point,) = jurisdiction_series(year=2022)
    assert point.ytd_completed == Decimal("1500"), "counted where the investment is made, not by bureau"
