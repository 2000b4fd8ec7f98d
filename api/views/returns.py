"""报送及其流转 and the 单位统计数 (统计审核)."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.response import Response

from accounts.permissions import (
    UNIT_EDITORS,
    can_approve_unit,
    has_any_role,
    readable_units,
    unit_for_edit,
    unit_for_read,
)
from accounts.roles import Role
from reporting.models import Submission
from reporting.selectors.figures import figures_page
from reporting.services.figures import FigureInput, official_figures_save
from reporting.services.submissions import (
    submission_approve,
    submission_return,
    submission_submit,
    submission_verify,
)

from .. import serializers as s
from ..core import ApiView, Invalid
from .base import PERIOD_PARAMS, ListView, get_or_404, month_or_404, period_or_404, valid_data

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
                month_or_404(year, month)
            except (ValueError, Http404):
                raise serializers.ValidationError({"period": ["统计月份格式应为 YYYY-MM。"]}) from None
            submissions = submissions.filter(year=year, month=month)
        return submissions


def _submission_for(request, unit_id: int, year: int, month: int) -> Submission:
    month_or_404(year, month)
    unit = unit_for_read(request.user, unit_id)
    return get_or_404(
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
        reason = valid_data(s.ReasonSerializer, request.data)["reason"]
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
        period = period_or_404(year, month)
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
        period = period_or_404(year, month)
        data = valid_data(s.FiguresWriteSerializer, request.data)
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
