"""One project's lifecycle: its page, library moves, 退库, procedures, stewards, milestones, 入库纳统
and the year's planned investment."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from accounts.permissions import has_any_role, roles_required, unit_member_view
from accounts.roles import Role
from audit.models import AuditAction
from audit.services import audited
from common import clock
from common.figures import format_wan
from common.lists import ShortListPage

from ..access import (
    can_edit_project,
    can_record_on_site,
    can_see_photo_location,
    check_project_edit,
    check_project_read,
)
from ..choices import ExitRequestStatus, MilestoneKind
from ..filtersets import ExitRequestFilterSet
from ..forms import (
    ExitDecisionForm,
    ExitRequestForm,
    MilestonesForm,
    ProceduresForm,
    RegistrationForm,
    StageMoveForm,
    StewardshipForm,
    YearPlanForm,
)
from ..listing import reference_date
from ..models import PROCEDURES, ExitRequest, Project, ProjectYearPlan
from ..rules import NEXT_STAGE, stage_move_refusal, stewardship_missing
from ..selectors.boards import library_year
from ..selectors.exits import pending_exit_requests, recent_exit_decisions
from ..selectors.photos import photos_by_month, project_photos
from ..selectors.warnings import overdue_milestones, problem_list, project_detail
from ..services.lifecycle import (
    exit_request_approve,
    exit_request_create,
    exit_request_reject,
    project_exit,
    project_milestones_update,
    project_procedures_update,
    project_register,
    project_stage_change,
    project_stewardship_update,
)
from ..services.rollover import year_plan_fill
from ..tables_detail import (
    MilestoneRow,
    MilestoneTable,
    MonthlyReportTable,
    MonthRow,
    ProjectExitRequestTable,
    ProjectProblemTable,
    StageChangeTable,
)
from ..tables_exits import ExitDecisionTable, ExitRequestTable
from .base import form_page, posted


def _project_for_edit(request: HttpRequest, project_id: int) -> Project:
    project = get_object_or_404(
        Project.objects.select_related("reporting_unit", "responsible_unit"), pk=project_id
    )
    check_project_edit(request.user, project)
    return project


def _is_admin(user) -> bool:
    return has_any_role(user, (Role.ADMIN,))


def _monthly_series(project: Project, photo_months: dict) -> tuple[list[MonthRow], dict]:
    """The project's monthly reports of its latest reported year with their running YTD and the photos
    dated in each month, and the chart of them (static/js/charts.js)."""
    reports = list(project.reports.order_by("-year", "month"))
    year = reports[0].year if reports else None
    rows, ytd = [], Decimal(0)
    for report in (report for report in reports if report.year == year):
        ytd += report.amount
        rows.append(MonthRow(report, ytd, photo_months.get((report.year, report.month), [])))
    chart = {
        "type": "bar",
        "categories": [f"{report.month}月" for report, _, _ in rows],
        "series": [
            {
                "name": "本月完成投资",
                "data": [float(report.amount) for report, _, _ in rows],
                "labels": [format_wan(report.amount) for report, _, _ in rows],
            }
        ],
        "unit": "万元",
    }
    return rows, chart


@unit_member_view
def detail(request: HttpRequest, project_id: int) -> HttpResponse:
    on = reference_date(request)
    project = get_object_or_404(project_detail(projects=Project.objects.all(), on=on), pk=project_id)
    check_project_read(request.user, project)
    milestones = {milestone.kind: milestone for milestone in project.milestones.all()}
    overdue = set(
        overdue_milestones(on=on, projects=Project.objects.filter(pk=project.pk)).values_list("pk", flat=True)
    )
    photos = list(project_photos(project=project))
    photo_months = photos_by_month(photos)
    monthly, monthly_chart = _monthly_series(project, photo_months)
    can_edit = can_edit_project(request.user, project)
    is_admin = _is_admin(request.user)
    exit_requests = list(project.exit_requests.select_related("requested_by", "decided_by"))
    return render(
        request,
        "projects/detail.html",
        {
            "project": project,
            "on": on,
            "can_edit": can_edit,
            "next_stage": NEXT_STAGE.get(project.stage),
            "procedures": [(label, getattr(project, field)) for field, label in PROCEDURES],
            "milestone_table": MilestoneTable(
                [
                    MilestoneRow(
                        kind,
                        milestones.get(kind),
                        milestones.get(kind) is not None and milestones[kind].pk in overdue,
                    )
                    for kind in MilestoneKind
                ]
            ),
            "stewardship_missing": stewardship_missing(
                total_investment=project.total_investment,
                has_steward=project.steward_id is not None,
                leader_in_charge=project.leader_in_charge,
            ),
            "stage_change_table": StageChangeTable(
                list(project.stage_changes.select_related("changed_by", "approved_by"))
            ),
            # The panel shows only when the project has had a request.
            "exit_request_table": ProjectExitRequestTable(
                exit_requests, may_decide=is_admin, next_path=request.path
            )
            if exit_requests
            else None,
            "problem_table": ProjectProblemTable(
                list(problem_list(problems=project.problem_items.all(), on=on)), can_edit=can_edit
            ),
            "year_plans": project.year_plans.all(),
            "open_year": library_year(),
            "monthly": monthly,
            "monthly_table": MonthlyReportTable(monthly),
            "monthly_chart": monthly_chart,
            "photo_months": sorted(photo_months.items(), reverse=True),
            "photo_count": len(photos),
            "can_add_photos": can_record_on_site(request.user, project),
            "can_see_location": can_see_photo_location(request.user, project),
        },
    )


@unit_member_view
def move(request: HttpRequest, project_id: int) -> HttpResponse:
    project = _project_for_edit(request, project_id)
    to_stage = NEXT_STAGE.get(project.stage)
    if to_stage is None:
        raise Http404("该项目没有可转入的下一库。")
    form = StageMoveForm(posted(request), project=project, to_stage=to_stage)
    # Said before the user fills anything in: what the move still lacks on the project itself (the
    # dates this form asks for count as given).
    refusal = stage_move_refusal(
        from_stage=project.stage,
        to_stage=to_stage,
        procedures={label: getattr(project, field) for field, label in PROCEDURES},
        actual_start=project.actual_start or clock.today(),
        actual_completion=project.actual_completion or clock.today(),
        today=clock.today(),
    )
    return form_page(
        request,
        project=project,
        form=form,
        title=f"{project.get_stage_display()}库 → {to_stage.label}库",
        warning=refusal or "",
        save=lambda data: project_stage_change(
            project=project,
            to_stage=to_stage,
            actor=request.user,
            reason=data["reason"],
            actual_start=data.get("actual_start"),
            actual_completion=data.get("actual_completion"),
            changed_on=data.get("changed_on"),
        ),
        success=f"已转入{to_stage.label}库。",
    )


@unit_member_view
def exit_request(request: HttpRequest, project_id: int) -> HttpResponse:
    project = _project_for_edit(request, project_id)
    may_approve = _is_admin(request.user)
    form = ExitRequestForm(posted(request), may_approve=may_approve)

    def save(data: dict) -> object:
        if data.get("approve_now"):
            return project_exit(project=project, reason=data["reason"], note=data["note"], actor=request.user)
        return exit_request_create(
            project=project, reason=data["reason"], note=data["note"], actor=request.user
        )

    return form_page(
        request,
        project=project,
        form=form,
        title="退库",
        intro="退库须符合实施方案规定的原因，经管理员批准后生效；因故退库的项目地块将启动再次招商。",
        save=save,
        success="退库已办理。" if may_approve else "退库申请已提交，待管理员审批。",
    )


def _pending_exit(project_id: int) -> ExitRequest:
    return get_object_or_404(
        ExitRequest.objects.select_related("project"), project_id=project_id, status=ExitRequestStatus.PENDING
    )


def _back(request: HttpRequest) -> HttpResponse:
    """Back to where the decision was taken (the project page or the 退库审批 list), never off-site."""
    target = request.POST.get("next", "")
    if url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return redirect(target)
    return redirect("projects:exits")


def _exit_decision(
    request: HttpRequest, project_id: int, decide: Callable[..., object], done: str
) -> HttpResponse:
    """管理员's decision on a pending 退库 request: ``decide`` is the service, ``done`` the message
    (with the project's name) when it goes through; a refusal is shown instead."""
    pending = _pending_exit(project_id)
    form = ExitDecisionForm(request.POST)
    form.is_valid()
    try:
        decide(exit_request=pending, actor=request.user, note=form.cleaned_data.get("note", ""))
    except ValidationError as refusal:
        messages.error(request, "；".join(refusal.messages))
    else:
        messages.success(request, done.format(project=pending.project))
    return _back(request)


@roles_required(Role.ADMIN)
@require_POST
def exit_approve(request: HttpRequest, project_id: int) -> HttpResponse:
    return _exit_decision(request, project_id, exit_request_approve, "已批准“{project}”退库。")


@roles_required(Role.ADMIN)
@require_POST
def exit_reject(request: HttpRequest, project_id: int) -> HttpResponse:
    return _exit_decision(request, project_id, exit_request_reject, "已退回“{project}”的退库申请。")


class ExitRequestList(ShortListPage):
    """退库审批: the pending 退库 requests, filtered by 属地单位 and 退库原因, each decided from its
    line; below them the last decisions in a table of their own, as they stand (not filtered, not
    exported)."""

    template_name = "projects/exits.html"
    filterset_class = ExitRequestFilterSet
    table_class = ExitRequestTable
    title = "待审批退库申请"

    def queryset(self, request):
        return pending_exit_requests()

    def extra_context(self, request, filterset, table) -> dict:
        return {"decided": ExitDecisionTable(recent_exit_decisions())}


EXIT_REQUEST_LIST = ExitRequestList()


@roles_required(Role.ADMIN)
def exits(request: HttpRequest) -> HttpResponse:
    return EXIT_REQUEST_LIST.page(request)


@roles_required(Role.ADMIN)
@audited(AuditAction.EXPORT)
def exits_export(request: HttpRequest) -> HttpResponse:
    return EXIT_REQUEST_LIST.export(request)


@unit_member_view
def procedures(request: HttpRequest, project_id: int) -> HttpResponse:
    project = _project_for_edit(request, project_id)
    form = ProceduresForm(posted(request), project=project)
    return form_page(
        request,
        project=project,
        form=form,
        title="前期手续",
        intro="立项、用地、规划、施工许可四项手续全部办结，储备库项目方可转入开工库。",
        save=lambda data: project_procedures_update(project=project, dates=data, actor=request.user),
        success="前期手续已保存。",
    )


@unit_member_view
def stewardship(request: HttpRequest, project_id: int) -> HttpResponse:
    project = _project_for_edit(request, project_id)
    form = StewardshipForm(
        posted(request),
        initial={"steward": project.steward_id, "leader_in_charge": project.leader_in_charge},
    )
    return form_page(
        request,
        project=project,
        form=form,
        title="项目管家与分包领导",
        intro="一项目一管家；亿元以上项目须明确县处级分包领导。",
        save=lambda data: project_stewardship_update(
            project=project,
            steward=data["steward"],
            leader_in_charge=data["leader_in_charge"],
            actor=request.user,
        ),
        success="项目管家与分包领导已保存。",
    )


@unit_member_view
def milestones(request: HttpRequest, project_id: int) -> HttpResponse:
    project = _project_for_edit(request, project_id)
    current = {m.kind: (m.planned_on, m.actual_on) for m in project.milestones.all()}
    form = MilestonesForm(posted(request), current=current)
    return form_page(
        request,
        project=project,
        form=form,
        title="建设节点",
        intro="紧盯签约、开工、竣工、达效等关键节点；开工、竣工的日期同时作为项目的开工、竣工日期。",
        save=lambda data: project_milestones_update(project=project, dates=form.dates(), actor=request.user),
        success="建设节点已保存。",
        template="projects/milestones_form.html",
    )


@unit_member_view
def register(request: HttpRequest, project_id: int) -> HttpResponse:
    project = _project_for_edit(request, project_id)
    form = RegistrationForm(posted(request), initial={"registered_on": project.registered_on})
    return form_page(
        request,
        project=project,
        form=form,
        title="入库纳统",
        save=lambda data: project_register(
            project=project, registered_on=data["registered_on"], actor=request.user
        ),
        success="已登记入库纳统。",
    )


@unit_member_view
def year_plan(request: HttpRequest, project_id: int) -> HttpResponse:
    """The open year's planned investment, asked for again by each roll-over."""
    project = _project_for_edit(request, project_id)
    year = library_year()
    plan = ProjectYearPlan.objects.filter(project=project, year=year).first() or ProjectYearPlan(
        project=project, year=year
    )
    form = YearPlanForm(posted(request), initial={"planned_investment": plan.planned_investment})
    return form_page(
        request,
        project=project,
        form=form,
        title=f"{year}年度计划投资",
        save=lambda data: year_plan_fill(
            plan=plan, planned_investment=data["planned_investment"], actor=request.user
        ),
        success=f"{year}年度计划投资已保存。",
    )
