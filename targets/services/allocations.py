"""Writes to plan years, allocation tables and targets from the pages: the grid's save and the plan
year's total.

Every change to a target keeps its old version (django-simple-history) with who, when and why;
all rows changed by one save share one history date, which is how the grid's history section tells
one version from the next.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from audit.models import AuditAction
from audit.services import audit_record, changes_record
from common.figures import format_wan

from ..models import AllocationTable, PlanYear, Target, Unit
from ..rules import balanced_table_refusal
from ..selectors import AllocationBalance, TableLine, allocation_balance, plan_year_table_lines

if TYPE_CHECKING:
    from accounts.models import User

REASON_MAX_LENGTH = 100  # simple-history's change reason column
MSG_REASON_REQUIRED = "该分解表已有数据，修改前请填写变更原因"


def history_stamp(instance, *, reason: str, actor: User | None, when) -> None:
    """What simple-history records with the next save or delete of ``instance``."""
    instance._change_reason = reason[:REASON_MAX_LENGTH]
    instance._history_user = actor
    instance._history_date = when


@dataclass(frozen=True)
class AllocationSaved:
    changed: int
    balance: AllocationBalance


MSG_STALE_TABLE = "该分解表已被他人修改，请刷新页面，在最新数据上重新填写后再保存。"


def allocation_table_save(
    *,
    table: AllocationTable,
    values: Mapping[int, Decimal],
    reason: str,
    actor: User | None = None,
    expected_version: int | None = None,
) -> AllocationSaved:
    """Set the targets of ``table`` to ``values`` (unit id → 万元); units not named keep theirs.

    A table that already had values needs a reason for any change. Rule 12: a change that leaves
    the rows not adding up to the plan total is refused, with nothing saved.
    ``expected_version`` is the table's version the page showed: a save based on an older one is
    refused (a conditional update, as the month grid does), so it cannot undo a colleague's change.
    """
    reason = reason.strip()
    with transaction.atomic():
        # Locked, so the plan total cannot change while this save is checked against it.
        plan_year = PlanYear.objects.select_for_update().get(pk=table.plan_year_id)
        # Locked, so a colleague saving the same table at the same moment waits for this save.
        existing = {
            target.unit_id: target for target in Target.objects.select_for_update().filter(table=table)
        }
        changed: list[Target] = []
        audited_changes: list[dict] = []
        next_order = max((target.sort_order for target in existing.values()), default=0)
        for unit_id, value in values.items():
            target = existing.get(unit_id)
            if target is None:
                next_order += 1
                changed.append(Target(table=table, unit_id=unit_id, value=value, sort_order=next_order))
                audited_changes.append({"unit_id": unit_id, "before": None, "after": value})
            elif target.value != value:
                audited_changes.append({"unit_id": unit_id, "before": target.value, "after": value})
                target.value = value
                changed.append(target)
        if changed and existing and not reason:
            raise ValidationError({"reason": MSG_REASON_REQUIRED})
        if changed:
            row_sum = sum((target.value for target in existing.values()), Decimal(0)) + sum(
                (target.value for target in changed if target.pk is None), Decimal(0)
            )
            refusal = balanced_table_refusal(
                year=plan_year.year,
                table_name=table.name,
                row_sum=row_sum,
                plan_total=plan_year.total_for(table.indicator.code),
            )
            if refusal:
                raise ValidationError(refusal)
        claim = AllocationTable.objects.filter(pk=table.pk)
        if expected_version is not None:
            claim = claim.filter(version=expected_version)
        if changed and not claim.update(version=F("version") + 1):
            raise ValidationError(MSG_STALE_TABLE, code="stale")
        now = timezone.now()
        for target in changed:
            target.full_clean()
            history_stamp(target, reason=reason or "录入分解表", actor=actor, when=now)
            target.save()
        names = dict(
            Unit.objects.filter(pk__in=[c["unit_id"] for c in audited_changes]).values_list("pk", "name")
        )
        for change in audited_changes:
            change["unit"] = names.get(change["unit_id"])
        changes_record(
            action=AuditAction.TARGET_CHANGE,
            obj=table,
            actor=actor,
            changes=audited_changes,
            detail={"reason": reason},
        )
    return AllocationSaved(changed=len(changed), balance=allocation_balance(table))


def balance_summary(balance: AllocationBalance) -> str:
    """The allocation rule's verdict in words, as the grid and the import report it."""
    text = f"各行合计 {format_wan(balance.row_sum)} 万元"
    if balance.plan_total is None:
        return text + "。"
    text += (
        f"，年度计划总量 {format_wan(balance.plan_total)} 万元，差额 {format_wan(balance.difference)} 万元"
    )
    return text + ("（平衡）。" if balance.is_balanced else "（不平衡）。")


@dataclass(frozen=True)
class PlanTotalChanged:
    plan_year: PlanYear
    old_total: Decimal
    unbalanced: list[TableLine]  # the year's tables whose rows no longer add up to the new total


def plan_year_total_change(
    *, plan_year: PlanYear, fai_target: Decimal, reason: str, actor: User | None = None
) -> PlanTotalChanged:
    """Change a year's FAI total: rule 12's separate, audited admin action.

    The year's tables are left as they are: those that no longer add up show their difference, and
    their next save (grid or import) must match the new total.
    """
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": "修改年度计划总量须填写原因"})
    with transaction.atomic():
        plan_year = PlanYear.objects.select_for_update().get(pk=plan_year.pk)
        old_total = plan_year.fai_target
        if fai_target == old_total:
            current = format_wan(old_total, 2, decimals_if_any=True)
            unchanged = f"与{plan_year.year}年度当前的投资目标 {current} 万元相同，未作修改"
            raise ValidationError({"fai_target": unchanged})
        plan_year.fai_target = fai_target
        plan_year.full_clean()
        history_stamp(plan_year, reason=reason, actor=actor, when=timezone.now())
        plan_year.save()
        audit_record(
            action=AuditAction.PLAN_CHANGE,
            obj=plan_year,
            actor=actor,
            detail={"field": "fai_target", "old": str(old_total), "new": str(fai_target), "reason": reason},
        )
    return PlanTotalChanged(
        plan_year=plan_year,
        old_total=old_total,
        unbalanced=[line for line in plan_year_table_lines(plan_year.pk) if not line.balance.is_balanced],
    )
