"""The lifecycle's pure rules: library moves and their dates, 退库, stewards, problem dates, rules 6 and 8."""

from datetime import date
from decimal import Decimal

import pytest

from projects.choices import ExitReason, Stage
from projects.models import Project
from projects.rules import (
    exit_refusal,
    missing_registration,
    problem_close_date_refusal,
    problem_deadline_refusal,
    reserve_ratio,
    stage_change_date_refusal,
    stage_move_refusal,
    stewardship_missing,
)
from tests.factories import ProjectFactory

TODAY = date(2022, 10, 31)
ALL_DONE = {
    "立项": date(2022, 1, 5),
    "用地": date(2022, 2, 5),
    "规划": date(2022, 3, 5),
    "施工许可": date(2022, 4, 5),
}


def _refusal(from_stage, to_stage, *, procedures=ALL_DONE, start=None, completion=None):
    return stage_move_refusal(
        from_stage=from_stage,
        to_stage=to_stage,
        procedures=procedures,
        actual_start=start,
        actual_completion=completion,
        today=TODAY,
    )


def test_a_reserve_project_with_every_procedure_done_may_join_the_start_library():
    assert _refusal(Stage.RESERVE, Stage.TO_START) is None


def test_a_reserve_project_missing_procedures_is_refused_naming_them():
    refusal = _refusal(Stage.RESERVE, Stage.TO_START, procedures={**ALL_DONE, "用地": None, "施工许可": None})
    assert "用地、施工许可" in refusal
    assert "立项" not in refusal


def test_moving_to_construction_needs_an_actual_start_date():
    assert "实际开工日期" in _refusal(Stage.TO_START, Stage.UNDER_CONSTRUCTION)
    assert _refusal(Stage.TO_START, Stage.UNDER_CONSTRUCTION, start=date(2022, 5, 1)) is None


def test_an_actual_start_in_the_future_is_refused():
    assert "晚于今天" in _refusal(Stage.TO_START, Stage.UNDER_CONSTRUCTION, start=date(2022, 11, 1))


def test_moving_to_completed_needs_an_actual_completion_date():
    assert "实际竣工日期" in _refusal(Stage.UNDER_CONSTRUCTION, Stage.COMPLETED, start=date(2022, 1, 1))
    assert (
        _refusal(
            Stage.UNDER_CONSTRUCTION, Stage.COMPLETED, start=date(2022, 1, 1), completion=date(2022, 9, 1)
        )
        is None
    )


def test_a_completion_before_the_start_is_refused():
    refusal = _refusal(
        Stage.UNDER_CONSTRUCTION, Stage.COMPLETED, start=date(2022, 5, 1), completion=date(2022, 4, 1)
    )
    assert "不能早于实际开工日期" in refusal


@pytest.mark.parametrize(
    ("from_stage", "to_stage"),
    [
        (Stage.RESERVE, Stage.UNDER_CONSTRUCTION),
        (Stage.RESERVE, Stage.COMPLETED),
        (Stage.UNDER_CONSTRUCTION, Stage.RESERVE),
        (Stage.COMPLETED, Stage.UNDER_CONSTRUCTION),
        (Stage.EXITED, Stage.RESERVE),
    ],
)
def test_a_library_cannot_be_skipped_or_gone_back_to(from_stage, to_stage):
    assert "依次转入下一库" in _refusal(from_stage, to_stage, start=TODAY, completion=TODAY)


def test_exit_is_not_a_library_move():
    assert "经管理员批准" in _refusal(Stage.COMPLETED, Stage.EXITED)


def test_exit_reasons_are_seed_003s():
    assert set(ExitReason.labels) == {
        "竣工达效",
        "因合同约定终止合作",
        "已停止洽谈",
        "企业无能力开发造成土地长期闲置",
        "严重违反合同条款影响整体产业布局",
        "上级政策或上位规划调整",
    }


@pytest.mark.parametrize("stage", [Stage.RESERVE, Stage.TO_START, Stage.UNDER_CONSTRUCTION, Stage.COMPLETED])
def test_a_project_may_leave_from_any_library_for_an_approved_reason(stage):
    assert exit_refusal(stage=stage, reason=ExitReason.LAND_IDLE, output_reached_on=None) is None


def test_exit_for_reaching_output_needs_the_completed_library():
    refusal = exit_refusal(
        stage=Stage.UNDER_CONSTRUCTION, reason=ExitReason.REACHED_OUTPUT, output_reached_on=TODAY
    )
    assert "竣工库" in refusal


def test_exit_for_reaching_output_needs_the_output_date():
    assert "达效" in exit_refusal(
        stage=Stage.COMPLETED, reason=ExitReason.REACHED_OUTPUT, output_reached_on=None
    )
    assert (
        exit_refusal(stage=Stage.COMPLETED, reason=ExitReason.REACHED_OUTPUT, output_reached_on=TODAY) is None
    )


def test_exit_needs_one_of_the_reasons_and_a_project_still_in_the_libraries():
    assert "规定的原因" in exit_refusal(stage=Stage.RESERVE, reason="bored", output_reached_on=None)
    assert "已退库" in exit_refusal(stage=Stage.EXITED, reason=ExitReason.LAND_IDLE, output_reached_on=None)


