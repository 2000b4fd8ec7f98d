"""Login lockout (等保2.0 登录失败处理) on django-axes.

LOGIN_FAILURE_LIMIT wrong passwords or second-factor codes lock the login for LOCKOUT_MINUTES, or
until a 安全管理员 unlocks it. A lock holds one username from one source address
(AXES_LOCKOUT_PARAMETERS), so an attacker elsewhere guessing at a colleague's username cannot lock
the colleague out. The audit log keeps every failure and every lock.
"""

from __future__ import annotations

from axes.handlers.proxy import AxesProxyHandler
from axes.models import AccessAttempt
from axes.utils import reset
from django.conf import settings
from django.contrib.auth.signals import user_login_failed
from django.db.models import Max, QuerySet, Sum
from django.shortcuts import render
from django.utils import timezone

from accounts.models import User
from audit.models import AuditAction, AuditResult
from audit.services import audit_record

WRONG_PASSWORD = "wrong_password"
WRONG_OTP = "wrong_otp"
ACCOUNT_LOCKED = "account_locked"
LOCKED_MESSAGE = "连续登录失败次数过多，账号已在本地址锁定 %(minutes)s 分钟，请稍后再试或联系安全管理员解锁。"


def login_failure_record(*, request, credentials: dict) -> None:
    """Audit a refused login. django-axes has already counted it (or refused it as locked)."""
    refused_while_locked = getattr(request, "axes_locked_out", False) and (
        getattr(request, "axes_failures_since_start", None) is None
    )
    audit_record(
        request=request,
        username=str(credentials.get("username", "")),
        action=AuditAction.LOGIN_FAILED,
        result=AuditResult.FAILURE,
        detail={
            "reason": ACCOUNT_LOCKED if refused_while_locked else credentials.get("reason", WRONG_PASSWORD)
        },
    )


def lockout_record(*, request, username: str) -> None:
    """Audit a new lock (django-axes also signals each attempt refused while locked: not those)."""
    if getattr(request, "axes_failures_since_start", None) is None:
        return
    audit_record(
        request=request,
        username=username or "",
        action=AuditAction.LOCKOUT,
        result=AuditResult.FAILURE,
        detail={"failures": request.axes_failures_since_start, "minutes": settings.LOCKOUT_MINUTES},
    )


def second_factor_failure_handle(*, request, user) -> bool:
    """A wrong dynamic code counts as a failed login of the account from this address (it does not
    start afresh with the next password login). Returns whether the login is now locked."""
    credentials = {"username": user.get_username(), "reason": WRONG_OTP}
    user_login_failed.send(sender=__name__, credentials=credentials, request=request)
    return login_locked(request=request, username=user.get_username())


def login_locked(*, request, username: str) -> bool:
    return AxesProxyHandler.is_locked(request, {"username": username})


def lockout_response(request, original_response=None, credentials=None):
    """The login page again, saying the login is locked (AXES_LOCKOUT_CALLABLE)."""
    from .forms import LoginForm

    context = {
        "form": LoginForm(request, initial={"username": request.POST.get("username", "")}),
        "locked_message": LOCKED_MESSAGE % {"minutes": settings.LOCKOUT_MINUTES},
        "next": request.POST.get("next", ""),
    }
    return render(request, "accounts/login.html", context, status=429)


def account_unlock(*, request, username: str) -> int:
    """Lift every lock of the account, from whatever address, and audit it."""
    account = User.objects.filter(username=username).first()
    removed = reset(username=username)
    audit_record(
        request=request, action=AuditAction.ACCOUNT_UNLOCK, obj=account, detail={"account": username}
    )
    return removed


def locked_attempts() -> QuerySet:
    """Each (username, source address) locked now, as a row of values: ``username``,
    ``ip_address``, ``failures`` and ``last`` (the last failure; the lock ends ``lock_end`` after)."""
    since = timezone.now() - settings.AXES_COOLOFF_TIME
    return (
        AccessAttempt.objects.filter(attempt_time__gt=since)
        .values("username", "ip_address")
        .annotate(failures=Sum("failures_since_start"), last=Max("attempt_time"))
        .filter(failures__gte=settings.AXES_FAILURE_LIMIT)
        .order_by("username", "ip_address")
    )


def lock_end(last_failure):
    """When a lock whose last failure was at ``last_failure`` ends."""
    return last_failure + settings.AXES_COOLOFF_TIME
