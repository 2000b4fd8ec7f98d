"""Background exports: ask for the project ledger, watch its progress, download it when it is ready.

An export holds only the projects its requester may read, so only the requester (or a 管理员) may see
or download it.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from accounts.middleware import session_not_extended
from accounts.permissions import has_any_role, unit_member_view
from accounts.roles import Role
from audit.models import AuditAction
from audit.services import audited
from common.lists import ListPage
from common.spreadsheets import XLSX_CONTENT_TYPE

from ..filtersets import ExportFilterSet
from ..models import Export, ExportKind, ExportStatus
from ..services.exports import (
    export_create,
    export_enqueue,
    export_rerun,
    exports_expire_stale,
    ledger_filter_params,
    ledger_filterset,
    list_params,
)
from ..tables import ExportTable
from ..tasks import run_export

RECENT_EXPORTS = 20


class MyExports(ListPage):
    """我的导出: the user's own background exports, newest first, each with its progress or its
    file. The files are the list's content; the list itself has no export."""

    template_name = "reporting/exports.html"
    filterset_class = ExportFilterSet
    table_class = ExportTable
    per_page = RECENT_EXPORTS

    def queryset(self, request):
        return Export.objects.filter(requested_by=request.user)

    def extra_context(self, request, filterset, table) -> dict:
        # The ledger's filter, pre-filled from the project list's query string (or as posted).
        params = request.POST if request.method == "POST" else request.GET
        return {"ledger_filterset": ledger_filterset(actor=request.user, params=params)}


MY_EXPORTS = MyExports()


@unit_member_view
def export_list(request: HttpRequest) -> HttpResponse:
    """The ledger's filter and my exports; posting the filter asks for the ledger."""
    if request.method == "POST":
        filterset = ledger_filterset(actor=request.user, params=request.POST)
        if filterset.is_valid():
            export = export_create(
                kind=ExportKind.PROJECT_LEDGER, params=ledger_filter_params(filterset), actor=request.user
            )
            return _enqueue(request, export)
    return MY_EXPORTS.page(request)


@require_POST
@unit_member_view
def project_list_export_job(request: HttpRequest) -> HttpResponse:
    """项目清单 as the page shows it (its query string), written by the background job."""
    export = export_create(kind=ExportKind.PROJECT_LIST, params=list_params(request.GET), actor=request.user)
    return _enqueue(request, export)


def _enqueue(request: HttpRequest, export: Export) -> HttpResponse:
    # The job reads the export row: it is enqueued once this request's transaction commits.
    transaction.on_commit(lambda: export_enqueue(export=export, task=run_export))
    export.refresh_from_db()
    if export.status == ExportStatus.FAILED:
        messages.error(request, export.error)
    return redirect("reporting:export_detail", export_id=export.pk)


@unit_member_view
def export_detail(request: HttpRequest, export_id: int) -> HttpResponse:
    return render(request, "reporting/export_detail.html", {"export": _fresh_export(request, export_id)})


@require_POST
@unit_member_view
def export_rerun_view(request: HttpRequest, export_id: int) -> HttpResponse:
    try:
        export = export_rerun(export=_own_export(request, export_id), actor=request.user)
    except ValidationError as error:
        messages.error(request, "；".join(error.messages))
        return redirect("reporting:export_detail", export_id=export_id)
    return _enqueue(request, export)


@unit_member_view
@session_not_extended
def export_status(request: HttpRequest, export_id: int) -> JsonResponse:
    """What the progress bar polls. Polling is not activity: it does not keep the session alive."""
    export = _fresh_export(request, export_id)
    return JsonResponse(
        {
            "status": export.status,
            "status_display": export.get_status_display(),
            "progress": export.progress,
            "total_rows": export.total_rows,
            "finished": export.is_finished,
            "error": export.error if export.status == ExportStatus.FAILED else "",
            "download_url": reverse("reporting:export_download", args=[export.pk])
            if export.status == ExportStatus.DONE
            else None,
        }
    )


@unit_member_view
@audited(AuditAction.DOWNLOAD)
def export_download(request: HttpRequest, export_id: int) -> HttpResponse:
    export = _own_export(request, export_id)
    if export.status != ExportStatus.DONE or not export.file:
        raise Http404("文件尚未生成。")
    created = timezone.localtime(export.created_at)
    return FileResponse(
        export.file.open("rb"),
        as_attachment=True,
        filename=f"{export.get_kind_display()}{created:%Y%m%d%H%M}.xlsx",
        content_type=XLSX_CONTENT_TYPE,
    )


def _fresh_export(request: HttpRequest, export_id: int) -> Export:
    """The user's export, marked failed first if it has been waiting past the time limit."""
    export = _own_export(request, export_id)
    if exports_expire_stale(export_id=export.pk):
        export.refresh_from_db()
    return export


def _own_export(request: HttpRequest, export_id: int) -> Export:
    export = get_object_or_404(Export, pk=export_id)
    if export.requested_by_id != request.user.pk and not has_any_role(request.user, (Role.ADMIN,)):
        raise PermissionDenied("只有导出的申请人或管理员可以查看和下载该文件。")
    return export
