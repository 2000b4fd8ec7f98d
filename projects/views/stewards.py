"""项目管家: a steward's own projects, the weekly 周调度 list and the overdue milestones."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse

from accounts.permissions import unit_member_view
from common.lists import ListPage

from ..access import readable_projects
from ..filtersets import BOARD_FILTERS, MilestoneFilterSet, ProjectFilterSet
from ..listing import PER_PAGE, reference_date
from ..selectors.warnings import dispatch_projects, overdue_milestones, steward_projects
from ..tables import OverdueMilestoneTable, StewardProjectTable


class OnDateList(ListPage):
    """A list whose warnings are judged on a day (``?on=``), which the page names."""

    per_page = PER_PAGE

    def extra_context(self, request, filterset, table) -> dict:
        return {"on": reference_date(request)}


class MyProjectList(OnDateList):
    template_name = "projects/my_projects.html"
    filterset_class = ProjectFilterSet
    filterset_kwargs = {"offered": BOARD_FILTERS}
    table_class = StewardProjectTable

    def queryset(self, request):
        return steward_projects(steward=request.user, on=reference_date(request))

    def table_kwargs(self, request) -> dict[str, object]:
        return {"exclude": ("steward",)}


class DispatchList(OnDateList):
    """周调度: under construction with no report this month, or with overdue problems."""

    template_name = "projects/dispatch.html"
    filterset_class = ProjectFilterSet
    filterset_kwargs = {"offered": BOARD_FILTERS}
    table_class = StewardProjectTable

    def queryset(self, request):
        return dispatch_projects(projects=readable_projects(request.user), on=reference_date(request))


class OverdueMilestoneList(OnDateList):
    template_name = "projects/overdue_milestones.html"
    filterset_class = MilestoneFilterSet
    table_class = OverdueMilestoneTable

    def queryset(self, request):
        return overdue_milestones(on=reference_date(request), projects=readable_projects(request.user))


MY_PROJECT_LIST = MyProjectList()
DISPATCH_LIST = DispatchList()
OVERDUE_MILESTONE_LIST = OverdueMilestoneList()


@unit_member_view
def my_projects(request: HttpRequest) -> HttpResponse:
    return MY_PROJECT_LIST.page(request)


@unit_member_view
def dispatch(request: HttpRequest) -> HttpResponse:
    return DISPATCH_LIST.page(request)


@unit_member_view
def overdue_milestone_list(request: HttpRequest) -> HttpResponse:
    return OVERDUE_MILESTONE_LIST.page(request)
