"""Writes of the project lifecycle: library moves, 退库, procedures, stewards, milestones, 入库纳统,
the problem ledger and the year roll-over.

Every service checks its rule, then ``full_clean()`` and ``save()``; a refusal is a ValidationError
whose message names the missing condition, for the page to show as it is.
"""

from __future__ import annotations

import uuid
from collections.abc import Collection, Mapping
from datetime import date
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import IntegrityError, models, transaction
from django.utils import timezone
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from accounts.models import User
from accounts.permissions import has_any_role
from accounts.roles import Role
from common import clock
from targets.models import Unit

from .choices import (
    LIBRARY_STAGES,
    EvidenceKind,
    ExitReason,
    ExitRequestStatus,
    MilestoneKind,
    ProblemStatus,
    Stage,
)
from .codes import project_code_problem
from .models import (
    PROCEDURES,
    ExitRequest,
    Milestone,
    Problem,
    Project,
    ProjectYearPlan,
    SitePhoto,
    StageChange,
    YearRollover,
)
from .photos import photo_process
from .rules import (
    REINVESTMENT_REASONS,
    exit_refusal,
    problem_close_date_refusal,
    problem_deadline_refusal,
    site_evidence_refusal,
    stage_change_date_refusal,
    stage_move_refusal,
    stewardship_missing,
)
from .selectors import library_year, rollover_completed, rollover_unstarted

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


def _save(instance: models.Model, *, by: User | None) -> None:
    instance.full_clean()
    # simple_history takes the user from the request; commands and services name it themselves.
    instance._history_user = by
    instance.save()


def _not_in_future(value: date | None, label: str) -> None:
    if value is not None and value > clock.today():
        raise ValidationError(f"{label}不能晚于今天。")


def _locked(project: Project) -> Project:
    """Re-read the project under a row lock, so two people moving it at once cannot both succeed."""
    return Project.objects.select_for_update().get(pk=project.pk)


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
    by: User,
    reason: str = "",
    actual_start: date | None = None,
    actual_completion: date | None = None,
    changed_on: date | None = None,
) -> StageChange:
    """Move a project one library on (储备→开工→在建→竣工), recording the dates the move needs.

    The move is dated ``changed_on`` (today when not given).
    """
    project = _locked(project)
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
        changed_by=by,
        reason=reason,
    )
    project.stage = to_stage
    if to_stage == Stage.UNDER_CONSTRUCTION:
        project.actual_start = start
        _set_milestone_actual(project, MilestoneKind.START, start)
    if to_stage == Stage.COMPLETED:
        project.actual_completion = completion
        _set_milestone_actual(project, MilestoneKind.COMPLETION, completion)
    _save(project, by=by)
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
def exit_request_create(*, project: Project, reason: str, note: str, by: User) -> ExitRequest:
    """A unit asks for a project to leave the libraries for one of seed 003's reasons."""
    project = _locked(project)
    _check_exit(project, reason)
    if project.exit_requests.filter(status=ExitRequestStatus.PENDING).exists():
        raise ValidationError("该项目已有待审批的退库申请。")
    exit_request = ExitRequest(project=project, reason=reason, note=note, requested_by=by)
    exit_request.full_clean()
    exit_request.save()
    return exit_request


def _check_admin(user: User) -> None:
    if not has_any_role(user, (Role.ADMIN,)):
        raise PermissionDenied("只有管理员可以审批退库。")


def _decide(exit_request: ExitRequest, *, status: ExitRequestStatus, by: User, note: str) -> None:
    """Claim the pending request with a conditional update: a second decision finds nothing to claim."""
    claimed = ExitRequest.objects.filter(pk=exit_request.pk, status=ExitRequestStatus.PENDING).update(
        status=status, decided_by=by, decided_at=timezone.now(), decision_note=note
    )
    if claimed != 1:
        raise ValidationError("该退库申请已审批。")
    exit_request.refresh_from_db()


@transaction.atomic
def exit_request_approve(*, exit_request: ExitRequest, by: User, note: str = "") -> StageChange:
    """管理员 approves: the project leaves the libraries, and its land is flagged for 再次招商 unless it
    left because it reached output."""
    _check_admin(by)
    project = _locked(exit_request.project)
    _check_exit(project, exit_request.reason)
    changed_on = clock.today()
    _check_stage_change_date(project, changed_on)
    _decide(exit_request, status=ExitRequestStatus.APPROVED, by=by, note=note)
    change = StageChange(
        project=project,
        from_stage=project.stage,
        to_stage=Stage.EXITED,
        changed_on=changed_on,
        changed_by=exit_request.requested_by,
        reason=exit_request.note[:300],
        exit_reason=exit_request.reason,
        approved_by=by,
    )
    change.full_clean()
    change.save()
    project.stage = Stage.EXITED
    if exit_request.reason in REINVESTMENT_REASONS:
        project.land_for_reinvestment = True
    _save(project, by=by)
    exit_request.stage_change = change
    exit_request.save(update_fields=["stage_change"])
    return change


