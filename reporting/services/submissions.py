"""A unit's monthly return: 草稿 → 已报送 → 负责人已审批 → 已审核 → 已锁定, and unlocking.

Every move is a conditional ``update()`` on the expected status (and, for edits, the version the
user saw), so of two people acting at once the second is told the state has changed instead of
overwriting the first. Every move writes a SubmissionEvent: who, when, from, to and why.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, connection, transaction
from django.db.models import Exists, F, OuterRef
from django.utils import timezone

from accounts.models import User
from accounts.permissions import can_approve_unit, has_any_role
from accounts.roles import Role
from audit.models import AuditAction
from audit.services import audited
from common import clock
from common.errors import StaleEditError, SubmissionError
from common.periods import Period
from projects.models import ProjectReport
from targets.models import Unit

from ..choices import SubmissionStatus
from ..models import Submission, SubmissionEvent
from ..selectors.monthly import month_projects
from ..selectors.periods import reporting_month
from .notifications import submission_handover_notify

MISSING_NAMES_SHOWN = 10
_MOVE_NAMES = {
    SubmissionStatus.DRAFT: "退回或解锁",
    SubmissionStatus.SUBMITTED: "报送",
    SubmissionStatus.APPROVED: "审批",
    SubmissionStatus.VERIFIED: "审核",
    SubmissionStatus.LOCKED: "锁定",
}


def submission_is_late(*, submitted_on: date, deadline: date) -> bool:
    """逾期报送: a return submitted after its deadline day is late, and stays marked late."""
    return submitted_on > deadline


def submission_claim_for_edit(
    *, unit: Unit, year: int, month: int, expected_version: int | None
) -> Submission:
    """Claim the unit's month for a write, inside the caller's transaction.

    ``expected_version`` is the return's version the user's page was rendered with (None: there
    was no return yet). The claim bumps the version, so whoever saves second with the same page
    is told to reload; on PostgreSQL the second writer waits on the row until the first commits.
    """
    if expected_version is None:
        try:
            with transaction.atomic():
                return Submission.objects.create(unit=unit, year=year, month=month)
        except IntegrityError:
            _raise_not_editable(unit=unit, year=year, month=month)
    claimed = _draft_claim(unit=unit, year=year, month=month, expected_version=expected_version)
    if claimed is None:
        _raise_not_editable(unit=unit, year=year, month=month)
    return claimed


def _draft_claim(*, unit: Unit, year: int, month: int, expected_version: int) -> Submission | None:
    """The draft with its version bumped, read back by the same ``UPDATE … RETURNING`` (a save at
    month-end makes one statement of what ``update()`` and ``get()`` made two); None when the
    month is no longer a draft at that version."""
    table, meta = connection.ops.quote_name, Submission._meta
    column = {
        name: table(meta.get_field(name).column)
        for name in ("unit", "year", "month", "version", "status", "updated_at")
    }
    returned = ", ".join(table(field.column) for field in meta.concrete_fields)
    updated_at = meta.get_field("updated_at").get_db_prep_save(timezone.now(), connection)
    claimed = Submission.objects.raw(
        f"UPDATE {table(meta.db_table)} SET {column['version']} = {column['version']} + 1, "
        f"{column['updated_at']} = %s WHERE {column['unit']} = %s AND {column['year']} = %s "
        f"AND {column['month']} = %s AND {column['version']} = %s AND {column['status']} = %s "
        f"RETURNING {returned}",
        [updated_at, unit.pk, year, month, expected_version, SubmissionStatus.DRAFT.value],
    )
    return next(iter(claimed), None)


def _raise_not_editable(*, unit: Unit, year: int, month: int) -> None:
    current = Submission.objects.filter(unit=unit, year=year, month=month).first()
    if current is not None and current.status != SubmissionStatus.DRAFT:
        raise SubmissionError(
            f"{unit.name}{year}年{month}月的报送状态为「{current.get_status_display()}」，不能修改。"
            + ("如确需修改，请联系管理员解锁。" if current.status == SubmissionStatus.LOCKED else "")
        )
    raise StaleEditError()


def submissions_claim_for_import(*, units: Iterable[Unit], year: int, month: int) -> None:
    """Claim each unit's month for a bulk write: it must be a draft (or have no return yet).

    Bumping the versions makes any grid rendered before the import refuse to save over it.
    """
    units = list(units)
    existing = {s.unit_id: s for s in Submission.objects.filter(unit__in=units, year=year, month=month)}
    closed = [s for s in existing.values() if s.status != SubmissionStatus.DRAFT]
    if closed:
        names = "、".join(f"{s.unit.name}（{s.get_status_display()}）" for s in closed)
        raise SubmissionError(f"以下单位{year}年{month}月已报送或已锁定，不能导入：{names}")
    try:
        with transaction.atomic():
            Submission.objects.bulk_create(
                [Submission(unit=unit, year=year, month=month) for unit in units if unit.pk not in existing]
            )
    except IntegrityError as exc:  # someone started one of these months meanwhile
        raise StaleEditError("导入期间报送状态发生了变化，请重新导入。") from exc
    claimed = Submission.objects.filter(
        pk__in=[s.pk for s in existing.values()], status=SubmissionStatus.DRAFT
    ).update(version=F("version") + 1, updated_at=timezone.now())
    if claimed != len(existing):
        raise StaleEditError("导入期间报送状态发生了变化，请重新导入。")


def _move(
    submission: Submission,
    *,
    from_statuses: tuple[SubmissionStatus, ...],
    to: SubmissionStatus,
    actor: User,
    reason: str = "",
    **fields,
) -> Submission:
    """The one way a return changes state: a conditional update on its current status, logged."""
    before = submission.status
    if before not in from_statuses:
        raise SubmissionError(f"报送状态为「{submission.get_status_display()}」，不能{_MOVE_NAMES[to]}。")
    # Conditional on the status the user saw: if someone moved it meanwhile, nothing happens.
    moved = Submission.objects.filter(pk=submission.pk, status=before).update(
        status=to, version=F("version") + 1, updated_at=timezone.now(), **fields
    )
    if not moved:
        raise SubmissionError("报送状态已发生变化，请刷新页面后重试。")
    event = SubmissionEvent.objects.create(
        submission=submission, from_status=before, to_status=to, actor=actor, reason=reason
    )
    submission.refresh_from_db()
    submission_handover_notify(event=event)
    return submission


def missing_project_names(*, submission: Submission) -> list[str]:
    reported = ProjectReport.objects.filter(
        project=OuterRef("pk"), year=submission.year, month=submission.month
    )
    projects = month_projects(unit=submission.unit_id, year=submission.year, month=submission.month)
    return list(projects.exclude(Exists(reported)).order_by("name").values_list("name", flat=True))


@transaction.atomic
def submission_submit(*, submission: Submission, actor: User, now: datetime | None = None) -> Submission:
    """报送: every project of the month must have its figure (0 when nothing was invested)."""
    missing = missing_project_names(submission=submission)
    if missing:
        shown = "、".join(missing[:MISSING_NAMES_SHOWN])
        more = f"等 {len(missing)} 个项目" if len(missing) > MISSING_NAMES_SHOWN else ""
        raise SubmissionError(f"以下项目尚未填报本月完成投资（本月无投资请填 0）：{shown}{more}")
    deadline = reporting_month(year=submission.year, month=submission.month).deadline
    # Lateness is a business judgement, on the one clock; the timestamp stays the real time.
    submitted_on = clock.today() if now is None else timezone.localdate(now)
    now = now or timezone.now()
    late = submission_is_late(submitted_on=submitted_on, deadline=deadline)
    return _move(
        submission,
        from_statuses=(SubmissionStatus.DRAFT,),
        to=SubmissionStatus.SUBMITTED,
        actor=actor,
        reason=f"逾期报送（截止日 {deadline:%Y-%m-%d}）" if late else "",
        submitted_at=now,
        # Once late, always late: a return sent back and submitted again on time keeps its mark.
        **({"is_late": True} if late else {}),
    )


def submission_approve(*, submission: Submission, actor: User) -> Submission:
    """单位负责人审批: only the unit's own head."""
    if not can_approve_unit(actor, submission.unit_id):
        raise PermissionDenied("只有本单位负责人可以审批本单位的报送。")
    return _move(
        submission, from_statuses=(SubmissionStatus.SUBMITTED,), to=SubmissionStatus.APPROVED, actor=actor
    )


