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
from common.params import table_paginate, year_param
from targets.models import Unit

from ..access import readable_projects
from ..choices import LIBRARY_STAGES, Stage
from ..exports import BOARD_COLUMNS, board_rows, xlsx_response
from ..filtersets import ProjectFilterSet
from ..listing import PER_PAGE, filtered, reference_date
from ..models import Project, ProjectYearPlan
from ..rules import ReserveRatio
from ..selectors import (
    board_projects,
    jurisdiction_reserve_ratio,
    library_totals,
    library_year,
    overdue_milestones,
    unit_reserve_ratios,
)
from ..tables import ProjectBoardTable, warning_badges

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


def _board(request: HttpRequest, open_year: int) -> tuple[ProjectFilterSet, int]:
    year = _year(request, open_year)
    projects = board_projects(
        projects=readable_projects(request.user), year=year, open_year=open_year, on=reference_date(request)
    )
    return filtered(request, queryset=projects, filterset_class=ProjectFilterSet), year


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


@unit_member_view
def board(request: HttpRequest) -> HttpResponse:
    stage = _stage(request)
    open_year = library_year()
    filterset, year = _board(request, open_year)
    is_open_year = year == open_year
    table = ProjectBoardTable(filterset.qs.filter(library=stage), user=request.user, movable=is_open_year)
    table_paginate(request, table, per_page=PER_PAGE)
    unit = filterset.form.cleaned_data.get("unit") if filterset.form.is_valid() else None
    totals = library_totals(filterset.qs)
    years = sorted(
        set(ProjectYearPlan.objects.order_by().values_list("year", flat=True).distinct()) | {open_year},
        reverse=True,
    )
    return render(
        request,
        "projects/board.html",
        {
            "stage": stage,
            "year": year,
            "years": years,
            "is_open_year": is_open_year,
            "filterset": filterset,
            "table": table,
            "tabs": [(total, _query(request, stage=total.stage.value)) for total in totals],
            "keep": [("stage", stage.value), ("year", year)],
            "export_query": _query(request, stage=stage.value, year=year),
            "reserve_ratio": _reserve_ratio(request, unit) if is_open_year else None,
        },
    )


@unit_member_view
@audited(AuditAction.EXPORT)
def board_export(request: HttpRequest) -> HttpResponse:
    stage = _stage(request)
    filterset, year = _board(request, library_year())
    return xlsx_response(
        title=f"{year}年{stage.label}库项目",
        columns=BOARD_COLUMNS,
        rows=board_rows(filterset.qs.filter(library=stage)),
    )


@unit_member_view
def unit_board(request: HttpRequest, unit_id: int) -> HttpResponse:
    """The unit's board: its libraries, reserve ratio, overdue milestones, 应入未入 and stewards."""
    check_unit_read(request.user, unit_id)
    unit = get_object_or_404(Unit, pk=unit_id)
    on = reference_date(request)
    open_year = library_year()
    unit_projects = Project.objects.filter(Q(reporting_unit=unit) | Q(responsible_unit=unit))
    projects = board_projects(projects=unit_projects, year=open_year, open_year=open_year, on=on)
    # A unit has at most a few hundred projects in the libraries; the warnings are judged per row by
    # the same rules the boards' badges use.
    flagged = [
        (project, badges)
        for project in projects.order_by("-total_investment")
        if (badges := warning_badges(project))
    ]
    return render(
        request,
        "projects/unit_board.html",
        {
            "unit": unit,
            "on": on,
            "year": open_year,
            "totals": library_totals(projects),
            "reserve_ratio": unit_reserve_ratios(units=Unit.objects.filter(pk=unit.pk))[0][1],
            "overdue_milestones": overdue_milestones(on=on, projects=unit_projects)[:UNIT_BOARD_MILESTONES],
            "flagged_projects": flagged,
        },
    )