@transaction.atomic
def exit_request_reject(*, exit_request: ExitRequest, by: User, note: str) -> ExitRequest:
    _check_admin(by)
    if not note.strip():
        raise ValidationError("不予批准须填写审批意见。")
    _decide(exit_request, status=ExitRequestStatus.REJECTED, by=by, note=note)
    return exit_request


@transaction.atomic
def project_exit(*, project: Project, reason: str, note: str, by: User) -> StageChange:
    """管理员 requests and approves in one step; both are recorded."""
    _check_admin(by)
    exit_request = exit_request_create(project=project, reason=reason, note=note, by=by)
    return exit_request_approve(exit_request=exit_request, by=by)


@transaction.atomic
def project_procedures_update(*, project: Project, dates: Mapping[str, date | None], by: User) -> Project:
    """The procedures checklist (立项、用地、规划、施工许可): the date each was completed."""
    project = _locked(project)
    for field, label in PROCEDURES:
        _not_in_future(dates.get(field), f"{label}手续办结日期")
        setattr(project, field, dates.get(field))
    _save(project, by=by)
    return project


@transaction.atomic
def project_stewardship_update(
    *, project: Project, steward: User | None, leader_in_charge: str, by: User
) -> Project:
    """项目管家 and 分包领导; both are required for a project of 1亿元 or more."""
    project = _locked(project)
    missing = stewardship_missing(
        total_investment=project.total_investment,
        has_steward=steward is not None,
        leader_in_charge=leader_in_charge,
    )
    if missing:
        raise ValidationError(f"亿元以上项目须明确{'和'.join(missing)}。")
    project.steward = steward
    project.leader_in_charge = leader_in_charge.strip()
    _save(project, by=by)
    return project


@transaction.atomic
def project_milestones_update(
    *, project: Project, dates: Mapping[str, tuple[date | None, date | None]], by: User
) -> list[Milestone]:
    """Planned and actual dates of 签约、开工、竣工、达效, given as {kind: (planned, actual)}."""
    project = _locked(project)
    for kind, (_planned, actual) in dates.items():
        _not_in_future(actual, f"{MilestoneKind(kind).label}的实际日期")
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
        _save(milestone, by=by)
        milestones.append(milestone)
        if kind in MILESTONE_PROJECT_FIELDS:
            planned_field, actual_field = MILESTONE_PROJECT_FIELDS[kind]
            setattr(project, planned_field, planned)
            setattr(project, actual_field, actual)
    _save(project, by=by)
    return milestones


@transaction.atomic
def project_register(*, project: Project, registered_on: date, by: User) -> Project:
    """入库纳统: the project is in the statistics bureau's FAI database since ``registered_on``."""
    project = _locked(project)
    _not_in_future(registered_on, "入库日期")
    project.is_registered = True
    project.registered_on = registered_on
    _save(project, by=by)
    return project


def problem_create(
    *,
    project: Project,
    category: str,
    description: str,
    owner_unit: Unit,
    deadline: date,
    by: User,
) -> Problem:
    registered_on = clock.today()
    _check_problem_deadline(deadline, registered_on=registered_on)
    problem = Problem(
        project=project,
        category=category,
        description=description,
        owner_unit=owner_unit,
        deadline=deadline,
        registered_on=registered_on,
    )
    _save(problem, by=by)
    return problem


def _check_problem_deadline(deadline: date, *, registered_on: date) -> None:
    if refusal := problem_deadline_refusal(deadline=deadline, registered_on=registered_on):
        raise ValidationError({"deadline": refusal})


def problem_update(
    *,
    problem: Problem,
    category: str,
    description: str,
    owner_unit: Unit,
    deadline: date,
    status: str,
    by: User,
) -> Problem:
    if problem.status == ProblemStatus.CLOSED:
        raise ValidationError("已销号的问题不能再修改。")
    if status == ProblemStatus.CLOSED:
        raise ValidationError("销号请使用“销号”并填写解决情况。")
    if deadline != problem.deadline:
        _check_problem_deadline(deadline, registered_on=problem.registered_on)
    problem.category, problem.description = category, description
    problem.owner_unit, problem.deadline, problem.status = owner_unit, deadline, status
    _save(problem, by=by)
    return problem


def problem_close(*, problem: Problem, resolution: str, closed_on: date, by: User) -> Problem:
    """销号: a problem is closed only with a note of how it was solved."""
    if problem.status == ProblemStatus.CLOSED:
        raise ValidationError("该问题已销号。")
    if not resolution.strip():
        raise ValidationError("销号须填写问题的解决情况。")
    _not_in_future(closed_on, "销号日期")
    if refusal := problem_close_date_refusal(closed_on=closed_on, registered_on=problem.registered_on):
        raise ValidationError({"closed_on": refusal})
    problem.status = ProblemStatus.CLOSED
    problem.resolution = resolution.strip()
    problem.closed_on = closed_on
    _save(problem, by=by)
    return problem


def year_plan_fill(*, plan: ProjectYearPlan, planned_investment: Decimal | None, by: User) -> ProjectYearPlan:
    """A unit answers the roll-over's question: the project's planned investment for the year."""
    if planned_investment is None:
        raise ValidationError("请填写年度计划投资。")
    plan.planned_investment = planned_investment
    _save(plan, by=by)
    return plan


