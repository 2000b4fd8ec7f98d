"""现场照片: a site photo stored with its EXIF place and time, and marked as evidence of a milestone."""

from __future__ import annotations

import uuid

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone

from accounts.models import User

from ..choices import EvidenceKind
from ..models import Project, SitePhoto
from ..photos import photo_process
from ..rules import site_evidence_refusal


def _check_evidence(photo: SitePhoto) -> None:
    if photo.evidence_kind == EvidenceKind.SITE:
        refusal = site_evidence_refusal(has_time=photo.taken_at is not None, has_position=photo.has_position)
        if refusal:
            raise ValidationError(refusal)


def photo_add(
    *, project: Project, data: bytes, actor: User, caption: str = "", evidence_kind: str = ""
) -> SitePhoto:
    """A site photo: decoded and re-written by ``projects.photos`` (the uploaded bytes are never kept),
    under a name of our own, with who uploaded it and when."""
    processed = photo_process(data)
    earlier = SitePhoto.objects.filter(project=project, sha256=processed.sha256).first()
    if earlier is not None:
        uploaded = timezone.localtime(earlier.uploaded_at)
        raise ValidationError(f"这张照片已于{uploaded:%Y-%m-%d %H:%M}上传到该项目，无需重复上传。")
    photo = SitePhoto(
        project=project,
        source_format=processed.source_format,
        width=processed.width,
        height=processed.height,
        sha256=processed.sha256,
        taken_at=processed.taken_at,
        latitude=processed.latitude,
        longitude=processed.longitude,
        uploaded_by=actor,
        caption=caption.strip(),
        evidence_kind=evidence_kind,
    )
    _check_evidence(photo)
    stem = f"{project.pk}/{uuid.uuid4().hex}"
    saved = []
    try:
        for field, content in (
            ("master", processed.master),
            ("display", processed.display),
            ("thumbnail", processed.thumbnail),
        ):
            getattr(photo, field).save(f"{stem}-{field[0]}.jpg", ContentFile(content), save=False)
            saved.append(getattr(photo, field))
        with transaction.atomic():
            photo.full_clean()
            photo.save()
    except BaseException:
        for stored in saved:
            stored.storage.delete(stored.name)
        raise
    return photo


def photo_evidence_set(
    *, photo: SitePhoto, evidence_kind: str, caption: str | None = None, actor: User
) -> SitePhoto:
    """Mark a photo as 入库纳统 evidence of a kind (or no longer: ``evidence_kind=""``)."""
    photo.evidence_kind = evidence_kind
    if caption is not None:
        photo.caption = caption.strip()
    _check_evidence(photo)
    photo.full_clean()
    photo.save(update_fields=["evidence_kind", "caption"])
    return photo