def submission_verify(*, submission: Submission, actor: User) -> Submission:
    """统计审核: the statistics reviewer verifies a return its unit head has approved."""
    if not has_any_role(actor, (Role.REVIEWER,)):
        raise PermissionDenied("只有统计审核人员可以审核报送。")
    return _move(
        submission, from_statuses=(SubmissionStatus.APPROVED,), to=SubmissionStatus.VERIFIED, actor=actor
    )


def submission_return(*, submission: Submission, actor: User, reason: str) -> Submission:
    """退回: the unit head sends back a submitted return, the reviewer an approved or verified one."""
    reason = reason.strip()
    if not reason:
        raise SubmissionError("退回必须填写原因。")
    from_statuses: tuple[SubmissionStatus, ...] = ()
    if can_approve_unit(actor, submission.unit_id):
        from_statuses += (SubmissionStatus.SUBMITTED,)
    if has_any_role(actor, (Role.REVIEWER,)):
        from_statuses += (SubmissionStatus.APPROVED, SubmissionStatus.VERIFIED)
    if not from_statuses:
        raise PermissionDenied("只有本单位负责人或统计审核人员可以退回报送。")
    return _move(
        submission, from_statuses=from_statuses, to=SubmissionStatus.DRAFT, actor=actor, reason=reason
    )


