"""Who may see and act on a project or a problem, on top of ``accounts.permissions``.

A project belongs to two units: its 属地 (reporting unit), which enters its figures, and its 责任局办
(responsible unit), which handles its procedures (seed 003: 「区直责任部门要建立手续办理台账」). Users of
either unit may read and act on it, within their role; its 项目管家 may always read it, whatever their
unit, because they answer for it at the weekly 周调度. A problem may also be read and acted on by the
unit that must solve it (its owner unit).
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet

from accounts.permissions import (
    ALL_UNITS_READERS,
    can_edit_unit,
    can_read_project,
    can_read_unit,
    check_unit_edit,
    check_unit_read,
    has_any_role,
    readable_units,
)
from accounts.roles import Role

from .models import Problem, Project


def readable_projects(user) -> QuerySet[Project]:
    if has_any_role(user, ALL_UNITS_READERS):
        return Project.objects.all()
    units = readable_units(user)
    return Project.objects.filter(
        Q(reporting_unit__in=units) | Q(responsible_unit__in=units) | Q(steward=user.pk)
    )


def readable_problems(user) -> QuerySet[Problem]:
    if has_any_role(user, ALL_UNITS_READERS):
        return Problem.objects.all()
    return Problem.objects.filter(
        Q(project__in=readable_projects(user)) | Q(owner_unit__in=readable_units(user))
    )


def can_edit_project(user, project: Project) -> bool:
    return can_edit_unit(user, project.reporting_unit_id) or can_edit_unit(user, project.responsible_unit_id)


def check_project_read(user, project: Project) -> None:
    if project.steward_id == user.pk or can_read_project(user, project):
        return
    check_unit_read(user, project.reporting_unit_id)


def check_project_edit(user, project: Project) -> None:
    if can_edit_unit(user, project.responsible_unit_id):
        return
    check_unit_edit(user, project.reporting_unit_id)


def can_edit_problem(user, problem: Problem) -> bool:
    return can_edit_project(user, problem.project) or can_edit_unit(user, problem.owner_unit_id)


def check_problem_read(user, problem: Problem) -> None:
    if can_read_unit(user, problem.owner_unit_id):
        return
    check_project_read(user, problem.project)


def check_problem_edit(user, problem: Problem) -> None:
    if can_edit_unit(user, problem.owner_unit_id):
        return
    check_project_edit(user, problem.project)


def is_steward(user, project: Project) -> bool:
    return user.is_authenticated and project.steward_id is not None and project.steward_id == user.pk


def can_record_on_site(user, project: Project) -> bool:
    """What a 项目管家 does on site — photos, the month's 形象进度 and problems, 销号 — the project's
    steward may do, as may the users who edit the project's units."""
    return is_steward(user, project) or can_edit_project(user, project)


def check_site_record(user, project: Project) -> None:
    if not can_record_on_site(user, project):
        raise PermissionDenied("您不是该项目的项目管家，也无权修改该项目。")


def can_see_photo_location(user, project: Project) -> bool:
    """The photos' record copies with their GPS position: for 统计审核 and 管理员, who check 入库纳统
    evidence, and for those who record on site. 领导 and other readers see the copies without it."""
    return has_any_role(user, (Role.ADMIN, Role.REVIEWER)) or can_record_on_site(user, project)
