"""The /api/v1/ endpoints. Each declares its roles and serializer, checks the unit with the pages'
own functions and calls the pages' own selectors and services."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db.models import Prefetch, QuerySet
from django.http import FileResponse, Http404
from django.utils.http import content_disposition_header
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import serializers, status
from rest_framework.mixins import ListModelMixin
from rest_framework.negotiation import BaseContentNegotiation
from rest_framework.response import Response

from accounts.permissions import (
    ALL_UNITS_READERS,
    UNIT_EDITORS,
    can_approve_unit,
    has_any_role,
    readable_units,
    unit_for_edit,
    unit_for_read,
)
from accounts.roles import Role
from common import clock
from common.periods import Period
from common.spreadsheets import XLSX_CONTENT_TYPE
from projects.access import check_project_read
from projects.filtersets import ProjectFilterSet
from projects.models import Project
from projects.selectors import library_year
from projects.views.listing import listed_projects
from reporting.choices import RunStatus
from reporting.models import Assessment, AssessmentRow, Bulletin, RankingRow, RankingRun, Submission
from reporting.selectors.figures import figures_page
from reporting.selectors.monthly import month_grid_rows, unit_submission
from reporting.selectors.rankings import visible_escalations
from reporting.services.figures import FigureInput, official_figures_save
from reporting.services.submissions import (
    submission_approve,
    submission_return,
    submission_submit,
    submission_verify,
)
from reporting.views.bulletins import DOCX_CONTENT_TYPE
from targets.models import PlanYear, RankingGroup, Target, Unit

from . import serializers as s
from .core import ApiView, Conflict, Invalid
from .services import EntryRow, ProjectExists, RowErrors, month_reports_put, project_create, project_update

PERIOD_PARAMS = [
    OpenApiParameter("year", int, OpenApiParameter.PATH, description="年度"),
    OpenApiParameter("month", int, OpenApiParameter.PATH, description="月份（统计期截至月份）"),
]


def _month(year: int, month: int) -> tuple[int, int]:
    if not 1 <= month <= 12 or not 2000 <= year <= 2100:
        raise Http404("没有这个月份。")
    return year, month


def _period(year: int, month: int) -> Period:
    try:
        return Period(year, month)
    except ValueError as error:
        raise Http404(str(error)) from error


class ListView(ListModelMixin, ApiView):
    """A cursor-paginated list of ``get_queryset()``, filtered by its FilterSet when it has one."""

    def get(self, request, *args, **kwargs):
        return self.list(request, *args, **kwargs)


def _get_or_404(queryset, message: str, **lookup):
    found = queryset.filter(**lookup).first()
    if found is None:
        raise Http404(message)
    return found


# --- 单位、排名组、年度计划 ----------------------------------------------------------------------


class UnitList(ListView):
    """责任单位: the units the user may read (every unit, or a unit user's own)."""

    serializer_class = s.UnitSerializer

    def get_queryset(self) -> QuerySet[Unit]:
        return readable_units(self.request.user)


class UnitDetail(ApiView):
    serializer_class = s.UnitSerializer

    def get(self, request, unit_id: int):
        return Response(self.get_serializer(unit_for_read(request.user, unit_id)).data)


class RankingGroupList(ListView):
    serializer_class = s.RankingGroupSerializer
    queryset = RankingGroup.objects.prefetch_related("units")


class PlanYearList(ListView):
    """年度计划: read by the lead office's readers, as the 分解表 pages are."""

    roles = ALL_UNITS_READERS
    serializer_class = s.PlanYearSerializer
    queryset = PlanYear.objects.all()


class PlanYearDetail(ApiView):
    """One year's plan with its allocation tables (分解表) and every unit's target."""

    roles = ALL_UNITS_READERS
    serializer_class = s.PlanYearDetailSerializer

    def get(self, request, year: int):
        targets = Target.objects.select_related("unit").order_by("sort_order", "unit__sort_order")
        plan = _get_or_404(
            PlanYear.objects.prefetch_related(
                "tables__indicator", Prefetch("tables__targets", queryset=targets)
            ),
            f"没有{year}年度计划。",
            year=year,
        )
        return Response(self.get_serializer(plan).data)


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
        return listed_projects(user=self.request.user, year=library_year(), on=clock.today())

    @extend_schema(request=s.ProjectCreateSerializer, responses={201: s.ProjectSerializer})
    def post(self, request):
        if not has_any_role(request.user, (*UNIT_EDITORS, Role.ADMIN)):
            raise PermissionDenied("只有填报员、单位负责人和管理员可以登记项目。")
        data = _valid(s.ProjectCreateSerializer, request.data)
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
    return listed_projects(user=request.user, year=library_year(), on=clock.today()).get(pk=project.pk)


def _valid(serializer_class, data, **kwargs) -> dict:
    serializer = serializer_class(data=data, **kwargs)
    serializer.is_valid(raise_exception=True)
    return serializer.validated_data


class ProjectDetail(ApiView):
    """One project by its 项目代码; PATCH changes the fields given."""

    serializer_class = s.ProjectSerializer
    field_labels = PROJECT_LABELS

    def _project(self, request, code: str) -> Project:
        project = _get_or_404(Project.objects.all(), f"没有项目代码为「{code}」的项目。", code=code)
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
        data = _valid(s.ProjectWriteSerializer, request.data)
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
        _month(year, month)
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
        _month(year, month)
        unit = unit_for_edit(request.user, unit_id)
        data = _valid(s.MonthReportsWriteSerializer, request.data)
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


# --- 报送及其流转 -------------------------------------------------------------------------------


@extend_schema(parameters=[OpenApiParameter("period", str, description="统计月份 YYYY-MM，默认全部")])
class SubmissionList(ListView):
    """报送情况: the returns of every unit the user may read."""

    serializer_class = s.SubmissionSerializer

    def get_queryset(self) -> QuerySet[Submission]:
        submissions = Submission.objects.filter(unit__in=readable_units(self.request.user))
        period = self.request.query_params.get("period")
        if period:
            try:
                year, month = (int(part) for part in period.split("-"))
                _month(year, month)
            except (ValueError, Http404):
                raise serializers.ValidationError({"period": ["统计月份格式应为 YYYY-MM。"]}) from None
            submissions = submissions.filter(year=year, month=month)
        return submissions


def _submission_for(request, unit_id: int, year: int, month: int) -> Submission:
    _month(year, month)
    unit = unit_for_read(request.user, unit_id)
    return _get_or_404(
        Submission.objects.select_related("unit"),
        f"{unit.name}{year}年{month}月尚无报送记录。",
        unit=unit,
        year=year,
        month=month,
    )


@extend_schema(parameters=PERIOD_PARAMS)
class SubmissionDetail(ApiView):
    serializer_class = s.SubmissionSerializer

    def get(self, request, unit_id: int, year: int, month: int):
        return Response(self.get_serializer(_submission_for(request, unit_id, year, month)).data)


class SubmissionMove(ApiView):
    """One move of a unit's return; the service decides whether its state allows it."""

    serializer_class = s.SubmissionSerializer

    def move(self, request, submission: Submission) -> Submission:
        raise NotImplementedError

    @extend_schema(request=None, parameters=PERIOD_PARAMS)
    def post(self, request, unit_id: int, year: int, month: int):
        submission = _submission_for(request, unit_id, year, month)
        return Response(self.get_serializer(self.move(request, submission)).data)


class SubmissionSubmit(SubmissionMove):
    """报送: the unit's own users (or an admin); every project must have its figure."""

    roles = (*UNIT_EDITORS, Role.ADMIN)

    def move(self, request, submission):
        unit_for_edit(request.user, submission.unit_id)
        return submission_submit(submission=submission, actor=request.user)


class SubmissionApprove(SubmissionMove):
    """单位负责人审批."""

    roles = (Role.UNIT_HEAD,)

    def move(self, request, submission):
        if not can_approve_unit(request.user, submission.unit_id):
            raise PermissionDenied("只有本单位负责人可以审批本单位的报送。")
        return submission_approve(submission=submission, actor=request.user)


class SubmissionVerify(SubmissionMove):
    """统计审核."""

    roles = (Role.REVIEWER,)

    def move(self, request, submission):
        return submission_verify(submission=submission, actor=request.user)


class SubmissionReturn(SubmissionMove):
    """退回, with its reason: the unit head a submitted return, the reviewer an approved or verified one."""

    roles = (Role.UNIT_HEAD, Role.REVIEWER)
    field_labels = {"reason": "原因"}

    @extend_schema(request=s.ReasonSerializer, parameters=PERIOD_PARAMS)
    def post(self, request, unit_id: int, year: int, month: int):
        return super().post(request, unit_id, year, month)

    def move(self, request, submission):
        if not (
            has_any_role(request.user, (Role.REVIEWER,)) or can_approve_unit(request.user, submission.unit_id)
        ):
            raise PermissionDenied("只有本单位负责人或统计审核人员可以退回报送。")
        reason = _valid(s.ReasonSerializer, request.data)["reason"]
        return submission_return(submission=submission, actor=request.user, reason=reason)


# --- 单位统计数（统计审核） ----------------------------------------------------------------------

FIGURE_EDITORS = (Role.REVIEWER, Role.ADMIN)


@extend_schema(parameters=PERIOD_PARAMS)
class Figures(ApiView):
    """The statistics bureau's unit figures for a period: read by whoever reads the units, entered
    (PUT, all or none) by 统计审核 and 管理员 as on the figures page."""

    serializer_class = s.FigureSerializer
    pagination_class = None
    field_labels = {
        "figures": "单位统计数",
        "unit": "单位",
        "ytd_completed": "本年累计完成(万元)",
        "baseline": "上年同期累计(万元)",
    }

    @extend_schema(responses={200: s.FigureSerializer(many=True)})
    def get(self, request, year: int, month: int):
        period = _period(year, month)
        page = figures_page(period=period, units=readable_units(request.user).filter(is_active=True))
        figures = [
            {
                "unit": row.unit.pk,
                "unit_name": row.unit.name,
                "ytd_completed": row.official.ytd_completed if row.official else None,
                "baseline": row.official.baseline if row.official else None,
            }
            for row in page.rows
        ]
        return Response(self.get_serializer(figures, many=True).data)

    @extend_schema(request=s.FiguresWriteSerializer, responses={200: s.FiguresSavedSerializer})
    def put(self, request, year: int, month: int):
        if not has_any_role(request.user, FIGURE_EDITORS):
            raise PermissionDenied("只有统计审核和管理员可以录入单位统计数。")
        period = _period(year, month)
        data = _valid(s.FiguresWriteSerializer, request.data)
        units = [figure["unit"].pk for figure in data["figures"]]
        duplicates = sorted({unit for unit in units if units.count(unit) > 1})
        if duplicates:
            rows = [
                (("unit"), index, f"第{index}行「单位」：单位重复")
                for index, unit in enumerate(units, 1)
                if unit in duplicates
            ]
            raise Invalid("单位重复，未保存任何数据。", rows)
        entries = [FigureInput(f["unit"], f["ytd_completed"], f["baseline"]) for f in data["figures"]]
        saved = official_figures_save(period=period, figures=entries, actor=request.user, reason="接口")
        return Response(s.FiguresSavedSerializer(saved).data)


# --- 排名、约谈、考评、通报（只读，已发布） ---------------------------------------------------------


class RankingList(ListView):
    """Published rankings, newest first, with every row."""

    serializer_class = s.RankingRunSerializer

    def get_queryset(self):
        rows = RankingRow.objects.select_related("unit").order_by("rank", "unit__sort_order")
        return (
            RankingRun.objects.filter(status=RunStatus.PUBLISHED)
            .select_related("scheme", "scheme__group")
            .prefetch_related(Prefetch("rows", queryset=rows))
        )


class EscalationList(ListView):
    """约谈: the escalations of the units the user may read (proposals only for the lead office)."""

    serializer_class = s.EscalationSerializer

    def get_queryset(self):
        return visible_escalations(self.request.user)


class AssessmentList(ListView):
    """Published quarterly, half-year and annual assessments with their rows."""

    serializer_class = s.AssessmentSerializer

    def get_queryset(self):
        rows = AssessmentRow.objects.select_related("unit").order_by("rank", "unit__sort_order")
        return (
            Assessment.objects.filter(status=RunStatus.PUBLISHED)
            .select_related("group")
            .prefetch_related(Prefetch("rows", queryset=rows))
        )


class BulletinList(ListView):
    """Published 通报 with the addresses of their stored files."""

    serializer_class = s.BulletinSerializer

    def get_queryset(self):
        return Bulletin.objects.filter(status=RunStatus.PUBLISHED)


class AnyAccept(BaseContentNegotiation):
    """A file is sent as what it is, whatever the client's Accept header says."""

    def select_parser(self, request, parsers):
        return parsers[0] if parsers else None

    def select_renderer(self, request, renderers, format_suffix=None):
        return renderers[0], renderers[0].media_type


@extend_schema(
    parameters=[
        *PERIOD_PARAMS,
        OpenApiParameter("kind", str, OpenApiParameter.PATH, enum=["workbook", "document"]),
    ],
    responses={(200, XLSX_CONTENT_TYPE): OpenApiTypes.BINARY, (200, DOCX_CONTENT_TYPE): OpenApiTypes.BINARY},
)
class BulletinFile(ApiView):
    """A published 通报's stored workbook or document, unchanged."""

    content_negotiation_class = AnyAccept

    @extend_schema(operation_id="bulletin_file")
    def get(self, request, year: int, month: int, kind: str):
        period = _period(year, month)
        if kind not in ("workbook", "document"):
            raise Http404("没有这种通报文件。")
        bulletin = Bulletin.objects.filter(
            year=period.year, month=period.month, status=RunStatus.PUBLISHED
        ).first()
        stored = getattr(bulletin, kind) if bulletin else None
        if not stored:
            raise Http404(f"{period.label}通报尚未发布。")
        name = f"{period.label}通报.{'xlsx' if kind == 'workbook' else 'docx'}"
        response = FileResponse(
            stored.open("rb"), content_type=XLSX_CONTENT_TYPE if kind == "workbook" else DOCX_CONTENT_TYPE
        )
        response["Content-Disposition"] = content_disposition_header(as_attachment=True, filename=name)
        return response
