"""The monthly bulletin's pages: the list of bulletins (a ``ListPage``) and their downloads.

A published bulletin is published to every unit, so anyone with a role downloads its stored files,
unchanged. Before publication only the lead office's readers (管理员, 统计审核, 领导) see the draft,
which is built on the fly.
"""

from __future__ import annotations

from collections.abc import Callable

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models.fields.files import FieldFile
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import content_disposition_header

from accounts.permissions import unit_member_view
from audit.models import AuditAction
from audit.services import audited
from common.lists import ShortListPage
from common.pdf import UNAVAILABLE as PDF_UNAVAILABLE
from common.pdf import PdfUnavailable, docx_to_pdf, pdf_available
from common.periods import Period
from common.spreadsheets import XLSX_CONTENT_TYPE, workbook_response_bytes

from ..bulletin.service import (
    bulletin_document,
    bulletin_download_name,
    bulletin_workbook,
    published_bulletin,
)
from ..filtersets import BulletinFilterSet
from ..forms_rankings import PeriodForm
from ..models import Bulletin
from ..selectors.bulletins import draft_periods, published_bulletins, published_periods
from ..selectors.rankings import can_see_drafts
from ..services.rankings import RankingError
from ..tables import BulletinDraftTable, BulletinTable

DOCX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def published(request) -> list[Period]:
    """The periods with a published bulletin, read once however many parts of the page ask."""
    if not hasattr(request, "published_periods"):
        request.published_periods = published_periods()
    return request.published_periods


class BulletinList(ShortListPage):
    """月度通报: the published bulletins, each with its stored files; for the lead office's readers
    the periods ranked but not yet published as well, whose drafts are built on the fly (periods,
    not rows: they are the page's, not the table's)."""

    template_name = "reporting/bulletins.html"
    filterset_class = BulletinFilterSet
    table_class = BulletinTable
    title = "月度通报"

    def queryset(self, request):
        return published_bulletins()

    def filterset(self, request):
        return self.filterset_class(
            request.GET, queryset=self.queryset(request), request=request, periods=published(request)
        )

    def table_kwargs(self, request) -> dict[str, object]:
        return {"pdf_available": pdf_available()}

    def extra_context(self, request, filterset, table) -> dict:
        shows_drafts = can_see_drafts(request.user)
        drafts = draft_periods(published=published(request)) if shows_drafts else []
        form = PeriodForm(request.GET if "period" in request.GET else None)
        if shows_drafts and form.is_bound and form.is_valid() and form.cleaned_data["period"] not in drafts:
            drafts.insert(0, form.cleaned_data["period"])
        return {
            "drafts": BulletinDraftTable(drafts, pdf_available=table.pdf_available) if shows_drafts else None,
            "shows_drafts": shows_drafts,
            "form": form,
            "keep": [("period", request.GET["period"])] if "period" in request.GET else [],
        }


BULLETIN_LIST = BulletinList()


@unit_member_view
def bulletin_list(request: HttpRequest) -> HttpResponse:
    return BULLETIN_LIST.page(request)


@unit_member_view
@audited(AuditAction.EXPORT)
def bulletin_export(request: HttpRequest) -> HttpResponse:
    return BULLETIN_LIST.export(request)


@unit_member_view
@audited(AuditAction.DOWNLOAD)
def bulletin_workbook_download(request: HttpRequest, year: int, month: int) -> HttpResponse:
    return _bulletin_file(
        request,
        _period(year, month),
        stored=lambda bulletin: bulletin.workbook,
        build=lambda period: workbook_response_bytes(bulletin_workbook(period=period)),
        extension="xlsx",
        content_type=XLSX_CONTENT_TYPE,
    )


@unit_member_view
@audited(AuditAction.DOWNLOAD)
def bulletin_document_download(request: HttpRequest, year: int, month: int) -> HttpResponse:
    return _bulletin_file(
        request,
        _period(year, month),
        stored=lambda bulletin: bulletin.document,
        build=lambda period: bulletin_document(period=period),
        extension="docx",
        content_type=DOCX_CONTENT_TYPE,
    )


@unit_member_view
@audited(AuditAction.DOWNLOAD)
def bulletin_pdf_download(request: HttpRequest, year: int, month: int) -> HttpResponse:
    """The Word document printed to PDF by LibreOffice: offered only where it is installed; elsewhere
    its address says why, and points to the Word and Excel files."""
    if not pdf_available():
        return render(request, "reporting/pdf_unavailable.html", {"message": PDF_UNAVAILABLE}, status=404)
    period = _period(year, month)
    bulletin = published_bulletin(period=period)
    if bulletin is not None and bulletin.document:
        with bulletin.document.open("rb") as handle:
            document = handle.read()
    elif not can_see_drafts(request.user):
        raise PermissionDenied("通报发布前，仅管理员、统计审核和领导可下载草稿。")
    else:
        try:
            document = bulletin_document(period=period)
        except RankingError as error:
            messages.error(request, str(error))
            return redirect("reporting:bulletins")
    try:
        data = docx_to_pdf(document)
    except PdfUnavailable as error:
        messages.error(request, str(error))
        return redirect("reporting:bulletins")
    response = HttpResponse(data, content_type="application/pdf")
    name = bulletin_download_name(period=period, extension="pdf", draft=bulletin is None)
    response["Content-Disposition"] = content_disposition_header(True, name)
    return response


def _period(year: int, month: int) -> Period:
    try:
        return Period(year, month)
    except ValueError as error:
        raise Http404(str(error)) from error


def _bulletin_file(
    request: HttpRequest,
    period: Period,
    *,
    stored: Callable[[Bulletin], FieldFile],
    build: Callable[[Period], bytes],
    extension: str,
    content_type: str,
) -> HttpResponse:
    bulletin = published_bulletin(period=period)
    if bulletin is not None and stored(bulletin):
        return FileResponse(
            stored(bulletin).open("rb"),
            as_attachment=True,
            filename=bulletin_download_name(period=period, extension=extension, draft=False),
            content_type=content_type,
        )
    if not can_see_drafts(request.user):
        raise PermissionDenied("通报发布前，仅管理员、统计审核和领导可下载草稿。")
    try:
        data = build(period)
    except RankingError as error:
        messages.error(request, str(error))
        return redirect("reporting:bulletins")
    response = HttpResponse(data, content_type=content_type)
    response["Content-Disposition"] = content_disposition_header(
        True, bulletin_download_name(period=period, extension=extension, draft=True)
    )
    return response
