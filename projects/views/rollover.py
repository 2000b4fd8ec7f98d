"""年度结转: the admin sees the plan, chooses which unstarted projects return to 储备, then runs it;
units then fill in the new year's planned investment."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from accounts.permissions import roles_required, unit_member_view
from accounts.roles import Role
from common.lists import ListPage

from ..access import readable_projects
from ..filtersets import YearPlanFilterSet
from ..forms import RolloverForm
from ..listing import open_year
from ..selectors.boards import library_year
from ..selectors.rollover import pending_year_plans, rollover_history, rollover_plan
from ..services.rollover import year_rollover
from ..tables import YearPlanTable
from ..tables_rollover import RolloverCompletedTable, RolloverUnstartedTable, YearRolloverTable
from .base import posted


@roles_required(Role.ADMIN)
def rollover(request: HttpRequest) -> HttpResponse:
    plan = rollover_plan(year=library_year())
    form = RolloverForm(posted(request), unstarted=plan.unstarted)
    if request.method == "POST" and plan.refusal is None and form.is_valid():
        try:
            done = year_rollover(
                year=plan.year, return_to_reserve=form.cleaned_data["return_to_reserve"], actor=request.user
            )
        except ValidationError as refusal:
            form.add_error(None, refusal)
        else:
            messages.success(
                request,
                f"{done.year}年度已结转：{done.exited_count}个竣工项目调出项目库，"
                f"{done.returned_count}个未开工项目退回储备库，{done.kept_count}个留在开工库，"
                f"{done.plans_created}个项目待填报{done.year + 1}年度计划投资。",
            )
            return redirect("projects:year_plans")
    return render(
        request,
        "projects/rollover.html",
        {
            "plan": plan,
            "form": form,
            "completed": RolloverCompletedTable(plan.completed),
            "unstarted": RolloverUnstartedTable(
                plan.unstarted, checked={str(pk) for pk in form["return_to_reserve"].value() or ()}
            ),
            "history": YearRolloverTable(rollover_history()),
        },
    )


class YearPlanList(ListPage):
    """年度计划投资 still to fill for the open year, of the projects the user may read."""

    template_name = "projects/year_plans.html"
    filterset_class = YearPlanFilterSet
    table_class = YearPlanTable

    def queryset(self, request):
        return pending_year_plans(projects=readable_projects(request.user), year=open_year(request))

    def table_kwargs(self, request) -> dict[str, object]:
        return {"user": request.user}

    def extra_context(self, request, filterset, table) -> dict:
        return {"year": open_year(request)}


YEAR_PLAN_LIST = YearPlanList()


@unit_member_view
def year_plans(request: HttpRequest) -> HttpResponse:
    return YEAR_PLAN_LIST.page(request)
