"""Ranking runs and the escalations they propose (DESIGN.md rules 1–3 and 9).

``period_rank`` drafts every active scheme's ranking of a period from the figures, ``ranking_compute``
one scheme's, as often as asked; both store the drafts through ``rankings_store``, whose rows and
escalations ``ranking_rows`` writes. ``ranking_publish`` freezes a run. A published run, its rows
and its escalations are never touched again, so re-running any job after publication changes
nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import NamedTuple

from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from common import clock
from common.periods import Period
from targets.models import PlanYear

from .. import rules
from ..choices import EscalationStatus, Metric, NotificationKind, RunStatus
from ..freeze import period_is_published, publish_once
from ..models import Escalation, RankingRun, RankingScheme
from ..selectors.ranked import RankingInputs, ranking_inputs, schemes_read
from ..selectors.rankings import active_schemes, period_active_runs, scheme_without_figures
from ..selectors.staleness import ranking_inputs_digest
from ..selectors.unit_figures import figure_source_of, year_target_table
from .notifications import (
    Message,
    escalations_published_notify,
    notification_send,
    notifications_send,
    units_users,
    users_with_role,
)
from .ranking_rows import (
    escalations_of,
    escalations_propose,
    escalations_withdraw,
    ladder_places,
    ranking_rows,
    ranking_rows_write,
)


class RankingError(ValueError):
    pass


@dataclass(frozen=True)
class SkippedScheme:
    """A scheme left out of a period's ranking (rule 11), with the notice that says why."""

    scheme: RankingScheme
    notice: str


@dataclass(frozen=True)
class PeriodRanking:
    """What ranking a period did: the runs of the schemes that ranked, and those it skipped."""

    period: Period
    runs: list[RankingRun]
    skipped: list[SkippedScheme]


def scheme_target_table_required(
    *, scheme: RankingScheme, period: Period, inputs: RankingInputs | None = None
) -> None:
    """Rule 10: a completion-rate scheme needs its group's allocation table of the period's year.

    ``inputs``, when the caller has read them already, carry the table rule 10 chose."""
    if scheme.metric != Metric.COMPLETION_RATE:
        return
    table = inputs.table if inputs is not None else year_target_table(scheme=scheme, year=period.year)
    if table is None:
        raise RankingError(
            f"{period.year}年没有「{scheme.group}」的投资目标分解表，"
            f"「{scheme.name}」无法按完成率排名{period.label}；请先导入{period.year}年的分解表。"
        )


def period_plan_year_required(period: Period) -> PlanYear:
    plan_year = PlanYear.objects.filter(year=period.year).only("uses_official_figures").first()
    if plan_year is None:
        raise RankingError(
            f"{period.year}年尚未建立年度计划，无法对{period.label}排名；请先导入该年度的目标分解表。"
        )
    return plan_year


def runs_locked(*, schemes: list[RankingScheme], period: Period) -> dict[int, RankingRun]:
    """Scheme id → its run of the period, locked for this transaction (schemes with none are absent)."""
    return {
        run.scheme_id: run
        for run in RankingRun.objects.select_for_update().filter(
            scheme__in=schemes, year=period.year, month=period.month
        )
    }


@transaction.atomic
def ranking_compute(*, scheme: RankingScheme, period: Period) -> RankingRun:
    """Compute (or recompute) the scheme's draft for the period; a published run is returned as is.

    The inputs (figures, targets, metric values, the ladder, the earlier published periods) are read
    once, by ``selectors.ranked.ranking_inputs``, the figures summed by the database where it can;
    ``rules.rank_units`` ranks them whichever way they came (``rankings_store``). The run remembers
    a digest of those inputs, so a draft whose figures, targets or scheme have changed since shows
    as 已过期.
    """
    run = runs_locked(schemes=[scheme], period=period).get(scheme.pk)
    if run is not None and run.is_published:
        return run
    inputs = ranking_inputs(scheme=scheme, period=period)
    notice = scheme_without_figures(scheme=scheme, period=period, inputs=inputs.units)
    if notice is not None:
        # Nobody has a figure yet: ranking now would put every unit at the bottom of the ladder.
        raise RankingError(notice)
    (stored,) = rankings_store(drafts=[Draft(run, inputs)])
    return stored


class Draft(NamedTuple):
    """A scheme's inputs for a period, to be ranked into its draft ``run`` (locked; None for a new one)."""

    run: RankingRun | None
    inputs: RankingInputs


def rankings_store(*, drafts: list[Draft]) -> list[RankingRun]:
    """Rank each draft's inputs by rules 1–3 and store them as its scheme's draft of the period, with
    its rows and its proposed escalations; the runs, in the drafts' order.

    However many schemes, their rows are written by one ``ranking_rows_write`` and their escalations
    in one pass. Rule 10 is checked for every scheme before anything is written.
    """
    if not drafts:
        return []
    for _, inputs in drafts:
        scheme_target_table_required(scheme=inputs.scheme, period=inputs.period, inputs=inputs)
    runs = [_run_saved(draft) for draft in drafts]
    rows, proposed = [], []
    for run, (_, inputs) in zip(runs, drafts, strict=True):
        ranked = rules.rank_units(item.entry for item in inputs.units)
        places = ladder_places(inputs=inputs, ranked=ranked)
        rows += ranking_rows(run=run, inputs=inputs.units, ranked=ranked, places=places)
        proposed += escalations_of(scheme=inputs.scheme, period=inputs.period, places=places)
    ranking_rows_write(rows, runs=[run.pk for run in runs])
    escalations_propose(
        schemes=[draft.inputs.scheme for draft in drafts], period=drafts[0].inputs.period, proposed=proposed
    )
    return runs


