"""The life of a published escalation: 待约谈 → 已约谈 → 整改中 → 已销号.

The lead office records the meeting, the unit answers with its 整改措施, the lead office closes it.
A step that needs no meeting (通报批评, 表态发言) never waits here: it is 已销号 when its 通报 is
published (``ranking_publish``).
"""

from __future__ import annotations

from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction

from ..choices import EscalationStatus, NotificationKind
from ..models import Escalation
from .notifications import escalation_notify


def _move(escalation: Escalation, *, allowed_from: set[str], to: EscalationStatus, **fields) -> Escalation:
    """Claim the move with a conditional update so two people acting at once cannot both move it."""
    with transaction.atomic():
        moved = Escalation.objects.filter(pk=escalation.pk, status__in=allowed_from).update(
            status=to, **fields
        )
        if not moved:
            escalation.refresh_from_db()
            raise ValidationError(
                f"该约谈当前为「{escalation.get_status_display()}」，不能改为「{to.label}」。"
            )
    escalation.refresh_from_db()
    return escalation


def escalation_record_meeting(
    *, escalation: Escalation, meeting_date: date, interviewer: str, minutes: str
) -> Escalation:
    if not interviewer.strip() or not minutes.strip():
        raise ValidationError("请填写约谈领导和约谈纪要。")
    escalation = _move(
        escalation,
        allowed_from={EscalationStatus.PENDING},
        to=EscalationStatus.INTERVIEWED,
        meeting_date=meeting_date,
        interviewer=interviewer.strip(),
        minutes=minutes.strip(),
    )
    escalation_notify(
        escalation=escalation,
        kind=NotificationKind.ESCALATION_SCHEDULED,
        title=f"{escalation.period.label}约谈已登记：{escalation.action}",
        body=f"{meeting_date:%Y年%-m月%-d日}由{escalation.interviewer}约谈，请填报整改措施。",
    )
    return escalation


def escalation_submit_measures(*, escalation: Escalation, measures: str) -> Escalation:
    """The unit's 整改措施, once the interview is recorded."""
    if not measures.strip():
        raise ValidationError("请填写整改措施。")
    return _move(
        escalation,
        allowed_from={EscalationStatus.INTERVIEWED, EscalationStatus.RECTIFYING},
        to=EscalationStatus.RECTIFYING,
        measures=measures.strip(),
    )


def escalation_close(*, escalation: Escalation, closed_on: date) -> Escalation:
    escalation = _move(
        escalation,
        allowed_from={EscalationStatus.RECTIFYING},
        to=EscalationStatus.CLOSED,
        closed_on=closed_on,
    )
    escalation_notify(
        escalation=escalation,
        kind=NotificationKind.ESCALATION_CLOSED,
        title=f"{escalation.period.label}约谈已销号：{escalation.action}",
        body=f"已于{closed_on:%Y年%-m月%-d日}整改销号。",
    )
    return escalation
