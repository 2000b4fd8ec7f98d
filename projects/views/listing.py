"""项目清单: every project the user may read, filtered, sorted and paginated; exported as seen."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from django.db.models import DecimalField, OuterRef, QuerySet, Subquery, Sum
from django.db.models.functions import Coalesce
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from accounts.permissions import unit_member_view
from audit.models import AuditAction
from audit.services import audited
from common import clock
from common.params import table_paginate
from common.spreadsheets import OutColumn

from ..access import readable_projects
from ..exports import BOARD_COLUMNS, board_rows, xlsx_response
from ..filtersets import ProjectListFilterSet
from ..listing import filtered
from ..models import Project, ProjectReport, ProjectYearPlan
from ..selectors import library_year, with_warnings
from ..tables import ProjectListTable

PER_PAGE = 25
LIST_COLUMNS = (
    *BOARD_COLUMNS[:4],
    OutColumn("所在库", "stage"),
    OutColumn("入库纳统", "registered"),
    *BOARD_COLUMNS[4:8],
    OutColumn("累计完成(万元)", "ytd_completed", "money"),
    OutColumn("完成率(%)", "completion_pct", "pct"),
    *BOARD_COLUMNS[8:],
    OutColumn("标签", "tags"),
)
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


def _filterset(request: HttpRequest) -> ProjectListFilterSet:
    projects = listed_projects(user=request.user, year=library_year(), on=clock.today())
    return filtered(request, queryset=projects, filterset_class=ProjectListFilterSet)


@unit_member_view
def project_list(request: HttpRequest) -> HttpResponse:
    filterset = _filterset(request)
    table = ProjectListTable(filterset.qs)
    table_paginate(request, table, per_page=PER_PAGE)
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "projects/list.html",
        {"filterset": filterset, "table": table, "year": library_year(), "export_query": query.urlencode()},
    )


@unit_member_view
@audited(AuditAction.EXPORT)
def project_list_export(request: HttpRequest) -> HttpResponse:
    filterset = _filterset(request)
    projects = filterset.qs
    sort = request.GET.get("sort")
    if sort:
        # The table knows how each column sorts (a unit by its sort order): the file keeps the order.
        projects = ProjectListTable(projects, order_by=sort).data.data
    return xlsx_response(
        title=f"{library_year()}年项目清单", columns=LIST_COLUMNS, rows=board_rows(projects, with_tags=True)
    )
