"""Reads behind the rankings: the active schemes, a period's runs and rows, a unit's earlier
bottom places, and the ranking and escalation pages."""

from __future__ import annotations

from collections import defaultdict

from django.db.models import F, Prefetch, QuerySet

from accounts.models import User
from accounts.permissions import ALL_UNITS_READERS, has_any_role, readable_units
from common.periods import Period

from ..choices import EscalationStatus, FigureSource, RunStatus
from ..models import Escalation, OfficialFigure, RankingRow, RankingRun, RankingScheme
from .ranked import ranked_units
from .staleness import stale_run_ids
from .unit_figures import figure_source_for, unit_figures


def active_schemes() -> QuerySet[RankingScheme]:
    return (
        RankingScheme.objects.filter(is_active=True)
        .select_related("group", "ladder")
        .order_by("sort_order", "name")
    )


def scheme_without_figures(*, scheme: RankingScheme, period: Period) -> str | None:
    """DESIGN.md rule 11, a scheme with no figures: when none of the scheme's units has a figure for
    the period, the notice that says so (the scheme is skipped); None when it has figures to rank.

    Every January–February looks like this for some group: the statistics bureau's figures come in
    for one group before the other has reported anything.
    """
    if _has_any_figure(scheme=scheme, period=period):
        return None
    return f"{period.label}「{scheme.group}」尚无任何单位的数据，本期不排名（通报中注明本期无数据）。"


def _has_any_figure(*, scheme: RankingScheme, period: Period) -> bool:
    if figure_source_for(period.year) == FigureSource.OFFICIAL:
        return OfficialFigure.objects.filter(
            unit__ranking_groups=scheme.group_id, unit__is_active=True, year=period.year, month=period.month
        ).exists()
    return bool(unit_figures(units=ranked_units(scheme), period=period, source=FigureSource.PROJECT_SUM))


def previous_bottoms(*, scheme: RankingScheme, period: Period, unit_ids: list[int]) -> dict[int, list[bool]]:
    """unit id → bottom flags of the earlier published periods of the scheme's year, latest first."""
    earlier = RankingRun.objects.filter(
        scheme=scheme, year=period.year, month__lt=period.month, status=RunStatus.PUBLISHED
    )
    months = sorted(earlier.values_list("month", flat=True), reverse=True)
    rows = RankingRow.objects.filter(run__in=earlier, unit_id__in=unit_ids).values_list(
        "run__month", "unit_id", "is_bottom"
    )
    by_month: dict[int, dict[int, bool]] = defaultdict(dict)
    for month, unit_id, is_bottom in rows:
        by_month[month][unit_id] = is_bottom
    return {unit_id: [by_month[month].get(unit_id, False) for month in months] for unit_id in unit_ids}


def period_active_runs(period: Period) -> list[RankingRun]:
    """The period's runs of the active schemes, in the schemes' order."""
    return list(
        RankingRun.objects.filter(year=period.year, month=period.month, scheme__is_active=True)
        .select_related("scheme", "scheme__group")
        .order_by("scheme__sort_order", "scheme__name")
    )


def period_rows(*, period: Period):
    """The rows of every active scheme's run for the period, for pages, the command and exports."""
    return (
        RankingRow.objects.filter(run__year=period.year, run__month=period.month, run__scheme__is_active=True)
        .select_related("run", "run__scheme", "run__scheme__group", "unit")
        .order_by(
            "run__scheme__sort_order", "run__scheme__name", F("rank").asc(nulls_last=True), "unit__sort_order"
        )
    )


def can_see_drafts(user) -> bool:
    return has_any_role(user, ALL_UNITS_READERS)


def period_runs(*, period: Period, actor: User) -> list[RankingRun]:
    """Every active scheme's run for the period with its rows; drafts only for the lead office's readers."""
    runs = RankingRun.objects.filter(year=period.year, month=period.month, scheme__is_active=True)
    if not can_see_drafts(actor):
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


def visible_escalations(*, actor: User, include_withdrawn: bool = False) -> QuerySet[Escalation]:
    """The escalations of ``actor``'s units; proposals only for the lead office's readers, and
    withdrawn proposals only where asked for (an escalation's own page keeps its address valid)."""
    escalations = Escalation.objects.filter(unit__in=readable_units(actor)).select_related("unit", "scheme")
    if not can_see_drafts(actor):
        escalations = escalations.exclude(status__in=[EscalationStatus.PROPOSED, EscalationStatus.WITHDRAWN])
    elif not include_withdrawn:
        escalations = escalations.exclude(status=EscalationStatus.WITHDRAWN)
    return escalations.order_by("-year", "-month", "-level", "unit__sort_order")
