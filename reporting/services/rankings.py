"""Ranking runs and the escalations they propose (DESIGN.md rules 1–3 and 9).

``ranking_compute`` builds a scheme's draft for a period from the figures and recomputes it as
often as asked; ``ranking_publish`` freezes it. A published run, its rows and its escalations are
never touched again, so re-running any job after publication changes nothing.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import connection, transaction
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from common import clock
from common.periods import Period
from targets.models import PlanYear

from .. import rules
from ..choices import EscalationStatus, Metric, NotificationKind, RunStatus
from ..freeze import period_is_published, publish_once
from ..models import Escalation, LadderStep, RankingRow, RankingRun, RankingScheme
from ..selectors.ranked import MetricInput, scheme_inputs
from ..selectors.rankings import active_schemes, period_active_runs, previous_bottoms, scheme_without_figures
from ..selectors.staleness import ranking_inputs_digest
from ..selectors.unit_figures import figure_source_for, year_target_table
from .assessments import half_year_results
from .notifications import (
    Message,
    escalations_published_notify,
    notification_send,
    notifications_send,
    units_users,
    users_with_role,
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


def half_year_bottom_units(
    *, scheme: RankingScheme, period: Period, current_ranks: dict[int, int | None]
) -> set[int]:
    """Seed 003: bottom of the half-year assessment. Only June's ranking looks at it."""
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
    if status == rules.EntryStatus.MISSING:
        parts.append("未报送")
    if is_bottom:
        parts.append("倒数第一" if consecutive <= 1 else f"连续{consecutive}期倒数第一")
    if step is not None:
        parts.append(f"{step.level}级：{step.title}")
    return "；".join(parts)


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

    The inputs (figures, targets, metric values) come from ``selectors.ranked``, summed by the
    database where it can; ``rules.rank_units`` ranks them whichever way they came. The ladder
    then looks at the bottom units only. The run remembers a digest of its
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

    table = year_target_table(scheme=scheme, year=period.year)
    inputs = scheme_inputs(scheme=scheme, period=period, source=source, table=table)
    ranked = rules.rank_units(item.entry for item in inputs)
    places = ladder_places(scheme=scheme, period=period, ranked=ranked)
    ranking_rows_write(run=run, inputs=inputs, ranked=ranked, places=places)
    escalations_propose(
        scheme=scheme,
        period=period,
        proposed=[
            Escalation(
                scheme=scheme,
                unit_id=unit_id,
                year=period.year,
                month=period.month,
                level=place.step.level,
                consecutive_bottom=place.consecutive,
                action=place.step.title,
                interviewer_role=place.step.interviewer,
                interviewee_role=place.step.interviewee,
                needs_meeting=place.step.needs_meeting,
                status=EscalationStatus.PROPOSED,
            )
            for unit_id, place in places.items()
            if place.step is not None
        ],
    )
    return run


@dataclass(frozen=True)
class LadderPlace:
    """Where a unit stands on the ladder this period: periods bottom running, and the step reached."""

    consecutive: int
    step: LadderStep | None


def ladder_places(
    *, scheme: RankingScheme, period: Period, ranked: list[rules.RankedEntry]
) -> dict[int, LadderPlace]:
    """Rule 3 for the units at the bottom (and, in June, the half-year's bottom): how long they have
    been there and the ladder step they reached. Units absent from the answer are on no step."""
    half_year_bottom = half_year_bottom_units(
        scheme=scheme,
        period=period,
        current_ranks={entry.key: entry.rank for entry in ranked} if period.month == 6 else {},
    )
    concerned = [entry for entry in ranked if entry.bottom or entry.key in half_year_bottom]
    if not concerned:
        return {}
    history = previous_bottoms(scheme=scheme, period=period, unit_ids=[entry.key for entry in concerned])
    steps = list(scheme.ladder.steps.all()) if scheme.ladder else []
    ladder = (
        rules.Ladder(name=scheme.ladder.name, steps=tuple(step.as_rule() for step in steps))
        if steps
        else None
    )
    places = {}
    for entry in concerned:
        consecutive = rules.consecutive_bottom_count(
            bottom_now=entry.bottom, previous_bottoms=history.get(entry.key, [])
        )
        rule_step = None
        if ladder is not None:
            rule_step = rules.escalation_step(
                consecutive=consecutive, ladder=ladder, half_year_bottom=entry.key in half_year_bottom
            )
        places[entry.key] = LadderPlace(consecutive, steps[rule_step.level - 1] if rule_step else None)
    return places


# The columns ``ranking_rows_write`` fills, with the PostgreSQL type of each.
ROW_COLUMNS = (
    ("run_id", "bigint"),
    ("unit_id", "bigint"),
    ("ytd_completed", "numeric"),
    ("baseline", "numeric"),
    ("target", "numeric"),
    ("value", "numeric"),
    ("status", "varchar"),
    ("rank", "integer"),
    ("is_bottom", "boolean"),
    ("consecutive_bottom", "smallint"),
    ("escalation_level", "smallint"),
    ("note", "varchar"),
)


def ranking_rows_write(
    *,
    run: RankingRun,
    inputs: list[MetricInput],
    ranked: list[rules.RankedEntry],
    places: dict[int, LadderPlace],
) -> None:
    """Store one row per unit, as rules 1–3 placed it, in one INSERT.

    The rows go straight to the table (on PostgreSQL as one ``INSERT … SELECT FROM UNNEST``): a
    province's thousands of units would otherwise spend most of the ranking building model objects.
    """
    by_unit = {entry.key: entry for entry in ranked}
    nowhere = LadderPlace(0, None)
    rows = []
    for item in inputs:
        entry = by_unit[item.unit_id]
        place = places.get(item.unit_id, nowhere)
        rows.append(
            (
                run.pk,
                item.unit_id,
                item.ytd_completed,
                item.baseline,
                item.target,
                entry.value,
                entry.status.value,
                entry.rank,
                entry.bottom,
                place.consecutive,
                place.step.level if place.step else 0,
                row_note(entry.status, entry.bottom, place.step, place.consecutive),
            )
        )
    if not rows:
        return
    table = connection.ops.quote_name(RankingRow._meta.db_table)
    names = ", ".join(connection.ops.quote_name(name) for name, _type in ROW_COLUMNS)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            arrays = ", ".join(f"%s::{kind}[]" for _name, kind in ROW_COLUMNS)
            cursor.execute(
                f"INSERT INTO {table} ({names}) SELECT * FROM UNNEST({arrays})",
                [list(column) for column in zip(*rows, strict=True)],
            )
        else:
            values = ", ".join(["%s"] * len(ROW_COLUMNS))
            cursor.executemany(f"INSERT INTO {table} ({names}) VALUES ({values})", rows)


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
    table of the year (rule 10), is refused with nothing saved.
    """
    period_plan_year_required(period)
    if period_is_published(period):
        return PeriodRanking(period=period, runs=period_active_runs(period), skipped=[])
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
