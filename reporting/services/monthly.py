"""Entering a unit's month: the checks on each project's figure and the audited write.

The rules (each one function): an amount is never negative; a month cannot take a project past its
total investment; an amount far above the project's usual month (more than three times its average
month, or more than its annual plan) is saved only once the user confirms it.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime
from decimal import Decimal

from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from accounts.models import User
from audit.models import AuditAction
from audit.services import changes_record
from common.figures import format_wan
from projects.models import Project, ProjectReport
from targets.models import Unit

from ..models import Submission
from ..selectors.monthly import GridRow, month_grid_rows
from .submissions import StaleEditError, submission_claim_for_edit, submission_submit

UNUSUAL_MULTIPLE = Decimal(3)
MAX_AMOUNT = Decimal("1e12")  # the column holds 12 digits before the decimal point
CENT = Decimal("0.01")
_CLAIM_BATCH = 200  # keeps each conditional update's WHERE clause well inside SQLite's limits
_UPDATE_BATCH = 500  # bulk_update's CASE per column grows with the batch: keep each statement small


@dataclass(frozen=True)
class EntryInput:
    """One grid line as posted: the version is the report's as the page showed it (None: no report)."""

    project_id: int
    amount: Decimal | None
    progress: str = ""
    problems: str = ""
    version: int | None = None


@dataclass
class EntryIssues:
    """Errors block the save; confirmations block it until the user confirms that very amount."""

    errors: dict[int, list[str]] = field(default_factory=dict)
    confirmations: dict[int, list[str]] = field(default_factory=dict)

    def __bool__(self) -> bool:
        return bool(self.errors or self.confirmations)

    def add_error(self, project_id: int, message: str) -> None:
        self.errors.setdefault(project_id, []).append(message)


class EntriesInvalid(Exception):
    def __init__(self, issues: EntryIssues):
        super().__init__("月报数据未通过校验")
        self.issues = issues


def amount_problem(amount: Decimal, *, label: str = "本月完成投资") -> str | None:
    """不能为负数: the first rule every amount meets, typed or imported."""
    if amount < 0:
        return f"{label}不能为负数"
    if amount != amount.quantize(CENT):
        return f"{label}最多保留两位小数"
    if amount >= MAX_AMOUNT:
        return f"{label}数额过大，请核实（单位为万元）"
    return None


def exceeds_total_investment(
    *, other_months_total: Decimal, amount: Decimal, total_investment: Decimal
) -> bool:
    """A month cannot take a project past its total investment (all its months, every year)."""
    return other_months_total + amount > total_investment


def unusual_amount_reasons(
    *, amount: Decimal, usual_month: Decimal | None, annual_plan: Decimal | None, year: int
) -> list[str]:
    """Far above the project's usual month: more than 3× its average month, or more than its annual plan."""
    reasons = []
    if usual_month and amount > usual_month * UNUSUAL_MULTIPLE:
        reasons.append(f"超过该项目月均完成额 {format_wan(usual_month, 2)} 万元的3倍")
    if annual_plan is not None and amount > annual_plan:
        reasons.append(f"超过该项目{year}年度计划投资 {format_wan(annual_plan, 2)} 万元")
    return reasons


