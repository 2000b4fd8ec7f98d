"""The monthly bulletin (通报): built from the period's rankings, published once, then kept as it was.

Before publication a bulletin is a draft built on demand (ranking the period first if nobody has yet)
and says 草稿 on every sheet. Publishing the period stores its workbook and Word document in a
``Bulletin``; from then on those stored files are what everybody downloads, byte for byte.
"""

from __future__ import annotations

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from openpyxl import Workbook

from accounts.models import User
from common import clock
from common.periods import Period
from common.spreadsheets import workbook_response_bytes
from targets.models import PlanYear

from ..choices import RunStatus
from ..freeze import publish_once
from ..models import Bulletin, BulletinLetterhead
from ..selectors.assessments import award_tables, year_awards
from ..selectors.bulletins import bulletin_escalations, bulletin_runs, key_projects
from ..selectors.rankings import active_schemes, scheme_without_figures
from .content import (
    NO_DATA,
    NOT_YET_RANKED,
    BulletinContent,
    Letterhead,
    QuietGroup,
    award_lines,
    escalation_lines,
    group_table,
    key_project_lines,
)
from .document import document_write
from .workbook import workbook_write


class BulletinError(ValueError):
    pass


def bulletin_content(*, period: Period) -> BulletinContent:
    """Everything the bulletin says about the period, read from its rankings; it ranks nothing.

    An active scheme without a run says 本期无数据 when none of its units has a figure (rule 11),
    and 尚未计算排名 on a draft whose period has not been ranked yet.
    """
    runs = bulletin_runs(period=period)
    ranked = {run.scheme_id for run in runs}
    quiet = tuple(
        QuietGroup(
            scheme=scheme.name,
            group=scheme.group.name,
            note=NO_DATA if scheme_without_figures(scheme=scheme, period=period) else NOT_YET_RANKED,
        )
        for scheme in active_schemes()
        if scheme.pk not in ranked
    )
    return BulletinContent(
        period=period,
        deployment=settings.DEPLOYMENT_NAME,
        is_draft=not runs or not all(run.is_published for run in runs),
        groups=tuple(group_table(run, period) for run in runs),
        quiet_groups=quiet,
        escalations=escalation_lines(bulletin_escalations(period=period)),
        key_projects=key_project_lines(key_projects(period=period)),
        letterhead=bulletin_letterhead(period=period),
        plan_target=PlanYear.objects.filter(year=period.year).values_list("fai_target", flat=True).first(),
        awards=award_lines(award_tables(year_awards(year=period.year))) if period.month == 12 else (),
    )


def bulletin_letterhead(*, period: Period) -> Letterhead:
    """The deployment's 发文机关 and 文号 pattern (set by the lead office), dated today: the day a
    period is published is its 通报's 成文日期."""
    setting = BulletinLetterhead.objects.filter(pk=1).first() or BulletinLetterhead()
    authority = setting.issuing_authority or settings.DEPLOYMENT_NAME
    return Letterhead(
        issuing_authority=authority,
        number=setting.number_pattern.format(year=period.year, month=period.month),
        signatory=setting.signatory or authority,
        issued_on=clock.today(),
    )


def bulletin_workbook(*, period: Period) -> Workbook:
    return workbook_write(bulletin_content(period=period))


def bulletin_document(*, period: Period) -> bytes:
    return document_write(bulletin_content(period=period))


def bulletin_download_name(*, period: Period, extension: str, draft: bool) -> str:
    title = f"{settings.DEPLOYMENT_NAME}固定资产投资完成情况通报（{period.label}）"
    return f"{title}（草稿）.{extension}" if draft else f"{title}.{extension}"


def published_bulletin(*, period: Period) -> Bulletin | None:
    return Bulletin.objects.filter(year=period.year, month=period.month, status=RunStatus.PUBLISHED).first()


def bulletin_publish(*, period: Period, actor: User | None = None) -> bool:
    """Store the period's workbook and document once. False when the bulletin was already published.

    The files are built before the claim so the lock is held only for the writes; the conditional
    update then lets exactly one publisher store them, and nobody rewrites them afterwards.
    """
    if published_bulletin(period=period) is not None:
        return False
    content = bulletin_content(period=period)
    if content.is_draft or any(quiet.note != NO_DATA for quiet in content.quiet_groups):
        raise BulletinError(f"{period.label}排名尚未全部发布，不能发布通报。")
    workbook = workbook_response_bytes(workbook_write(content))
    document = document_write(content)
    with transaction.atomic():
        bulletin, _ = Bulletin.objects.get_or_create(year=period.year, month=period.month)
        if not publish_once(Bulletin, bulletin.pk, published_by=actor):
            return False
        bulletin.workbook.save(f"bulletin-{period}.xlsx", ContentFile(workbook), save=False)
        bulletin.document.save(f"bulletin-{period}.docx", ContentFile(document), save=False)
        Bulletin.objects.filter(pk=bulletin.pk).update(
            workbook=bulletin.workbook.name, document=bulletin.document.name
        )
    return True
