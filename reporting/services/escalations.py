"""The life of a published escalation: 待约谈 → 已约谈 → 整改中 → 已销号.

The lead office records the meeting, the unit answers with its 整改措施, the lead office closes it.
A step that needs no meeting (通报批评, 表态发言) never waits here: it is 已销号 when its 通报 is
published (``ranking_publish``).
"""

from __future__ import annotations

import calendar
from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction

from audit.models import AuditAction
from audit.services import changes_record

from ..choices import EscalationStatus, NotificationKind
from ..models import Escalation
from .notifications import escalation_notify, measures_submitted_notify


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


def _period_end(escalation: Escalation) -> date:
    return date(escalation.year, escalation.month, calendar.monthrange(escalation.year, escalation.month)[1])


def _check_after_period(escalation: Escalation, *, field: str, label: str, on: date) -> None:
    """An escalation follows its period's ranking, so nothing of it happens before the period ends."""
    end = _period_end(escalation)
    if on <= end:
        period = escalation.period.label
        refusal = f"{label}（{on:%Y-%m-%d}）须晚于该约谈所属统计期{period}的截止日（{end:%Y-%m-%d}）。"
        raise ValidationError({field: refusal})


def _check_closed_after_meeting(escalation: Escalation, *, closed_on: date) -> None:
    meeting_date = escalation.meeting_date
    if meeting_date is not None and closed_on < meeting_date:
        refusal = f"销号日期（{closed_on:%Y-%m-%d}）不能早于约谈日期（{meeting_date:%Y-%m-%d}）。"
        raise ValidationError({"closed_on": refusal})


def escalation_record_meeting(
    *, escalation: Escalation, meeting_date: date, interviewer: str, minutes: str
) -> Escalation:
    if not interviewer.strip() or not minutes.strip():
        raise ValidationError("请填写约谈领导和约谈纪要。")
    _check_after_period(escalation, field="meeting_date", label="约谈日期", on=meeting_date)
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
    """The unit's 整改措施, once the interview is recorded; the lead office is told of each new text."""
    if not measures.strip():
        raise ValidationError("请填写整改措施。")
    escalation = _move(
        escalation,
        allowed_from={EscalationStatus.INTERVIEWED, EscalationStatus.RECTIFYING},
        to=EscalationStatus.RECTIFYING,
        measures=measures.strip(),
    )
    measures_submitted_notify(escalation=escalation)
    return escalation


def escalation_close(*, escalation: Escalation, closed_on: date) -> Escalation:
    _check_after_period(escalation, field="closed_on", label="销号日期", on=closed_on)
    _check_closed_after_meeting(escalation, closed_on=closed_on)
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
