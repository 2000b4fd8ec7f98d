"""现场照片: a project's photos by the day they were taken, grouped by month, and the latest one as
an annotation."""

from __future__ import annotations

from django.db.models import OuterRef, QuerySet, Subquery
from django.db.models.functions import Coalesce

from ..models import Project, SitePhoto


def _photo_date() -> Coalesce:
    return Coalesce("taken_at", "uploaded_at")


def project_photos(*, project: Project) -> QuerySet[SitePhoto]:
    """A project's photos, newest first by the day they were taken (or else uploaded)."""
    return (
        SitePhoto.objects.filter(project=project)
        .select_related("uploaded_by")
        .annotate(dated=_photo_date())
        .order_by("-dated", "-pk")
    )


def photos_by_month(photos: QuerySet[SitePhoto] | list[SitePhoto]) -> dict[tuple[int, int], list[SitePhoto]]:
    """The photos grouped by the (year, month) they are dated in, for a project's monthly series."""
    months: dict[tuple[int, int], list[SitePhoto]] = {}
    for photo in photos:
        on = photo.dated_on
        months.setdefault((on.year, on.month), []).append(photo)
    return months


def latest_photo() -> dict[str, Subquery]:
    """Annotations for a project queryset: its latest photo (``latest_photo_id``) and that photo's date
    (``latest_photo_at``: taken, or else uploaded) — for the 通报's 重点项目 annex and the steward's page."""
    latest = (
        SitePhoto.objects.filter(project=OuterRef("pk"))
        .annotate(dated=_photo_date())
        .order_by("-dated", "-pk")
    )
    return {
        "latest_photo_id": Subquery(latest.values("pk")[:1]),
        "latest_photo_at": Subquery(latest.values("dated")[:1]),
    }