def entry_issues(
    *,
    rows: Mapping[int, GridRow],
    entries: Sequence[EntryInput],
    year: int,
    confirmed: Mapping[int, Decimal],
) -> EntryIssues:
    """Check the entries that change something against the rules; unchanged lines are left alone."""
    issues = EntryIssues()
    for entry in entries:
        row = rows.get(entry.project_id)
        if row is None:
            issues.add_error(entry.project_id, "该项目不在本单位本月的填报范围内")
            continue
        if not _changes(row, entry):
            continue
        if entry.amount is None:
            if row.report is not None:
                issues.add_error(entry.project_id, "已填报的本月完成投资不能清空；本月无投资请填 0")
            else:
                issues.add_error(entry.project_id, "请填写本月完成投资（本月无投资请填 0）")
            continue
        problem = amount_problem(entry.amount)
        if problem is None and exceeds_total_investment(
            other_months_total=row.other_months_total,
            amount=entry.amount,
            total_investment=row.project.total_investment,
        ):
            problem = (
                f"填报后累计完成 {format_wan(row.other_months_total + entry.amount, 2)} 万元，"
                f"超过项目总投资 {format_wan(row.project.total_investment, 2)} 万元"
            )
        if problem:
            issues.add_error(entry.project_id, problem)
            continue
        if row.amount is not None and entry.amount == row.amount:
            continue
        reasons = unusual_amount_reasons(
            amount=entry.amount, usual_month=row.usual_month, annual_plan=row.annual_plan, year=year
        )
        if reasons and confirmed.get(entry.project_id) != entry.amount:
            issues.confirmations[entry.project_id] = [
                f"本月完成 {format_wan(entry.amount, 2)} 万元，" + "；".join(reasons) + "，请核实后确认"
            ]
    return issues


def _changes(row: GridRow, entry: EntryInput) -> bool:
    if row.report is None:
        return entry.amount is not None or bool(entry.progress or entry.problems)
    return (entry.amount, entry.progress, entry.problems) != (
        row.report.amount,
        row.report.progress,
        row.report.problems,
    )


@dataclass(frozen=True)
class ReportChange:
    """A report to write: ``report`` is the row as read in this transaction (None: a new one)."""

    project: Project
    report: ProjectReport | None
    expected_version: int | None
    amount: Decimal
    progress: str
    problems: str
    # Why the amount is unusual, when the user confirmed it (我已核实); empty otherwise.
    unusual_confirmed: str = ""


def _amount_changes(change: ReportChange) -> bool:
    return change.report is None or change.report.amount != change.amount


def project_reports_write(
    *, year: int, month: int, changes: Sequence[ReportChange], actor: User | None, reason: str
) -> list[ProjectReport]:
    """Write project reports with their history, inside the caller's transaction.

    Existing reports are claimed with a conditional update on the version the change was based on;
    any claim that misses (someone saved in between) aborts the whole write. Bulk writes skip the
    history signals, so the history rows are written explicitly, with the actor and the reason
    (``report_history_copy``). A constant number of queries per batch of reports, whatever their number.
    Returns the reports written, as they now stand (their new versions included).

    A confirmation of an unusual amount (我已核实) is stored with the amount it confirmed, with who
    and when; a change of the amount voids the confirmation it had.
    """
    updates = [change for change in changes if change.report is not None]
    audited_changes = [
        {
            "project": change.project.code or change.project.name,
            "month": f"{year}-{month:02d}",
            "before": change.report.amount if change.report is not None else None,
            "after": change.amount,
            **({"confirmed": f"我已核实：{change.unusual_confirmed}"} if change.unusual_confirmed else {}),
        }
        for change in changes
        if _amount_changes(change)
    ]
    now = timezone.now()
    size = _claim_batch()
    for start in range(0, len(updates), size):
        batch = updates[start : start + size]
        if _reports_claim_and_write(batch, actor=actor, when=now) != len(batch):
            raise StaleEditError()
    updated, confirmations = [], []
    for change in updates:
        report = change.report
        if _amount_changes(change) and (change.unusual_confirmed or report.unusual_confirmed_at):
            confirmations.append(_confirmation_set(report, change, actor=actor, when=now))
        report.amount, report.progress, report.problems = change.amount, change.progress, change.problems
        report.version = change.expected_version + 1
        report.updated_by = actor
        report.updated_at = now
        updated.append(report)
    if updated:
        # Confirmations given or voided are few (a user ticks each): written apart, so the common
        # write of many amounts carries no extra columns.
        if confirmations:
            ProjectReport.objects.bulk_update(
                confirmations,
                fields=["unusual_confirmed_by", "unusual_confirmed_at", "unusual_reason"],
                batch_size=_UPDATE_BATCH,
            )
        report_history_copy(
            report_ids=[report.pk for report in updated],
            history_type="~",
            actor=actor,
            reason=reason,
            when=now,
        )
    created = [
        _confirmation_set(
            ProjectReport(
                project_id=change.project.pk,
                year=year,
                month=month,
                amount=change.amount,
                progress=change.progress,
                problems=change.problems,
                updated_by=actor,
            ),
            change,
            actor=actor,
            when=now,
        )
        for change in changes
        if change.report is None
    ]
    if created:
        try:
            with transaction.atomic():
                created = ProjectReport.objects.bulk_create(created)
        except IntegrityError as exc:  # someone entered the same project's month meanwhile
            raise StaleEditError() from exc
        report_history_copy(
            report_ids=[report.pk for report in created],
            history_type="+",
            actor=actor,
            reason=reason,
            when=now,
        )
    changes_record(
        action=AuditAction.FIGURE_CHANGE,
        actor=actor,
        changes=audited_changes,
        detail={"what": "本月完成投资（万元）", "reason": reason},
    )
    return [*updated, *created]


