"""DESIGN.md rules 4 and 5 through the assessment service, and the assessments a published
quarter-end period brings with it.

Growth g% is written as a year-to-date figure of 1000 + 10g over a baseline of 1000. Rank points are
the default scale: 100 for first place and 5 fewer per place below it.
"""

import io
import re
from decimal import Decimal

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from accounts.roles import Role
from common.periods import Period
from common.spreadsheets import workbook_response_bytes
from reporting.bulletin.document import narrative
from reporting.bulletin.service import bulletin_content
from reporting.bulletin.workbook import workbook_write
from reporting.choices import AssessmentKind, AwardKind, RunStatus
from reporting.models import Assessment, AssessmentAdjustment, AssessmentRow, Award, RankingRun
from reporting.services.assessments import (
    AssessmentError,
    annual_awards_compute,
    assessment_compute,
    assessment_publish,
    assessments_after_publish,
)
from reporting.services.publication import period_publish
from reporting.tests.assessment_setup import ranked_group
from tests.factories import OfficialFigureFactory, UserFactory

pytestmark = pytest.mark.django_db

D = Decimal


@pytest.fixture
def eight_units_scheme():
    """Eight units whose growth is 80%, 70%, … 10% in every period: unit 一 always first."""
    return ranked_group("区县", [80, 70, 60, 50, 40, 30, 20, 10])


def quarter(group, number=1):
    return assessment_compute(kind=AssessmentKind.QUARTER, year=2022, number=number, group=group)


def annual(group):
    return assessment_compute(kind=AssessmentKind.ANNUAL, year=2022, number=1, group=group)


def rewards(assessment):
    return [
        (row.unit.name[-3:], row.rank, row.reward)
        for row in assessment.rows.select_related("unit").order_by("rank", "unit__sort_order", "unit__name")
    ]


def comprehensive_places():
    return [
        (award.unit.name[-3:], award.place)
        for award in Award.objects.filter(kind=AwardKind.COMPREHENSIVE)
        .select_related("unit")
        .order_by("place", "unit__name")
    ]


# --- Rule 4 --------------------------------------------------------------------------------------


def test_reward_tiers_seed_002_pay_150_100_100_50_50_50(eight_units_scheme):
    scheme, _ = eight_units_scheme
    assessment = quarter(scheme.group)
    paid = [row.reward for row in assessment.rows.order_by("rank")]
    assert paid == [D(150), D(100), D(100), D(50), D(50), D(50), 0, 0]


def test_rule_4_a_unit_bottom_at_quarter_end_keeps_its_place_but_its_reward_is_not_paid(eight_units_scheme):
    scheme, units = eight_units_scheme
    # 第八区 is last in 1-3月 (100 − 7 × 5 = 65 points); 30 observation points lift it to 95, level
    # with 第二区: both 2nd. Its 100万 is not paid, and nobody moves up into it: 第三区 is 4th.
    AssessmentAdjustment.objects.create(
        kind=AssessmentKind.QUARTER, year=2022, number=1, unit=units[7], observation_score=30
    )
    assessment = quarter(scheme.group)
    row = assessment.rows.get(unit=units[7])
    assert (row.rank_points, row.observation_score, row.score, row.rank) == (D(65), D(30), D(95), 2)
    assert (row.reward, row.reward_note) == (0, "季末排名倒数第一，不予奖励")
    assert rewards(assessment) == [
        ("第一区", 1, D(150)),
        ("第二区", 2, D(100)),
        ("第八区", 2, D(0)),
        ("第三区", 4, D(50)),
        ("第四区", 5, D(50)),
        ("第五区", 6, D(50)),
        ("第六区", 7, D(0)),
        ("第七区", 8, D(0)),
    ]


