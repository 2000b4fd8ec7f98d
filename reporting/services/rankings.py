"""Ranking runs and the escalations they propose (DESIGN.md rules 1–3 and 9).

``ranking_compute`` builds a scheme's draft for a period from the figures and recomputes it as
often as asked; ``ranking_publish`` freezes it. A published run, its rows and its escalations are
never touched again, so re-running any job after publication changes nothing.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.db import connection, transaction
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone

from audit.models import AuditAction
from audit.services import audited
from common import clock
from common.periods import Period
from targets.models import PlanYear, Unit

from .. import rules
from ..choices import EscalationStatus, FigureSource, Metric, NotificationKind, RowStatus, RunStatus
from ..models import Bulletin, Escalation, LadderStep, RankingRow, RankingRun, RankingScheme
from ..selectors.indicators import indicator_completion_rates
from ..selectors.ranked import DATABASE_METRICS, ranked_entries
from ..selectors.staleness import ranking_inputs_digest
from ..selectors.unit_figures import (
    UnitFigure,
    figure_source_for,
    unit_figures,
    unit_targets,
    year_target_table,
)
from .assessments import assessments_after_publish
from .notifications import (
    Message,
    escalations_published_notify,
    notification_send,
    notifications_send,
    units_users,
    users_with_role,
)
from .submissions import submissions_lock_period

# Rates are ranked as the bulletin prints them, to one decimal: two units the bulletin shows as
# 5.1% share a rank rather than being split by a digit nobody sees.
RATE_PRECISION = Decimal("0.1")
AMOUNT_PRECISION = Decimal("0.01")


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


@dataclass(frozen=True)
class MetricInput:
    unit: Unit
    entry: rules.RankEntry
    ytd_completed: Decimal | None
    baseline: Decimal | None
    target: Decimal | None


def _round(value: Decimal | None, precision: Decimal) -> Decimal | None:
    return None if value is None else value.quantize(precision, rounding=ROUND_HALF_UP)


def ranked_units(scheme: RankingScheme, period: Period) -> list[Unit]:
    """The group's active units. A unit made inactive leaves the rankings from then on."""
    return list(scheme.group.units.filter(is_active=True).order_by("sort_order", "name"))


def scheme_metric_inputs(
    *, scheme: RankingScheme, units: list[Unit], period: Period, source: FigureSource
) -> list[MetricInput]:
    """Each unit's metric value and status: reported, 未报送 (no figure) or undefined ("—")."""
    figures = unit_figures(units=units, period=period, source=source)
    targets = unit_targets(units=units, table=year_target_table(scheme=scheme, year=period.year))
    composite = _composite_scores(scheme, units, period, source) if scheme.metric == Metric.COMPOSITE else {}
    inputs = []
    for unit in units:
        figure = figures.get(unit.pk)
        target = targets.get(unit.pk)
        if figure is None:
            inputs.append(
                MetricInput(
                    unit, rules.RankEntry(unit.pk, None, rules.EntryStatus.MISSING), None, None, target
                )
            )
            continue
        value = metric_value(scheme.metric, figure, target, composite.get(unit.pk))
        status = rules.EntryStatus.REPORTED if value is not None else rules.EntryStatus.UNDEFINED
        inputs.append(
            MetricInput(
                unit, rules.RankEntry(unit.pk, value, status), figure.ytd_completed, figure.baseline, target
            )
        )
    return inputs


def metric_value(
    metric: str, figure: UnitFigure, target: Decimal | None, composite: Decimal | None
) -> Decimal | None:
    """The value a scheme ranks on, rounded as published; None when it is undefined."""
    if metric == Metric.GROWTH:
        return _round(rules.growth_pct(figure.ytd_completed, figure.baseline), RATE_PRECISION)
    if metric == Metric.COMPLETION_RATE:
        return _round(rules.completion_rate_pct(figure.ytd_completed, target), RATE_PRECISION)
    if metric == Metric.AMOUNT:
        return _round(figure.ytd_completed, AMOUNT_PRECISION)
    return composite


def _composite_scores(
    scheme: RankingScheme, units: list[Unit], period: Period, source: FigureSource
) -> dict[int, Decimal]:
    weights = {weight.indicator.code: weight.weight for weight in scheme.weights.select_related("indicator")}
    rates = indicator_completion_rates(units=units, period=period, codes=list(weights), source=source)
    scores = {}
    for unit in units:
        carried = {code: weight for code, weight in weights.items() if code in rates[unit.pk] and weight > 0}
        if carried:
            score = rules.composite_score(rates[unit.pk], carried)
            scores[unit.pk] = _round(score, RATE_PRECISION)
    return scores


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


