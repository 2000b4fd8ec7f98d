"""Whether a draft ranking still says what its inputs say today.

A draft is computed from the figures (or project reports), the targets of the year's table, the
scheme with its ladder, the group's units and the earlier published periods. ``ranking_compute``
stores a digest of those inputs with the run; a draft whose digest no longer matches is 已过期
wherever it is shown, until someone (or the nightly job) recomputes it. Published runs never are:
they are frozen as published.
"""

from __future__ import annotations

import hashlib

from django.db.models import Count, Max, Q, Sum

from common.periods import Period
from projects.models import ProjectReport
from targets.choices import UnitKind
from targets.models import Target, Unit

from ..choices import FigureSource, RunStatus
from ..models import CompositeWeight, LadderStep, OfficialFigure, RankingRun, RankingScheme
from .unit_figures import figure_source_for, year_target_table


def ranking_inputs_digest(*, scheme: RankingScheme, period: Period) -> str:
    """A fingerprint of everything the scheme's ranking of the period is computed from."""
    scheme = RankingScheme.objects.get(pk=scheme.pk)  # as saved now, not as a caller holds it
    units = list(
        Unit.objects.filter(ranking_groups=scheme.group_id, is_active=True)
        .order_by("pk")
        .values_list("pk", "kind")
    )
    unit_ids = [pk for pk, _kind in units]
    source = figure_source_for(period.year)
    table = year_target_table(scheme=scheme, year=period.year)
    parts: list[object] = [
        source,
        scheme.metric,
        scheme.ladder_id,
        table.pk if table else None,
        unit_ids,
        list(
            LadderStep.objects.filter(ladder_id=scheme.ladder_id)
            .order_by("level")
            .values_list(
                "level",
                "min_consecutive",
                "action",
                "interviewer",
                "interviewee",
                "venue",
                "on_half_year_bottom",
                "needs_meeting",
            )
        ),
        list(
            CompositeWeight.objects.filter(scheme=scheme).order_by("pk").values_list("indicator_id", "weight")
        ),
        list(
            Target.objects.filter(table=table, unit_id__in=unit_ids)
            .order_by("unit_id")
            .values_list("unit_id", "value")
        )
        if table
        else [],
        list(
            RankingRun.objects.filter(
                scheme=scheme, year=period.year, month__lt=period.month, status=RunStatus.PUBLISHED
            )
            .order_by("month")
            .values_list("pk", "month")
        ),
    ]
    if source == FigureSource.OFFICIAL:
        parts.append(
            list(
                OfficialFigure.objects.filter(unit_id__in=unit_ids, year=period.year, month=period.month)
                .order_by("unit_id")
                .values_list("unit_id", "ytd_completed", "baseline")
            )
        )
    else:
        bureaus = [pk for pk, kind in units if kind == UnitKind.BUREAU]
        others = [pk for pk in unit_ids if pk not in bureaus]
        parts.append(
            ProjectReport.objects.filter(
                Q(project__responsible_unit__in=bureaus) | Q(project__reporting_unit__in=others),
                year__in=(period.year - 1, period.year),
                month__lte=period.month,
            ).aggregate(count=Count("pk"), total=Sum("amount"), changed=Max("updated_at"))
        )
    return hashlib.sha256(repr(parts).encode()).hexdigest()


def stale_run_ids(runs) -> set[int]:
    """The draft runs among ``runs`` whose inputs have changed since they were computed."""
    return {
        run.pk
        for run in runs
        if run.status == RunStatus.DRAFT
        and run.inputs_digest != ranking_inputs_digest(scheme=run.scheme, period=run.period)
    }
