"""Reads behind the ranking and escalation pages."""

from __future__ import annotations

from django.db.models import F, Prefetch, QuerySet

from accounts.permissions import ALL_UNITS_READERS, has_any_role, readable_units
from common.periods import Period

from ..choices import EscalationStatus, RunStatus
from ..models import Escalation, RankingRow, RankingRun
from .staleness import stale_run_ids


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
    runs = list(
        runs.select_related("scheme", "scheme__group", "scheme__ladder", "published_by")
        .prefetch_related(Prefetch("rows", queryset=rows))
        .order_by("scheme__sort_order", "scheme__name")
    )
    stale = stale_run_ids(runs)
    for run in runs:
        run.is_stale = run.pk in stale
    return runs


def latest_period() -> Period | None:
    run = RankingRun.objects.order_by("-year", "-month").first()
    return run.period if run else None


def visible_escalations(user, *, include_withdrawn: bool = False) -> QuerySet[Escalation]:
    """The escalations of the user's units; proposals only for the lead office's readers, and
    withdrawn proposals only where asked for (an escalation's own page keeps its address valid)."""
    escalations = Escalation.objects.filter(unit__in=readable_units(user)).select_related("unit", "scheme")
    if not can_see_drafts(user):
        escalations = escalations.exclude(status__in=[EscalationStatus.PROPOSED, EscalationStatus.WITHDRAWN])
    elif not include_withdrawn:
        escalations = escalations.exclude(status=EscalationStatus.WITHDRAWN)
    return escalations.order_by("-year", "-month", "-level", "unit__sort_order")
