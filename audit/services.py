"""Writing, reading, exporting and purging the security audit log."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from datetime import timedelta
from functools import wraps
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import connection, models, transaction
from django.http import HttpRequest
from django.utils import timezone
from simple_history.models import HistoricalRecords

from .models import AuditAction, AuditEvent, AuditResult

if TYPE_CHECKING:
    from accounts.models import User


def request_source_ip(request) -> str | None:
    """The client's address. Behind the reverse proxy named by AUDIT_TRUST_X_FORWARDED_FOR the
    proxy's X-Forwarded-For is used (its last hop is the one the proxy saw); otherwise REMOTE_ADDR."""
    if request is None:
        return None
    if settings.AUDIT_TRUST_X_FORWARDED_FOR:
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
        if forwarded:
            return forwarded.split(",")[-1].strip() or None
    return request.META.get("REMOTE_ADDR") or None


def audit_record(
    *,
    request=None,
    action: AuditAction,
    obj=None,
    result: AuditResult = AuditResult.SUCCESS,
    detail: dict | None = None,
    actor: User | None = None,
    username: str = "",
) -> AuditEvent:
    """Append one event. The user is ``actor`` or the request's; ``username`` names a user that
    does not exist (a failed login). Committed on its own so a rolled-back refusal still leaves
    its trace."""
    if request is None:
        # A service called from a view: simple_history's middleware already keeps the request
        # per thread, which gives the event its source address and user.
        request = getattr(HistoricalRecords.context, "request", None)
    if actor is None and request is not None and getattr(request, "user", None) is not None:
        actor = request.user if request.user.is_authenticated else None
    event = AuditEvent(
        user=actor,
        username=(actor.get_username() if actor is not None else username)[:150],
        source_ip=request_source_ip(request),
        action=action,
        result=result,
        detail=detail or {},
    )
    if obj is not None:
        event.object_type = obj._meta.label if isinstance(obj, models.Model) else type(obj).__name__
        event.object_id = str(getattr(obj, "pk", "") or "")[:100]
        event.object_repr = str(obj)[:300]
    event.save()
    return event


# How many single changes one event lists (an import may change tens of thousands; its file and
# the figures' history hold the rest).
CHANGES_LISTED = 1000


def changes_record(
    *,
    action: AuditAction,
    changes: list[dict],
    obj=None,
    actor: User | None = None,
    detail: dict | None = None,
) -> AuditEvent | None:
    """One event for one save: who (``actor``, else the request's user), when, from where (the
    request's address) and each changed value before and after, as text."""
    if not changes:
        return None
    listed = [{key: _text(value) for key, value in change.items()} for change in changes[:CHANGES_LISTED]]
    return audit_record(
        action=action,
        obj=obj,
        actor=actor,
        detail={**(detail or {}), "count": len(changes), "changes": listed},
    )


def _text(value) -> str | None:
    return None if value is None else str(value)


# Keyword arguments of audited services that say what the call was about.
_DETAIL_KWARGS = ("file_name", "source_name", "year", "month", "period", "unit", "table_name", "reason")


def audited(action: AuditAction, *, obj_kwarg: str | None = None) -> Callable:
    """One event per call of the decorated service or view, with its outcome: failure when it
    raises, when it returns an outcome whose ``saved`` is false (a rejected import) or a response
    of status 400 or more. Put it below a view's access decorator, so that only calls let in are
    logged here: a view's refusals, its decorator's or its own (``PermissionDenied``), are logged by
    the 403 handler alone."""

    def decorator(func: Callable) -> Callable:
        @wraps(func)
        def wrapper(*args, **kwargs):
            request = args[0] if args and isinstance(args[0], HttpRequest) else None
            actor = kwargs.get("actor")
            detail = {"service": func.__name__}
            detail.update(
                {k: str(kwargs[k])[:200] for k in _DETAIL_KWARGS if kwargs.get(k) not in (None, "")}
            )
            if request is not None:
                detail.update(path=request.path[:500], query=request.GET.urlencode()[:500])
            record = dict(
                request=request, actor=actor, action=action, obj=kwargs.get(obj_kwarg) if obj_kwarg else None
            )
            try:
                outcome = func(*args, **kwargs)
            except Exception as error:
                if request is None or not isinstance(error, PermissionDenied):  # else the 403 handler's
                    audit_record(
                        **record, result=AuditResult.FAILURE, detail={**detail, "error": str(error)[:1000]}
                    )
                raise
            failed = getattr(outcome, "saved", True) is False or getattr(outcome, "status_code", 200) >= 400
            if failed and getattr(outcome, "errors", None):
                detail["errors"] = [str(message)[:300] for message in list(outcome.errors)[:20]]
            audit_record(
                **record, result=AuditResult.FAILURE if failed else AuditResult.SUCCESS, detail=detail
            )
            return outcome

        return wrapper

    return decorator


AUDIT_CSV_COLUMNS = ["时间", "用户名", "来源地址", "操作", "对象类型", "对象标识", "对象", "结果", "详情"]


def audit_events_csv(*, events) -> str:
    """CSV for the 审计管理员's export; a cell starting with = + - @ is prefixed with ' so a
    spreadsheet shows it as text instead of evaluating it (formula injection)."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(AUDIT_CSV_COLUMNS)
    for event in events.iterator():
        row = [
            timezone.localtime(event.time).strftime("%Y-%m-%d %H:%M:%S"),
            event.username,
            event.source_ip or "",
            event.get_action_display(),
            event.object_type,
            event.object_id,
            event.object_repr,
            event.get_result_display(),
            str(event.detail) if event.detail else "",
        ]
        writer.writerow([_neutralise(cell) for cell in row])
    return "\ufeff" + out.getvalue()


def _neutralise(cell: str) -> str:
    return "'" + cell if cell[:1] in ("=", "+", "-", "@", "\t", "\r") else cell


def audit_purge(*, now=None) -> int:
    """Delete only events older than AUDIT_RETENTION_DAYS (never fewer than 180: the Network
    Security Law's six months). On PostgreSQL the append-only trigger lets a DELETE through only
    when this transaction has set ``audit.purge`` and the row is older than that retention."""
    days = settings.AUDIT_RETENTION_DAYS
    if days < 180:
        raise ValueError("AUDIT_RETENTION_DAYS 不得少于 180 天（网络安全法要求日志留存不少于六个月）。")
    cutoff = (now or timezone.now()) - timedelta(days=days)
    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SELECT set_config('audit.purge_days', %s, true)", [str(days)])
        # QuerySet.delete is refused on purpose; this raw delete is the one purge path.
        with connection.cursor() as cursor:
            cursor.execute(f"DELETE FROM {AuditEvent._meta.db_table} WHERE time < %s", [cutoff])
            deleted = cursor.rowcount
    audit_record(action=AuditAction.AUDIT_PURGE, detail={"deleted": deleted, "retention_days": days})
    return deleted
