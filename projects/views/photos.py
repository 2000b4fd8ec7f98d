"""现场照片: the files, served only to users who may read the project, and the desktop upload."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.views.decorators.csrf import csrf_exempt, csrf_protect

from accounts.permissions import unit_member_view
from audit.models import AuditAction
from audit.services import audited

from ..access import can_see_photo_location, check_project_read, check_site_record
from ..forms import PhotoEvidenceForm, PhotoForm
from ..models import Project, SitePhoto
from ..photos import PhotoSizeLimit, upload_read, upload_refusal
from ..services.photos import photo_add, photo_evidence_set
from .base import form_page, posted


def limited_photo_upload(view: Callable) -> Callable:
    """A photo over the size limit is refused while it streams in (``PhotoSizeLimit``). Upload
    handlers must be set before the body is read, and the CSRF check reads it: so the check is made
    here, after the handler is in place, instead of by the middleware."""
    protected = csrf_protect(view)

    @csrf_exempt
    @wraps(view)
    def wrapped(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        request.upload_handlers.insert(0, PhotoSizeLimit(request))
        if request.method == "POST":
            request.FILES  # noqa: B018  (read the body now, through the limit, whatever reads it next)
        return protected(request, *args, **kwargs)

    return wrapped


def _photo_for_read(request: HttpRequest, photo_id: int) -> SitePhoto:
    photo = get_object_or_404(SitePhoto.objects.select_related("project"), pk=photo_id)
    check_project_read(request.user, photo.project)
    return photo


def _file(photo: SitePhoto, field: str) -> FileResponse:
    stored = getattr(photo, field)
    response = FileResponse(
        stored.storage.open(stored.name, "rb"),
        content_type="image/jpeg",
        as_attachment=field == "master",
        filename=f"{photo.project.code}-{photo.pk}{'' if field == 'display' else '-' + field}.jpg",
    )
    # A project's photos are not public: no shared or browser cache keeps a copy.
    response["Cache-Control"] = "private, no-store"
    return response


@unit_member_view
def photo_thumbnail(request: HttpRequest, photo_id: int) -> HttpResponse:
    return _file(_photo_for_read(request, photo_id), "thumbnail")


@unit_member_view
def photo_display(request: HttpRequest, photo_id: int) -> HttpResponse:
    """The display copy: no EXIF at all, so no position, whoever looks at it."""
    return _file(_photo_for_read(request, photo_id), "display")


@unit_member_view
@audited(AuditAction.DOWNLOAD)
def photo_master(request: HttpRequest, photo_id: int) -> HttpResponse:
    """The record copy, with the taking time and GPS position in its EXIF: only for those who need it."""
    photo = _photo_for_read(request, photo_id)
    if not can_see_photo_location(request.user, photo.project):
        raise PermissionDenied("您无权下载含拍摄位置的存档照片。")
    return _file(photo, "master")


@unit_member_view
@limited_photo_upload
def photo_upload(request: HttpRequest, project_id: int) -> HttpResponse:
    project = get_object_or_404(Project, pk=project_id)
    check_site_record(request.user, project)
    form = PhotoForm(posted(request), request.FILES if request.method == "POST" else None)
    if upload_refusal(request):
        form.add_error("photo", ValidationError(upload_refusal(request)))
    return form_page(
        request,
        project=project,
        form=form,
        title="上传现场照片",
        intro="照片的拍摄时间和位置从照片信息（EXIF）中读取；上传时间和上传人自动记录。",
        save=lambda data: photo_add(
            project=project,
            data=upload_read(data["photo"]),
            actor=request.user,
            caption=data["caption"],
            evidence_kind=data["evidence_kind"],
        ),
        success="照片已上传。",
        template="projects/photo_form.html",
    )


@unit_member_view
def photo_edit(request: HttpRequest, photo_id: int) -> HttpResponse:
    photo = get_object_or_404(SitePhoto.objects.select_related("project"), pk=photo_id)
    check_site_record(request.user, photo.project)
    form = PhotoEvidenceForm(
        posted(request), initial={"caption": photo.caption, "evidence_kind": photo.evidence_kind}
    )
    return form_page(
        request,
        project=photo.project,
        form=form,
        title="照片说明与入库佐证",
        intro="批复文件、施工合同可拍照上传作为佐证；作为现场照片佐证的照片须带有拍摄时间和位置。",
        save=lambda data: photo_evidence_set(
            photo=photo, evidence_kind=data["evidence_kind"], caption=data["caption"], actor=request.user
        ),
        success="照片信息已保存。",
    )
