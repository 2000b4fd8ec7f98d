"""What a ranking stores: each unit's row, placed by rules 1–3, and the escalations it proposes.

``rankings.rankings_store`` calls these once for all the schemes it ranks: one ``ranking_rows_write``
of their rows (loaded by one ``COPY`` and merged into the rows they had) and one pass over their
proposed escalations, whatever the number of schemes and units.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import NamedTuple

from django.db import connection, transaction

from common.periods import Period

from .. import rules
from ..choices import EscalationStatus
from ..models import Escalation, LadderStep, RankingRow, RankingRun, RankingScheme
from ..selectors.ranked import MetricInput, RankingInputs
from ..selectors.rankings import previous_bottoms
from .assessments import half_year_results


class LadderPlace(NamedTuple):
    """Where a unit stands on the ladder this period: periods bottom running, and the step reached."""

    consecutive: int
    step: LadderStep | None


NOWHERE = LadderPlace(0, None)


def half_year_bottom_units(
    *, scheme: RankingScheme, period: Period, steps: list[LadderStep], current_ranks: dict[int, int | None]
) -> set[int]:
    """Seed 003: bottom of the half-year assessment. Only June's ranking looks at it."""
    if period.month != 6 or not any(step.on_half_year_bottom for step in steps):
        return set()
    return {
        result.key
        for result in half_year_results(scheme=scheme, year=period.year, june_ranks=current_ranks)
        if result.bottom
    }


def ladder_places(*, inputs: RankingInputs, ranked: list[rules.RankedEntry]) -> dict[int, LadderPlace]:
    """Rule 3 for the units at the bottom (and, in June, the half-year's bottom): how long they have
    been there and the ladder step they reached. Units absent from the answer are on no step."""
    scheme, period, steps = inputs.scheme, inputs.period, inputs.steps
    half_year_bottom = half_year_bottom_units(
        scheme=scheme,
        period=period,
        steps=steps,
        current_ranks={entry.key: entry.rank for entry in ranked} if period.month == 6 else {},
    )
    concerned = [entry for entry in ranked if entry.bottom or entry.key in half_year_bottom]
    if not concerned:
        return {}
    history = previous_bottoms(earlier_runs=inputs.earlier_runs, unit_ids=[entry.key for entry in concerned])
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


def row_note(status: str, is_bottom: bool, step: LadderStep | None, consecutive: int) -> str:
    parts = []
    if status == rules.EntryStatus.MISSING:
        parts.append("未报送")
    if is_bottom:
        parts.append("倒数第一" if consecutive <= 1 else f"连续{consecutive}期倒数第一")
    if step is not None:
        parts.append(f"{step.level}级：{step.title}")
    return "；".join(parts)


# The columns of a row, in the order ``ranking_rows`` gives them and ``ranking_rows_write`` writes them.
ROW_COLUMNS = (
    "run_id",
    "unit_id",
    "ytd_completed",
    "baseline",
    "target",
    "value",
    "status",
    "rank",
    "is_bottom",
    "consecutive_bottom",
    "escalation_level",
    "note",
)


def ranking_rows(
    *,
    run: RankingRun,
    inputs: list[MetricInput],
    ranked: list[rules.RankedEntry],
    places: dict[int, LadderPlace],
) -> Iterator[tuple]:
    """The run's rows (``ROW_COLUMNS``), one per unit, as rules 1–3 placed it, in the inputs' order."""
    by_unit = {entry.key: entry for entry in ranked}
    status_text = rules.STATUS_TEXT
    run_id = run.pk
    for item in inputs:
        unit_id = item.unit_id
        _key, value, status, rank, bottom = by_unit[unit_id]
        consecutive, step = places.get(unit_id, NOWHERE)
        yield (
            run_id,
            unit_id,
            item.ytd_completed,
            item.baseline,
            item.target,
            value,
            status_text[status],
            rank,
            bottom,
            consecutive,
            step.level if step else 0,
            row_note(status, bottom, step, consecutive),
        )


# Where ``ranking_rows_write`` loads the new rows before merging them in; gone by its end.
NEW_ROWS = "ranking_rows_new"


