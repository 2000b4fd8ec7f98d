"""项目清单: every project the user may read, filtered, sorted and paginated; exported as seen."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse

from accounts.permissions import unit_member_view
from audit.models import AuditAction
from audit.services import audited

from ..listing import PROJECT_LIST


@unit_member_view
def project_list(request: HttpRequest) -> HttpResponse:
    return PROJECT_LIST.page(request)


@unit_member_view
@audited(AuditAction.EXPORT)
def project_list_export(request: HttpRequest) -> HttpResponse:
    return PROJECT_LIST.export(request)
