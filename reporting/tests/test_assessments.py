"""DESIGN.md rules 4 and 5 through the assessment service."""

from decimal import Decimal

import pytest

from common.periods import Period
from reporting.choices import AssessmentKind, AwardKind, Metric
from reporting.models import AssessmentAdjustment, Award, RankingScheme
from reporting.services.assessments import (
    AssessmentError,
    annual_awards_compute,
    assessment_compute,
    assessment_publish,
)
from reporting.services.rankings import ranking_compute, ranking_publish
from tests.factories import OfficialFigureFactory, PlanYearFactory, RankingGroupFactory, UnitFactory

pytestmark = pytest.mark.django_db

NAMES = "一二三四五六七八"


@pytest.fixture
def eight_units_scheme():
    """Eight units whose growth is 80%, 70%, … 10% in every period: unit 一 always first."""
    PlanYearFactory(year=2022)
    group = RankingGroupFactory(name="区县")
    units = [UnitFactory(name=f"第{n}区") for n in NAMES]
    group.units.add(*units)
    scheme = RankingScheme.objects.create(name="区县增速", group=group, metric=Metric.GROWTH)
    for month in range(2, 13):
        for position, unit in enumerate(units):
            growth = Decimal(80 - 10 * position)
            OfficialFigureFactory(
                unit=unit, year=2022, month=month, ytd_completed=1000 + growth * 10, baseline=Decimal(1000)
            )
        ranking_publish(run=ranking_compute(scheme=scheme, period=Period(2022, month)))
    return scheme, units


def test_reward_tiers_seed_002_pay_150_100_100_50_50_50(eight_units_scheme):
    scheme, _ = eight_units_scheme
    assessment = assessment_compute(kind=AssessmentKind.QUARTER, year=2022, number=1, group=scheme.group)
    rewards = [row.reward for row in assessment.rows.order_by("rank")]
    assert rewards == [Decimal(150), Decimal(100), Decimal(100), Decimal(50), Decimal(50), Decimal(50), 0, 0]


def test_quarterly_assessment_adds_the_observation_score_to_the_quarter_end_rank(eight_units_scheme):
    scheme, units = eight_units_scheme
    # 第八区 is last in 1-3月 (100 − 7 × 5 = 65 points); 30 observation points lift it to 95, second place.
    AssessmentAdjustment.objects.create(
        kind=AssessmentKind.QUARTER, year=2022, number=1, unit=units[7], observation_score=30
    )
    assessment = assessment_compute(kind=AssessmentKind.QUARTER, year=2022, number=1, group=scheme.group)
    row = assessment.rows.get(unit=units[7])
    assert (row.rank_points, row.observation_score, row.score, row.rank) == (
        Decimal(65),
        Decimal(30),
        Decimal(95),
        2,
    )
    assert row.reward == Decimal(100)


def test_a_quarter_whose_last_month_is_not_published_cannot_be_assessed(eight_units_scheme):
    scheme, _ = eight_units_scheme
    scheme.runs.filter(month=12).update(status="draft")
    with pytest.raises(AssessmentError, match="尚未发布"):
        assessment_compute(kind=AssessmentKind.QUARTER, year=2022, number=4, group=scheme.group)


def test_a_published_assessment_is_not_recomputed(eight_units_scheme):
    scheme, units = eight_units_scheme
    assessment = assessment_compute(kind=AssessmentKind.QUARTER, year=2022, number=1, group=scheme.group)
    assessment_publish(assessment=assessment)
    AssessmentAdjustment.objects.create(
        kind=AssessmentKind.QUARTER, year=2022, number=1, unit=units[7], observation_score=100
    )
    again = assessment_compute(kind=AssessmentKind.QUARTER, year=2022, number=1, group=scheme.group)
    assert again.rows.get(unit=units[7]).score == Decimal(65)


def test_annual_evaluation_combines_monthly_ranks_and_quarterly_scores(eight_units_scheme):
    scheme, units = eight_units_scheme
    for quarter in range(1, 5):
        assessment_compute(kind=AssessmentKind.QUARTER, year=2022, number=quarter, group=scheme.group)
    annual = assessment_compute(kind=AssessmentKind.ANNUAL, year=2022, number=1, group=scheme.group)
    first = annual.rows.get(unit=units[0])
    # Always first: 100 monthly points and 100 quarterly points, weighted 0.5 each.
    assert (first.score, first.rank) == (Decimal(100), 1)
    last = annual.rows.get(unit=units[7])
    assert last.score == Decimal(65)


def test_comprehensive_award_goes_to_the_top_five_of_a_group(eight_units_scheme):
    scheme, units = eight_units_scheme
    assessment_compute(kind=AssessmentKind.ANNUAL, year=2022, number=1, group=scheme.group)
    annual_awards_compute(year=2022)
    winners = list(
        Award.objects.filter(kind=AwardKind.COMPREHENSIVE).order_by("place").values_list("unit", flat=True)
    )
    assert winners == [unit.pk for unit in units[:5]]
    assert set(Award.objects.filter(kind=AwardKind.COMPREHENSIVE).values_list("prize", flat=True)) == {
        Decimal(5)
    }


def test_awards_need_the_annual_evaluation_first(eight_units_scheme):
    with pytest.raises(AssessmentError, match="年度总评"):
        annual_awards_compute(year=2022)
