"""A project's audit trail: who changed what, when, from which value to which."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render

from accounts.permissions import can_read_project, unit_member_view
from projects.models import Project

from ..selectors.history import HISTORY_LIMIT, project_history


@unit_member_view
def project_history_view(request: HttpRequest, project_id: int) -> HttpResponse:
    project = get_object_or_404(
        Project.objects.select_related("reporting_unit", "responsible_unit"), pk=project_id
    )
    if not can_read_project(request.user, project):
        raise PermissionDenied("您无权查看该项目。")
    entries = project_history(project=project)
    return render(
        request,
        "reporting/project_history.html",
        {"project": project, "entries": entries, "limit": HISTORY_LIMIT},
    )
