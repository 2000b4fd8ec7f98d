"""Writes of the project lifecycle: library moves, 退库, procedures, stewards, milestones, 入库纳统
(the problem ledger, the year roll-over and the site photos are beside it).

Every service checks its rule, then ``full_clean()`` and ``save()``; a refusal is a ValidationError
whose message names the missing condition, for the page to show as it is.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.utils import timezone

from accounts.models import User
from accounts.permissions import has_any_role
from accounts.roles import Role
from common import clock

from ..choices import ExitRequestStatus, MilestoneKind, Stage
from ..codes import project_code_problem
from ..models import PROCEDURES, ExitRequest, Milestone, Project, StageChange
from ..rules import (
    REINVESTMENT_REASONS,
    exit_refusal,
    stage_change_date_refusal,
    stage_move_refusal,
    stewardship_missing,
)
from .base import project_locked, refuse_future, save_as

# 开工 and 竣工 are also the project's own start and completion dates, which imports, boards and the
# monthly figures read; the services below always write both together.
MILESTONE_PROJECT_FIELDS: dict[str, tuple[str, str]] = {
    MilestoneKind.START: ("planned_start", "actual_start"),
    MilestoneKind.COMPLETION: ("planned_completion", "actual_completion"),
}


def new_project_code_problem(code: str) -> str | None:
    """Why ``code`` cannot key a new project of this deployment (its format, its 区划), or None."""
    return project_code_problem(
        code,
        deployment_region=settings.PROJECT_CODE_REGION,
        legacy_regions=settings.PROJECT_CODE_LEGACY_REGIONS,
        this_year=clock.today().year,
    )


def _check_stage_change_date(project: Project, changed_on: date, *, field: str | None = None) -> None:
    """A move is dated no later than today and no earlier than the project's previous move; the
    refusal belongs to ``field`` when the user typed the date."""
    previous_on = project.stage_changes.aggregate(latest=models.Max("changed_on"))["latest"]
    refusal = stage_change_date_refusal(changed_on=changed_on, previous_on=previous_on, today=clock.today())
    if refusal:
        raise ValidationError({field: refusal} if field else refusal)


def _set_milestone_actual(project: Project, kind: MilestoneKind, actual_on: date | None) -> None:
    Milestone.objects.update_or_create(project=project, kind=kind, defaults={"actual_on": actual_on})


@transaction.atomic
def project_stage_change(
    *,
    project: Project,
    to_stage: str,
    actor: User,
    reason: str = "",
    actual_start: date | None = None,
    actual_completion: date | None = None,
    changed_on: date | None = None,
) -> StageChange:
    """Move a project one library on (储备→开工→在建→竣工), recording the dates the move needs.

    The move is dated ``changed_on`` (today when not given).
    """
    project = project_locked(project)
    if changed_on is None:
        changed_on = clock.today()
        _check_stage_change_date(project, changed_on)
    else:
        _check_stage_change_date(project, changed_on, field="changed_on")
    start = actual_start or project.actual_start
    completion = actual_completion or project.actual_completion
    refusal = stage_move_refusal(
        from_stage=project.stage,
        to_stage=to_stage,
        procedures={label: getattr(project, field) for field, label in PROCEDURES},
        actual_start=start,
        actual_completion=completion,
        today=clock.today(),
    )
    if refusal:
        raise ValidationError(refusal)
    change = StageChange(
        project=project,
        from_stage=project.stage,
        to_stage=to_stage,
        changed_on=changed_on,
        changed_by=actor,
        reason=reason,
    )
    project.stage = to_stage
    if to_stage == Stage.UNDER_CONSTRUCTION:
        project.actual_start = start
        _set_milestone_actual(project, MilestoneKind.START, start)
    if to_stage == Stage.COMPLETED:
        project.actual_completion = completion
        _set_milestone_actual(project, MilestoneKind.COMPLETION, completion)
    save_as(project, actor=actor)
    change.full_clean()
    change.save()
    return change


def _output_reached_on(project: Project) -> date | None:
    return (
        Milestone.objects.filter(project=project, kind=MilestoneKind.OUTPUT)
        .values_list("actual_on", flat=True)
        .first()
    )


def _check_exit(project: Project, reason: str) -> None:
    refusal = exit_refusal(stage=project.stage, reason=reason, output_reached_on=_output_reached_on(project))
    if refusal:
        raise ValidationError(refusal)


@transaction.atomic
def exit_request_create(*, project: Project, reason: str, note: str, actor: User) -> ExitRequest:
    """A unit asks for a project to leave the libraries for one of seed 003's reasons."""
    project = project_locked(project)
    _check_exit(project, reason)
    if project.exit_requests.filter(status=ExitRequestStatus.PENDING).exists():
        raise ValidationError("该项目已有待审批的退库申请。")
    exit_request = ExitRequest(project=project, reason=reason, note=note, requested_by=actor)
    exit_request.full_clean()
    exit_request.save()
    return exit_request


def _check_admin(*, actor: User) -> None:
    if not has_any_role(actor, (Role.ADMIN,)):
        raise PermissionDenied("只有管理员可以审批退库。")