def test_a_project_of_one_yi_or_more_needs_a_steward_and_a_leader_in_charge():
    assert stewardship_missing(
        total_investment=Decimal("10000"), has_steward=False, leader_in_charge=" "
    ) == ["项目管家", "分包领导"]
    assert (
        stewardship_missing(total_investment=Decimal("10000"), has_steward=True, leader_in_charge="张志强")
        == []
    )


def test_a_project_under_one_yi_needs_neither():
    assert (
        stewardship_missing(total_investment=Decimal("9999.99"), has_steward=False, leader_in_charge="") == []
    )


def test_reserve_ratio_warns_when_the_reserve_is_below_three_times_the_registered_construction():
    ratio = reserve_ratio(
        reserve_count=29,
        reserve_investment=Decimal("300000"),
        construction_count=10,
        construction_investment=Decimal("100000"),
    )
    assert ratio.required_count == 30
    assert ratio.count_short
    assert not ratio.investment_short
    assert ratio.is_short
    assert ratio.count_multiple == Decimal("2.9")


def test_reserve_ratio_is_met_at_exactly_three_times_on_both_counts():
    ratio = reserve_ratio(
        reserve_count=30,
        reserve_investment=Decimal("300000"),
        construction_count=10,
        construction_investment=Decimal("100000"),
    )
    assert not ratio.is_short
    assert ratio.investment_multiple == 3


def test_reserve_ratio_short_on_investment_alone_is_a_warning():
    ratio = reserve_ratio(
        reserve_count=40,
        reserve_investment=Decimal("1"),
        construction_count=10,
        construction_investment=Decimal(1),
    )
    assert ratio.investment_short
    assert ratio.is_short


def test_reserve_ratio_with_nothing_under_construction_has_no_multiple_and_no_warning():
    ratio = reserve_ratio(
        reserve_count=0, reserve_investment=None, construction_count=0, construction_investment=None
    )
    assert ratio.count_multiple is None
    assert ratio.investment_multiple is None
    assert not ratio.is_short


@pytest.mark.django_db
def test_missing_registration_flags_a_started_project_that_is_not_registered():
    flagged = {
        ProjectFactory(stage=Stage.UNDER_CONSTRUCTION, actual_start=None).code,
        ProjectFactory(stage=Stage.TO_START, actual_start=date(2022, 3, 1)).code,
        ProjectFactory(stage=Stage.COMPLETED, actual_start=date(2021, 3, 1)).code,
    }
    ProjectFactory(stage=Stage.UNDER_CONSTRUCTION, is_registered=True, registered_on=date(2022, 3, 1))
    ProjectFactory(stage=Stage.RESERVE, actual_start=None)
    ProjectFactory(stage=Stage.TO_START, actual_start=None)
    ProjectFactory(stage=Stage.EXITED, actual_start=date(2021, 3, 1))
    assert set(Project.objects.filter(missing_registration()).values_list("code", flat=True)) == flagged


def test_a_move_may_be_dated_on_or_after_the_previous_one_and_not_after_today():
    assert stage_change_date_refusal(changed_on=TODAY, previous_on=TODAY, today=TODAY) is None
    assert stage_change_date_refusal(changed_on=date(2022, 3, 1), previous_on=None, today=TODAY) is None
    assert (
        stage_change_date_refusal(changed_on=date(2022, 3, 1), previous_on=date(2022, 3, 2), today=TODAY)
        == "变更日期（2022-03-01）不能早于该项目上一次阶段变更（2022-03-02）。"
    )
    assert (
        stage_change_date_refusal(changed_on=date(2022, 11, 1), previous_on=None, today=TODAY)
        == "变更日期（2022-11-01）不能晚于今天。"
    )


def test_a_problem_may_not_be_closed_or_due_before_it_was_registered():
    registered = date(2026, 3, 5)
    assert problem_close_date_refusal(closed_on=registered, registered_on=registered) is None
    assert (
        problem_close_date_refusal(closed_on=date(2001, 1, 1), registered_on=registered)
        == "销号日期（2001-01-01）不能早于问题的登记日期（2026-03-05）。"
    )
    assert problem_deadline_refusal(deadline=registered, registered_on=registered) is None
    assert (
        problem_deadline_refusal(deadline=date(2026, 3, 4), registered_on=registered)
        == "办结时限（2026-03-04）不能早于问题的登记日期（2026-03-05）。"
    )


def test_rule_6_reserve_ratio_short_on_count_alone_is_a_warning_at_twice_the_investment():
    ratio = reserve_ratio(
        reserve_count=5,
        reserve_investment=Decimal("600"),
        construction_count=2,
        construction_investment=Decimal("100"),
    )
    assert (ratio.required_count, ratio.required_investment) == (6, Decimal("300"))
    assert ratio.count_short and not ratio.investment_short and ratio.is_short


@pytest.mark.django_db
def test_rule_8_missing_registration_flags_an_actual_start_without_registration_but_not_an_exit():
    started = ProjectFactory(stage=Stage.TO_START, actual_start=date(2022, 6, 1), is_registered=False)
    ProjectFactory(stage=Stage.EXITED, actual_start=date(2022, 6, 1), is_registered=False)
    assert list(Project.objects.filter(missing_registration()).values_list("pk", flat=True)) == [started.pk]
