"""Reads behind the ranking, escalation and assessment pages."""

from __future__ import annotations

from django.db.models import F, Prefetch, QuerySet

from accounts.permissions import ALL_UNITS_READERS, has_any_role, readable_units
from common.periods import Period

from ..choices import EscalationStatus, RunStatus
from ..models import Assessment, AssessmentRow, Escalation, RankingRow, RankingRun


def can_see_drafts(user) -> bool:
    return has_any_role(user, ALL_UNITS_READERS)


def period_runs(*, period: Period, user) -> list[RankingRun]:
    """Every active scheme's run for the period with its rows; drafts only for the lead office's readers."""
    runs = RankingRun.objects.filter(year=period.year, month=period.month, scheme__is_active=True)
    if not can_see_drafts(user):
        runs = runs.filter(status=RunStatus.PUBLISHED)
    rows = RankingRow.objects.select_related("unit").order_by(
        F("rank").asc(nulls_last=True), "unit__sort_order"
    )
    return list(
        runs.select_related("scheme", "scheme__group", "scheme__ladder", "published_by")
        .prefetch_related(Prefetch("rows", queryset=rows))
        .order_by("scheme__sort_order", "scheme__name")
    )


def latest_period() -> Period | None:
    run = RankingRun.objects.order_by("-year", "-month").first()
    return run.period if run else None


def visible_escalations(user) -> QuerySet[Escalation]:
    escalations = Escalation.objects.filter(unit__in=readable_units(user)).select_related("unit", "scheme")
    if not can_see_drafts(user):
        escalations = escalations.exclude(status=EscalationStatus.PROPOSED)
    return escalations.order_by("-year", "-month", "-level", "unit__sort_order")


def year_assessments(*, year: int, user) -> list[Assessment]:
    """The year's assessments; drafts only for the lead office's readers (a unit sees its scores
    once they are published)."""
    assessments = Assessment.objects.filter(year=year)
    if not can_see_drafts(user):
        assessments = assessments.filter(status=RunStatus.PUBLISHED)
    rows = AssessmentRow.objects.select_related("unit").order_by(
        F("rank").asc(nulls_last=True), "unit__sort_order"
    )
    return list(
        assessments.select_related("group")
        .prefetch_related(Prefetch("rows", queryset=rows))
        .order_by("kind", "number", "group__sort_order")
    )
