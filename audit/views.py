from django import forms
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from accounts.permissions import duty_required
from accounts.roles import Role
from common.widgets import DateInput

from .models import AuditAction, AuditResult
from .services import audit_events_csv, audit_events_search, audit_record


class AuditSearchForm(forms.Form):
    text = forms.CharField(label="用户名／对象／地址", required=False)
    action = forms.ChoiceField(label="操作", choices=[("", "全部"), *AuditAction.choices], required=False)
    result = forms.ChoiceField(label="结果", choices=[("", "全部"), *AuditResult.choices], required=False)
    since = forms.DateField(label="起始日期", required=False, widget=DateInput())
    until = forms.DateField(label="截止日期", required=False, widget=DateInput())


def _events(request):
    form = AuditSearchForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    return form, audit_events_search(**{k: v for k, v in filters.items() if v})


@duty_required(Role.AUDIT_ADMIN)
def log(request: HttpRequest) -> HttpResponse:
    form, events = _events(request)
    page = Paginator(events, 50).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(request, "audit/log.html", {"form": form, "page": page, "query": query.urlencode()})


@duty_required(Role.AUDIT_ADMIN)
def export(request: HttpRequest) -> HttpResponse:
    _form, events = _events(request)
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
