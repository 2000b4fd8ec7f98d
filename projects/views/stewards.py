"""项目管家: a steward's own projects, the weekly 周调度 list and the overdue milestones."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from accounts.permissions import unit_member_view

from ..access import readable_projects
from ..filtersets import BOARD_FILTERS, MilestoneFilterSet, ProjectFilterSet
from ..listing import filtered_table, reference_date
from ..selectors import dispatch_projects, overdue_milestones, steward_projects
from ..tables import OverdueMilestoneTable, StewardProjectTable


@unit_member_view
def my_projects(request: HttpRequest) -> HttpResponse:
    on = reference_date(request)
    filterset, table = filtered_table(
        request,
        queryset=steward_projects(steward=request.user, on=on),
        filterset_class=ProjectFilterSet,
        filterset_kwargs={"offered": BOARD_FILTERS},
        table_class=StewardProjectTable,
        exclude=("steward",),
    )
    return render(request, "projects/my_projects.html", {"filterset": filterset, "table": table, "on": on})


@unit_member_view
def dispatch(request: HttpRequest) -> HttpResponse:
    """周调度: under construction with no report this month, or with overdue problems."""
    on = reference_date(request)
    filterset, table = filtered_table(
        request,
        queryset=dispatch_projects(projects=readable_projects(request.user), on=on),
        filterset_class=ProjectFilterSet,
        filterset_kwargs={"offered": BOARD_FILTERS},
        table_class=StewardProjectTable,
    )
    return render(request, "projects/dispatch.html", {"filterset": filterset, "table": table, "on": on})


@unit_member_view
def overdue_milestone_list(request: HttpRequest) -> HttpResponse:
    on = reference_date(request)
    filterset, table = filtered_table(
        request,
        queryset=overdue_milestones(on=on, projects=readable_projects(request.user)),
        filterset_class=MilestoneFilterSet,
        table_class=OverdueMilestoneTable,
    )
    return render(
        request, "projects/overdue_milestones.html", {"filterset": filterset, "table": table, "on": on}
    )