def test_rule_4_a_unit_that_sent_no_figures_at_quarter_end_gets_no_reward():
    # Six 办事处; 第六区 sends nothing for 1-3月: 未报送, rank 6, bottom. Seed 002 would pay 6th
    # place 50万; rule 4 pays it to nobody, so the quarter pays 150 + 100 + 100 + 50 + 50 = 450万.
    scheme, units = ranked_group("办事处", [60, 50, 40, 30, 20, 10], months=[3], missing={3: [5]})
    assessment = quarter(scheme.group)
    row = assessment.rows.get(unit=units[5])
    assert (row.rank, row.reward, row.reward_note) == (6, D(0), "季末未报送，不予奖励")
    assert sum(row.reward for row in assessment.rows.all()) == D(450)


def test_a_quarter_whose_last_month_is_not_published_cannot_be_assessed(eight_units_scheme):
    scheme, _ = eight_units_scheme
    scheme.runs.filter(month=12).update(status="draft")
    with pytest.raises(AssessmentError, match="2022年1-12月「区县」排名尚未发布"):
        quarter(scheme.group, 4)


def test_a_published_assessment_is_not_recomputed(eight_units_scheme):
    scheme, units = eight_units_scheme
    assessment_publish(assessment=quarter(scheme.group))
    AssessmentAdjustment.objects.create(
        kind=AssessmentKind.QUARTER, year=2022, number=1, unit=units[7], observation_score=100
    )
    assert quarter(scheme.group).rows.get(unit=units[7]).score == D(65)


# --- Rule 5 --------------------------------------------------------------------------------------


def test_rule_5_the_year_is_not_evaluated_before_1_12_is_published(eight_units_scheme):
    scheme, _ = eight_units_scheme
    scheme.runs.filter(month=12).update(status=RunStatus.DRAFT)
    with pytest.raises(AssessmentError, match="2022年1-12月「区县」排名尚未发布，无法进行2022年度总评"):
        annual(scheme.group)
    assert not Assessment.objects.filter(kind=AssessmentKind.ANNUAL).exists()


def test_rule_5_a_year_drafted_earlier_is_not_published_before_1_12_is(eight_units_scheme):
    scheme, _ = eight_units_scheme
    evaluation = annual(scheme.group)
    scheme.runs.filter(month=12).update(status=RunStatus.DRAFT)
    with pytest.raises(AssessmentError, match="无法进行2022年度总评"):
        assessment_publish(assessment=evaluation)
    evaluation.refresh_from_db()
    assert evaluation.status == RunStatus.DRAFT


def test_rule_5_missing_quarterly_assessments_are_computed_first_and_never_counted_as_0(
    eight_units_scheme,
):
    scheme, units = eight_units_scheme
    assert not Assessment.objects.exists()
    evaluation = annual(scheme.group)
    # 第一区 is first every month (100 points) and every quarter (100): 0.5 × 100 + 0.5 × 100 = 100,
    # not the 50 that counting the four missing quarters as 0 would give. 第八区: 0.5 × 65 + 0.5 × 65.
    assert evaluation.rows.get(unit=units[0]).score == D(100)
    assert evaluation.rows.get(unit=units[7]).score == D(65)
    assert Assessment.objects.filter(kind=AssessmentKind.QUARTER).count() == 4


def test_rule_5_a_quarter_that_cannot_be_assessed_stops_the_year(eight_units_scheme):
    scheme, _ = eight_units_scheme
    scheme.runs.filter(month=6).update(status=RunStatus.DRAFT)
    with pytest.raises(AssessmentError, match=r"2022年1-6月「区县」排名尚未发布.*四个季度"):
        annual(scheme.group)


def test_rule_5_units_tied_in_the_year_share_a_comprehensive_award_place():
    # 第一区 and 第二区 both grow 80% every month: tied 1st in every month, quarter and the year
    # (100 each). 第三区 is 3rd, not 2nd; five places go to 第一 … 第五区.
    scheme, _ = ranked_group("局办", [80, 80, 60, 50, 40, 30, 20, 10])
    annual(scheme.group)
    annual_awards_compute(year=2022)
    assert comprehensive_places() == [
        ("第一区", 1),
        ("第二区", 1),
        ("第三区", 3),
        ("第四区", 4),
        ("第五区", 5),
    ]


