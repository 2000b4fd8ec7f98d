"""Account lockout (等保2.0 登录失败处理): LOGIN_FAILURE_LIMIT wrong passwords within
LOGIN_FAILURE_WINDOW_MINUTES lock the account for LOCKOUT_MINUTES, or until a 安全管理员 unlocks it.

The audit log is the record of attempts, so the lockout reads it instead of keeping a second table.
"""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.db.models import Max
from django.utils import timezone

from accounts.models import User
from audit.models import AuditAction, AuditEvent, AuditResult
from audit.services import audit_record

WRONG_PASSWORD = "wrong_password"
WRONG_OTP = "wrong_otp"
COUNTED_REASONS = [WRONG_PASSWORD, WRONG_OTP]
ACCOUNT_LOCKED = "account_locked"


def _events(username: str):
    return AuditEvent.objects.filter(username=username)


def _unlocks(username: str):
    # An unlock's user is the 安全管理员 who did it; the account is in its detail.
    return AuditEvent.objects.filter(action=AuditAction.ACCOUNT_UNLOCK, detail__account=username)


def account_locked_until(*, username: str):
    """When the account's current lock ends, or None when it is not locked."""
    now = timezone.now()
    lock = (
        _events(username)
        .filter(action=AuditAction.LOCKOUT, time__gt=now - timedelta(minutes=settings.LOCKOUT_MINUTES))
        .order_by("-time")
        .first()
    )
    if lock is None:
        return None
    if _unlocks(username).filter(time__gte=lock.time).exists():
        return None
    return lock.time + timedelta(minutes=settings.LOCKOUT_MINUTES)


def login_failure_handle(*, request, username: str, reason: str = WRONG_PASSWORD) -> None:
    """Log a refused login; lock the account when it is the limit-th wrong password in the window.

    Wrong dynamic codes count as wrong passwords, so the second factor cannot be guessed either.
    Wrong passwords count from the start of the window, the last successful login, unlock or lock,
    whichever is latest, so a lock is followed by a fresh count."""
    if account_locked_until(username=username) is not None:
        audit_record(
            request=request,
            username=username,
            action=AuditAction.LOGIN_FAILED,
            result=AuditResult.FAILURE,
            detail={"reason": ACCOUNT_LOCKED},
        )
        return
    audit_record(
        request=request,
        username=username,
        action=AuditAction.LOGIN_FAILED,
        result=AuditResult.FAILURE,
        detail={"reason": reason},
    )
    window_start = timezone.now() - timedelta(minutes=settings.LOGIN_FAILURE_WINDOW_MINUTES)
    resets = [
        _events(username).filter(action__in=[AuditAction.LOGIN, AuditAction.LOCKOUT]),
        _unlocks(username),
    ]
    latest = [events.aggregate(last=Max("time"))["last"] for events in resets]
    since = max([window_start, *[time for time in latest if time]])
    failures = (
        _events(username)
        .filter(action=AuditAction.LOGIN_FAILED, time__gt=since, detail__reason__in=COUNTED_REASONS)
        .count()
    )
    if failures >= settings.LOGIN_FAILURE_LIMIT:
        audit_record(
            request=request,
            username=username,
            action=AuditAction.LOCKOUT,
            result=AuditResult.FAILURE,
            detail={"failures": failures, "minutes": settings.LOCKOUT_MINUTES},
        )


def account_unlock(*, request, username: str) -> None:
    account = User.objects.filter(username=username).first()
    audit_record(
        request=request, action=AuditAction.ACCOUNT_UNLOCK, obj=account, detail={"account": username}
    )


def locked_accounts() -> list[dict]:
    """Accounts locked now, with when each lock ends (for the 安全管理员's page)."""
    since = timezone.now() - timedelta(minutes=settings.LOCKOUT_MINUTES)
    names = (
        AuditEvent.objects.filter(action=AuditAction.LOCKOUT, time__gt=since)
        .values_list("username", flat=True)
        .distinct()
    )
    rows = []
    for name in sorted(set(names)):
        until = account_locked_until(username=name)
        if until is not None:
            rows.append({"username": name, "until": until})
    return rows
