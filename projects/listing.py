"""What the lifecycle's list pages share: their page size, the day they judge warnings on and the
open year they read once a request; and the 项目清单's declaration, which its page, its export, the
background ledger job and the API all use."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from django.db.models import DecimalField, OuterRef, QuerySet, Subquery, Sum
from django.db.models.functions import Coalesce
from django.http import HttpRequest

from accounts.models import User
from common import clock
from common.lists import ListPage

from .access import readable_projects
from .exports import board_rows
from .filtersets import LIST_FILTERS, ProjectFilterSet
from .models import Project, ProjectReport, ProjectYearPlan
from .selectors.boards import library_year
from .selectors.warnings import with_warnings
from .tables import ProjectListTable

PER_PAGE = 50


def reference_date(request: HttpRequest) -> date:
    """The day warnings are judged on (``?on=YYYY-MM-DD``), today unless a page asks for another —
    e.g. to review a past 周调度 or the demo's 2022."""
    try:
        return date.fromisoformat(request.GET.get("on", ""))
    except ValueError:
        return clock.today()


def open_year(request: HttpRequest) -> int:
    """``library_year``, read once however many parts of a page (queryset, table, context) ask for it."""
    if not hasattr(request, "open_year"):
        request.open_year = library_year()
    return request.open_year


MONEY = DecimalField(max_digits=16, decimal_places=2)


def listed_projects(*, actor: User, year: int, on: date) -> QuerySet[Project]:
    """The projects ``actor`` may read with ``year``'s annual plan and their warnings on ``on``."""
    annual_plan = ProjectYearPlan.objects.filter(project=OuterRef("pk"), year=year)
    reports = ProjectReport.objects.filter(project=OuterRef("pk"), year=year).order_by()
    ytd = reports.values("project").annotate(total=Sum("amount")).values("total")
    return with_warnings(
        readable_projects(actor)
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
        return listed_projects(actor=request.user, year=open_year(request), on=clock.today())

    filterset_kwargs = {"offered": LIST_FILTERS}

    def extra_context(self, request, filterset, table) -> dict:
        return {"year": open_year(request)}

    def export_title(self, request) -> str:
        return f"{open_year(request)}年项目清单"

    def export_rows(self, table, records):
        return board_rows(records, with_tags=True)


PROJECT_LIST = ProjectList()
