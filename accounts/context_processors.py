from dataclasses import dataclass

from django.conf import settings
from django.db.models import Count, Window
from django.utils import timezone
from django.utils.functional import SimpleLazyObject

from common import clock

from .permissions import UNIT_EDITORS, has_any_role
from .roles import Role


def navigation(request) -> dict:
    """What every page's navigation needs: the deployment's name and which links the user's roles use.

    The flags only choose links; every view checks the user's rights itself.
    """
    user = request.user
    unit_user = has_any_role(user, UNIT_EDITORS) and user.unit_id is not None
    admin = has_any_role(user, (Role.ADMIN,))
    today = clock.today()
    return {
        "deployment_name": settings.DEPLOYMENT_NAME,
        # Counted only where a page shows it: the header of a signed-in user's page.
        "unread_notifications": SimpleLazyObject(lambda: _unread(user)),
        # Shown in the header when the business date is fixed (the demo), so nobody mistakes it.
        "business_date": today if today != timezone.localdate() else None,
        "nav": {
            "unit_user": unit_user,
            "imports_reports": unit_user or admin,
            "imports_figures": has_any_role(user, (Role.REVIEWER, Role.ADMIN)),
        },
    }


@dataclass(frozen=True)
class UnreadNotices:
    """The header's unread count and its newest few notices, read in one query."""

    count: int
    latest: list

    def __bool__(self) -> bool:
        return self.count > 0

    def __str__(self) -> str:
        return str(self.count)


HEADER_NOTICES = 5


def _unread(user) -> UnreadNotices:
    if not user.is_authenticated:
        return UnreadNotices(0, [])
    # The window counts every unread notice before the limit keeps the newest few.
    latest = list(
        user.notifications.filter(read_at__isnull=True)
        .annotate(unread=Window(Count("pk")))
        .order_by("-created_at", "-pk")[:HEADER_NOTICES]
    )
    return UnreadNotices(latest[0].unread if latest else 0, latest)