def submission_lock(*, submission: Submission, actor: User) -> Submission:
    """Lock one verified return again after an unlock: its period's bulletin is already out."""
    if not has_any_role(actor, (Role.ADMIN,)):
        raise PermissionDenied("只有管理员可以锁定报送。")
    return _move(
        submission,
        from_statuses=(SubmissionStatus.VERIFIED,),
        to=SubmissionStatus.LOCKED,
        actor=actor,
        reason="解锁修改后重新锁定",
    )


@audited(AuditAction.UNLOCK, obj_kwarg="submission")
def submission_unlock(*, submission: Submission, actor: User, reason: str) -> Submission:
    """解锁: only an admin, only with a reason; the return goes back to draft and the reason is kept."""
    if not has_any_role(actor, (Role.ADMIN,)):
        raise PermissionDenied("只有管理员可以解锁已锁定的报送。")
    reason = reason.strip()
    if not reason:
        raise SubmissionError("解锁必须填写原因。")
    return _move(
        submission,
        from_statuses=(SubmissionStatus.LOCKED,),
        to=SubmissionStatus.DRAFT,
        actor=actor,
        reason=reason,
    )


@transaction.atomic
def submissions_lock_period(*, year: int, month: int, actor: User | None) -> int:
    """Publishing period 1–``month`` locks every return of months 1..month of the year.

    A unit that never submitted is locked too (its return is created locked): publication closes
    the months for everyone, and changing them afterwards needs an admin's unlock. Returns how
    many returns were locked now; running it again locks nothing more.
    """
    period = Period(year, month)
    months = range(1, period.month + 1)
    existing = set(Submission.objects.filter(year=year, month__in=months).values_list("unit_id", "month"))
    Submission.objects.bulk_create(
        [
            Submission(unit_id=unit_id, year=year, month=m)
            for unit_id in Unit.objects.filter(is_active=True).values_list("pk", flat=True)
            for m in months
            if (unit_id, m) not in existing
        ],
        # A return started meanwhile is locked with the others below.
        ignore_conflicts=True,
    )
    to_lock = list(
        Submission.objects.select_for_update()
        .filter(year=year, month__in=months)
        .exclude(status=SubmissionStatus.LOCKED)
        .only("pk", "status")
    )
    locked = Submission.objects.filter(pk__in=[s.pk for s in to_lock]).update(
        status=SubmissionStatus.LOCKED, version=F("version") + 1, updated_at=timezone.now()
    )
    SubmissionEvent.objects.bulk_create(
        [
            SubmissionEvent(
                submission_id=s.pk,
                from_status=s.status,
                to_status=SubmissionStatus.LOCKED,
                actor=actor,
                reason=f"{period.label}通报发布，锁定",
            )
            for s in to_lock
        ]
    )
    return locked