def half_year_bottom_units(
    *, scheme: RankingScheme, period: Period, current_ranks: dict[int, int | None]
) -> set[int]:
    """Seed 003: bottom of the half-year assessment. Only June's ranking looks at it."""
    from .assessments import half_year_results

    if (
        period.month != 6
        or scheme.ladder is None
        or not scheme.ladder.steps.filter(on_half_year_bottom=True).exists()
    ):
        return set()
    return {
        result.key
        for result in half_year_results(scheme=scheme, year=period.year, june_ranks=current_ranks)
        if result.bottom
    }


def row_note(status: str, is_bottom: bool, step: LadderStep | None, consecutive: int) -> str:
    parts = []
    if status == RowStatus.MISSING:
        parts.append("未报送")
    if is_bottom:
        parts.append("倒数第一" if consecutive <= 1 else f"连续{consecutive}期倒数第一")
    if step is not None:
        parts.append(f"{step.level}级：{step.title}")
    return "；".join(parts)


def scheme_without_figures(*, scheme: RankingScheme, period: Period) -> str | None:
    """DESIGN.md rule 11, a scheme with no figures: when none of the scheme's units has a figure for
    the period, the notice that says so (the scheme is skipped); None when it has figures to rank.

    Every January–February looks like this for some group: the statistics bureau's figures come in
    for one group before the other has reported anything.
    """
    source = figure_source_for(period.year)
    if unit_figures(units=ranked_units(scheme, period), period=period, source=source):
        return None
    return f"{period.label}「{scheme.group}」尚无任何单位的数据，本期不排名（通报中注明本期无数据）。"


def scheme_target_table_required(*, scheme: RankingScheme, period: Period) -> None:
    """Rule 10: a completion-rate scheme needs its group's allocation table of the period's year."""
    if scheme.metric == Metric.COMPLETION_RATE and year_target_table(scheme=scheme, year=period.year) is None:
        raise RankingError(
            f"{period.year}年没有「{scheme.group}」的投资目标分解表，"
            f"「{scheme.name}」无法按完成率排名{period.label}；请先导入{period.year}年的分解表。"
        )


def period_plan_year_required(period: Period) -> None:
    if not PlanYear.objects.filter(year=period.year).exists():
        raise RankingError(
            f"{period.year}年尚未建立年度计划，无法对{period.label}排名；请先导入该年度的目标分解表。"
        )


@transaction.atomic
def ranking_compute(*, scheme: RankingScheme, period: Period) -> RankingRun:
    """Compute (or recompute) the scheme's draft for the period; a published run is returned as is.

    The statistics bureau's figures are ranked by the database (``selectors.ranked``) and written
    in one INSERT … SELECT; composite scores and project sums are ranked by ``rules.rank_units``.
    Either way the ladder then looks at the bottom units only. The run remembers a digest of its
    inputs, so a draft whose figures, targets or scheme have changed since shows as 已过期.
    """
    run = (
        RankingRun.objects.select_for_update()
        .filter(scheme=scheme, year=period.year, month=period.month)
        .first()
    )
    if run is not None and run.is_published:
        return run
    notice = scheme_without_figures(scheme=scheme, period=period)
    if notice is not None:
        # Nobody has a figure yet: ranking now would put every unit at the bottom of the ladder.
        raise RankingError(notice)
    scheme_target_table_required(scheme=scheme, period=period)
    source = figure_source_for(period.year)
    fields = {
        "figure_source": source,
        "computed_at": timezone.now(),
        "inputs_digest": ranking_inputs_digest(scheme=scheme, period=period),
    }
    if run is None:
        run = RankingRun.objects.create(scheme=scheme, year=period.year, month=period.month, **fields)
    else:
        for name, value in fields.items():
            setattr(run, name, value)
        run.save(update_fields=list(fields))
        run.rows.all().delete()

    if source == FigureSource.OFFICIAL and scheme.metric in DATABASE_METRICS:
        ranking_rows_insert(run=run, scheme=scheme, period=period)
    else:
        _rows_ranked_in_python(run=run, scheme=scheme, period=period, source=source)
    _apply_ladder(run=run, scheme=scheme, period=period)
    return run


