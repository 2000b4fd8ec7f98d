from django.conf import settings
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


def _unread(user) -> int:
    if not user.is_authenticated:
        return 0
    return user.notifications.filter(read_at__isnull=True).count()
