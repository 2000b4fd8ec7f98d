"""The year's plans and its roll-over: a project's planned investment, the libraries closed at year end."""

from __future__ import annotations

from collections.abc import Collection
from datetime import date
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from accounts.models import User

from ..choices import LIBRARY_STAGES, ExitReason, Stage
from ..models import Project, ProjectYearPlan, StageChange, YearRollover
from ..selectors.boards import library_year
from ..selectors.rollover import rollover_completed, rollover_unstarted
from .base import save_as


def year_plan_fill(
    *, plan: ProjectYearPlan, planned_investment: Decimal | None, actor: User
) -> ProjectYearPlan:
    """A unit answers the roll-over's question: the project's planned investment for the year."""
    if planned_investment is None:
        raise ValidationError("请填写年度计划投资。")
    plan.planned_investment = planned_investment
    save_as(plan, actor=actor)
    return plan


@transaction.atomic
def year_rollover(*, year: int, return_to_reserve: Collection[int], actor: User | None) -> YearRollover:
    """Close ``year``: its 竣工 projects leave the libraries, the chosen 开工 projects that did not start
    go back to 储备 (the others stay), and every project still in the libraries is asked for the new
    year's planned investment. Nothing is deleted: each move is a StageChange, earlier plans stay.
    """
    if year != library_year():
        raise ValidationError(f"当前项目库所属年度为{library_year()}年，只能结转该年度。")
    try:
        with transaction.atomic():
            rollover = YearRollover.objects.create(year=year, performed_by=actor)
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
            changed_by=actor,
            reason=f"年度结转：{year}年竣工项目调出项目库",
            exit_reason=ExitReason.REACHED_OUTPUT,
            approved_by=actor,
        )
        for project in completed
    ] + [
        StageChange(
            project=project,
            from_stage=Stage.TO_START,
            to_stage=Stage.RESERVE,
            changed_on=new_year_day,
            changed_by=actor,
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
    bulk_update_with_history(completed + returned, Project, ["stage", "updated_at"], default_user=actor)

    unasked = Project.objects.filter(stage__in=LIBRARY_STAGES).exclude(year_plans__year=year + 1)
    plans = [ProjectYearPlan(project=project, year=year + 1) for project in unasked]
    bulk_create_with_history(plans, ProjectYearPlan, default_user=actor)

    rollover.exited_count = len(completed)
    rollover.returned_count = len(returned)
    rollover.kept_count = len(unstarted) - len(returned)
    rollover.plans_created = len(plans)
    rollover.save()
    return rollover
