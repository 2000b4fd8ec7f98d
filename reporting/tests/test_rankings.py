"""DESIGN.md rules 1–3 and 9 through the ranking service, on the database.

Expected values are worked out by hand from the figures each test writes.
"""

from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from common.periods import Period
from reporting.choices import EscalationStatus, Metric, SubmissionStatus
from reporting.models import Escalation, Ladder, RankingRow, RankingRun, RankingScheme, Submission
from reporting.presets import LADDER_SEED_001, LADDER_SEED_003
from reporting.rules import EntryStatus
from reporting.services.escalations import (
    escalation_close,
    escalation_record_meeting,
    escalation_submit_measures,
)
from reporting.services.publication import period_publish
from reporting.services.rankings import RankingError, ranking_compute, ranking_publish
from tests.factories import (
    AllocationTableFactory,
    OfficialFigureFactory,
    PlanYearFactory,
    RankingGroupFactory,
    TargetFactory,
    UnitFactory,
)

pytestmark = pytest.mark.django_db

FEB, MAR, APR, MAY, JUN = (Period(2022, m) for m in (2, 3, 4, 5, 6))


@pytest.fixture
def group():
    group = RankingGroupFactory(name="办事处")
    group.units.add(*[UnitFactory(name=f"{name}办事处", short_name=name) for name in "甲乙丙丁"])
    return group


@pytest.fixture
def scheme(group):
    PlanYearFactory(year=2022)
    return RankingScheme.objects.create(
        name="增速排名",
        group=group,
        metric=Metric.GROWTH,
        ladder=Ladder.objects.get(name=LADDER_SEED_001.name),
    )


def unit(name: str):
    from targets.models import Unit

    return Unit.objects.get(name=f"{name}办事处")


def growth_figures(period: Period, growth_by_unit: dict[str, str | None]) -> None:
    """Figures whose growth is exactly the given percent: baseline 1000, YTD 1000 × (1 + g/100)."""
    for name, growth in growth_by_unit.items():
        if growth is not None:
            ytd = Decimal(1000) * (1 + Decimal(growth) / 100)
            OfficialFigureFactory(
                unit=unit(name), year=period.year, month=period.month, ytd_completed=ytd, baseline=1000
            )


def rows(run: RankingRun) -> dict[str, RankingRow]:
    return {row.unit.short_name: row for row in run.rows.select_related("unit")}


def publish(scheme, period, growth_by_unit) -> dict[str, RankingRow]:
    growth_figures(period, growth_by_unit)
    run = ranking_compute(scheme=scheme, period=period)
    ranking_publish(run=run)
    return rows(run)


def test_ranking_by_growth_puts_the_fastest_first(scheme):
    result = publish(scheme, FEB, {"甲": "12.5", "乙": "8", "丙": "15", "丁": "-3"})
    assert {name: row.rank for name, row in result.items()} == {"丙": 1, "甲": 2, "乙": 3, "丁": 4}
    assert result["甲"].value == Decimal("12.5")
    assert result["丁"].value == Decimal("-3.0")


def test_equal_values_share_a_rank(scheme):
    result = publish(scheme, FEB, {"甲": "10", "乙": "10", "丙": "5", "丁": "12"})
    assert [result[name].rank for name in "丁甲乙丙"] == [1, 2, 2, 4]


def test_growth_is_ranked_as_published_to_one_decimal(scheme):
    # 10.04% and 9.96% both print as 10.0%: the bulletin shows a tie, so the ranking does too.
    result = publish(scheme, FEB, {"甲": "10.04", "乙": "9.96", "丙": "20", "丁": "1"})
    assert result["甲"].rank == result["乙"].rank == 2


def test_ties_on_the_bottom_rank_are_all_bottom_and_all_escalate(scheme):
    result = publish(scheme, FEB, {"甲": "10", "乙": "2", "丙": "2", "丁": "12"})
    assert (result["乙"].rank, result["丙"].rank) == (3, 3)
    assert result["乙"].is_bottom and result["丙"].is_bottom
    assert not result["甲"].is_bottom
    escalated = set(Escalation.objects.filter(year=2022, month=2).values_list("unit__short_name", flat=True))
    assert escalated == {"乙", "丙"}


