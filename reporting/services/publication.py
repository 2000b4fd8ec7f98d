"""Publishing a period: rank → assessments → 通报, orchestrated here, above the rankings and the
bulletin, which know nothing of each other's publication.

``period_publish`` freezes the period's rankings and escalations, locks its returns, computes the
assessments it completes and stores its 通报; ``period_publish_refusal`` makes the same checks up
front, so a page can refuse before it queues the job.
"""

from __future__ import annotations

from django.db import transaction

from accounts.models import User
from audit.models import AuditAction
from audit.services import audited
from common.periods import Period

from ..bulletin.service import bulletin_publish
from ..freeze import period_is_published
from ..selectors.rankings import active_schemes, scheme_without_figures
from .assessments import assessments_after_publish
from .rankings import (
    PeriodRanking,
    RankingError,
    period_plan_year_required,
    period_rank,
    ranking_publish,
    scheme_target_table_required,
)
from .submissions import submissions_lock_period


def period_publish_refusal(*, period: Period) -> str | None:
    """Why the period cannot be published now, in the words the lead office is shown; None when it can.

    The same checks ``period_rank`` and ``period_publish`` make, asked before a publication is queued
    as a job, so the admin hears of a refusal on the page rather than never.
    """
    if period_is_published(period):
        return f"{period.label}已发布，排名、约谈和通报不再改变。"
    try:
        period_plan_year_required(period)
        quiet = 0
        schemes = list(active_schemes())
        for scheme in schemes:
            if scheme_without_figures(scheme=scheme, period=period) is not None:
                quiet += 1
                continue
            scheme_target_table_required(scheme=scheme, period=period)
    except RankingError as error:
        return str(error)
    if quiet == len(schemes):
        return f"{period.label}所有排名组均无数据，无法发布。"
    return None


@transaction.atomic
@audited(AuditAction.PUBLISH, obj_kwarg="period")
def period_publish(*, period: Period, actor: User | None = None) -> PeriodRanking:
    """Publish the period: every scheme that has figures is drafted if need be and frozen, the
    returns are locked and the bulletin stored; a scheme without figures stays out (rule 11).

    Refused when no scheme has any figure: there would be nothing to publish.
    """
    ranking = period_rank(period=period)
    if not ranking.runs:
        raise RankingError(f"{period.label}所有排名组均无数据，无法发布。")
    for run in ranking.runs:
        ranking_publish(run=run, actor=actor)
    submissions_lock_period(year=period.year, month=period.month, actor=actor)
    assessments_after_publish(period=period)  # before the 通报, so 1-12月's names the year's awards
    bulletin_publish(period=period, actor=actor)
    return ranking
