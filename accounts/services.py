"""Role assignment, password resets and the password history (三权分立, 等保2.0 身份鉴别)."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.hashers import check_password
from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from audit.models import AuditAction
from audit.services import audit_record

from .models import PasswordHistoryEntry, User
from .roles import SECURITY_ROLES, Role


def role_assignment_check(*, actor: User, user: User) -> None:
    """Only a 安全管理员 assigns roles, and never to themselves: no holder of a duty role (the
    security admin included) can give itself or another holder more power."""
    if not actor.has_role(Role.SECURITY_ADMIN):
        raise PermissionDenied("只有安全管理员可以分配角色。")
    if actor.pk == user.pk:
        raise PermissionDenied("安全管理员不能给自己分配或撤销角色。")


def user_roles_set(*, actor: User, user: User, roles: list[str]) -> tuple[set[str], set[str]]:
    """Gives ``user`` exactly ``roles``; returns (granted, revoked). Each grant and each
    revocation is one audit event."""
    role_assignment_check(actor=actor, user=user)
    unknown = set(roles) - set(Role.values)
    if unknown:
        raise ValidationError(f"未知角色：{'、'.join(sorted(unknown))}")
    with transaction.atomic():
        user = User.objects.select_for_update().get(pk=user.pk)
        held = set(user.groups.values_list("name", flat=True))
        granted, revoked = set(roles) - held, held - set(roles)
        user.groups.add(*Group.objects.filter(name__in=granted))
        user.groups.remove(*Group.objects.filter(name__in=revoked))
        for role in sorted(granted):
            audit_record(actor=actor, action=AuditAction.ROLE_GRANT, obj=user, detail={"role": role})
        for role in sorted(revoked):
            audit_record(actor=actor, action=AuditAction.ROLE_REVOKE, obj=user, detail={"role": role})
    user.__dict__.pop("_role_names", None)
    return granted, revoked


def account_guarded(*, actor: User, user: User) -> bool:
    """Whether ``user``'s account is out of ``actor``'s reach in the admin: an account holding a
    duty role, or a superuser, is changed (or its password reset) by a 安全管理员 only, so a
    系统管理员 cannot take over the account that assigns roles or reads the audit log."""
    guarded = user.is_superuser or any(user.has_role(role) for role in SECURITY_ROLES)
    return guarded and not actor.has_role(Role.SECURITY_ADMIN)


def password_reset_check(*, actor: User, user: User) -> None:
    """Who may reset whose password: nobody their own here (they change it themselves), and a
    guarded account (``account_guarded``) only by a 安全管理员."""
    if actor.pk == user.pk:
        raise PermissionDenied("不能在此重置自己的密码，请使用“修改密码”。")
    if account_guarded(actor=actor, user=user):
        raise PermissionDenied("系统管理员、安全管理员、审计管理员和超级用户的密码只能由安全管理员重置。")


def user_password_reset_record(*, actor: User, user: User) -> None:
    audit_record(actor=actor, action=AuditAction.PASSWORD_RESET, obj=user)


def password_history_check(*, user, password: str) -> None:
    """A new password may be neither the current one nor any of the last PASSWORD_HISTORY_COUNT."""
    if user is None or user.pk is None:
        return
    current = User.objects.filter(pk=user.pk).values_list("password", flat=True).first()
    if current and check_password(password, current):
        raise ValidationError("新密码不能与当前密码相同。", code="password_is_current")
    recent = PasswordHistoryEntry.objects.filter(user_id=user.pk)[: settings.PASSWORD_HISTORY_COUNT]
    if any(check_password(password, entry.password) for entry in recent):
        raise ValidationError(
            f"新密码不能与最近 {settings.PASSWORD_HISTORY_COUNT} 次使用过的密码相同。", code="password_reused"
        )


def password_history_record(*, user) -> None:
    """Keeps the password just set (its hash) and forgets those older than the history."""
    if user.pk is None or not user.password:
        return
    PasswordHistoryEntry.objects.create(user=user, password=user.password)
    keep = PasswordHistoryEntry.objects.filter(user=user).values_list("pk", flat=True)[
        : settings.PASSWORD_HISTORY_COUNT
    ]
    PasswordHistoryEntry.objects.filter(user=user).exclude(pk__in=list(keep)).delete()


def security_admin_create(*, username: str, password: str) -> User:
    """The first 安全管理员, made from the command line (manage.py create_security_admin): the one
    account that can then assign every other role. Refused once a 安全管理员 exists, so the
    command cannot be used to add a second one past the first one's back."""
    with transaction.atomic():
        if User.objects.filter(groups__name=Role.SECURITY_ADMIN).exists():
            raise ValidationError("已有安全管理员：其他角色（包括新的安全管理员）请由现有安全管理员分配。")
        if User.objects.filter(username=username).exists():
            raise ValidationError(f"用户名 {username} 已存在。")
        user = User(username=username)
        user.set_password(password)
        user.full_clean()
        user.save()
        user.groups.add(Group.objects.get(name=Role.SECURITY_ADMIN))
        audit_record(
            action=AuditAction.ROLE_GRANT, obj=user, detail={"role": Role.SECURITY_ADMIN, "via": "command"}
        )
    return user