def test_rule_5_a_tie_at_the_fifth_place_awards_both_units_as_fifth():
    # 第五区 and 第六区 both grow 40%: both 5th all year, both get 综合奖 第5名; 第七区 (7th) gets none.
    scheme, _ = ranked_group("局办", [80, 70, 60, 50, 40, 40, 20, 10])
    annual(scheme.group)
    annual_awards_compute(year=2022)
    assert comprehensive_places()[-2:] == [("第五区", 5), ("第六区", 5)]
    assert len(comprehensive_places()) == 6


def test_publishing_the_year_places_its_awards_and_freezes_them(eight_units_scheme):
    scheme, _ = eight_units_scheme
    assessment_publish(assessment=annual(scheme.group))
    assert comprehensive_places() == [(f"第{n}区", place) for place, n in enumerate("一二三四五", 1)]
    awards = list(Award.objects.order_by("pk").values_list("pk", flat=True))
    annual_awards_compute(year=2022)
    assert list(Award.objects.order_by("pk").values_list("pk", flat=True)) == awards, "not replaced"


def test_awards_need_the_annual_evaluation_first(eight_units_scheme):
    with pytest.raises(AssessmentError, match="年度总评"):
        annual_awards_compute(year=2022)


# --- A published quarter-end period brings its assessments ---------------------------------------


def test_publishing_a_quarter_end_period_drafts_its_quarter_for_every_group():
    subdistricts, _ = ranked_group("办事处", [30, 20, 10], months=[], sort_order=1)
    bureaus, _ = ranked_group("局办", [30, 20], months=[], sort_order=2)
    for scheme in (subdistricts, bureaus):
        for unit in scheme.group.units.all():
            OfficialFigureFactory(unit=unit, year=2022, month=3, ytd_completed=1100, baseline=1000)
    period_publish(period=Period(2022, 3))
    assessments = Assessment.objects.order_by("group__sort_order")
    assert [(a.kind, a.number, a.group.name, a.status) for a in assessments] == [
        (AssessmentKind.QUARTER, 1, "办事处", RunStatus.DRAFT),
        (AssessmentKind.QUARTER, 1, "局办", RunStatus.DRAFT),
    ]


def test_a_group_with_no_ranking_in_the_period_is_skipped_with_its_reason_and_the_others_assessed():
    # Rule 11: 局办 had no figures in 1-3月, so the period was published without a 局办 ranking.
    subdistricts, _ = ranked_group("办事处", [30, 20, 10], months=[3], sort_order=1)
    ranked_group("局办", [30, 20], months=[], sort_order=2)
    done = assessments_after_publish(period=Period(2022, 3))
    assert [assessment.group for assessment in done.assessments] == [subdistricts.group]
    assert done.skipped == ["2022年1-3月「局办」无数据、未排名，不进行2022年第1季度考评。"]


def test_assessing_a_published_period_twice_changes_nothing(eight_units_scheme):
    first = assessments_after_publish(period=Period(2022, 6))
    rows = list(AssessmentRow.objects.order_by("pk").values_list("pk", "unit", "score", "rank", "reward"))
    second = assessments_after_publish(period=Period(2022, 6))
    # 1-6月 ends the second quarter and the half-year: one of each.
    assert [(a.kind, a.number) for a in first.assessments] == [
        (AssessmentKind.QUARTER, 2),
        (AssessmentKind.HALF_YEAR, 1),
    ]
    assert [a.pk for a in second.assessments] == [a.pk for a in first.assessments]
    assert Assessment.objects.count() == 2
    assert [
        row[1:]
        for row in AssessmentRow.objects.order_by("pk").values_list("pk", "unit", "score", "rank", "reward")
    ] == [row[1:] for row in rows]


def test_a_month_that_ends_no_quarter_brings_no_assessment(eight_units_scheme):
    done = assessments_after_publish(period=Period(2022, 5))
    assert (done.assessments, done.skipped) == ([], [])
    assert not Assessment.objects.exists()


