"""Web uploads of the three imports, and their blank templates."""

from __future__ import annotations

from collections.abc import Callable

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import UploadedFile
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import content_disposition_header
from openpyxl import Workbook

from accounts.permissions import UNIT_EDITORS, check_unit_edit, has_any_role, roles_required
from accounts.roles import Role
from audit.models import AuditAction
from audit.services import audited
from common import clock
from common.imports import ImportOutcome
from common.periods import Period
from common.spreadsheets import XLSX_CONTENT_TYPE, workbook_response_bytes
from projects.imports.platform import platform_projects_import
from projects.imports.spreadsheet import projects_import, projects_template
from targets.models import Unit

from ..forms import FiguresUploadForm, ProjectsUploadForm, ReportsUploadForm, UploadForm
from ..imports import figures_import, figures_template, reports_import, reports_template
from ..selectors.periods import open_reporting_month

PROJECT_IMPORTERS = (*UNIT_EDITORS, Role.ADMIN)
FIGURE_IMPORTERS = (Role.REVIEWER, Role.ADMIN)


def _own_unit(user) -> Unit | None:
    """None for an admin (any unit's rows); a unit user's own unit, which limits the file to it."""
    if has_any_role(user, (Role.ADMIN,)):
        return None
    if user.unit_id is None or not has_any_role(user, UNIT_EDITORS):
        raise PermissionDenied("您的账号未关联单位，不能导入。")
    check_unit_edit(user, user.unit_id)
    return user.unit


def _xlsx(workbook: Workbook, filename: str) -> HttpResponse:
    response = HttpResponse(workbook_response_bytes(workbook), content_type=XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = content_disposition_header(as_attachment=True, filename=filename)
    return response


def _upload_page(
    request: HttpRequest,
    form,
    run: Callable[[dict, UploadedFile], ImportOutcome],
    *,
    saved: Callable[[dict], tuple[str, HttpResponse]],
    title: str,
    template_url: str,
    columns: str,
) -> HttpResponse:
    """An import's page: a valid upload is imported by ``run``; when saved, ``saved`` names what was
    imported and where to go next, otherwise the page shows the outcome's errors and questions."""
    outcome = None
    if request.method == "POST" and form.is_valid():
        outcome = run(form.cleaned_data, form.cleaned_data["file"])
        if outcome.saved:
            what, response = saved(form.cleaned_data)
            messages.success(
                request, f"{what}导入成功：新增 {outcome.created} 条，更新 {outcome.updated} 条。"
            )
            return response
    return render(
        request,
        "reporting/import.html",
        {"form": form, "outcome": outcome, "title": title, "template_url": template_url, "columns": columns},
    )


@roles_required(*PROJECT_IMPORTERS)
def import_reports(request: HttpRequest) -> HttpResponse:
    unit = _own_unit(request.user)
    open_month = open_reporting_month(today=clock.today(), unit=unit)
    form = ReportsUploadForm(request.POST or None, request.FILES or None, initial={"month": open_month.param})
    return _upload_page(
        request,
        form,
        lambda data, upload: reports_import(
            source=upload,
            year=data["month"][0],
            month=data["month"][1],
            actor=request.user,
            file_name=upload.name,
            unit=unit,
            confirm_unusual=data["confirm_unusual"],
        ),
        saved=lambda data: (
            f"{data['month'][0]}年{data['month'][1]}月项目月报",
            redirect("reporting:import_reports"),
        ),
        title="导入项目月报",
        template_url="reporting:import_reports_template",
        columns="项目代码、本月完成投资(万元)、形象进度、存在问题",
    )


@roles_required(*PROJECT_IMPORTERS)
@audited(AuditAction.DOWNLOAD)
def import_reports_template(request: HttpRequest) -> HttpResponse:
    unit = _own_unit(request.user)
    month = open_reporting_month(today=clock.today(), unit=unit)
    workbook = reports_template(unit=unit, year=month.year, month=month.month)
    return _xlsx(workbook, f"项目月报导入模板_{month.param}.xlsx")


@roles_required(*FIGURE_IMPORTERS)
def import_figures(request: HttpRequest) -> HttpResponse:
    open_month = open_reporting_month(today=clock.today())
    form = FiguresUploadForm(
        request.POST or None, request.FILES or None, initial={"period": open_month.param}
    )
    return _upload_page(
        request,
        form,
        lambda data, upload: figures_import(
            source=upload, period=Period(*data["period"]), actor=request.user, file_name=upload.name
        ),
        saved=lambda data: (
            f"{Period(*data['period']).label}单位统计数",
            redirect("reporting:figures", year=data["period"][0], month=data["period"][1]),
        ),
        title="导入单位统计数",
        template_url="reporting:import_figures_template",
        columns="单位、本年累计完成(万元)、上年同期累计(万元)",
    )


@roles_required(*FIGURE_IMPORTERS)
@audited(AuditAction.DOWNLOAD)
def import_figures_template(request: HttpRequest) -> HttpResponse:
    return _xlsx(figures_template(), "单位统计数导入模板.xlsx")


@roles_required(*PROJECT_IMPORTERS)
def import_projects(request: HttpRequest) -> HttpResponse:
    unit = _own_unit(request.user)
    form = ProjectsUploadForm(
        request.POST or None,
        request.FILES or None,
        initial={"year": open_reporting_month(today=clock.today()).year},
    )
    return _upload_page(
        request,
        form,
        lambda data, upload: projects_import(
            source=upload, year=data["year"], actor=request.user, file_name=upload.name, unit=unit
        ),
        saved=lambda data: ("项目", redirect("reporting:import_projects")),
        title="导入项目",
        template_url="reporting:import_projects_template",
        columns="项目代码、项目名称、属地单位、责任局办、项目领域、总投资(万元)，及可选的项目级别、年度计划投资(万元)、建设单位、联系人、联系电话、分包领导",
    )


@roles_required(*PROJECT_IMPORTERS)
@audited(AuditAction.DOWNLOAD)
def import_projects_template(request: HttpRequest) -> HttpResponse:
    _own_unit(request.user)
    return _xlsx(projects_template(), "项目导入模板.xlsx")


@roles_required(*PROJECT_IMPORTERS)
def import_platform(request: HttpRequest) -> HttpResponse:
    """在线平台项目列表: fill in what the platform knows of our projects (a unit: of its own ones)."""
    unit = _own_unit(request.user)
    form = UploadForm(request.POST or None, request.FILES or None)
    outcome = None
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        outcome = platform_projects_import(
            source=upload, actor=request.user, file_name=upload.name, unit=unit
        )
        if outcome.saved:
            messages.success(request, f"匹配项目 {outcome.matched} 个，补填信息 {outcome.updated} 个。")
    return render(request, "reporting/import_platform.html", {"form": form, "outcome": outcome, "unit": unit})
