"""Who may act on what, checked on the server for every view.

Every view is wrapped by exactly one of the decorators below. Each records the view's access
policy on the function (``view.access_policy``) so a test can walk the URL configuration and fail
on any view that has none.

Reading: 管理员, 统计审核 and 领导 read every unit; 填报员 and 单位负责人 read their own unit.
Writing a unit's data: its own 填报员 and 单位负责人 (and 管理员). Role-only actions (publish,
verify, unlock …) name their roles.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.shortcuts import get_object_or_404

from targets.models import Unit

from .roles import BUSINESS_ROLES, Role

ALL_UNITS_READERS = (Role.ADMIN, Role.REVIEWER, Role.LEADER)
UNIT_EDITORS = (Role.REPORTER, Role.UNIT_HEAD)


def has_any_role(user, roles) -> bool:
    return user.is_authenticated and (user.superuser_bypass or any(user.has_role(role) for role in roles))


def can_read_unit(user, unit: Unit | int) -> bool:
    if has_any_role(user, ALL_UNITS_READERS):
        return True
    unit_id = unit if isinstance(unit, int) else unit.pk
    return user.is_authenticated and user.unit_id == unit_id and has_any_role(user, UNIT_EDITORS)


def can_edit_unit(user, unit: Unit | int) -> bool:
    if has_any_role(user, (Role.ADMIN,)):
        return True
    unit_id = unit if isinstance(unit, int) else unit.pk
    return user.is_authenticated and user.unit_id == unit_id and has_any_role(user, UNIT_EDITORS)


def readable_units(user) -> QuerySet[Unit]:
    """The units whose data the user may see: every unit, or only their own."""
    if has_any_role(user, ALL_UNITS_READERS):
        return Unit.objects.all()
    if user.is_authenticated and user.unit_id and has_any_role(user, UNIT_EDITORS):
        return Unit.objects.filter(pk=user.unit_id)
    return Unit.objects.none()


def check_unit_read(user, unit: Unit | int) -> None:
    if not can_read_unit(user, unit):
        raise PermissionDenied("您无权查看该单位的数据。")


def check_unit_edit(user, unit: Unit | int) -> None:
    if not can_edit_unit(user, unit):
        raise PermissionDenied("您无权修改该单位的数据。")


def can_approve_unit(user, unit: Unit | int) -> bool:
    """单位负责人 approve their own unit's return; nobody else does (a superuser may stand in)."""
    if user.is_authenticated and user.superuser_bypass:
        return True
    unit_id = unit if isinstance(unit, int) else unit.pk
    return user.is_authenticated and user.unit_id == unit_id and user.has_role(Role.UNIT_HEAD)


def can_read_project(user, project) -> bool:
    """A project is its 属地 unit's (which reports it) and its 责任局办's (which answers for it)."""
    return can_read_unit(user, project.reporting_unit_id) or can_read_unit(user, project.responsible_unit_id)


def unit_for_read(user, unit_id: int) -> Unit:
    """The unit named in a URL, or 404; 403 when the user may not read it."""
    unit = get_object_or_404(Unit, pk=unit_id)
    check_unit_read(user, unit)
    return unit


def unit_for_edit(user, unit_id: int) -> Unit:
    """The unit named in a URL, or 404; 403 when the user may not change its data."""
    unit = get_object_or_404(Unit, pk=unit_id)
    check_unit_edit(user, unit)
    return unit


def _mark(view: Callable, policy: str) -> Callable:
    view.access_policy = policy
    return view


def roles_required(*roles: Role) -> Callable:
    """Only users holding one of ``roles`` (or a superuser) reach the view."""

    def decorator(view: Callable) -> Callable:
        @login_required
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            if not has_any_role(request.user, roles):
                raise PermissionDenied("您的角色无权执行此操作。")
            return view(request, *args, **kwargs)

        return _mark(wrapped, "roles:" + ",".join(roles))

    return decorator


def duty_required(role: Role) -> Callable:
    """三权分立: only holders of ``role`` reach the view, and a superuser is not let in: whoever
    runs the business does not also read the audit log or manage lockouts."""

    def decorator(view: Callable) -> Callable:
        @login_required
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            if not request.user.has_role(role):
                raise PermissionDenied(f"只有{role.label}可以执行此操作。")
            return view(request, *args, **kwargs)

        return _mark(wrapped, f"roles:{role}")

    return decorator


def unit_member_view(view: Callable) -> Callable:
    """Any logged-in user with a role; the view itself limits what it shows to ``readable_units``
    and calls ``check_unit_read`` / ``check_unit_edit`` for the unit it touches."""

    @login_required
    @wraps(view)
    def wrapped(request, *args, **kwargs):
        if not request.user.superuser_bypass and not request.user.role_names:
            raise PermissionDenied("您的账号尚未分配角色，请联系管理员。")
        if not has_any_role(request.user, BUSINESS_ROLES):
            # 系统管理员, 安全管理员 and 审计管理员 administer the system, not its data (三权分立).
            raise PermissionDenied("系统管理员、安全管理员和审计管理员不能查看或修改业务数据。")
        return view(request, *args, **kwargs)

    return _mark(wrapped, "unit-scoped")


def authenticated_view(view: Callable) -> Callable:
    """Any logged-in user, whatever their role (logging out, their own account)."""
    return _mark(login_required(view), "authenticated")


def public_view(view: Callable) -> Callable:
    """Reachable without logging in (the login page only)."""
    return _mark(view, "public")
