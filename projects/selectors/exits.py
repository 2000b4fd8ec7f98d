"""退库审批: the pending 退库 requests an admin decides, and the decisions taken last."""

from __future__ import annotations

from django.db.models import QuerySet

from ..choices import ExitRequestStatus
from ..models import ExitRequest

RECENT_DECISIONS = 20


def pending_exit_requests() -> QuerySet[ExitRequest]:
    """Every request waiting for a decision, newest first, with what its line shows."""
    return ExitRequest.objects.filter(status=ExitRequestStatus.PENDING).select_related(
        "project", "project__reporting_unit", "requested_by"
    )


def recent_exit_decisions() -> QuerySet[ExitRequest]:
    """The last decisions taken (approved or returned), newest request first."""
    return ExitRequest.objects.exclude(status=ExitRequestStatus.PENDING).select_related(
        "project", "project__reporting_unit", "requested_by", "decided_by"
    )[:RECENT_DECISIONS]
