"""In-app notifications, mirrored by e-mail through Django's mail settings.

Every notification names its event with a ``key``; a (user, key) pair is unique in the database,
so a job that runs twice never notifies anyone twice.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction

from accounts.models import User
from accounts.roles import Role
from targets.models import Unit

from ..models import Notification


@dataclass(frozen=True)
class Message:
    user: User
    title: str
    body: str = ""
    link: str = ""
    unit: Unit | None = None


def notification_send(
    *, users: Iterable[User], key: str, title: str, body: str = "", link: str = "", unit: Unit | None = None
) -> int:
    """Notify each user once per ``key``; returns how many were notified now."""
    return notifications_send(key=key, messages=[Message(user, title, body, link, unit) for user in users])


def notifications_send(*, key: str, messages: Iterable[Message]) -> int:
    """Send one event's messages, each user at most once per ``key``, in two queries whatever their number.

    A user who already has the event is left alone; the unique (user, key) constraint keeps a job
    racing this one from notifying anyone twice.
    """
    messages = list(messages)
    if not messages:
        return 0
    already = set(
        Notification.objects.filter(key=key, user__in=[message.user for message in messages]).values_list(
            "user_id", flat=True
        )
    )
    new = {message.user.pk: message for message in messages if message.user.pk not in already}
    Notification.objects.bulk_create(
        [
            Notification(
                user=message.user,
                unit=message.unit,
                key=key,
                title=message.title,
                body=message.body,
                link=message.link,
            )
            for message in new.values()
        ],
        ignore_conflicts=True,
    )
    for message in new.values():
        if message.user.email:
            transaction.on_commit(
                lambda message=message: send_mail(
                    message.title,
                    message.body or message.title,
                    settings.DEFAULT_FROM_EMAIL,
                    [message.user.email],
                    fail_silently=True,
                )
            )
    return len(new)


def users_with_role(role: Role):
    return User.objects.filter(is_active=True, groups__name=role)


def units_users(unit_ids: Iterable[int]) -> dict[int, list[User]]:
    """unit id → its active 填报员 and 单位负责人, for many units in one query."""
    users = defaultdict(list)
    for user in User.objects.filter(
        is_active=True, unit__in=list(unit_ids), groups__name__in=[Role.REPORTER, Role.UNIT_HEAD]
    ).distinct():
        users[user.unit_id].append(user)
    return users