def ranking_rows_insert(*, run: RankingRun, scheme: RankingScheme, period: Period) -> None:
    """Write the run's rows straight from the database's ranking: one INSERT … SELECT.

    Bottom is every unit holding the largest rank; the ladder's columns start at nought.
    """
    table = year_target_table(scheme=scheme, year=period.year)
    entries = ranked_entries(scheme=scheme, period=period, table_id=table.pk if table else None)
    select, params = entries.query.sql_with_params()
    table = connection.ops.quote_name(RankingRow._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} (run_id, unit_id, ytd_completed, baseline, target, value, status, rank,"
            " is_bottom, consecutive_bottom, escalation_level, note)"
            " SELECT %s, unit_ref, ytd, base, goal, metric, state, place,"
            " COALESCE(place = MAX(place) OVER (), FALSE), 0, 0,"
            " CASE WHEN state = %s THEN %s ELSE '' END"
            f" FROM ({select}) entry",
            (run.pk, RowStatus.MISSING.value, row_note(RowStatus.MISSING, False, None, 0), *params),
        )


def _rows_ranked_in_python(*, run: RankingRun, scheme: RankingScheme, period: Period, source) -> None:
    inputs = scheme_metric_inputs(
        scheme=scheme, units=ranked_units(scheme, period), period=period, source=source
    )
    ranked = {entry.key: entry for entry in rules.rank_units([item.entry for item in inputs])}
    RankingRow.objects.bulk_create(
        RankingRow(
            run=run,
            unit=item.unit,
            ytd_completed=item.ytd_completed,
            baseline=item.baseline,
            target=item.target,
            value=ranked[item.unit.pk].value,
            status=ranked[item.unit.pk].status.value,
            rank=ranked[item.unit.pk].rank,
            is_bottom=ranked[item.unit.pk].bottom,
            note=row_note(ranked[item.unit.pk].status, False, None, 0),
        )
        for item in inputs
    )


def _apply_ladder(*, run: RankingRun, scheme: RankingScheme, period: Period) -> None:
    """Rule 3 for the units at the bottom (and, in June, the half-year's bottom): how long they have
    been there, the ladder step they reached, the row's note and the proposed escalation."""
    half_year_bottom = half_year_bottom_units(
        scheme=scheme,
        period=period,
        current_ranks=dict(run.rows.values_list("unit_id", "rank")) if period.month == 6 else {},
    )
    rows = list(run.rows.filter(Q(is_bottom=True) | Q(unit_id__in=half_year_bottom)).select_related("unit"))
    history = previous_bottoms(scheme=scheme, period=period, unit_ids=[row.unit_id for row in rows])
    steps = list(scheme.ladder.steps.all()) if scheme.ladder else []
    ladder = (
        rules.Ladder(name=scheme.ladder.name, steps=tuple(step.as_rule() for step in steps))
        if steps
        else None
    )
    proposed = []
    for row in rows:
        row.consecutive_bottom = rules.consecutive_bottom_count(
            bottom_now=row.is_bottom, previous_bottoms=history.get(row.unit_id, [])
        )
        rule_step = None
        if ladder is not None:
            rule_step = rules.escalation_step(
                consecutive=row.consecutive_bottom,
                ladder=ladder,
                half_year_bottom=row.unit_id in half_year_bottom,
            )
        step = steps[rule_step.level - 1] if rule_step else None
        row.escalation_level = step.level if step else 0
        row.note = row_note(row.status, row.is_bottom, step, row.consecutive_bottom)
        if step is not None:
            proposed.append(
                Escalation(
                    scheme=scheme,
                    unit=row.unit,
                    year=period.year,
                    month=period.month,
                    level=step.level,
                    consecutive_bottom=row.consecutive_bottom,
                    action=step.title,
                    interviewer_role=step.interviewer,
                    interviewee_role=step.interviewee,
                    needs_meeting=step.needs_meeting,
                    status=EscalationStatus.PROPOSED,
                )
            )
    RankingRow.objects.bulk_update(rows, ["consecutive_bottom", "escalation_level", "note"])
    escalations_propose(scheme=scheme, period=period, proposed=proposed)


ESCALATION_PROPOSAL_FIELDS = (
    "level",
    "consecutive_bottom",
    "action",
    "interviewer_role",
    "interviewee_role",
    "needs_meeting",
    "status",
)