def test_unreported_unit_ranks_below_every_reporter_and_is_bottom(scheme):
    result = publish(scheme, FEB, {"甲": "-20", "乙": "5", "丙": "8", "丁": None})
    assert result["丁"].status == EntryStatus.MISSING
    assert result["丁"].rank == 4
    assert result["丁"].is_bottom
    assert not result["甲"].is_bottom, "a reporter, however slow, is above a unit that did not report"
    assert result["丁"].escalation_level == 1
    assert "未报送" in result["丁"].note


def test_not_reporting_never_escapes_the_ladder(scheme):
    publish(scheme, FEB, {"甲": "1", "乙": "5", "丙": "8", "丁": "9"})
    result = publish(scheme, MAR, {"甲": None, "乙": "5", "丙": "8", "丁": "9"})
    assert result["甲"].escalation_level == 2


def test_undefined_growth_is_shown_as_a_dash_unranked_and_never_bottom(scheme):
    growth_figures(FEB, {"甲": "10", "乙": "5", "丙": "8"})
    OfficialFigureFactory(unit=unit("丁"), year=2022, month=2, ytd_completed=500, baseline=0)
    result = rows(ranking_compute(scheme=scheme, period=FEB))
    assert result["丁"].status == EntryStatus.UNDEFINED
    assert result["丁"].rank is None
    assert result["丁"].value is None
    assert not result["丁"].is_bottom
    assert result["乙"].is_bottom and result["乙"].rank == 3


def test_bottom_four_periods_running_gives_levels_1_2_3_3(scheme):
    levels = []
    for period in (FEB, MAR, APR, MAY):
        result = publish(scheme, period, {"甲": "1", "乙": "5", "丙": "8", "丁": "9"})
        levels.append(result["甲"].escalation_level)
    assert levels == [1, 2, 3, 3]
    escalation = Escalation.objects.get(unit__short_name="甲", month=5)
    assert escalation.action == "区主要领导约谈主要负责同志"
    assert escalation.consecutive_bottom == 4


def test_bottom_in_february_and_april_but_not_march_is_level_one_twice(scheme):
    feb = publish(scheme, FEB, {"甲": "1", "乙": "5", "丙": "8", "丁": "9"})
    mar = publish(scheme, MAR, {"甲": "6", "乙": "5", "丙": "8", "丁": "2"})
    apr = publish(scheme, APR, {"甲": "1", "乙": "5", "丙": "8", "丁": "9"})
    assert (feb["甲"].escalation_level, mar["甲"].escalation_level, apr["甲"].escalation_level) == (1, 0, 1)
    assert apr["甲"].consecutive_bottom == 1


def test_consecutive_counts_only_published_periods(scheme):
    growth_figures(FEB, {"甲": "1", "乙": "5", "丙": "8", "丁": "9"})
    ranking_compute(scheme=scheme, period=FEB)  # a draft, never published
    result = publish(scheme, MAR, {"甲": "1", "乙": "5", "丙": "8", "丁": "9"})
    assert result["甲"].escalation_level == 1


def test_consecutive_stops_at_the_year_end(scheme):
    growth_figures(Period(2021, 12), {"甲": "1", "乙": "5", "丙": "8", "丁": "9"})
    ranking_publish(run=ranking_compute(scheme=scheme, period=Period(2021, 12)))
    result = publish(scheme, FEB, {"甲": "1", "乙": "5", "丙": "8", "丁": "9"})
    assert result["甲"].escalation_level == 1


def test_a_unit_made_inactive_mid_year_leaves_the_ranking(scheme):
    publish(scheme, FEB, {"甲": "1", "乙": "5", "丙": "8", "丁": "9"})
    gone = unit("甲")
    gone.is_active = False
    gone.save()
    result = publish(scheme, MAR, {"甲": "0", "乙": "5", "丙": "8", "丁": "9"})
    assert "甲" not in result
    assert result["乙"].is_bottom and result["乙"].escalation_level == 1
    assert RankingRow.objects.filter(run__month=2, unit=gone).exists(), "its published history stays"


