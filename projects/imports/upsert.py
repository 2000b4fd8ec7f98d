"""Creating and changing projects in bulk (the project import), with their history."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from accounts.models import User
from common.errors import StaleEditError
from common.queries import chunks
from projects.choices import Field, Level, Stage
from projects.models import Project, ProjectYearPlan
from projects.services.lifecycle import new_project_code_problem

# Dates and library moves are not imported: the project pages keep them in step with the
# milestones and the stage history, which a spreadsheet row cannot.
IMPORTED_FIELDS = (
    "name",
    "reporting_unit",
    "responsible_unit",
    "field",
    "level",
    "total_investment",
    "company",
    "contact_person",
    "contact_phone",
    "leader_in_charge",
)


@dataclass(frozen=True)
class ProjectInput:
    """One project as imported: ``values`` holds the given fields of IMPORTED_FIELDS only."""

    code: str
    values: Mapping[str, Any]
    annual_plan: Decimal | None = None


@dataclass(frozen=True)
class ProjectsSaved:
    created: int
    updated: int


class RowsInvalid(Exception):
    """Problems per input position; nothing was saved."""

    def __init__(self, errors: dict[int, list[str]]):
        super().__init__("项目数据未通过校验")
        self.errors = errors


def _values(project: Project) -> dict[str, Any]:
    # By attname: a new project has no units yet, and reading the relation itself would raise.
    return {name: getattr(project, Project._meta.get_field(name).attname) for name in IMPORTED_FIELDS}


def _messages(error: ValidationError) -> list[str]:
    if not hasattr(error, "error_dict"):
        return list(error.messages)
    return [
        f"{Project._meta.get_field(name).verbose_name}：{message}" if name != "__all__" else message
        for name, errors in error.error_dict.items()
        for item in errors
        for message in item.messages
    ]


@transaction.atomic
def projects_upsert(
    *, rows: Sequence[ProjectInput], year: int, actor: User | None, reason: str
) -> ProjectsSaved:
    """Create the projects whose code is new (in the 储备库) and change the others; all or nothing.

    A new code must be a valid 项目代码 of this deployment's 区划 (``new_project_code_problem``); an
    existing project keeps the code it has.

    Each project is validated with ``full_clean``; the writes are bulk writes with their history
    rows (who, when and the reason, e.g. the file's name).
    """
    existing = Project.objects.select_for_update().in_bulk([row.code for row in rows], field_name="code")
    errors: dict[int, list[str]] = {}
    created, changed = [], []
    for index, row in enumerate(rows):
        project = existing.get(row.code)
        is_new = project is None
        if is_new and (problem := new_project_code_problem(row.code)):
            errors[index] = [problem]
            continue
        if is_new:
            project = Project(code=row.code, stage=Stage.RESERVE, level=Level.GENERAL, field=Field.OTHER)
        before = _values(project)
        for name, value in row.values.items():
            setattr(project, name, value)
        try:
            project.full_clean(validate_unique=is_new)
        except ValidationError as error:
            errors[index] = _messages(error)
            continue
        if is_new:
            created.append(project)
        elif before != _values(project):
            project.updated_at = timezone.now()
            changed.append(project)
    if errors:
        raise RowsInvalid(errors)
    try:
        with transaction.atomic():
            bulk_create_with_history(created, Project, default_user=actor, default_change_reason=reason)
    except IntegrityError as exc:  # the same code was created meanwhile
        raise StaleEditError("导入期间项目数据发生了变化，请重新导入。") from exc
    if changed:
        bulk_update_with_history(
            changed,
            Project,
            fields=[*IMPORTED_FIELDS, "updated_at"],
            default_user=actor,
            default_change_reason=reason,
        )
    _year_plans_upsert(rows=rows, year=year, actor=actor, reason=reason)
    return ProjectsSaved(created=len(created), updated=len(changed))


def _year_plans_upsert(*, rows: Sequence[ProjectInput], year: int, actor: User | None, reason: str) -> None:
    planned = {row.code: row.annual_plan for row in rows if row.annual_plan is not None}
    if not planned:
        return
    projects = Project.objects.in_bulk(list(planned), field_name="code")
    plans = {
        plan.project_id: plan
        for chunk in chunks([project.pk for project in projects.values()])
        for plan in ProjectYearPlan.objects.select_for_update().filter(year=year, project_id__in=chunk)
    }
    new, changed = [], []
    for code, amount in planned.items():
        plan = plans.get(projects[code].pk)
        if plan is None:
            new.append(ProjectYearPlan(project=projects[code], year=year, planned_investment=amount))
        elif plan.planned_investment != amount:
            plan.planned_investment = amount
            changed.append(plan)
    if new:
        bulk_create_with_history(new, ProjectYearPlan, default_user=actor, default_change_reason=reason)
    if changed:
        bulk_update_with_history(
            changed,
            ProjectYearPlan,
            fields=["planned_investment"],
            default_user=actor,
            default_change_reason=reason,
        )
