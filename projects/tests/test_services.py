"""Writes of the lifecycle: every move is guarded and logged; 退库 is approved by an admin."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from projects.choices import (
    ExitReason,
    ExitRequestStatus,
    MilestoneKind,
    ProblemCategory,
    ProblemStatus,
    Stage,
)
from projects.models import Milestone, Problem, Project, StageChange
from projects.services.lifecycle import (
    exit_request_approve,
    exit_request_create,
    exit_request_reject,
    project_exit,
    project_milestones_update,
    project_procedures_update,
    project_register,
    project_stage_change,
    project_stewardship_update,
)
from projects.services.problems import problem_close, problem_create, problem_update
from projects.services.rollover import year_plan_fill
from tests.factories import (
    MilestoneFactory,
    ProblemFactory,
    ProjectFactory,
    ProjectYearPlanFactory,
    UnitFactory,
)

pytestmark = pytest.mark.django_db


def _walk_to_completed(project, actor):
    project_stage_change(project=project, to_stage=Stage.TO_START, actor=actor)
    project_stage_change(
        project=project, to_stage=Stage.UNDER_CONSTRUCTION, actor=actor, actual_start=date(2022, 3, 1)
    )
    project_stage_change(
        project=project, to_stage=Stage.COMPLETED, actor=actor, actual_completion=date(2022, 9, 1)
    )


def test_a_library_move_is_logged_with_from_to_date_who_and_reason(reserve_project, reporter):
    change = project_stage_change(
        project=reserve_project, to_stage=Stage.TO_START, actor=reporter, reason="手续已完备"
    )
    assert (change.from_stage, change.to_stage) == (Stage.RESERVE, Stage.TO_START)
    assert change.changed_on == timezone.localdate()
    assert change.changed_by == reporter
    assert change.reason == "手续已完备"
    assert Project.objects.get(pk=reserve_project.pk).stage == Stage.TO_START


def test_a_refused_move_names_the_missing_condition_and_changes_nothing(reserve_project, reporter):
    Project.objects.filter(pk=reserve_project.pk).update(planning_on=None)
    with pytest.raises(ValidationError, match="规划"):
        project_stage_change(project=reserve_project, to_stage=Stage.TO_START, actor=reporter)
    assert Project.objects.get(pk=reserve_project.pk).stage == Stage.RESERVE
    assert not StageChange.objects.exists()


def test_moving_to_construction_without_a_start_date_is_refused(reserve_project, reporter):
    project_stage_change(project=reserve_project, to_stage=Stage.TO_START, actor=reporter)
    with pytest.raises(ValidationError, match="实际开工日期"):
        project_stage_change(project=reserve_project, to_stage=Stage.UNDER_CONSTRUCTION, actor=reporter)


def test_moving_to_construction_records_the_start_on_the_project_and_its_milestone(reserve_project, reporter):
    project_stage_change(project=reserve_project, to_stage=Stage.TO_START, actor=reporter)
    project_stage_change(
        project=reserve_project,
        to_stage=Stage.UNDER_CONSTRUCTION,
        actor=reporter,
        actual_start=date(2022, 3, 1),
    )
    assert Project.objects.get(pk=reserve_project.pk).actual_start == date(2022, 3, 1)
    assert Milestone.objects.get(project=reserve_project, kind=MilestoneKind.START).actual_on == date(
        2022, 3, 1
    )


def test_moving_to_completed_records_the_completion_on_the_project_and_its_milestone(
    reserve_project, reporter
):
    _walk_to_completed(reserve_project, reporter)
    project = Project.objects.get(pk=reserve_project.pk)
    assert project.stage == Stage.COMPLETED
    assert project.actual_completion == date(2022, 9, 1)
    assert Milestone.objects.get(project=project, kind=MilestoneKind.COMPLETION).actual_on == date(2022, 9, 1)
    assert project.stage_changes.count() == 3


def test_a_unit_request_to_exit_waits_for_an_admin(reserve_project, reporter):
    request = exit_request_create(
        project=reserve_project, reason=ExitReason.TALKS_STOPPED, note="企业已停止洽谈", actor=reporter
    )
    assert request.status == ExitRequestStatus.PENDING
    assert Project.objects.get(pk=reserve_project.pk).stage == Stage.RESERVE


def test_only_an_admin_approves_an_exit(reserve_project, reporter):
    request = exit_request_create(
        project=reserve_project, reason=ExitReason.TALKS_STOPPED, note="停止洽谈", actor=reporter
    )
    with pytest.raises(PermissionDenied):
        exit_request_approve(exit_request=request, actor=reporter)
    with pytest.raises(PermissionDenied):
        project_exit(
            project=reserve_project, reason=ExitReason.TALKS_STOPPED, note="停止洽谈", actor=reporter
        )
    assert Project.objects.get(pk=reserve_project.pk).stage == Stage.RESERVE


def test_an_approved_exit_is_logged_with_its_reason_and_approver_and_frees_the_land(
    reserve_project, reporter, admin
):
    request = exit_request_create(
        project=reserve_project, reason=ExitReason.LAND_IDLE, note="土地长期闲置", actor=reporter
    )
    change = exit_request_approve(exit_request=request, actor=admin, note="同意")
    project = Project.objects.get(pk=reserve_project.pk)
    assert project.stage == Stage.EXITED
    assert project.land_for_reinvestment
    assert (change.from_stage, change.to_stage, change.exit_reason) == (
        Stage.RESERVE,
        Stage.EXITED,
        ExitReason.LAND_IDLE,
    )
    assert (change.changed_by, change.approved_by) == (reporter, admin)
    request.refresh_from_db()
    assert (request.status, request.decided_by, request.stage_change) == (
        ExitRequestStatus.APPROVED,
        admin,
        change,
    )


def test_an_exit_for_reaching_output_needs_the_output_date_and_keeps_the_land(reserve_project, admin):
    _walk_to_completed(reserve_project, admin)
    with pytest.raises(ValidationError, match="达效"):
        project_exit(project=reserve_project, reason=ExitReason.REACHED_OUTPUT, note="已达效", actor=admin)
    MilestoneFactory(project=reserve_project, kind=MilestoneKind.OUTPUT, actual_on=date(2022, 10, 1))
    change = project_exit(
        project=reserve_project, reason=ExitReason.REACHED_OUTPUT, note="已达效", actor=admin
    )
    project = Project.objects.get(pk=reserve_project.pk)
    assert (project.stage, project.land_for_reinvestment) == (Stage.EXITED, False)
    assert change.approved_by == admin


def test_an_admin_exits_a_project_in_one_step_with_the_approval_recorded(reserve_project, admin):
    change = project_exit(
        project=reserve_project, reason=ExitReason.POLICY_CHANGE, note="上位规划调整", actor=admin
    )
    request = change.exit_request
    assert (request.requested_by, request.decided_by, request.status) == (
        admin,
        admin,
        ExitRequestStatus.APPROVED,
    )
    assert change.approved_by == admin


def test_a_project_has_one_pending_exit_request_at_a_time(reserve_project, reporter):
    exit_request_create(
        project=reserve_project, reason=ExitReason.TALKS_STOPPED, note="停止洽谈", actor=reporter
    )
    with pytest.raises(ValidationError, match="待审批"):
        exit_request_create(project=reserve_project, reason=ExitReason.LAND_IDLE, note="闲置", actor=reporter)


def test_an_exit_request_is_decided_once(reserve_project, reporter, admin):
    request = exit_request_create(
        project=reserve_project, reason=ExitReason.TALKS_STOPPED, note="停止洽谈", actor=reporter
    )
    exit_request_approve(exit_request=request, actor=admin)
    with pytest.raises(ValidationError):
        exit_request_approve(exit_request=request, actor=admin)
    assert StageChange.objects.filter(to_stage=Stage.EXITED).count() == 1


def test_a_rejection_needs_a_note_and_leaves_the_project_in_its_library(reserve_project, reporter, admin):
    request = exit_request_create(
        project=reserve_project, reason=ExitReason.TALKS_STOPPED, note="停止洽谈", actor=reporter
    )
    with pytest.raises(ValidationError, match="审批意见"):
        exit_request_reject(exit_request=request, actor=admin, note=" ")
    exit_request_reject(exit_request=request, actor=admin, note="仍在洽谈，继续跟进")
    request.refresh_from_db()
    assert request.status == ExitRequestStatus.REJECTED
    assert Project.objects.get(pk=reserve_project.pk).stage == Stage.RESERVE


def test_procedures_are_recorded_and_cannot_be_dated_in_the_future(reserve_project, reporter):
    tomorrow = timezone.localdate() + timedelta(days=1)
    with pytest.raises(ValidationError, match="不能晚于今天"):
        project_procedures_update(project=reserve_project, dates={"approval_on": tomorrow}, actor=reporter)
    project_procedures_update(
        project=reserve_project, dates={"approval_on": date(2022, 1, 1)}, actor=reporter
    )
    project = Project.objects.get(pk=reserve_project.pk)
    assert project.approval_on == date(2022, 1, 1)
    assert project.land_on is None


def test_a_large_project_is_refused_without_a_steward_and_a_leader_in_charge(reporter):
    project = ProjectFactory(total_investment=Decimal("10000"))
    with pytest.raises(ValidationError, match="项目管家和分包领导"):
        project_stewardship_update(project=project, steward=None, leader_in_charge="", actor=reporter)
    project_stewardship_update(
        project=project, steward=reporter, leader_in_charge=" 张志强（副主任） ", actor=reporter
    )
    project.refresh_from_db()
    assert (project.steward, project.leader_in_charge) == (reporter, "张志强（副主任）")


def test_a_small_project_may_have_no_steward(reporter):
    project = ProjectFactory(total_investment=Decimal("5000"))
    project_stewardship_update(project=project, steward=None, leader_in_charge="", actor=reporter)


def test_start_and_completion_milestones_are_the_projects_own_dates(reporter):
    project = ProjectFactory(stage=Stage.UNDER_CONSTRUCTION, actual_start=date(2022, 2, 1))
    project_milestones_update(
        project=project,
        dates={
            MilestoneKind.SIGNING: (date(2021, 6, 1), date(2021, 6, 5)),
            MilestoneKind.START: (date(2022, 1, 15), date(2022, 2, 1)),
            MilestoneKind.COMPLETION: (date(2023, 12, 31), None),
            MilestoneKind.OUTPUT: (date(2024, 6, 30), None),
        },
        actor=reporter,
    )
    project.refresh_from_db()
    assert (project.planned_start, project.actual_start) == (date(2022, 1, 15), date(2022, 2, 1))
    assert (project.planned_completion, project.actual_completion) == (date(2023, 12, 31), None)
    assert project.milestones.count() == 4


def test_a_project_under_construction_keeps_its_actual_start(reporter):
    project = ProjectFactory(stage=Stage.UNDER_CONSTRUCTION, actual_start=date(2022, 2, 1))
    with pytest.raises(ValidationError, match="开工的实际日期"):
        project_milestones_update(project=project, dates={MilestoneKind.START: (None, None)}, actor=reporter)


def test_registering_a_project_records_the_date_and_refuses_a_future_one(reporter):
    project = ProjectFactory()
    with pytest.raises(ValidationError):
        project_register(
            project=project, registered_on=timezone.localdate() + timedelta(days=1), actor=reporter
        )
    project_register(project=project, registered_on=date(2022, 5, 10), actor=reporter)
    project.refresh_from_db()
    assert (project.is_registered, project.registered_on) == (True, date(2022, 5, 10))


def test_closing_a_problem_needs_a_note_of_how_it_was_solved(reporter):
    problem = ProblemFactory()
    with pytest.raises(ValidationError, match="解决情况"):
        problem_close(problem=problem, resolution="  ", closed_on=date(2022, 7, 1), actor=reporter)
    problem_close(
        problem=problem, resolution="经协调已落实用地指标", closed_on=date(2022, 7, 1), actor=reporter
    )
    problem.refresh_from_db()
    assert (problem.status, problem.closed_on) == (ProblemStatus.CLOSED, date(2022, 7, 1))


def test_a_problem_is_closed_only_by_closing_it_and_then_no_longer_changes(reporter):
    problem = ProblemFactory()
    values = {
        "category": problem.category,
        "description": "新的描述",
        "owner_unit": problem.owner_unit,
        "deadline": problem.deadline,
        "actor": reporter,
    }
    with pytest.raises(ValidationError, match="销号"):
        problem_update(problem=problem, status=ProblemStatus.CLOSED, **values)
    problem_close(problem=problem, resolution="已解决", closed_on=date(2022, 7, 1), actor=reporter)
    with pytest.raises(ValidationError, match="已销号"):
        problem_update(problem=problem, status=ProblemStatus.IN_PROGRESS, **values)


def test_a_year_plan_is_filled_with_an_amount(reporter):
    plan = ProjectYearPlanFactory(year=2023, planned_investment=None)
    with pytest.raises(ValidationError):
        year_plan_fill(plan=plan, planned_investment=None, actor=reporter)
    year_plan_fill(plan=plan, planned_investment=Decimal("1200"), actor=reporter)
    plan.refresh_from_db()
    assert plan.planned_investment == Decimal("1200")


def test_a_problem_closed_before_it_was_registered_is_refused_and_stays_open(reporter):
    problem = ProblemFactory(registered_on=date(2026, 3, 5), deadline=date(2026, 6, 30))

    with pytest.raises(ValidationError) as raised:
        problem_close(problem=problem, resolution="已解决", closed_on=date(2001, 1, 1), actor=reporter)

    assert raised.value.message_dict == {
        "closed_on": ["销号日期（2001-01-01）不能早于问题的登记日期（2026-03-05）。"]
    }
    problem.refresh_from_db()
    assert (problem.status, problem.closed_on) == (ProblemStatus.OPEN, None)


def test_a_problem_is_registered_today_and_may_not_be_due_before_that(reporter):
    project, unit = ProjectFactory(), UnitFactory()
    today = timezone.localdate()
    values = {"project": project, "category": ProblemCategory.LAND, "description": "用地", "owner_unit": unit}

    with pytest.raises(ValidationError) as raised:
        problem_create(**values, deadline=today - timedelta(days=1), actor=reporter)
    problem = problem_create(**values, deadline=today, actor=reporter)

    assert list(raised.value.message_dict) == ["deadline"]
    assert (problem.registered_on, Problem.objects.count()) == (today, 1)


def test_changing_a_problems_deadline_to_before_its_registration_is_refused(reporter):
    problem = ProblemFactory(registered_on=date(2022, 3, 1), deadline=date(2022, 6, 30))
    values = {"category": problem.category, "description": "新的描述", "owner_unit": problem.owner_unit}

    with pytest.raises(ValidationError, match="办结时限（2022-02-28）不能早于问题的登记日期（2022-03-01）"):
        problem_update(
            problem=problem, deadline=date(2022, 2, 28), status=ProblemStatus.OPEN, actor=reporter, **values
        )

    assert Problem.objects.get(pk=problem.pk).deadline == date(2022, 6, 30)


def test_a_move_dated_before_the_projects_previous_move_is_refused(reserve_project, reporter):
    project_stage_change(
        project=reserve_project, to_stage=Stage.TO_START, actor=reporter, changed_on=date(2022, 3, 10)
    )

    with pytest.raises(ValidationError) as raised:
        project_stage_change(
            project=reserve_project,
            to_stage=Stage.UNDER_CONSTRUCTION,
            actor=reporter,
            actual_start=date(2022, 3, 1),
            changed_on=date(2022, 3, 9),
        )

    assert raised.value.message_dict == {
        "changed_on": ["变更日期（2022-03-09）不能早于该项目上一次阶段变更（2022-03-10）。"]
    }
    assert Project.objects.get(pk=reserve_project.pk).stage == Stage.TO_START
    change = project_stage_change(
        project=reserve_project,
        to_stage=Stage.UNDER_CONSTRUCTION,
        actor=reporter,
        actual_start=date(2022, 3, 1),
        changed_on=date(2022, 3, 10),
    )
    assert change.changed_on == date(2022, 3, 10)


def test_a_move_or_an_exit_today_is_refused_after_a_move_dated_later(reserve_project, reporter, admin):
    # A roll-over dates its moves 1 January of the next year, which a day before then precedes.
    tomorrow = timezone.localdate() + timedelta(days=1)
    StageChange.objects.create(
        project=reserve_project, from_stage=Stage.TO_START, to_stage=Stage.RESERVE, changed_on=tomorrow
    )

    with pytest.raises(ValidationError, match="不能早于该项目上一次阶段变更"):
        project_stage_change(project=reserve_project, to_stage=Stage.TO_START, actor=reporter)
    with pytest.raises(ValidationError, match="不能早于该项目上一次阶段变更"):
        project_exit(project=reserve_project, reason=ExitReason.CONTRACT_TERMINATED, note="终止", actor=admin)

    assert Project.objects.get(pk=reserve_project.pk).stage == Stage.RESERVE
    assert StageChange.objects.count() == 1
