"""排名、约谈、考评、通报: read-only, as published."""

from __future__ import annotations

from django.db.models import Prefetch
from django.http import FileResponse, Http404
from django.utils.http import content_disposition_header
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.negotiation import BaseContentNegotiation

from common.spreadsheets import XLSX_CONTENT_TYPE
from reporting.choices import RunStatus
from reporting.models import Assessment, AssessmentRow, Bulletin, RankingRow, RankingRun
from reporting.selectors.rankings import visible_escalations
from reporting.views.bulletins import DOCX_CONTENT_TYPE

from .. import serializers as s
from ..core import ApiView
from .base import PERIOD_PARAMS, ListView, period_or_404

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
        return visible_escalations(actor=self.request.user)


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
        period = period_or_404(year, month)
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
