"""A project's audit trail: who changed what, when, from which value to which; exported as seen."""

from __future__ import annotations

from typing import ClassVar

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404

from accounts.permissions import can_read_project, unit_member_view
from audit.models import AuditAction
from audit.services import audited
from common.lists import ShortListPage
from projects.models import Project

from ..filtersets import ProjectHistoryFilterSet
from ..selectors.history import HISTORY_LIMIT, HistoryEntry, project_history
from ..tables import ProjectHistoryTable


def history_project(request: HttpRequest, project_id: int) -> Project:
    """The project of the URL (404 when there is none), for a user who may read it (403 otherwise);
    kept on the request, where the list's hooks read it."""
    project = get_object_or_404(
        Project.objects.select_related("reporting_unit", "responsible_unit"), pk=project_id
    )
    if not can_read_project(request.user, project):
        raise PermissionDenied("您无权查看该项目。")
    request.history_project = project
    return project


class ProjectHistoryList(ShortListPage):
    """修改记录: a project's changes to its information, its monthly reports and its annual plans, the
    latest ``limit`` newest first, by 内容; exported as seen. The rows are merged from three
    histories (``project_history``), so they are built as a list: the FilterSet's queryset is the
    project alone, and its form names the history to read."""

    template_name = "reporting/project_history.html"
    filterset_class = ProjectHistoryFilterSet
    table_class = ProjectHistoryTable
    limit: ClassVar[int] = HISTORY_LIMIT
    per_page = HISTORY_LIMIT  # all it reads, on one page

    def queryset(self, request):
        return Project.objects.filter(pk=request.history_project.pk)

    def rows(self, request, filterset) -> list[HistoryEntry]:
        subject = filterset.chosen_subject()
        return project_history(project=request.history_project, subject=subject, limit=self.limit)

    def extra_context(self, request, filterset, table) -> dict:
        return {
            "project": request.history_project,
            "limit": self.limit,
            "limited": len(table.data) >= self.limit,
        }

    def export_title(self, request) -> str:
        return f"{request.history_project.name}修改记录"


PROJECT_HISTORY_LIST = ProjectHistoryList()


@unit_member_view
def project_history_view(request: HttpRequest, project_id: int) -> HttpResponse:
    history_project(request, project_id)
    return PROJECT_HISTORY_LIST.page(request)


@unit_member_view
@audited(AuditAction.EXPORT)
def project_history_export(request: HttpRequest, project_id: int) -> HttpResponse:
    history_project(request, project_id)
    return PROJECT_HISTORY_LIST.export(request)
