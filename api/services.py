"""Creating, checking and revoking API tokens. A token's secret is shown once and stored as a hash."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.utils import timezone

from accounts.models import User
from accounts.permissions import check_unit_edit
from audit.models import AuditAction
from audit.services import audit_record
from projects.access import check_project_edit
from projects.imports.upsert import ProjectInput, RowsInvalid, projects_upsert
from projects.models import Project
from reporting.choices import SubmissionStatus
from reporting.selectors.monthly import GridRow, month_grid_rows, unit_submission
from reporting.services.monthly import EntriesInvalid, EntryInput, MonthSaved, month_entries_save
from targets.models import Unit

from .models import ApiToken

TOKEN_PREFIX = "itk_"
PREFIX_SHOWN = 12


class TokenRefused(Exception):
    """The token is unknown, expired or revoked; the message says which, for the caller."""


@dataclass(frozen=True)
class IssuedToken:
    token: ApiToken
    secret: str


def token_hash(secret: str) -> str:
    # The secret is 256 random bits: a plain SHA-256 cannot be reversed or guessed.
    return hashlib.sha256(secret.encode()).hexdigest()


def api_token_create(
    *,
    user: User,
    actor: User | None,
    name: str = "",
    expires_days: int | None = None,
    now: datetime | None = None,
) -> IssuedToken:
    if not user.is_active:
        raise ValidationError(f"用户 {user.username} 已停用，不能创建接口令牌。")
    if expires_days is not None and expires_days < 1:
        raise ValidationError("有效天数至少为 1 天。")
    now = now or timezone.now()
    secret = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken(
        user=user,
        name=name,
        prefix=secret[:PREFIX_SHOWN],
        key_hash=token_hash(secret),
        created_by=actor,
        expires_at=now + timedelta(days=expires_days) if expires_days else None,
    )
    token.full_clean()
    token.save()
    audit_record(
        actor=actor,
        action=AuditAction.API_TOKEN_CREATE,
        obj=token,
        detail={
            "for_user": user.username,
            "expires_at": token.expires_at.isoformat() if token.expires_at else "",
        },
    )
    return IssuedToken(token=token, secret=secret)


def api_token_revoke(*, token: ApiToken, actor: User, request=None) -> ApiToken:
    """Revoked for good: a conditional update, so revoking twice changes nothing the second time."""
    now = timezone.now()
    revoked = ApiToken.objects.filter(pk=token.pk, revoked_at__isnull=True).update(
        revoked_at=now, revoked_by=actor
    )
    token.refresh_from_db()
    if revoked:
        audit_record(request=request, actor=actor, action=AuditAction.API_TOKEN_REVOKE, obj=token)
    return token


def api_token_check(*, secret: str, now: datetime | None = None) -> ApiToken:
    """The live token for ``secret``, with its user; TokenRefused otherwise."""
    token = ApiToken.objects.select_related("user", "user__unit").filter(key_hash=token_hash(secret)).first()
    if token is None:
        raise TokenRefused("接口令牌无效。")
    if token.revoked_at is not None:
        raise TokenRefused("接口令牌已被吊销。")
    if token.expires_at is not None and token.expires_at <= (now or timezone.now()):
        raise TokenRefused(f"接口令牌已于 {timezone.localtime(token.expires_at):%Y-%m-%d %H:%M} 过期。")
    if not token.user.is_active:
        raise TokenRefused("接口令牌所属用户已停用。")
    return token


# --- 月报与项目：接口的写入，委托给页面和导入所用的同一服务 -------------------------------------------


@dataclass(frozen=True)
class EntryRow:
    """One line of an API month write, as parsed: its position in the request is its row (from 1)."""

    row: int
    project_code: str
    amount: Decimal | None
    progress: str
    problems: str
    version: int | None
    confirm: bool


class RowErrors(Exception):
    """Problems of a write, each as (field, row, message); nothing was saved."""

    def __init__(self, message: str, items: list[tuple[str | None, int | None, str]]):
        super().__init__(message)
        self.items = items


def _nothing_changes(rows: dict[int, GridRow], entries: list[EntryInput]) -> bool:
    return all(
        rows[entry.project_id].report is not None
        and (entry.amount, entry.progress, entry.problems)
        == (
            rows[entry.project_id].report.amount,
            rows[entry.project_id].report.progress,
            rows[entry.project_id].report.problems,
        )
        for entry in entries
    )


def month_reports_put(
    *,
    unit: Unit,
    year: int,
    month: int,
    lines: list[EntryRow],
    submission_version: int | None,
    submit: bool,
    actor: User,
) -> MonthSaved:
    """A unit's month as one all-or-nothing write through ``month_entries_save``, the grid's own
    service: its checks, its optimistic versions, its submission.

    Repeating a request that was saved changes nothing and answers the same: when every line
    already holds what is sent (and the month was already submitted, if asked), nothing is claimed.
    """
    rows = {row.project.code: row for row in month_grid_rows(unit=unit, year=year, month=month)}
    items: list[tuple[str | None, int | None, str]] = []
    first_row: dict[str, int] = {}
    entries: list[EntryInput] = []
    row_of_project: dict[int, int] = {}
    for line in lines:
        where = f"第{line.row}行（项目代码 {line.project_code}）"
        if line.project_code in first_row:
            items.append(("project_code", line.row, f"{where}：与第{first_row[line.project_code]}行重复"))
            continue
        first_row[line.project_code] = line.row
        row = rows.get(line.project_code)
        if row is None:
            items.append(("project_code", line.row, f"{where}：不是{unit.name}{year}年{month}月填报的项目"))
            continue
        row_of_project[row.project.pk] = line.row
        entries.append(
            EntryInput(
                project_id=row.project.pk,
                amount=line.amount,
                progress=line.progress,
                problems=line.problems,
                version=line.version,
            )
        )
    if items:
        raise RowErrors("部分行有误，未保存任何数据。", items)
    by_id = {row.project.pk: row for row in rows.values()}
    current = unit_submission(unit=unit, year=year, month=month)
    already_submitted = current is not None and current.status != SubmissionStatus.DRAFT
    if current is not None and _nothing_changes(by_id, entries) and (already_submitted or not submit):
        return MonthSaved(submission=current, changed=0)
    confirmed = {
        row.project.pk: line.amount
        for line in lines
        if line.confirm and (row := rows.get(line.project_code)) is not None and line.amount is not None
    }
    try:
        return month_entries_save(
            unit=unit,
            year=year,
            month=month,
            entries=entries,
            submission_version=submission_version,
            actor=actor,
            confirmed=confirmed,
            submit=submit,
        )
    except EntriesInvalid as invalid:
        for project_id, messages in invalid.issues.errors.items():
            items += [_amount_item(row_of_project[project_id], by_id[project_id], m) for m in messages]
        for project_id, messages in invalid.issues.confirmations.items():
            confirm = "（确认无误请将该行 confirm 设为 true）"
            items += [
                _amount_item(row_of_project[project_id], by_id[project_id], m + confirm) for m in messages
            ]
        raise RowErrors("部分数据需要修改或确认，未保存任何数据。", items) from invalid


def _amount_item(row: int, line: GridRow, message: str) -> tuple[str, int, str]:
    return "amount", row, f"第{row}行（项目代码 {line.project.code}）「本月完成投资」：{message}"


def project_create(
    *, code: str, values: dict, annual_plan: Decimal | None, year: int, actor: User
) -> Project:
    """A new project through the project import's own service: the same checks, the code's among them."""
    code = code.strip()
    check_unit_edit(actor, values["reporting_unit"])
    if Project.objects.filter(code=code).exists():
        raise ProjectExists(f"项目代码「{code}」已存在，请用 PATCH 修改该项目。")
    _upsert(code=code, values=values, annual_plan=annual_plan, year=year, actor=actor)
    return Project.objects.get(code=code)


def project_update(
    *, project: Project, values: dict, annual_plan: Decimal | None, year: int, actor: User
) -> Project:
    """Change the given fields; moving a project to another 属地单位 needs the right to edit that unit too."""
    check_project_edit(actor, project)
    if "reporting_unit" in values:
        check_unit_edit(actor, values["reporting_unit"])
    _upsert(code=project.code, values=values, annual_plan=annual_plan, year=year, actor=actor)
    return Project.objects.get(pk=project.pk)


class ProjectExists(Exception):
    pass


def _upsert(*, code: str, values: dict, annual_plan: Decimal | None, year: int, actor: User) -> None:
    try:
        projects_upsert(
            rows=[ProjectInput(code=code, values=values, annual_plan=annual_plan)],
            year=year,
            actor=actor,
            reason="接口",
        )
    except RowsInvalid as invalid:
        messages = invalid.errors[0]
        raise RowErrors("；".join(messages), [(None, None, message) for message in messages]) from invalid