def _run_saved(draft: Draft) -> RankingRun:
    """The draft's run, created or brought up to date with what it is computed from."""
    run, inputs = draft
    fields = {
        "figure_source": inputs.source,
        "computed_at": timezone.now(),
        "inputs_digest": ranking_inputs_digest(inputs),
    }
    if run is None:
        scheme, period = inputs.scheme, inputs.period
        return RankingRun.objects.create(scheme=scheme, year=period.year, month=period.month, **fields)
    for name, value in fields.items():
        setattr(run, name, value)
    run.save(update_fields=list(fields))
    return run


@transaction.atomic
def ranking_publish(*, run: RankingRun, actor: User | None = None) -> bool:
    """Freeze the run and turn its proposed escalations into 待约谈, or, for a step that needs no
    meeting (通报批评, 表态发言), into 已销号: the 通报 itself is the step. False when already published.

    ``publish_once`` claims the run, so two publishers racing cannot both publish it (rule 9).
    """
    if not publish_once(RankingRun, run.pk, published_by=actor):
        return False
    run.refresh_from_db()
    proposed = Escalation.objects.filter(
        scheme=run.scheme, year=run.year, month=run.month, status=EscalationStatus.PROPOSED
    )
    proposed.filter(needs_meeting=False).update(status=EscalationStatus.CLOSED, closed_on=clock.today())
    proposed.update(status=EscalationStatus.PENDING)
    transaction.on_commit(lambda: ranking_notify_units(run=run))
    return True


def ranking_notify_units(*, run: RankingRun) -> None:
    """Tell each ranked unit's users its place, in a number of queries that does not grow with them.

    A unit with an escalation is sent straight to it; the others to the period's ranking. Each
    escalation is also told on its own (``escalations_published_notify``).
    """
    rows = list(run.rows.select_related("unit"))
    users = units_users(row.unit_id for row in rows)
    escalations = dict(
        Escalation.objects.filter(scheme=run.scheme, year=run.year, month=run.month)
        .exclude(status=EscalationStatus.WITHDRAWN)
        .values_list("unit_id", "pk")
    )
    ranking_link = f"{reverse('reporting:rankings')}?period={run.period}"
    messages = []
    for row in rows:
        place = f"第{row.rank}名" if row.rank else row.get_status_display()
        body = f"{run.scheme.name}：{run.period.label}排名{place}。"
        if row.note:
            body += row.note
        link = (
            reverse("reporting:escalation_detail", args=[escalations[row.unit_id]])
            if row.unit_id in escalations
            else ranking_link
        )
        messages += [
            Message(user, f"{run.period.label}排名已发布", body, link=link, unit=row.unit)
            for user in users[row.unit_id]
        ]
    notifications_send(key=f"ranking-published:{run.pk}", kind=NotificationKind.PUBLISHED, messages=messages)
    escalations_published_notify(
        escalations=Escalation.objects.filter(
            scheme=run.scheme,
            year=run.year,
            month=run.month,
        ).select_related("unit", "scheme")
    )


@transaction.atomic
def period_rank(*, period: Period) -> PeriodRanking:
    """Draft (or re-draft) every active scheme for the period and tell the admins once.

    A scheme with no figures is skipped with a notice (rule 11), and a draft it had is removed; every
    other scheme ranks as usual. A period of a year with no plan, or a completion-rate scheme with no
    table of the year (rule 10), is refused with nothing saved. The schemes are ranked together, as
    ``ranking_compute`` ranks one: their runs locked, then each scheme's inputs read once, and all
    stored by one ``rankings_store``.
    """
    source = figure_source_of(period_plan_year_required(period))
    if period_is_published(period):
        return PeriodRanking(period=period, runs=period_active_runs(period), skipped=[])
    schemes = list(active_schemes())
    runs = runs_locked(schemes=schemes, period=period)
    read = schemes_read(schemes=schemes, period=period, source=source)
    drafts, skipped = [], []
    for scheme in schemes:
        run = runs.get(scheme.pk)
        if run is not None and run.is_published:
            notice = scheme_without_figures(scheme=scheme, period=period)
        else:
            inputs = ranking_inputs(scheme=scheme, period=period, read=read)
            notice = scheme_without_figures(scheme=scheme, period=period, inputs=inputs.units)
            if notice is None:
                drafts.append(Draft(run, inputs))
        if notice is not None:
            runs.pop(scheme.pk, None)
            skipped.append(SkippedScheme(scheme, notice))
            RankingRun.objects.filter(
                scheme=scheme, year=period.year, month=period.month, status=RunStatus.DRAFT
            ).delete()
            escalations_withdraw(scheme=scheme, period=period)
    for stored in rankings_store(drafts=drafts):
        runs[stored.scheme_id] = stored
    ranked = [runs[scheme.pk] for scheme in schemes if scheme.pk in runs]
    if ranked:
        notification_send(
            users=users_with_role("管理员"),
            key=f"ranking-draft:{period}",
            kind=NotificationKind.ESCALATION_PROPOSED,
            title=f"{period.label}排名草稿已生成",
            body="请核对排名和拟约谈单位后发布通报。",
            link=f"{reverse('reporting:rankings')}?period={period}",
        )
    return PeriodRanking(period=period, runs=ranked, skipped=skipped)
