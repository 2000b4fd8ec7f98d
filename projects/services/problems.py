"""The problem ledger (问题台账): problems registered, changed and closed (销号)."""

from __future__ import annotations

from datetime import date

from django.core.exceptions import ValidationError

from accounts.models import User
from common import clock
from targets.models import Unit

from ..choices import ProblemStatus
from ..models import Problem, Project
from ..rules import problem_close_date_refusal, problem_deadline_refusal
from .base import refuse_future, save_as


def problem_create(
    *,
    project: Project,
    category: str,
    description: str,
    owner_unit: Unit,
    deadline: date,
    actor: User,
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
    save_as(problem, actor=actor)
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
    actor: User,
) -> Problem:
    if problem.status == ProblemStatus.CLOSED:
        raise ValidationError("已销号的问题不能再修改。")
    if status == ProblemStatus.CLOSED:
        raise ValidationError("销号请使用“销号”并填写解决情况。")
    if deadline != problem.deadline:
        _check_problem_deadline(deadline, registered_on=problem.registered_on)
    problem.category, problem.description = category, description
    problem.owner_unit, problem.deadline, problem.status = owner_unit, deadline, status
    save_as(problem, actor=actor)
    return problem


def problem_close(*, problem: Problem, resolution: str, closed_on: date, actor: User) -> Problem:
    """销号: a problem is closed only with a note of how it was solved."""
    if problem.status == ProblemStatus.CLOSED:
        raise ValidationError("该问题已销号。")
    if not resolution.strip():
        raise ValidationError("销号须填写问题的解决情况。")
    refuse_future(closed_on, "销号日期")
    if refusal := problem_close_date_refusal(closed_on=closed_on, registered_on=problem.registered_on):
        raise ValidationError({"closed_on": refusal})
    problem.status = ProblemStatus.CLOSED
    problem.resolution = resolution.strip()
    problem.closed_on = closed_on
    save_as(problem, actor=actor)
    return problem