@transaction.atomic
def year_rollover(*, year: int, return_to_reserve: Collection[int], by: User | None) -> YearRollover:
    """Close ``year``: its 竣工 projects leave the libraries, the chosen 开工 projects that did not start
    go back to 储备 (the others stay), and every project still in the libraries is asked for the new
    year's planned investment. Nothing is deleted: each move is a StageChange, earlier plans stay.
    """
    if year != library_year():
        raise ValidationError(f"当前项目库所属年度为{library_year()}年，只能结转该年度。")
    try:
        with transaction.atomic():
            rollover = YearRollover.objects.create(year=year, performed_by=by)
    except IntegrityError:
        raise ValidationError(f"{year}年度已结转，不能重复结转。") from None

    new_year_day = date(year + 1, 1, 1)
    completed = list(rollover_completed(year=year).select_for_update())
    unstarted = list(rollover_unstarted().select_for_update())
    returned = [project for project in unstarted if project.pk in set(return_to_reserve)]
    changes = [
        StageChange(
            project=project,
            from_stage=Stage.COMPLETED,
            to_stage=Stage.EXITED,
            changed_on=new_year_day,
            changed_by=by,
            reason=f"年度结转：{year}年竣工项目调出项目库",
            exit_reason=ExitReason.REACHED_OUTPUT,
            approved_by=by,
        )
        for project in completed
    ] + [
        StageChange(
            project=project,
            from_stage=Stage.TO_START,
            to_stage=Stage.RESERVE,
            changed_on=new_year_day,
            changed_by=by,
            reason=f"年度结转：{year}年未能开工，退回储备库",
        )
        for project in returned
    ]
    StageChange.objects.bulk_create(changes)
    now = timezone.now()
    for project in completed:
        project.stage, project.updated_at = Stage.EXITED, now
    for project in returned:
        project.stage, project.updated_at = Stage.RESERVE, now
    bulk_update_with_history(completed + returned, Project, ["stage", "updated_at"], default_user=by)

    unasked = Project.objects.filter(stage__in=LIBRARY_STAGES).exclude(year_plans__year=year + 1)
    plans = [ProjectYearPlan(project=project, year=year + 1) for project in unasked]
    bulk_create_with_history(plans, ProjectYearPlan, default_user=by)

    rollover.exited_count = len(completed)
    rollover.returned_count = len(returned)
    rollover.kept_count = len(unstarted) - len(returned)
    rollover.plans_created = len(plans)
    rollover.save()
    return rollover


# --- 现场照片 -----------------------------------------------------------------------------------


def _check_evidence(photo: SitePhoto) -> None:
    if photo.evidence_kind == EvidenceKind.SITE:
        refusal = site_evidence_refusal(has_time=photo.taken_at is not None, has_position=photo.has_position)
        if refusal:
            raise ValidationError(refusal)


def photo_add(
    *, project: Project, data: bytes, by: User, caption: str = "", evidence_kind: str = ""
) -> SitePhoto:
    """A site photo: decoded and re-written by ``projects.photos`` (the uploaded bytes are never kept),
    under a name of our own, with who uploaded it and when."""
    processed = photo_process(data)
    earlier = SitePhoto.objects.filter(project=project, sha256=processed.sha256).first()
    if earlier is not None:
        uploaded = timezone.localtime(earlier.uploaded_at)
        raise ValidationError(f"这张照片已于{uploaded:%Y-%m-%d %H:%M}上传到该项目，无需重复上传。")
    photo = SitePhoto(
        project=project,
        source_format=processed.source_format,
        width=processed.width,
        height=processed.height,
        sha256=processed.sha256,
        taken_at=processed.taken_at,
        latitude=processed.latitude,
        longitude=processed.longitude,
        uploaded_by=by,
        caption=caption.strip(),
        evidence_kind=evidence_kind,
    )
    _check_evidence(photo)
    stem = f"{project.pk}/{uuid.uuid4().hex}"
    saved = []
    try:
        for field, content in (
            ("master", processed.master),
            ("display", processed.display),
            ("thumbnail", processed.thumbnail),
        ):
            getattr(photo, field).save(f"{stem}-{field[0]}.jpg", ContentFile(content), save=False)
            saved.append(getattr(photo, field))
        with transaction.atomic():
            photo.full_clean()
            photo.save()
    except BaseException:
        for stored in saved:
            stored.storage.delete(stored.name)
        raise
    return photo


def photo_evidence_set(
    *, photo: SitePhoto, evidence_kind: str, caption: str | None = None, by: User
) -> SitePhoto:
    """Mark a photo as 入库纳统 evidence of a kind (or no longer: ``evidence_kind=""``)."""
    photo.evidence_kind = evidence_kind
    if caption is not None:
        photo.caption = caption.strip()
    _check_evidence(photo)
    photo.full_clean()
    photo.save(update_fields=["evidence_kind", "caption"])
    return photo
