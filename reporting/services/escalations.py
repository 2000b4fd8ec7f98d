"""The life of a published escalation: 待约谈 → 已约谈 → 整改中 → 已销号.

The lead office records the meeting, the unit answers with its 整改措施, the lead office closes it.
A step with no interview (通报批评, 表态发言) may be closed once the unit has answered.
"""

from __future__ import annotations

from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction

from audit.models import AuditAction
from audit.services import changes_record

from ..choices import EscalationStatus
from ..models import Escalation


def _move(escalation: Escalation, *, allowed_from: set[str], to: EscalationStatus, **fields) -> Escalation:
    """Claim the move with a conditional update so two people acting at once cannot both move it.
    The move is audited with each changed field before and after (escalations keep no history)."""
    before = {"status": escalation.status, **{name: getattr(escalation, name) for name in fields}}
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
    changes_record(
        action=AuditAction.ESCALATION_CHANGE,
        obj=escalation,
        changes=[
            {"field": name, "before": value, "after": getattr(escalation, name)}
            for name, value in before.items()
            if value != getattr(escalation, name)
        ],
    )
    return escalation


def escalation_record_meeting(
    *, escalation: Escalation, meeting_date: date, interviewer: str, minutes: str
) -> Escalation:
    if not interviewer.strip() or not minutes.strip():
        raise ValidationError("请填写约谈领导和约谈纪要。")
    return _move(
        escalation,
        allowed_from={EscalationStatus.PENDING},
        to=EscalationStatus.INTERVIEWED,
        meeting_date=meeting_date,
        interviewer=interviewer.strip(),
        minutes=minutes.strip(),
    )


def escalation_submit_measures(*, escalation: Escalation, measures: str) -> Escalation:
    """The unit's 整改措施. Without an interview step the unit answers straight from 待约谈."""
    if not measures.strip():
        raise ValidationError("请填写整改措施。")
    allowed = {EscalationStatus.INTERVIEWED, EscalationStatus.RECTIFYING}
    if not escalation.interviewer_role:
        allowed.add(EscalationStatus.PENDING)
    return _move(escalation, allowed_from=allowed, to=EscalationStatus.RECTIFYING, measures=measures.strip())


def escalation_close(*, escalation: Escalation, closed_on: date) -> Escalation:
    return _move(
        escalation,
        allowed_from={EscalationStatus.RECTIFYING},
        to=EscalationStatus.CLOSED,
        closed_on=closed_on,
    )
