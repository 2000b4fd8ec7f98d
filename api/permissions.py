"""The roles of an API view, as the pages' decorators (``accounts.permissions``) check them."""

from __future__ import annotations

from collections.abc import Iterable

from rest_framework import exceptions
from rest_framework.permissions import BasePermission

from accounts.permissions import has_any_role
from accounts.roles import BUSINESS_ROLES, Role


def policy_of(roles: Iterable[Role] | None) -> str:
    """The access policy a page with these roles declares (``accounts.permissions``)."""
    return "unit-scoped" if roles is None else "roles:" + ",".join(roles)


class RolePermission(BasePermission):
    """The view's roles, as the pages' decorators check them; unit checks follow in the view."""

    def has_permission(self, request, view) -> bool:
        user = request.user
        if not (user and user.is_authenticated):
            return False
        roles = view.roles
        if roles is None:
            if not has_any_role(user, BUSINESS_ROLES):
                raise exceptions.PermissionDenied(
                    "系统管理员、安全管理员、审计管理员和未分配角色的账号不能调用业务接口。"
                )
            return True
        if not has_any_role(user, roles):
            raise exceptions.PermissionDenied(f"您的角色无权执行此操作（需要：{'、'.join(roles)}）。")
        return True