def test_a_correction_before_publication_recomputes_the_draft_and_its_escalations(scheme):
    growth_figures(FEB, {"甲": "1", "乙": "5", "丙": "8", "丁": "9"})
    run = ranking_compute(scheme=scheme, period=FEB)
    assert rows(run)["甲"].is_bottom
    from reporting.models import OfficialFigure

    OfficialFigure.objects.filter(unit=unit("甲")).update(ytd_completed=Decimal("1200"))  # now 20%
    again = ranking_compute(scheme=scheme, period=FEB)
    assert again.pk == run.pk
    assert RankingRun.objects.count() == 1
    assert RankingRow.objects.count() == 4
    result = rows(again)
    assert result["甲"].rank == 1
    assert result["乙"].is_bottom
    # 甲's proposal is withdrawn, not deleted, so a link to it still answers.
    assert sorted(Escalation.objects.values_list("unit__short_name", "status")) == [
        ("乙", EscalationStatus.PROPOSED),
        ("甲", EscalationStatus.WITHDRAWN),
    ]


def test_a_recompute_updates_the_proposed_escalations_in_place(scheme):
    growth_figures(FEB, {"甲": "1", "乙": "5", "丙": "8", "丁": "9"})
    ranking_compute(scheme=scheme, period=FEB)
    proposal = Escalation.objects.get(unit=unit("甲"))
    from reporting.models import OfficialFigure

    # 甲 climbs to 20% (乙 is bottom), then falls back to 0%: its proposal is withdrawn, then revived.
    OfficialFigure.objects.filter(unit=unit("甲")).update(ytd_completed=Decimal("1200"))
    ranking_compute(scheme=scheme, period=FEB)
    assert Escalation.objects.get(pk=proposal.pk).status == EscalationStatus.WITHDRAWN
    OfficialFigure.objects.filter(unit=unit("甲")).update(ytd_completed=Decimal("1000"))
    ranking_compute(scheme=scheme, period=FEB)
    assert Escalation.objects.get(pk=proposal.pk).status == EscalationStatus.PROPOSED
    assert Escalation.objects.get(unit=unit("乙")).status == EscalationStatus.WITHDRAWN
    assert Escalation.objects.count() == 2


def test_a_rerun_after_publication_changes_nothing(scheme):
    publish(scheme, FEB, {"甲": "1", "乙": "5", "丙": "8", "丁": "9"})
    before = list(RankingRow.objects.values_list("unit_id", "value", "rank", "is_bottom", "escalation_level"))
    from reporting.models import OfficialFigure

    OfficialFigure.objects.filter(unit=unit("甲")).update(ytd_completed=Decimal("5000"))
    run = ranking_compute(scheme=scheme, period=FEB)
    assert ranking_publish(run=run) is False, "publishing twice is harmless"
    after = list(RankingRow.objects.values_list("unit_id", "value", "rank", "is_bottom", "escalation_level"))
    assert after == before
    assert Escalation.objects.count() == 1
    assert Escalation.objects.get().status == EscalationStatus.CLOSED, "通报批评 was done by the 通报"


def test_a_period_without_any_figure_is_not_ranked(scheme):
    with pytest.raises(RankingError, match="尚无任何单位的数据"):
        ranking_compute(scheme=scheme, period=FEB)
    assert not RankingRun.objects.exists()


