"""Publishing a period locks every unit's returns for the months it covers (1月 … its month)."""

from __future__ import annotations

from django.db import transaction

from common.periods import Period
from targets.models import Unit

from ..choices import SubmissionStatus
from ..models import Submission, SubmissionEvent


@transaction.atomic
def period_lock(*, period: Period, actor=None) -> int:
    """Lock the submissions of months 1..period.month of every active unit; returns how many changed.

    A unit that never submitted is locked too: publication closes the month for everyone.
    """
    units = list(Unit.objects.filter(is_active=True).values_list("pk", flat=True))
    months = range(1, period.month + 1)
    existing = {
        (s.unit_id, s.month): s
        for s in Submission.objects.select_for_update().filter(
            year=period.year, month__in=months, unit_id__in=units
        )
    }
    Submission.objects.bulk_create(
        [
            Submission(unit_id=unit_id, year=period.year, month=month)
            for unit_id in units
            for month in months
            if (unit_id, month) not in existing
        ]
    )
    to_lock = list(
        Submission.objects.filter(year=period.year, month__in=months, unit_id__in=units).exclude(
            status=SubmissionStatus.LOCKED
        )
    )
    SubmissionEvent.objects.bulk_create(
        [
            SubmissionEvent(
                submission=submission,
                from_status=submission.status,
                to_status=SubmissionStatus.LOCKED,
                actor=actor,
                reason=f"{period.label}通报发布，自动锁定",
            )
            for submission in to_lock
        ]
    )
    return Submission.objects.filter(pk__in=[s.pk for s in to_lock]).update(status=SubmissionStatus.LOCKED)
