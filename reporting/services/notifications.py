"""In-app notifications, mirrored by e-mail through Django's mail settings.

Every notification names its event with a ``key``; a (user, key) pair is unique in the database,
so a job that runs twice never notifies anyone twice. Each has a ``kind``: a user may turn off the
e-mail of a kind (``NotificationPreference``); the in-app notice always comes.
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from accounts.roles import Role
from targets.models import Unit

from ..choices import EscalationStatus, NotificationKind, SubmissionStatus
from ..models import Notification, NotificationPreference


@dataclass(frozen=True)
class Message:
    user: User
    title: str
    body: str = ""
    link: str = ""
    unit: Unit | None = None


def notification_send(
    *,
    users: Iterable[User],
    key: str,
    kind: NotificationKind,
    title: str,
    body: str = "",
    link: str = "",
    unit: Unit | None = None,
) -> int:
    """Notify each user once per ``key``; returns how many were notified now."""
    return notifications_send(
        key=key, kind=kind, messages=[Message(user, title, body, link, unit) for user in users]
    )


def notifications_send(*, key: str, kind: NotificationKind, messages: Iterable[Message]) -> int:
    """Send one event's messages, each user at most once per ``key``, in three queries whatever their
    number.

    A user who already has the event is left alone; the unique (user, key) constraint keeps a job
    racing this one from notifying anyone twice. E-mail goes to those who have not turned it off.
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
                kind=kind,
                title=message.title,
                body=message.body,
                link=message.link,
            )
            for message in new.values()
        ],
        ignore_conflicts=True,
    )
    no_email = set(
        NotificationPreference.objects.filter(user__in=list(new), kind=kind, email=False).values_list(
            "user_id", flat=True
        )
    )
    for message in new.values():
        if message.user.email and message.user.pk not in no_email:
            transaction.on_commit(
                lambda message=message: send_mail(
                    message.title,
                    email_text(message),
                    settings.DEFAULT_FROM_EMAIL,
                    [message.user.email],
                    fail_silently=True,
                )
            )
    return len(new)


def email_text(message: Message) -> str:
    """The body, with the link spelled out in full so the mail opens the thing itself."""
    text = message.body or message.title
    if message.link:
        text += f"\n\n{settings.SITE_URL.rstrip('/')}{message.link}"
    return text


def email_preferences(*, actor: User) -> dict[str, bool]:
    """Kind → whether ``actor`` also wants it by e-mail (yes unless turned off)."""
    chosen = dict(NotificationPreference.objects.filter(user=actor).values_list("kind", "email"))
    return {kind: chosen.get(kind, True) for kind in NotificationKind.values}


@transaction.atomic
def email_preferences_save(*, actor: User, email_kinds: Iterable[str]) -> None:
    wanted = set(email_kinds)
    for kind in NotificationKind.values:
        NotificationPreference.objects.update_or_create(
            user=actor, kind=kind, defaults={"email": kind in wanted}
        )


def notification_open(*, notification: Notification) -> str:
    """Mark the notice read (once: a conditional update) and give where its link leads; a link
    that is not one of the site's own paths leads to the notice list instead."""
    Notification.objects.filter(pk=notification.pk, read_at__isnull=True).update(read_at=timezone.now())
    link = notification.link
    if link.startswith("/") and not link.startswith("//"):
        return link
    return reverse("reporting:notifications")


def notifications_mark_read(*, actor: User) -> int:
    return Notification.objects.filter(user=actor, read_at__isnull=True).update(read_at=timezone.now())


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


def unit_heads(unit_id: int) -> list[User]:
    return unit_heads_of([unit_id]).get(unit_id, [])


def unit_heads_of(unit_ids: Iterable[int]) -> dict[int, list[User]]:
    """unit id → its active 单位负责人, for many units in one query."""
    heads = defaultdict(list)
    for user in User.objects.filter(
        is_active=True, unit__in=list(unit_ids), groups__name=Role.UNIT_HEAD
    ).distinct():
        heads[user.unit_id].append(user)
    return heads


