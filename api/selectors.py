"""Reads behind the 安全管理员's token page."""

from __future__ import annotations

from django.db.models import CharField, Count, Max, OuterRef, QuerySet, Subquery
from django.db.models.functions import Cast

from audit.models import AuditAction, AuditEvent

from .models import ApiToken


def api_tokens_with_use() -> QuerySet[ApiToken]:
    """Every token with its last use and number of calls, read from the audit log (the token row
    itself is never written on use)."""
    uses = (
        AuditEvent.objects.filter(
            action__in=(AuditAction.API_CALL, AuditAction.PERMISSION_DENIED), object_type="api.ApiToken"
        )
        .filter(object_id=Cast(OuterRef("pk"), output_field=CharField()))
        .order_by()
        .values("object_id")
    )
    return ApiToken.objects.select_related("user", "user__unit", "created_by", "revoked_by").annotate(
        last_used_at=Subquery(uses.annotate(last=Max("time")).values("last")[:1]),
        calls=Subquery(uses.annotate(n=Count("pk")).values("n")[:1]),
    )