_WRITTEN = ("amount", "progress", "problems")


def _claim_batch() -> int:
    """Reports per claiming write: each takes two parameters per written column and two for its
    claim, and the statement stays inside SQLite's limit on parameters."""
    limit = connection.features.max_query_params or 10_000
    return max(1, min(_CLAIM_BATCH, (limit - 2) // (2 * len(_WRITTEN) + 2)))


def _reports_claim_and_write(changes: Sequence[ReportChange], *, actor: User | None, when: datetime) -> int:
    """Claim and write a batch of existing reports in one ``UPDATE``: each row is written only if it
    still has the version the change was based on, and its version goes up by one. Returns the
    number of rows written; fewer than the batch means someone saved in between.

    One hand-written statement where ``filter(claim).update()`` and ``bulk_update`` took two, whose
    building cost more CPU than the database spent on them (a save of a few lines at month-end)."""
    table, meta = connection.ops.quote_name, ProjectReport._meta
    pk = table(meta.pk.column)
    assignments, params = [], []
    for name in _WRITTEN:
        field = meta.get_field(name)
        cases = " ".join(f"WHEN {pk} = %s THEN %s" for _ in changes)
        assignments.append(f"{table(field.column)} = CAST(CASE {cases} END AS {field.db_type(connection)})")
        for change in changes:
            value = getattr(change, name)
            params += [change.report.pk, field.get_db_prep_save(value, connection)]
    version = table(meta.get_field("version").column)
    updated_at = meta.get_field("updated_at")
    assignments += [
        f"{version} = {version} + 1",
        f"{table(meta.get_field('updated_by').column)} = %s",
        f"{table(updated_at.column)} = %s",
    ]
    params += [getattr(actor, "pk", None), updated_at.get_db_prep_save(when, connection)]
    claims = " OR ".join(f"({pk} = %s AND {version} = %s)" for _ in changes)
    for change in changes:
        params += [change.report.pk, change.expected_version]
    with connection.cursor() as cursor:
        cursor.execute(f"UPDATE {table(meta.db_table)} SET {', '.join(assignments)} WHERE {claims}", params)
        return cursor.rowcount


def _confirmation_set(
    report: ProjectReport, change: ReportChange, *, actor: User | None, when: datetime
) -> ProjectReport:
    """The new amount's confirmation: the user's, when they confirmed it, else none."""
    confirmed = bool(change.unusual_confirmed)
    report.unusual_confirmed_by = actor if confirmed else None
    report.unusual_confirmed_at = when if confirmed else None
    report.unusual_reason = change.unusual_confirmed[:300]
    return report


def report_history_copy(
    *, report_ids: Sequence[int], history_type: str, actor: User | None, reason: str, when: datetime
) -> None:
    """Record the reports as they now stand in their history, as simple_history's bulk helpers do
    (``bulk_create_with_history``: one historical row per report, with who, when, why and the kind
    of change), but copied by the database with ``INSERT … SELECT`` in batches: building a
    historical model instance per report cost more than writing the reports themselves."""
    history = ProjectReport.history.model
    tracked = [field.column for field in history.tracked_fields]
    table, source = connection.ops.quote_name, ProjectReport._meta.db_table
    columns = ", ".join(table(column) for column in tracked)
    extra = [
        history._meta.get_field(name).column
        for name in ("history_date", "history_change_reason", "history_type", "history_user")
    ]
    values = [
        connection.ops.adapt_datetimefield_value(when),
        reason,
        history_type,
        getattr(actor, "pk", None),
    ]
    if not report_ids:
        return
    # One statement on PostgreSQL; on SQLite as many as its limit on parameters requires.
    size = (connection.features.max_query_params or len(report_ids) + len(values)) - len(values)
    with connection.cursor() as cursor:
        for start in range(0, len(report_ids), size):
            batch = report_ids[start : start + size]
            cursor.execute(
                f"INSERT INTO {table(history._meta.db_table)} ({columns}, {', '.join(map(table, extra))}) "
                f"SELECT {columns}, %s, %s, %s, %s FROM {table(source)} "
                f"WHERE {table(ProjectReport._meta.pk.column)} IN ({', '.join(['%s'] * len(batch))})",
                [*values, *batch],
            )


def confirmed_unusual(row: GridRow, entry: EntryInput, *, year: int, confirmed: Mapping[int, Decimal]) -> str:
    """Why a new amount is unusual, when the user confirmed that very amount (我已核实); else ""."""
    if entry.amount is None or entry.amount == row.amount or confirmed.get(entry.project_id) != entry.amount:
        return ""
    reasons = unusual_amount_reasons(
        amount=entry.amount, usual_month=row.usual_month, annual_plan=row.annual_plan, year=year
    )
    return "；".join(reasons)


@dataclass(frozen=True)
class MonthSaved:
    """``rows``: the lines sent, as they stand after the save, by project id."""

    submission: Submission
    changed: int
    rows: Mapping[int, GridRow] = field(default_factory=dict)


def month_entries_save(
    *,
    unit: Unit,
    year: int,
    month: int,
    entries: Sequence[EntryInput],
    submission_version: int | None,
    actor: User,
    confirmed: Mapping[int, Decimal] | None = None,
    submit: bool = False,
    now: datetime | None = None,
) -> MonthSaved:
    """Save the unit's month as a draft (and submit it, when asked) — all of it or nothing.

    Raises StaleEditError when someone saved the month after the user's page was rendered,
    EntriesInvalid when a figure breaks a rule or awaits confirmation, SubmissionError when the
    month is no longer a draft or cannot be submitted yet.
    """
    with transaction.atomic():
        submission = submission_claim_for_edit(
            unit=unit, year=year, month=month, expected_version=submission_version
        )
        # The lines sent, as they stand: a save reads what it changes, not the whole month.
        sent = [entry.project_id for entry in entries]
        rows = {
            row.project.pk: row for row in month_grid_rows(unit=unit, year=year, month=month, projects=sent)
        }
        issues = entry_issues(rows=rows, entries=entries, year=year, confirmed=confirmed or {})
        if issues:
            raise EntriesInvalid(issues)
        changes = []
        for entry in entries:
            row = rows[entry.project_id]
            if not _changes(row, entry):
                continue
            if (row.report is None) != (entry.version is None):
                raise StaleEditError()
            changes.append(
                ReportChange(
                    project=row.project,
                    report=row.report,
                    expected_version=entry.version,
                    amount=entry.amount,
                    progress=entry.progress,
                    problems=entry.problems,
                    unusual_confirmed=confirmed_unusual(row, entry, year=year, confirmed=confirmed or {}),
                )
            )
        written = project_reports_write(
            year=year, month=month, changes=changes, actor=actor, reason="月报填报"
        )
        if submit:
            submission = submission_submit(submission=submission, actor=actor, now=now)
    for report in written:
        rows[report.project_id] = replace(rows[report.project_id], report=report)
    return MonthSaved(submission=submission, changed=len(changes), rows=rows)