def submission_handover_notify(*, event) -> int:
    """A notice at every hand-over of a return, to whoever acts next, linked to the return itself.

    报送 → the unit's head; 审批 → the statistics reviewers; 退回 (with its reason), 审核 and 解锁 →
    the unit's reporters and head. One notice per event (keyed by the SubmissionEvent).
    """
    submission = event.submission
    unit = submission.unit
    label = f"{unit.name}{submission.year}年{submission.month}月报送"
    link = reverse("reporting:month", args=[unit.pk, submission.year, submission.month])
    actor = (event.actor.get_full_name() or event.actor.username) if event.actor else "系统"
    if event.to_status == SubmissionStatus.SUBMITTED:
        users, kind = unit_heads(unit.pk), NotificationKind.SUBMITTED
        title, body = f"{label}待您审批", f"{actor}已报送，请审批。"
    elif event.to_status == SubmissionStatus.APPROVED:
        users, kind = list(users_with_role(Role.REVIEWER)), NotificationKind.APPROVED
        title, body = f"{label}待审核", f"单位负责人{actor}已审批通过，请审核。"
    elif event.to_status == SubmissionStatus.VERIFIED:
        users, kind = units_users([unit.pk])[unit.pk], NotificationKind.VERIFIED
        title, body = f"{label}已审核", f"{actor}已审核通过。"
    elif event.to_status == SubmissionStatus.DRAFT and event.from_status == SubmissionStatus.LOCKED:
        users, kind = units_users([unit.pk])[unit.pk], NotificationKind.UNLOCKED
        title, body = f"{label}已解锁", f"{actor}解锁，原因：{event.reason}。修改后请重新报送。"
    elif event.to_status == SubmissionStatus.DRAFT:
        users, kind = units_users([unit.pk])[unit.pk], NotificationKind.RETURNED
        title, body = f"{label}被退回", f"{actor}退回，原因：{event.reason}。请修改后重新报送。"
    else:
        return 0
    key = f"submission-event:{event.pk}"
    return notification_send(users=users, key=key, kind=kind, title=title, body=body, link=link, unit=unit)


def escalation_notify(
    *,
    escalation,
    kind: NotificationKind,
    title: str,
    body: str = "",
    users: Iterable[User] | None = None,
    step: str | None = None,
) -> int:
    """An escalation's step (by default the status it has reached), told to its unit's reporters
    and head with a link to the escalation."""
    return notification_send(
        users=units_users([escalation.unit_id])[escalation.unit_id] if users is None else users,
        key=f"escalation:{escalation.pk}:{step or escalation.status}",
        kind=kind,
        title=title,
        body=body,
        link=reverse("reporting:escalation_detail", args=[escalation.pk]),
        unit=escalation.unit,
    )


def escalations_published_notify(*, escalations: Iterable) -> int:
    """A published escalation, told to its unit: a 约谈 waits for a meeting the lead office arranges;
    a step that needs none (通报批评, 表态发言) is done with the 通报 itself and is told as closed.

    One query for the units' users, then one event (key) per escalation, so a second run is silent.
    The event is the publication, whatever step the escalation has reached since.
    """
    escalations = [
        escalation
        for escalation in escalations
        if escalation.status not in (EscalationStatus.PROPOSED, EscalationStatus.WITHDRAWN)
    ]
    users = units_users(escalation.unit_id for escalation in escalations)
    sent = 0
    for escalation in escalations:
        scheme, period = escalation.scheme.name, escalation.period.label
        why = f"{scheme}：{period}末位" + (
            f"（连续{escalation.consecutive_bottom}期）" if escalation.consecutive_bottom > 1 else ""
        )
        if escalation.needs_meeting:
            who = "由{}约谈{}".format(
                escalation.interviewer_role or "领导", escalation.interviewee_role or "单位负责人"
            )
            kind, step = NotificationKind.ESCALATION_PENDING, EscalationStatus.PENDING
            title = f"{period}本单位列入约谈：{escalation.action}"
            body = f"{why}，{who}。约谈时间由牵头部门安排，约谈后请填报整改措施。"
        else:
            kind, step = NotificationKind.ESCALATION_CLOSED, EscalationStatus.CLOSED
            title = f"{period}{escalation.action}（随通报发布完成）"
            body = f"{why}，予以{escalation.action}；该项无需约谈，随通报发布即已完成。"
        sent += escalation_notify(
            escalation=escalation,
            kind=kind,
            title=title,
            body=body,
            users=users[escalation.unit_id],
            step=step,
        )
    return sent


def measures_submitted_notify(*, escalation) -> int:
    """A unit's 整改措施, told to the lead office; each new text is its own event."""
    digest = hashlib.sha256(escalation.measures.encode()).hexdigest()[:16]
    return notification_send(
        users=users_with_role(Role.ADMIN),
        key=f"escalation:{escalation.pk}:measures:{digest}",
        kind=NotificationKind.MEASURES_SUBMITTED,
        title=f"{escalation.unit.name}已提交整改措施：{escalation.period.label}{escalation.action}",
        body=escalation.measures[:500],
        link=reverse("reporting:escalation_detail", args=[escalation.pk]),
        unit=escalation.unit,
    )