def escalations_propose(*, scheme: RankingScheme, period: Period, proposed: list[Escalation]) -> None:
    """Bring the draft's proposed escalations up to date in place, so their addresses stay valid.

    A unit still proposed keeps its row (updated); a new one gets a row; one no longer at the bottom
    is marked 已撤销 rather than deleted, and comes back to life if a later recompute proposes it again.
    """
    existing = {
        escalation.unit_id: escalation
        for escalation in Escalation.objects.select_for_update().filter(
            scheme=scheme,
            year=period.year,
            month=period.month,
            status__in=[EscalationStatus.PROPOSED, EscalationStatus.WITHDRAWN],
        )
    }
    updated, created = [], []
    for escalation in proposed:
        current = existing.pop(escalation.unit_id, None)
        if current is None:
            created.append(escalation)
            continue
        for field in ESCALATION_PROPOSAL_FIELDS:
            setattr(current, field, getattr(escalation, field))
        updated.append(current)
    for withdrawn in existing.values():
        withdrawn.status = EscalationStatus.WITHDRAWN
        updated.append(withdrawn)
    Escalation.objects.bulk_update(updated, [*ESCALATION_PROPOSAL_FIELDS, "updated_at"])
    Escalation.objects.bulk_create(created)


def escalations_withdraw(*, scheme: RankingScheme, period: Period) -> None:
    Escalation.objects.filter(
        scheme=scheme, year=period.year, month=period.month, status=EscalationStatus.PROPOSED
    ).update(status=EscalationStatus.WITHDRAWN)


@transaction.atomic
def ranking_publish(*, run: RankingRun, actor=None) -> bool:
    """Freeze the run and turn its proposed escalations into 待约谈, or, for a step that needs no
    meeting (通报批评, 表态发言), into 已销号: the 通报 itself is the step. False when already published.

    The conditional update claims the run, so two publishers racing cannot both publish it.
    """
    claimed = RankingRun.objects.filter(pk=run.pk, status=RunStatus.DRAFT).update(
        status=RunStatus.PUBLISHED, published_at=timezone.now(), published_by=actor
    )
    if not claimed:
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


def active_schemes():
    return (
        RankingScheme.objects.filter(is_active=True)
        .select_related("group", "ladder")
        .order_by("sort_order", "name")
    )


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
def period_rank(*, period: Period) -> PeriodRanking:
    """Draft (or re-draft) every active scheme for the period and tell the admins once.

    A scheme with no figures is skipped with a notice (rule 11), and a draft it had is removed; every
    other scheme ranks as usual. A period of a year with no plan, or a completion-rate scheme with no
    table of the year (rule 10), is refused with nothing saved.
    """
    period_plan_year_required(period)
    if period_is_published(period):
        return _period_as_ranked(period)
    runs, skipped = [], []
    for scheme in active_schemes():
        notice = scheme_without_figures(scheme=scheme, period=period)
        if notice is None:
            runs.append(ranking_compute(scheme=scheme, period=period))
            continue
        skipped.append(SkippedScheme(scheme, notice))
        RankingRun.objects.filter(
            scheme=scheme, year=period.year, month=period.month, status=RunStatus.DRAFT
        ).delete()
        escalations_withdraw(scheme=scheme, period=period)
    if runs:
        notification_send(
            users=users_with_role("管理员"),
            key=f"ranking-draft:{period}",
            kind=NotificationKind.ESCALATION_PROPOSED,
            title=f"{period.label}排名草稿已生成",
            body="请核对排名和拟约谈单位后发布通报。",
            link=f"{reverse('reporting:rankings')}?period={period}",
        )
    return PeriodRanking(period=period, runs=runs, skipped=skipped)


@transaction.atomic
@audited(AuditAction.PUBLISH, obj_kwarg="period")
def period_publish(*, period: Period, actor=None) -> PeriodRanking:
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
    from .bulletins import bulletin_publish  # bulletins builds on this module, so import it late

    bulletin_publish(period=period, actor=actor)
    return ranking


def period_is_published(period: Period) -> bool:
    """Whether the period's bulletin is out: from then on nothing about the period changes (rule 9)."""
    return Bulletin.objects.filter(year=period.year, month=period.month, status=RunStatus.PUBLISHED).exists()


def _period_as_ranked(period: Period) -> PeriodRanking:
    runs = list(
        RankingRun.objects.filter(year=period.year, month=period.month, scheme__is_active=True)
        .select_related("scheme", "scheme__group")
        .order_by("scheme__sort_order", "scheme__name")
    )
    return PeriodRanking(period=period, runs=runs, skipped=[])


def period_rows(*, period: Period):
    """The rows of every active scheme's run for the period, for pages, the command and exports."""
    return (
        RankingRow.objects.filter(run__year=period.year, run__month=period.month, run__scheme__is_active=True)
        .select_related("run", "run__scheme", "run__scheme__group", "unit")
        .order_by(
            "run__scheme__sort_order", "run__scheme__name", F("rank").asc(nulls_last=True), "unit__sort_order"
        )
    )