def _decide(exit_request: ExitRequest, *, status: ExitRequestStatus, actor: User, note: str) -> None:
    """Claim the pending request with a conditional update: a second decision finds nothing to claim."""
    claimed = ExitRequest.objects.filter(pk=exit_request.pk, status=ExitRequestStatus.PENDING).update(
        status=status, decided_by=actor, decided_at=timezone.now(), decision_note=note
    )
    if claimed != 1:
        raise ValidationError("该退库申请已审批。")
    exit_request.refresh_from_db()


@transaction.atomic
def exit_request_approve(*, exit_request: ExitRequest, actor: User, note: str = "") -> StageChange:
    """管理员 approves: the project leaves the libraries, and its land is flagged for 再次招商 unless it
    left because it reached output."""
    _check_admin(actor=actor)
    project = project_locked(exit_request.project)
    _check_exit(project, exit_request.reason)
    changed_on = clock.today()
    _check_stage_change_date(project, changed_on)
    _decide(exit_request, status=ExitRequestStatus.APPROVED, actor=actor, note=note)
    change = StageChange(
        project=project,
        from_stage=project.stage,
        to_stage=Stage.EXITED,
        changed_on=changed_on,
        changed_by=exit_request.requested_by,
        reason=exit_request.note[:300],
        exit_reason=exit_request.reason,
        approved_by=actor,
    )
    change.full_clean()
    change.save()
    project.stage = Stage.EXITED
    if exit_request.reason in REINVESTMENT_REASONS:
        project.land_for_reinvestment = True
    save_as(project, actor=actor)
    exit_request.stage_change = change
    exit_request.save(update_fields=["stage_change"])
    return change


@transaction.atomic
def exit_request_reject(*, exit_request: ExitRequest, actor: User, note: str) -> ExitRequest:
    _check_admin(actor=actor)
    if not note.strip():
        raise ValidationError("不予批准须填写审批意见。")
    _decide(exit_request, status=ExitRequestStatus.REJECTED, actor=actor, note=note)
    return exit_request


@transaction.atomic
def project_exit(*, project: Project, reason: str, note: str, actor: User) -> StageChange:
    """管理员 requests and approves in one step; both are recorded."""
    _check_admin(actor=actor)
    exit_request = exit_request_create(project=project, reason=reason, note=note, actor=actor)
    return exit_request_approve(exit_request=exit_request, actor=actor)


@transaction.atomic
def project_procedures_update(*, project: Project, dates: Mapping[str, date | None], actor: User) -> Project:
    """The procedures checklist (立项、用地、规划、施工许可): the date each was completed."""
    project = project_locked(project)
    for field, label in PROCEDURES:
        refuse_future(dates.get(field), f"{label}手续办结日期")
        setattr(project, field, dates.get(field))
    save_as(project, actor=actor)
    return project


@transaction.atomic
def project_stewardship_update(
    *, project: Project, steward: User | None, leader_in_charge: str, actor: User
) -> Project:
    """项目管家 and 分包领导; both are required for a project of 1亿元 or more."""
    project = project_locked(project)
    missing = stewardship_missing(
        total_investment=project.total_investment,
        has_steward=steward is not None,
        leader_in_charge=leader_in_charge,
    )
    if missing:
        raise ValidationError(f"亿元以上项目须明确{'和'.join(missing)}。")
    project.steward = steward
    project.leader_in_charge = leader_in_charge.strip()
    save_as(project, actor=actor)
    return project


@transaction.atomic
def project_milestones_update(
    *, project: Project, dates: Mapping[str, tuple[date | None, date | None]], actor: User
) -> list[Milestone]:
    """Planned and actual dates of 签约、开工、竣工、达效, given as {kind: (planned, actual)}."""
    project = project_locked(project)
    for kind, (_planned, actual) in dates.items():
        refuse_future(actual, f"{MilestoneKind(kind).label}的实际日期")
    start_actual = dates.get(MilestoneKind.START, (None, project.actual_start))[1]
    completion_actual = dates.get(MilestoneKind.COMPLETION, (None, project.actual_completion))[1]
    if project.stage in (Stage.UNDER_CONSTRUCTION, Stage.COMPLETED) and start_actual is None:
        raise ValidationError("在建库、竣工库项目须保留开工的实际日期。")
    if project.stage == Stage.COMPLETED and completion_actual is None:
        raise ValidationError("竣工库项目须保留竣工的实际日期。")
    if start_actual and completion_actual and completion_actual < start_actual:
        raise ValidationError("竣工的实际日期不能早于开工的实际日期。")
    milestones = []
    for kind, (planned, actual) in dates.items():
        milestone = Milestone.objects.filter(project=project, kind=kind).first() or Milestone(
            project=project, kind=kind
        )
        milestone.planned_on, milestone.actual_on = planned, actual
        save_as(milestone, actor=actor)
        milestones.append(milestone)
        if kind in MILESTONE_PROJECT_FIELDS:
            planned_field, actual_field = MILESTONE_PROJECT_FIELDS[kind]
            setattr(project, planned_field, planned)
            setattr(project, actual_field, actual)
    save_as(project, actor=actor)
    return milestones


@transaction.atomic
def project_register(*, project: Project, registered_on: date, actor: User) -> Project:
    """入库纳统: the project is in the statistics bureau's FAI database since ``registered_on``."""
    project = project_locked(project)
    refuse_future(registered_on, "入库日期")
    project.is_registered = True
    project.registered_on = registered_on
    save_as(project, actor=actor)
    return project
