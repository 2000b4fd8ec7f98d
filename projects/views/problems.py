"""问题台账: the list (filtered and exported alike), registering, updating and 销号."""

from __future__ import annotations

from django.contrib import messages
from django.db.models import F
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect

from accounts.permissions import unit_member_view
from audit.models import AuditAction
from audit.services import audited
from common.lists import ListPage

from ..access import check_problem_edit, check_project_edit, readable_problems
from ..choices import ProblemStatus
from ..filtersets import ProblemFilterSet
from ..forms import ProblemCloseForm, ProblemForm
from ..listing import PER_PAGE, reference_date
from ..models import Problem, Project
from ..selectors.warnings import problem_list
from ..services.problems import problem_close, problem_create, problem_update
from ..tables import ProblemTable
from .base import form_page, posted


class ProblemList(ListPage):
    """问题台账: the problems of the projects the user may read, open ones first, the most urgent on top."""

    template_name = "projects/problems.html"
    filterset_class = ProblemFilterSet
    table_class = ProblemTable
    title = "重点项目问题台账"
    per_page = PER_PAGE

    def queryset(self, request):
        problems = problem_list(problems=readable_problems(request.user), on=reference_date(request))
        return problems.order_by(F("closed_on").asc(nulls_first=True), "deadline", "pk")

    def table_kwargs(self, request) -> dict[str, object]:
        return {"user": request.user}


PROBLEM_LIST = ProblemList()


@unit_member_view
def problem_index(request: HttpRequest) -> HttpResponse:
    return PROBLEM_LIST.page(request)


@unit_member_view
@audited(AuditAction.EXPORT)
def problem_export(request: HttpRequest) -> HttpResponse:
    return PROBLEM_LIST.export(request)


@unit_member_view
def problem_new(request: HttpRequest, project_id: int) -> HttpResponse:
    project = get_object_or_404(Project, pk=project_id)
    check_project_edit(request.user, project)
    form = ProblemForm(posted(request), initial={"owner_unit": project.responsible_unit_id})
    return form_page(
        request,
        form=form,
        project=project,
        title="登记问题",
        save=lambda data: problem_create(
            project=project,
            category=data["category"],
            description=data["description"],
            owner_unit=data["owner_unit"],
            deadline=data["deadline"],
            actor=request.user,
        ),
        success="问题已登记。",
    )


def _problem_for_edit(request: HttpRequest, problem_id: int) -> Problem:
    problem = get_object_or_404(Problem.objects.select_related("project"), pk=problem_id)
    check_problem_edit(request.user, problem)
    return problem


@unit_member_view
def problem_edit(request: HttpRequest, problem_id: int) -> HttpResponse:
    problem = _problem_for_edit(request, problem_id)
    if problem.status == ProblemStatus.CLOSED:
        messages.info(request, "该问题已销号。")
        return redirect("projects:detail", project_id=problem.project_id)
    # The form edits a copy: on a refusal the page still shows what the user typed.
    form = ProblemForm(posted(request), instance=Problem.objects.get(pk=problem.pk))
    return form_page(
        request,
        form=form,
        project=problem.project,
        title="修改问题",
        save=lambda data: problem_update(problem=problem, actor=request.user, **data),
        success="问题已更新。",
    )


@unit_member_view
def problem_close_view(request: HttpRequest, problem_id: int) -> HttpResponse:
    problem = _problem_for_edit(request, problem_id)
    form = ProblemCloseForm(posted(request))
    return form_page(
        request,
        form=form,
        project=problem.project,
        title=f"销号：{problem.get_category_display()}问题",
        intro=f"该问题登记于{problem.registered_on:%Y-%m-%d}，销号日期不能早于登记日期。",
        save=lambda data: problem_close(problem=problem, actor=request.user, **data),
        success="问题已销号。",
    )
