"""What a 项目管家 records on site, and the receipts that make a phone's repeated send harmless.

The month's figures go through the monthly return's own rules and write (``reporting.services``):
the same checks as the grid, the same history, and the unit's return must still be a draft.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from accounts.models import User
from projects.models import Project, ProjectReport
from reporting.selectors.monthly import month_grid_lines, month_listing, unit_submission
from reporting.services.monthly import (
    EntryInput,
    ReportChange,
    confirmed_unusual,
    entry_issues,
    project_reports_write,
)
from reporting.services.submissions import StaleEditError, submission_claim_for_edit

from .models import OutboxReceipt

SITE_REASON = "项目管家现场填报"


class AmountNeedsConfirmation(Exception):
    """The amount is unusual for the project (the grid's rule): saved only once the user confirms it."""


@dataclass(frozen=True)
class Received:
    """The answer to one sent item: what was done, and whether it had been done already."""

    message: str
    object_id: int | None
    duplicate: bool = False
    version: int | None = None


def outbox_receive(
    *, actor: User, key: uuid.UUID | None, action: str, apply: Callable[[], Received]
) -> Received:
    """Do ``apply`` once per (actor, key): the key is claimed in the same transaction as the write, so
    a second send of the same item — after a lost answer, or twice at once — gets the first answer
    and changes nothing. A refused item (``apply`` raises) leaves its key unclaimed."""
    if key is None:
        return apply()
    with transaction.atomic():
        try:
            with transaction.atomic():
                receipt = OutboxReceipt.objects.create(user=actor, key=key, action=action)
        except IntegrityError:
            earlier = OutboxReceipt.objects.get(user=actor, key=key)
            return Received(
                message=earlier.message or "该记录此前已收到。", object_id=earlier.object_id, duplicate=True
            )
        received = apply()
        receipt.object_id = received.object_id
        receipt.message = received.message[:300]
        receipt.save(update_fields=["object_id", "message"])
    return received


def site_month_record(
    *,
    project: Project,
    year: int,
    month: int,
    amount: Decimal | None,
    progress: str,
    problems: str,
    version: int | None,
    confirmed_amount: Decimal | None,
    actor: User,
) -> ProjectReport:
    """One project's month as its steward records it on site: 本月完成投资, 形象进度, 存在问题.

    ``version`` is the project's report version the steward's page showed (None: no report yet); if
    someone saved the project's month since, the record is refused rather than written over theirs.
    The unit's return must still be a draft; the write bumps its version, so a grid opened before
    it refuses to save over it.
    """
    with transaction.atomic():
        current = unit_submission(unit=project.reporting_unit_id, year=year, month=month)
        submission_claim_for_edit(
            unit=project.reporting_unit,
            year=year,
            month=month,
            expected_version=current.version if current else None,
        )
        lines = month_grid_lines(
            projects=list(month_listing(Project.objects.filter(pk=project.pk), year=year, month=month)),
            year=year,
            month=month,
        )
        line = lines.get(project.pk)
        if line is None:
            raise ValidationError(f"该项目{year}年{month}月未在建设期内，不需填报月度进度。")
        seen = line.report.version if line.report else None
        if seen != version:
            raise StaleEditError(
                f"该项目{year}年{month}月的月报已被他人修改，请打开项目页面查看最新数据后重新填写。"
            )
        entry = EntryInput(
            project_id=project.pk,
            amount=amount if amount is not None else line.amount,
            progress=progress.strip(),
            problems=problems.strip(),
            version=version,
        )
        confirmed = {project.pk: confirmed_amount} if confirmed_amount is not None else {}
        issues = entry_issues(rows={project.pk: line}, entries=[entry], year=year, confirmed=confirmed)
        if issues.errors:
            raise ValidationError(issues.errors[project.pk])
        if issues.confirmations:
            raise AmountNeedsConfirmation("；".join(issues.confirmations[project.pk]))
        unchanged = line.report is not None and (entry.amount, entry.progress, entry.problems) == (
            line.report.amount,
            line.report.progress,
            line.report.problems,
        )
        if unchanged:
            return line.report
        project_reports_write(
            year=year,
            month=month,
            changes=[
                ReportChange(
                    project=project,
                    report=line.report,
                    expected_version=version,
                    amount=entry.amount,
                    progress=entry.progress,
                    problems=entry.problems,
                    unusual_confirmed=confirmed_unusual(line, entry, year=year, confirmed=confirmed),
                )
            ],
            actor=actor,
            reason=SITE_REASON,
        )
    return ProjectReport.objects.get(project=project, year=year, month=month)
