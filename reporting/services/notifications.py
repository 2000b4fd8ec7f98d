"""In-app notifications, mirrored by e-mail through Django's mail settings.

Every notification names its event with a ``key``; a (user, key) pair is unique in the database,
so a job that runs twice never notifies anyone twice.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.conf import settings
from django.core.mail import send_mail
from django.db import IntegrityError, transaction

from accounts.models import User
from accounts.roles import Role
from targets.models import Unit

from ..models import Notification


def notification_send(
    *, users: Iterable[User], key: str, title: str, body: str = "", link: str = "", unit: Unit | None = None
) -> int:
    """Notify each user once per ``key``; returns how many were notified now."""
    sent = 0
    for user in users:
        try:
            with transaction.atomic():
                Notification.objects.create(user=user, unit=unit, key=key, title=title, body=body, link=link)
        except IntegrityError:
            continue
        sent += 1
        if user.email:
            transaction.on_commit(
                lambda user=user: send_mail(
                    title, body or title, settings.DEFAULT_FROM_EMAIL, [user.email], fail_silently=True
                )
            )
    return sent


def users_with_role(role: Role):
    return User.objects.filter(is_active=True, groups__name=role)


def unit_users(unit: Unit):
    return User.objects.filter(
        is_active=True, unit=unit, groups__name__in=[Role.REPORTER, Role.UNIT_HEAD]
    ).distinct()
