"""Whether a draft ranking still says what its inputs say today.

A draft is computed from the figures (or project reports), the targets of the year's table, the
scheme with its ladder, the group's units and the earlier published periods: ``ranked.RankingInputs``.
``ranking_compute`` stores a digest of the inputs it ranked with the run; a draft whose inputs, read
again, digest differently is 已过期 wherever it is shown, until someone (or the nightly job)
recomputes it. Published runs never are: they are frozen as published.
"""

from __future__ import annotations

import hashlib
from collections import defaultdict

from common.periods import Period

from ..choices import RunStatus
from ..models import RankingScheme
from ..rules import STATUS_TEXT
from .ranked import RankingInputs, ranking_inputs, schemes_read


def ranking_inputs_digest(inputs: RankingInputs) -> str:
    """A fingerprint of everything the scheme's ranking of the period is computed from.

    Each unit's figure, target and metric value (composite scores carry their weights, project sums
    their reports), the scheme's metric and ladder, the ladder's steps and the earlier published
    runs whose bottoms the ladder counts. Units are taken by id, so renaming or reordering one
    changes nothing.
    """
    scheme = inputs.scheme
    status_text = STATUS_TEXT
    parts: list[object] = [
        str(inputs.source),
        str(scheme.metric),  # a str, or the Metric a caller set: the same input either way
        scheme.ladder_id,
        inputs.table.pk if inputs.table else None,
        # A line per unit, its values as text (``str`` of a Decimal is quick, its ``repr`` is not),
        # sorted: the unit's id comes first and is unique, so the lines' order does not depend on
        # the order the units came in.
        "\n".join(
            sorted(
                f"{item.unit_id}\t{status_text[item.entry.status]}\t{item.entry.value!s}"
                f"\t{item.ytd_completed!s}\t{item.baseline!s}\t{item.target!s}"
                for item in inputs.units
            )
        ),
        [
            (
                step.level,
                step.min_consecutive,
                step.action,
                step.interviewer,
                step.interviewee,
                step.venue,
                step.on_half_year_bottom,
                step.needs_meeting,
            )
            for step in inputs.steps
        ],
        [(run.pk, run.month, sorted(run.bottom_unit_ids)) for run in inputs.earlier_runs],
    ]
    return hashlib.sha256(repr(parts).encode()).hexdigest()


def stale_run_ids(runs) -> set[int]:
    """The draft runs among ``runs`` whose inputs have changed since they were computed.

    Each scheme is read as saved now (one query for them all), not as the caller holds it; what the
    schemes of a period share is read once for them (``schemes_read``).
    """
    drafts = [run for run in runs if run.status == RunStatus.DRAFT]
    if not drafts:
        return set()
    schemes = RankingScheme.objects.select_related("group", "ladder").in_bulk(
        {run.scheme_id for run in drafts}
    )
    by_period: dict[Period, list] = defaultdict(list)
    for run in drafts:
        by_period[run.period].append(run)
    stale = set()
    for period, runs_of_period in by_period.items():
        read = schemes_read(schemes=[schemes[run.scheme_id] for run in runs_of_period], period=period)
        stale |= {
            run.pk
            for run in runs_of_period
            if run.inputs_digest
            != ranking_inputs_digest(ranking_inputs(scheme=schemes[run.scheme_id], period=period, read=read))
        }
    return stale
