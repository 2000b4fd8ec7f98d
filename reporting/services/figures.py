"""Official unit figures (统计局发布的单位累计数) entered or imported by the statistics reviewer."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction
from django.utils import timezone
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from accounts.models import User
from audit.models import AuditAction
from audit.services import changes_record
from common.periods import Period
from targets.models import Unit

from ..models import OfficialFigure
from ..selectors.figures import locked_unit_ids
from .submissions import SubmissionError


@dataclass(frozen=True)
class FigureInput:
    unit: Unit
    ytd_completed: Decimal
    baseline: Decimal | None


@dataclass(frozen=True)
class FiguresSaved:
    created: int
    updated: int


@transaction.atomic
def official_figures_save(
    *, period: Period, figures: Sequence[FigureInput], actor: User | None, reason: str
) -> FiguresSaved:
    """Create or change the units' figures for the period, all or none, each change in the history.

    A unit's figure for a period is frozen once its return for the period's last month is locked
    (the bulletin is out); changing it then needs the admin to unlock that return first.
    """
    locked = locked_unit_ids(period=period, unit_ids=[f.unit.pk for f in figures])
    if locked:
        names = "、".join(f.unit.name for f in figures if f.unit.pk in locked)
        raise SubmissionError(f"{period.label}已发布锁定，以下单位的数据不能修改：{names}")
    existing = {
        figure.unit_id: figure
        for figure in OfficialFigure.objects.select_for_update().filter(
            year=period.year, month=period.month, unit__in=[f.unit for f in figures]
        )
    }
    now = timezone.now()
    changed, created, audited_changes = [], [], []
    for entry in figures:
        figure = existing.get(entry.unit.pk)
        if figure is None or (figure.ytd_completed, figure.baseline) != (entry.ytd_completed, entry.baseline):
            before = None if figure is None else f"{figure.ytd_completed} / {figure.baseline}"
            after = f"{entry.ytd_completed} / {entry.baseline}"
            audited_changes.append(
                {"unit": entry.unit.name, "period": period.label, "before": before, "after": after}
            )
        if figure is None:
            created.append(
                OfficialFigure(
                    unit=entry.unit,
                    year=period.year,
                    month=period.month,
                    ytd_completed=entry.ytd_completed,
                    baseline=entry.baseline,
                    entered_by=actor,
                )
            )
        elif (figure.ytd_completed, figure.baseline) != (entry.ytd_completed, entry.baseline):
            figure.ytd_completed, figure.baseline = entry.ytd_completed, entry.baseline
            figure.entered_by, figure.updated_at = actor, now
            changed.append(figure)
    if changed:
        bulk_update_with_history(
            changed,
            OfficialFigure,
            fields=["ytd_completed", "baseline", "entered_by", "updated_at"],
            default_user=actor,
            default_change_reason=reason,
        )
    if created:
        bulk_create_with_history(created, OfficialFigure, default_user=actor, default_change_reason=reason)
    changes_record(
        action=AuditAction.FIGURE_CHANGE,
        actor=actor,
        changes=audited_changes,
        detail={"what": "本年累计完成 / 上年同期（万元）", "reason": reason},
    )
    return FiguresSaved(created=len(created), updated=len(changed))
