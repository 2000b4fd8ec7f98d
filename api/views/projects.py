"""项目 and their 月报: listed, read, created and changed through the pages' own services."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import status
from rest_framework.response import Response

from accounts.permissions import (
    UNIT_EDITORS,
    has_any_role,
    unit_for_edit,
    unit_for_read,
)
from accounts.roles import Role
from common import clock
from projects.access import check_project_read
from projects.filtersets import ProjectFilterSet
from projects.listing import listed_projects
from projects.models import Project
from projects.selectors.boards import library_year
from reporting.selectors.monthly import month_grid_rows, unit_submission

from .. import serializers as s
from ..core import ApiView, Conflict, Invalid
from ..services import EntryRow, ProjectExists, RowErrors, month_reports_put, project_create, project_update
from .base import PERIOD_PARAMS, ListView, get_or_404, month_or_404, valid_data

# --- 项目 ---------------------------------------------------------------------------------------

PROJECT_LABELS = {
    "code": "项目代码",
    "name": "项目名称",
    "reporting_unit": "属地单位",
    "responsible_unit": "责任局办",
    "level": "项目级别",
    "field": "项目领域",
    "total_investment": "总投资(万元)",
    "annual_plan": "年度计划投资(万元)",
    "company": "建设单位",
    "contact_person": "联系人",
    "contact_phone": "联系电话",
    "leader_in_charge": "分包领导",
}


def _project_values(data: dict) -> tuple[dict, object]:
    values = {name: value for name, value in data.items() if name not in ("code", "annual_plan")}
    return values, data.get("annual_plan")


@extend_schema_view(
    get=extend_schema(parameters=[OpenApiParameter("unit", int, description="单位 id：属地单位或责任局办")])
)
class ProjectList(ListView):
    """项目: every project the user may read, with the project list page's filters; POST creates one
    (in the 储备库) keyed by its 项目代码."""

    serializer_class = s.ProjectSerializer

    filter_backends = [DjangoFilterBackend]
    filterset_class = ProjectFilterSet
    field_labels = PROJECT_LABELS | {name: str(f.label) for name, f in ProjectFilterSet.base_filters.items()}

    def get_queryset(self) -> QuerySet[Project]:
        if getattr(self, "swagger_fake_view", False):  # the schema is generated without a database
            return Project.objects.none()
        return listed_projects(actor=self.request.user, year=library_year(), on=clock.today())

    @extend_schema(request=s.ProjectCreateSerializer, responses={201: s.ProjectSerializer})
    def post(self, request):
        if not has_any_role(request.user, (*UNIT_EDITORS, Role.ADMIN)):
            raise PermissionDenied("只有填报员、单位负责人和管理员可以登记项目。")
        data = valid_data(s.ProjectCreateSerializer, request.data)
        values, annual_plan = _project_values(data)
        try:
            project = project_create(
                code=data["code"],
                values=values,
                annual_plan=annual_plan,
                year=library_year(),
                actor=request.user,
            )
        except ProjectExists as exists:
            raise Conflict(str(exists)) from exists
        except RowErrors as errors:
            raise Invalid(str(errors), errors.items) from errors
        return Response(self.get_serializer(_listed(request, project)).data, status=status.HTTP_201_CREATED)


def _listed(request, project: Project) -> Project:
    return listed_projects(actor=request.user, year=library_year(), on=clock.today()).get(pk=project.pk)


class ProjectDetail(ApiView):
    """One project by its 项目代码; PATCH changes the fields given."""

    serializer_class = s.ProjectSerializer
    field_labels = PROJECT_LABELS

    def _project(self, request, code: str) -> Project:
        project = get_or_404(Project.objects.all(), f"没有项目代码为「{code}」的项目。", code=code)
        check_project_read(request.user, project)
        return project

    def get(self, request, code: str):
        project = self._project(request, code)
        return Response(self.get_serializer(_listed(request, project)).data)

    @extend_schema(request=s.ProjectWriteSerializer, responses={200: s.ProjectSerializer})
    def patch(self, request, code: str):
        project = self._project(request, code)
        if not has_any_role(request.user, (*UNIT_EDITORS, Role.ADMIN)):
            raise PermissionDenied("只有填报员、单位负责人和管理员可以修改项目。")
        data = valid_data(s.ProjectWriteSerializer, request.data)
        values, annual_plan = _project_values(data)
        try:
            project = project_update(
                project=project,
                values=values,
                annual_plan=annual_plan,
                year=library_year(),
                actor=request.user,
            )
        except RowErrors as errors:
            raise Invalid(str(errors), errors.items) from errors
        return Response(self.get_serializer(_listed(request, project)).data)


# --- 月报 ---------------------------------------------------------------------------------------


@extend_schema(parameters=PERIOD_PARAMS)
class MonthReports(ApiView):
    """A unit's month: every project it reports with this month's figures (GET), and the whole month
    saved at once (PUT): the month grid's checks and versions, all of it or nothing."""

    serializer_class = s.MonthReportsSerializer
    field_labels = {
        "submission_version": "报送版本",
        "entries": "月报",
        "project_code": "项目代码",
        "amount": "本月完成投资(万元)",
        "progress": "形象进度",
        "problems": "存在问题",
        "version": "版本",
        "confirm": "确认",
        "submit": "同时报送",
    }

    def get(self, request, unit_id: int, year: int, month: int):
        month_or_404(year, month)
        unit = unit_for_read(request.user, unit_id)
        rows = month_grid_rows(unit=unit, year=year, month=month)
        submission = unit_submission(unit=unit, year=year, month=month)
        lines = [
            {
                "project_code": row.project.code,
                "project_name": row.project.name,
                "amount": row.amount,
                "progress": row.report.progress if row.report else "",
                "problems": row.report.problems if row.report else "",
                "ytd": row.ytd,
                "version": row.report.version if row.report else None,
            }
            for row in rows
        ]
        month_data = {
            "unit": unit.pk,
            "year": year,
            "month": month,
            "submission": submission,
            "submission_version": submission.version if submission else None,
            "lines": lines,
        }
        return Response(self.get_serializer(month_data).data)

    @extend_schema(request=s.MonthReportsWriteSerializer, responses={200: s.MonthSavedSerializer})
    def put(self, request, unit_id: int, year: int, month: int):
        month_or_404(year, month)
        unit = unit_for_edit(request.user, unit_id)
        data = valid_data(s.MonthReportsWriteSerializer, request.data)
        lines = [
            EntryRow(
                row=index,
                project_code=entry["project_code"].strip(),
                amount=entry["amount"],
                progress=entry["progress"],
                problems=entry["problems"],
                version=entry["version"],
                confirm=entry["confirm"],
            )
            for index, entry in enumerate(data["entries"], start=1)
        ]
        try:
            saved = month_reports_put(
                unit=unit,
                year=year,
                month=month,
                lines=lines,
                submission_version=data["submission_version"],
                submit=data["submit"],
                actor=request.user,
            )
        except RowErrors as errors:
            raise Invalid(str(errors), errors.items) from errors
        return Response(
            s.MonthSavedSerializer({"changed": saved.changed, "submission": saved.submission}).data
        )
