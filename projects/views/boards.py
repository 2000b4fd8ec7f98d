"""四库看板: one board per library, the unit's board, and the reserve ratio (rule 6)."""

from __future__ import annotations

from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render

from accounts.permissions import (
    ALL_UNITS_READERS,
    check_unit_read,
    has_any_role,
    readable_units,
    unit_member_view,
)
from audit.models import AuditAction
from audit.services import audited
from common.lists import ListPage
from common.params import year_param
from targets.models import Unit

from ..access import readable_projects
from ..choices import LIBRARY_STAGES, Stage
from ..exports import board_rows
from ..filtersets import BOARD_FILTERS, ProjectFilterSet
from ..listing import PER_PAGE, open_year, reference_date
from ..models import Project, ProjectYearPlan
from ..rules import ReserveRatio
from ..selectors.boards import board_projects, library_totals
from ..selectors.reserve import jurisdiction_reserve_ratio, unit_reserve_ratios
from ..selectors.warnings import overdue_milestones
from ..tables import ProjectBoardTable, warning_badges
from ..tables_board import FlaggedProjectTable, UnitOverdueMilestoneTable

UNIT_BOARD_MILESTONES = 20  # the most overdue; the full list is one click away


def _stage(request: HttpRequest) -> Stage:
    value = request.GET.get("stage")
    return Stage(value) if value in LIBRARY_STAGES else Stage.RESERVE


def _year(request: HttpRequest, open_year: int) -> int:
    return year_param(request, default=open_year)


def _query(request: HttpRequest, **values) -> str:
    """The page's query string with ``values`` set and its position in the table dropped."""
    query = request.GET.copy()
    query.pop("page", None)
    for name, value in values.items():
        query[name] = value
    return query.urlencode()


def _reserve_ratio(request: HttpRequest, unit: Unit | None) -> tuple[str, ReserveRatio] | None:
    """The reserve ratio of the unit the board is filtered on, else of what the user may see."""
    if unit is None and has_any_role(request.user, ALL_UNITS_READERS):
        return "全区", jurisdiction_reserve_ratio()
    units = readable_units(request.user)
    units = units.filter(pk=unit.pk) if unit else units
    ratios = unit_reserve_ratios(units=units)
    if len(ratios) != 1:
        return None
    return ratios[0][0].display_name, ratios[0][1]


class Board(ListPage):
    """四库看板: one library's projects (the tab, ``?stage=``) of a plan year, filtered and exported."""

    template_name = "projects/board.html"
    filterset_class = ProjectFilterSet
    filterset_kwargs = {"offered": BOARD_FILTERS}
    table_class = ProjectBoardTable
    per_page = PER_PAGE

    def queryset(self, request):
        this_year = open_year(request)
        return board_projects(
            projects=readable_projects(request.user),
            year=_year(request, this_year),
            open_year=this_year,
            on=reference_date(request),
        )

    def rows(self, request, filterset):
        return filterset.qs.filter(library=_stage(request))

    def table_kwargs(self, request) -> dict[str, object]:
        this_year = open_year(request)
        return {"user": request.user, "movable": _year(request, this_year) == this_year}

    def extra_context(self, request, filterset, table) -> dict:
        stage = _stage(request)
        this_year = open_year(request)
        year = _year(request, this_year)
        is_open_year = year == this_year
        unit = filterset.form.cleaned_data.get("unit") if filterset.form.is_valid() else None
        totals = library_totals(filterset.qs)
        years = sorted(
            set(ProjectYearPlan.objects.order_by().values_list("year", flat=True).distinct()) | {this_year},
            reverse=True,
        )
        return {
            "stage": stage,
            "year": year,
            "years": years,
            "is_open_year": is_open_year,
            "tabs": [(total, _query(request, stage=total.stage.value)) for total in totals],
            "keep": [("stage", stage.value), ("year", year)],
            "export_query": _query(request, stage=stage.value, year=year),
            "reserve_ratio": _reserve_ratio(request, unit) if is_open_year else None,
        }

    def export_title(self, request) -> str:
        return f"{_year(request, open_year(request))}年{_stage(request).label}库项目"

    def export_rows(self, table, records):
        return board_rows(records, with_tags=False)


BOARD = Board()


@unit_member_view
def board(request: HttpRequest) -> HttpResponse:
    return BOARD.page(request)


@unit_member_view
@audited(AuditAction.EXPORT)
def board_export(request: HttpRequest) -> HttpResponse:
    return BOARD.export(request)


@unit_member_view
def unit_board(request: HttpRequest, unit_id: int) -> HttpResponse:
    """The unit's board: its libraries, reserve ratio, overdue milestones, 应入未入 and stewards."""
    check_unit_read(request.user, unit_id)
    unit = get_object_or_404(Unit, pk=unit_id)
    on = reference_date(request)
    this_year = open_year(request)
    unit_projects = Project.objects.filter(Q(reporting_unit=unit) | Q(responsible_unit=unit))
    projects = board_projects(projects=unit_projects, year=this_year, open_year=this_year, on=on)
    # A unit has at most a few hundred projects in the libraries; the warnings are judged per row by
    # the same rules the boards' badges use.
    flagged = [project for project in projects.order_by("-total_investment") if warning_badges(project)]
    return render(
        request,
        "projects/unit_board.html",
        {
            "unit": unit,
            "on": on,
            "year": this_year,
            "totals": library_totals(projects),
            "reserve_ratio": unit_reserve_ratios(units=Unit.objects.filter(pk=unit.pk))[0][1],
            "overdue_table": UnitOverdueMilestoneTable(
                overdue_milestones(on=on, projects=unit_projects)[:UNIT_BOARD_MILESTONES]
            ),
            "flagged_table": FlaggedProjectTable(flagged),
        },
    )