def ranking_rows_write(rows: list[tuple], *, runs: list[int]) -> None:
    """Make the rows of the runs ``runs`` be ``rows`` (``ROW_COLUMNS``), in five statements whatever
    their number.

    The rows are loaded into a temporary table, on PostgreSQL by ``COPY … FROM STDIN`` (a province's
    thousands of units would otherwise spend most of the ranking building model objects, or quoting
    parameters, in Python), then merged: a unit's row that exists is updated in place and keeps its
    id, a new unit's row is added, the row of a unit no longer ranked is removed. A draft is ranked
    again every night with mostly the same units. Updated in place on pages with room to spare
    (migration 0017), its rows change no index entry on PostgreSQL; deleted and inserted, they would
    add every index entry again and have every foreign key checked at the commit.
    """
    if not rows and not runs:
        return
    quote = connection.ops.quote_name
    table = quote(RankingRow._meta.db_table)
    names = ", ".join(quote(name) for name in ROW_COLUMNS)
    keys = ("run_id", "unit_id")
    updated = ", ".join(f"{quote(name)} = excluded.{quote(name)}" for name in ROW_COLUMNS if name not in keys)
    same_row = " AND ".join(f"new.{quote(key)} = {table}.{quote(key)}" for key in keys)
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f"CREATE TEMPORARY TABLE {NEW_ROWS} AS SELECT {names} FROM {table} WHERE 1 = 0")
        _rows_load(cursor, rows, names)
        cursor.execute(  # "WHERE 1 = 1" tells SQLite the SELECT ends before ON CONFLICT
            f"INSERT INTO {table} ({names}) SELECT {names} FROM {NEW_ROWS} WHERE 1 = 1 "
            f"ON CONFLICT ({', '.join(quote(key) for key in keys)}) DO UPDATE SET {updated}"
        )
        if runs:
            cursor.execute(
                f"DELETE FROM {table} WHERE {quote('run_id')} IN ({', '.join(['%s'] * len(runs))}) "
                f"AND NOT EXISTS (SELECT 1 FROM {NEW_ROWS} new WHERE {same_row})",
                runs,
            )
        cursor.execute(f"DROP TABLE {NEW_ROWS}")


def _rows_load(cursor, rows: list[tuple], names: str) -> None:
    if connection.vendor == "postgresql":
        with connection.wrap_database_errors, cursor.copy(f"COPY {NEW_ROWS} ({names}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)
    else:
        values = ", ".join(["%s"] * len(ROW_COLUMNS))
        cursor.executemany(f"INSERT INTO {NEW_ROWS} ({names}) VALUES ({values})", rows)


def escalations_of(
    *, scheme: RankingScheme, period: Period, places: dict[int, LadderPlace]
) -> list[Escalation]:
    """The escalations the ladder proposes for the scheme's period: one per unit on a step."""
    return [
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
    ]


ESCALATION_PROPOSAL_FIELDS = (
    "level",
    "consecutive_bottom",
    "action",
    "interviewer_role",
    "interviewee_role",
    "needs_meeting",
    "status",
)


def escalations_propose(*, schemes: list[RankingScheme], period: Period, proposed: list[Escalation]) -> None:
    """Bring the drafts' proposed escalations up to date in place, so their addresses stay valid.

    ``proposed`` are all the schemes' proposals for the period. A unit still proposed keeps its row
    (updated); a new one gets a row; one no longer at the bottom is marked 已撤销 rather than deleted,
    and comes back to life if a later recompute proposes it again. A row that already says what is
    proposed is left as it is.
    """
    existing = {
        (escalation.scheme_id, escalation.unit_id): escalation
        for escalation in Escalation.objects.select_for_update().filter(
            scheme__in=schemes,
            year=period.year,
            month=period.month,
            status__in=[EscalationStatus.PROPOSED, EscalationStatus.WITHDRAWN],
        )
    }
    updated, created = [], []
    for escalation in proposed:
        current = existing.pop((escalation.scheme_id, escalation.unit_id), None)
        if current is None:
            created.append(escalation)
            continue
        if all(getattr(current, field) == getattr(escalation, field) for field in ESCALATION_PROPOSAL_FIELDS):
            continue
        for field in ESCALATION_PROPOSAL_FIELDS:
            setattr(current, field, getattr(escalation, field))
        updated.append(current)
    for withdrawn in existing.values():
        if withdrawn.status != EscalationStatus.WITHDRAWN:
            withdrawn.status = EscalationStatus.WITHDRAWN
            updated.append(withdrawn)
    Escalation.objects.bulk_update(updated, [*ESCALATION_PROPOSAL_FIELDS, "updated_at"])
    Escalation.objects.bulk_create(created)


def escalations_withdraw(*, scheme: RankingScheme, period: Period) -> None:
    Escalation.objects.filter(
        scheme=scheme, year=period.year, month=period.month, status=EscalationStatus.PROPOSED
    ).update(status=EscalationStatus.WITHDRAWN)
