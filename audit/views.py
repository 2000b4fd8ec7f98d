from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from accounts.permissions import duty_required
from accounts.roles import Role
from common.lists import ListPage

from .filtersets import AuditEventFilterSet
from .models import AuditAction, AuditEvent, AuditResult
from .services import audit_events_csv, audit_record
from .tables import AuditEventTable


class AuditLog(ListPage):
    """安全审计日志: every event, newest first, searched by the 审计管理员; exported as CSV."""

    template_name = "audit/log.html"
    filterset_class = AuditEventFilterSet
    table_class = AuditEventTable

    def queryset(self, request):
        return AuditEvent.objects.all()


AUDIT_LOG = AuditLog()


@duty_required(Role.AUDIT_ADMIN)
def log(request: HttpRequest) -> HttpResponse:
    return AUDIT_LOG.page(request)


@duty_required(Role.AUDIT_ADMIN)
def export(request: HttpRequest) -> HttpResponse:
    """The events the log shows with the same query, as CSV (the format the 审计管理员 keeps)."""
    events = AUDIT_LOG.filterset(request).qs
    audit_record(request=request, action=AuditAction.AUDIT_EXPORT, detail={"filters": request.GET.dict()})
    response = HttpResponse(audit_events_csv(events=events), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="audit-log.csv"'
    return response


def permission_denied(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    """The 403 handler: every refusal is logged, then shown in Chinese."""
    message = str(exception) if isinstance(exception, PermissionDenied) and str(exception) else ""
    audit_record(
        request=request,
        action=AuditAction.PERMISSION_DENIED,
        result=AuditResult.FAILURE,
        detail={"path": request.path[:500], "method": request.method, "message": message},
    )
    return render(request, "403.html", {"message": message or "您无权访问该页面。"}, status=403)
