"""DESIGN.md rule 9, once published never changed, in one place.

Re-running any job for a period gives the same result: a draft becomes published only through
``publish_once`` (so two publishers racing cannot both publish it, and a second run does nothing),
every job asks ``period_is_published`` before it changes a period, and ``frozen_reason`` says which
records nobody may change any more, the admin site included (a published period's ranking,
escalations and bulletin; a locked month's returns, figures and project reports wait for an unlock
with a reason).
"""

from __future__ import annotations

from django.db.models import Model
from django.utils import timezone

from common.periods import Period
from projects.models import ProjectReport

from .choices import RunStatus, SubmissionStatus
from .models import (
    Assessment,
    AssessmentRow,
    Bulletin,
    Escalation,
    OfficialFigure,
    RankingRow,
    RankingRun,
    Submission,
    SubmissionEvent,
)


def publish_once(model: type[Model], pk: int, **fields) -> bool:
    """Turn the draft ``model`` row ``pk`` into published (stamped now, with ``fields``); False when
    it was published already. The conditional update claims the row, so exactly one caller wins."""
    return bool(
        model.objects.filter(pk=pk, status=RunStatus.DRAFT).update(
            status=RunStatus.PUBLISHED, published_at=timezone.now(), **fields
        )
    )


def period_is_published(period: Period) -> bool:
    """Whether the period's bulletin is out: from then on nothing about the period changes."""
    return Bulletin.objects.filter(year=period.year, month=period.month, status=RunStatus.PUBLISHED).exists()


def _month_locked(unit_id: int, year: int, month: int) -> bool:
    return Submission.objects.filter(
        unit_id=unit_id, year=year, month=month, status=SubmissionStatus.LOCKED
    ).exists()


def _period_published(scheme_id: int, year: int, month: int) -> bool:
    return RankingRun.objects.filter(
        scheme_id=scheme_id, year=year, month=month, status=RunStatus.PUBLISHED
    ).exists()


def frozen_reason(obj) -> str | None:
    """Why ``obj`` may not be changed or deleted now, or None when it may."""
    if isinstance(obj, RankingRun | Bulletin | Assessment) and obj.status == RunStatus.PUBLISHED:
        return "已发布，不能修改或删除"
    if isinstance(obj, RankingRow) and obj.run.status == RunStatus.PUBLISHED:
        return "所属排名已发布，不能修改或删除"
    if isinstance(obj, AssessmentRow) and obj.assessment.status == RunStatus.PUBLISHED:
        return "所属考评已发布，不能修改或删除"
    if isinstance(obj, Escalation) and _period_published(obj.scheme_id, obj.year, obj.month):
        return "该期排名已发布：约谈只能在约谈页面按流程办理"
    if isinstance(obj, Submission) and obj.status == SubmissionStatus.LOCKED:
        return "该月报送已锁定，须由管理员在报送页面说明原因后解锁"
    if isinstance(obj, SubmissionEvent):
        return "报送记录只能追加"
    if isinstance(obj, OfficialFigure) and _month_locked(obj.unit_id, obj.year, obj.month):
        return "该期已发布锁定"
    if isinstance(obj, ProjectReport) and _month_locked(obj.project.reporting_unit_id, obj.year, obj.month):
        return "该月报送已锁定"
    return None