def test_completion_rate_ranks_against_the_scheme_allocation_table(group):
    plan_year = PlanYearFactory(year=2022)
    table = AllocationTableFactory(plan_year=plan_year, ranking_group=group)
    for name, target in zip("甲乙丙丁", [1000, 2000, 4000, 500], strict=True):
        TargetFactory(table=table, unit=unit(name), value=target)
    for name in "甲乙丙丁":
        OfficialFigureFactory(unit=unit(name), year=2022, month=5, ytd_completed=400, baseline=300)
    scheme = RankingScheme.objects.create(
        name="完成率", group=group, metric=Metric.COMPLETION_RATE, allocation_table=table
    )
    result = rows(ranking_compute(scheme=scheme, period=MAY))
    # 400 of 1000 = 40%, of 2000 = 20%, of 4000 = 10%, of 500 = 80%
    assert {n: (r.value, r.rank) for n, r in result.items()} == {
        "丁": (Decimal("80.0"), 1),
        "甲": (Decimal("40.0"), 2),
        "乙": (Decimal("20.0"), 3),
        "丙": (Decimal("10.0"), 4),
    }
    assert result["丙"].is_bottom and result["丙"].escalation_level == 0, "no ladder, no escalation"


def test_seed_003_half_year_bottom_triggers_level_two(group):
    PlanYearFactory(year=2022)
    scheme = RankingScheme.objects.create(
        name="重点项目",
        group=group,
        metric=Metric.GROWTH,
        ladder=Ladder.objects.get(name=LADDER_SEED_003.name),
    )
    # 乙 is last in every month but June; 甲 is last only in June. Over the half year 乙 is bottom.
    for period in (FEB, MAR, APR, MAY):
        publish(scheme, period, {"甲": "6", "乙": "1", "丙": "8", "丁": "9"})
    june = publish(scheme, JUN, {"甲": "0", "乙": "5", "丙": "8", "丁": "9"})
    assert june["甲"].escalation_level == 1
    assert june["乙"].escalation_level == 2, "bottom of the half-year assessment"
    escalation = Escalation.objects.get(unit__short_name="乙", month=6)
    assert escalation.action == "分管区领导约谈单位主要负责人"


def test_seed_003_ladder_has_a_meeting_statement_as_its_first_step(group):
    PlanYearFactory(year=2022)
    scheme = RankingScheme.objects.create(
        name="重点项目",
        group=group,
        metric=Metric.GROWTH,
        ladder=Ladder.objects.get(name=LADDER_SEED_003.name),
    )
    publish(scheme, FEB, {"甲": "1", "乙": "5", "丙": "8", "丁": "9"})
    assert Escalation.objects.get().action == "在全区重点项目推进会议上表态发言"


def test_publishing_a_period_locks_every_unit_s_returns(scheme):
    growth_figures(MAR, {"甲": "1", "乙": "5", "丙": "8", "丁": "9"})
    period_publish(period=MAR)
    assert Submission.objects.filter(year=2022, month__in=[1, 2, 3]).count() == 12
    assert set(Submission.objects.values_list("status", flat=True)) == {SubmissionStatus.LOCKED}


def test_an_escalation_goes_from_interview_to_rectification_to_closed(scheme):
    for period in (FEB, MAR):
        publish(scheme, period, {"甲": "1", "乙": "5", "丙": "8", "丁": "9"})
    escalation = Escalation.objects.get(month=3)
    assert escalation.status == EscalationStatus.PENDING
    with pytest.raises(ValidationError):
        escalation_submit_measures(escalation=escalation, measures="加快项目入库")
    escalation_record_meeting(
        escalation=escalation, meeting_date=date(2022, 4, 8), interviewer="王副主任", minutes="约谈记录"
    )
    escalation_submit_measures(escalation=escalation, measures="加快项目入库")
    escalation_close(escalation=escalation, closed_on=date(2022, 5, 1))
    escalation.refresh_from_db()
    assert escalation.status == EscalationStatus.CLOSED
    assert escalation.measures == "加快项目入库"


