"""Background exports: ask for the project ledger, watch its progress, download it when it is ready.

An export holds only the projects its requester may read, so only the requester (or a 管理员) may see
or download it.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone

from accounts.permissions import has_any_role, unit_member_view
from accounts.roles import Role
from audit.models import AuditAction
from audit.services import audited
from common.spreadsheets import XLSX_CONTENT_TYPE
from projects.access import readable_projects
from projects.filtersets import ProjectFilterSet

from ..models import Export, ExportKind, ExportStatus
from ..services.exports import export_create, ledger_filter_params
from ..tasks import run_export

RECENT_EXPORTS = 20


@unit_member_view
def export_list(request: HttpRequest) -> HttpResponse:
    """The ledger's filter (the project list's, pre-filled from its query string) and my recent exports."""
    data = request.POST if request.method == "POST" else request.GET
    filterset = ProjectFilterSet(data, queryset=readable_projects(request.user), request=request)
    if request.method == "POST" and filterset.is_valid():
        export = export_create(
            kind=ExportKind.PROJECT_LEDGER, params=ledger_filter_params(filterset), user=request.user
        )
        transaction.on_commit(lambda: run_export.delay(export.pk))
        return redirect("reporting:export_detail", export_id=export.pk)
    exports = Export.objects.filter(requested_by=request.user)[:RECENT_EXPORTS]
    return render(request, "reporting/exports.html", {"filterset": filterset, "exports": exports})


@unit_member_view
def export_detail(request: HttpRequest, export_id: int) -> HttpResponse:
    return render(request, "reporting/export_detail.html", {"export": _own_export(request, export_id)})


@unit_member_view
def export_status(request: HttpRequest, export_id: int) -> JsonResponse:
    """What the progress bar polls."""
    export = _own_export(request, export_id)
    return JsonResponse(
        {
            "status": export.status,
            "status_display": export.get_status_display(),
            "progress": export.progress,
            "total_rows": export.total_rows,
            "finished": export.is_finished,
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


def _own_export(request: HttpRequest, export_id: int) -> Export:
    export = get_object_or_404(Export, pk=export_id)
    if export.requested_by_id != request.user.pk and not has_any_role(request.user, (Role.ADMIN,)):
        raise PermissionDenied("只有导出的申请人或管理员可以查看和下载该文件。")
    return export