def test_1_12_brings_the_fourth_quarter_the_year_and_its_awards(eight_units_scheme):
    done = assessments_after_publish(period=Period(2022, 12))
    assert [(a.kind, a.number) for a in done.assessments] == [
        (AssessmentKind.QUARTER, 4),
        (AssessmentKind.ANNUAL, 1),
    ]
    # The year assessed the three earlier quarters first.
    assert Assessment.objects.filter(kind=AssessmentKind.QUARTER).count() == 4
    assert comprehensive_places() == [(f"第{n}区", place) for place, n in enumerate("一二三四五", 1)]


def test_the_half_year_waits_for_1_6_and_the_quarters_ranking_runs_stay_as_published(eight_units_scheme):
    published = set(RankingRun.objects.values_list("pk", "status"))
    assessments_after_publish(period=Period(2022, 3))
    assert set(RankingRun.objects.values_list("pk", "status")) == published
    assert not Assessment.objects.filter(kind=AssessmentKind.HALF_YEAR).exists()


# --- The page ------------------------------------------------------------------------------------


def test_the_leader_sees_the_year_s_awards_and_a_unit_sees_them_once_the_year_is_published(
    eight_units_scheme, client
):
    _, units = eight_units_scheme
    assessments_after_publish(period=Period(2022, 12))
    leader = UserFactory(role=Role.LEADER)
    reporter = UserFactory(role=Role.REPORTER, unit=units[0])
    url = reverse("reporting:assessments")

    client.force_login(leader)
    html = client.get(url, {"year": 2022}).content.decode()
    assert "2022年度奖项" in html
    awards = html.split("2022年度奖项")[1].split("</table>")[0]
    lines = [
        [re.sub(r"\s+", "", cell) for cell in re.findall(r"<td[^>]*>(.*?)</td>", line, re.DOTALL)]
        for line in re.findall(r"<tr[^>]*>(.*?)</tr>", awards, re.DOTALL)[1:]
    ]
    # 第一区 … 第五区 win 第1名 … 第5名, 5万元 each (seed 004); the award is named on the first line.
    assert lines == [
        ["综合奖（区县）", "第1名", "区县第一区", "5"],
        ["", "第2名", "区县第二区", "5"],
        ["", "第3名", "区县第三区", "5"],
        ["", "第4名", "区县第四区", "5"],
        ["", "第5名", "区县第五区", "5"],
    ]

    client.force_login(reporter)
    html = client.get(url, {"year": 2022}).content.decode()
    assert "综合奖" not in html and "年度总评" not in html

    assessment_publish(assessment=Assessment.objects.get(kind=AssessmentKind.ANNUAL))
    html = client.get(url, {"year": 2022}).content.decode()
    assert "综合奖（区县）" in html and "2022年度总评：区县" in html
    assert "第4季度考评" not in html, "still a draft"


# --- The year-end 通报 ---------------------------------------------------------------------------


def test_the_1_12_bulletin_names_the_year_s_awards_and_1_11_does_not(eight_units_scheme):
    assessments_after_publish(period=Period(2022, 12))
    december = bulletin_content(period=Period(2022, 12))
    # 综合奖 第1名 … 第5名 of 区县, 5万元 each; these units carry no 单项奖 targets.
    assert [(line.award, line.scope, line.place, line.unit[-3:], line.prize) for line in december.awards] == [
        ("综合奖", "区县", place, f"第{n}区", D(5)) for place, n in enumerate("一二三四五", 1)
    ]
    workbook = load_workbook(io.BytesIO(workbook_response_bytes(workbook_write(december))))
    sheet = workbook["年度奖项"]
    cells = [[cell for cell in row if cell is not None] for row in sheet.iter_rows(values_only=True)]
    assert [1, "综合奖", "区县", 1, "区县第一区", 5] in cells
    assert "经2022年度总评，综合奖（区县）：第1名区县第一区、第2名区县第二区" in "".join(narrative(december))

    november = bulletin_content(period=Period(2022, 11))
    assert november.awards == ()
    names = load_workbook(io.BytesIO(workbook_response_bytes(workbook_write(november)))).sheetnames
    assert "年度奖项" not in names