def test_an_escalations_meeting_and_close_dates_come_after_its_period_and_in_order(scheme):
    for period in (FEB, MAR):
        publish(scheme, period, {"甲": "1", "乙": "5", "丙": "8", "丁": "9"})
    escalation = Escalation.objects.get(month=3)  # 2022年1-3月, which ends on 31 March
    meeting = {"interviewer": "王副主任", "minutes": "约谈记录"}

    with pytest.raises(ValidationError) as on_the_last_day:
        escalation_record_meeting(escalation=escalation, meeting_date=date(2022, 3, 31), **meeting)
    assert on_the_last_day.value.message_dict == {
        "meeting_date": ["约谈日期（2022-03-31）须晚于该约谈所属统计期2022年1-3月的截止日（2022-03-31）。"]
    }
    escalation.refresh_from_db()
    assert (escalation.status, escalation.meeting_date) == (EscalationStatus.PENDING, None)

    escalation_record_meeting(escalation=escalation, meeting_date=date(2022, 4, 8), **meeting)
    escalation_submit_measures(escalation=escalation, measures="加快项目入库")
    with pytest.raises(ValidationError) as before_the_meeting:
        escalation_close(escalation=escalation, closed_on=date(2022, 4, 7))
    assert before_the_meeting.value.message_dict == {
        "closed_on": ["销号日期（2022-04-07）不能早于约谈日期（2022-04-08）。"]
    }
    escalation.refresh_from_db()
    assert (escalation.status, escalation.closed_on) == (EscalationStatus.RECTIFYING, None)


def test_a_criticism_needing_no_meeting_is_done_when_its_bulletin_is_published(scheme):
    from common.clock import clock_set

    clock_set(on=date(2022, 3, 15))
    publish(scheme, FEB, {"甲": "1", "乙": "5", "丙": "8", "丁": "9"})
    escalation = Escalation.objects.get()
    assert (escalation.action, escalation.needs_meeting) == ("通报批评", False)
    assert escalation.status == EscalationStatus.CLOSED
    assert escalation.closed_on == date(2022, 3, 15)
    with pytest.raises(ValidationError):
        escalation_submit_measures(escalation=escalation, measures="制定整改方案")


def test_a_statement_at_the_meeting_is_done_when_published_and_an_interview_waits_for_its_record(group):
    PlanYearFactory(year=2022)
    scheme = RankingScheme.objects.create(
        name="重点项目",
        group=group,
        metric=Metric.GROWTH,
        ladder=Ladder.objects.get(name=LADDER_SEED_003.name),
    )
    for period in (FEB, MAR):
        publish(scheme, period, {"甲": "1", "乙": "5", "丙": "8", "丁": "9"})
    assert list(Escalation.objects.order_by("month").values_list("month", "needs_meeting", "status")) == [
        (2, False, EscalationStatus.CLOSED),
        (3, True, EscalationStatus.PENDING),
    ]


def _reporters(names: str):
    from accounts.roles import Role
    from tests.factories import UserFactory

    return {name: UserFactory(unit=unit(name), role=Role.REPORTER) for name in names}


def test_publication_tells_each_unit_its_place_once(scheme, django_capture_on_commit_callbacks):
    from reporting.models import Notification

    reporters = _reporters("甲丁")
    growth_figures(FEB, {"甲": "9", "乙": "5", "丙": "3", "丁": "1"})
    run = ranking_compute(scheme=scheme, period=FEB)
    with django_capture_on_commit_callbacks(execute=True):
        ranking_publish(run=run)
    from reporting.services.rankings import ranking_notify_units

    ranking_notify_units(run=run)  # a second notice of the same publication adds nothing

    notices = Notification.objects.filter(key=f"ranking-published:{run.pk}")
    assert notices.count() == 2
    assert "排名第1名" in notices.get(user=reporters["甲"]).body
    assert "排名第4名" in notices.get(user=reporters["丁"]).body
    assert notices.get(user=reporters["丁"]).unit == unit("丁")


def test_publication_notices_take_the_same_queries_for_one_unit_as_for_four(scheme):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from reporting.services.rankings import ranking_notify_units

    growth_figures(FEB, {"甲": "9", "乙": "5", "丙": "3", "丁": "1"})
    run = ranking_compute(scheme=scheme, period=FEB)
    _reporters("甲")
    with CaptureQueriesContext(connection) as one:
        ranking_notify_units(run=run)
    _reporters("乙丙丁")
    with CaptureQueriesContext(connection) as four:
        ranking_notify_units(run=run)
    assert len(four) == len(one)
