"""项目清单: every project the user may read, filtered, sorted and paginated; exported as seen."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from django.db.models import DecimalField, OuterRef, QuerySet, Subquery, Sum
from django.db.models.functions import Coalesce
from django.http import HttpRequest, HttpResponse

from accounts.permissions import unit_member_view
from audit.models import AuditAction
from audit.services import audited
from common import clock
from common.lists import ListPage

from ..access import readable_projects
from ..exports import board_rows
from ..filtersets import LIST_FILTERS, ProjectFilterSet
from ..models import Project, ProjectReport, ProjectYearPlan
from ..selectors import library_year, with_warnings
from ..tables import ProjectListTable

MONEY = DecimalField(max_digits=16, decimal_places=2)


def listed_projects(*, user, year: int, on: date) -> QuerySet[Project]:
    """The projects ``user`` may read with ``year``'s annual plan and their warnings on ``on``."""
    annual_plan = ProjectYearPlan.objects.filter(project=OuterRef("pk"), year=year)
    reports = ProjectReport.objects.filter(project=OuterRef("pk"), year=year).order_by()
    ytd = reports.values("project").annotate(total=Sum("amount")).values("total")
    return with_warnings(
        readable_projects(user)
        .select_related("reporting_unit", "responsible_unit", "steward")
        .prefetch_related("tags")
        .annotate(
            annual_plan=Subquery(annual_plan.values("planned_investment")[:1]),
            ytd_completed=Coalesce(Subquery(ytd, output_field=MONEY), Decimal(0), output_field=MONEY),
        ),
        on=on,
    )


class ProjectList(ListPage):
    """项目清单: every project the user may read, filtered, sorted and paginated; exported as seen,
    in the request or by the background job (``reporting.services.exports``)."""

    template_name = "projects/list.html"
    filterset_class = ProjectFilterSet
    table_class = ProjectListTable
    per_page = 25

    def queryset(self, request) -> QuerySet[Project]:
        return listed_projects(user=request.user, year=library_year(), on=clock.today())

    filterset_kwargs = {"offered": LIST_FILTERS}

    def extra_context(self, request, filterset, table) -> dict:
        return {"year": library_year()}

    def export_title(self, request) -> str:
        return f"{library_year()}年项目清单"

    def export_rows(self, table, records):
        return board_rows(records, with_tags=True)


PROJECT_LIST = ProjectList()


@unit_member_view
def project_list(request: HttpRequest) -> HttpResponse:
    return PROJECT_LIST.page(request)


@unit_member_view
@audited(AuditAction.EXPORT)
def project_list_export(request: HttpRequest) -> HttpResponse:
    return PROJECT_LIST.export(request)
