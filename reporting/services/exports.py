"""Background exports: files too large to build within a request, written by a Celery job.

The request records what was asked for (the project list's filter) with ``export_create`` and enqueues
``reporting.tasks.run_export``; the job claims the row with ``export_run``, streams the file through a
streamed workbook (``common.spreadsheets.StreamedWorkbook``), so memory stays flat however many rows
there are, and reports its progress on the row for the page to poll.
"""

from __future__ import annotations

import logging
import tempfile
from collections.abc import Callable, Iterator
from datetime import timedelta
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files import File
from django.db.models import Q, QuerySet
from django.utils import timezone

from accounts.models import User
from common.lists import PLACING, job_request
from common.spreadsheets import OutColumn, StreamedWorkbook, stream_table, streamed_sheet
from common.tasks import TaskQueueUnavailable, task_enqueue
from projects.access import readable_projects
from projects.filtersets import ProjectFilterSet
from projects.listing import PROJECT_LIST
from projects.models import ProjectReport

from ..models import Export, ExportKind, ExportStatus

logger = logging.getLogger(__name__)

# How often the job writes its progress: often enough for a smooth bar, rarely enough to cost nothing.
PROGRESS_EVERY = 500
ITERATOR_CHUNK = 2000
LEDGER_SHEET = "项目进展台账"

# The project list's filters, a unit asked about once (属地单位 or 责任局办), and the boards' 项目管家.
LEDGER_FILTERS = (
    "q",
    "stage",
    "level",
    "field",
    "tag",
    "unit",
    "steward",
    "steward_missing",
    "is_registered",
    "missing_registration",
    "investment_min",
    "investment_max",
    "code_region",
)
LEDGER_COLUMNS = (
    OutColumn("项目代码", "code", width=28),
    OutColumn("项目名称", "name", width=40),
    OutColumn("属地单位", "reporting_unit", width=16),
    OutColumn("责任局办", "responsible_unit", width=20),
    OutColumn("所在库", "stage", width=8),
    OutColumn("年度", "year", "label", width=8),
    OutColumn("月份", "month", "label", width=6),
    OutColumn("本月完成投资(万元)", "amount", "money", decimals=2, width=20),
    OutColumn("形象进度", "progress", width=40),
    OutColumn("存在问题", "problems", width=40),
)


def export_create(*, kind: ExportKind, params: dict[str, str], actor: User) -> Export:
    export = Export(kind=kind, params=params, requested_by=actor)
    export.full_clean()
    export.save()
    return export


def ledger_filterset(*, actor: User, params) -> ProjectFilterSet:
    """The projects' one FilterSet, offering ``LEDGER_FILTERS``, over the projects ``actor`` may read."""
    return ProjectFilterSet(
        params,
        queryset=readable_projects(actor),
        request=job_request(actor=actor, params=params),
        offered=LEDGER_FILTERS,
    )


def ledger_filter_params(filterset: ProjectFilterSet) -> dict[str, str]:
    """The filters the user set on the project list, as the strings the FilterSet reads back."""
    return {name: filterset.data[name] for name in filterset.filters if filterset.data.get(name)}


def list_params(query) -> dict[str, str]:
    """A list page's query parameters as an export keeps them: what filters and sorts it, not where
    the page stood."""
    return {name: value for name, value in query.items() if name not in PLACING and value}


def ledger_reports(*, actor: User, params: dict[str, str]) -> QuerySet[ProjectReport]:
    """Every monthly report of the projects the project list would show ``actor`` with ``params``."""
    filterset = ledger_filterset(actor=actor, params=params)
    return (
        ProjectReport.objects.filter(project__in=filterset.qs.values("pk"))
        .select_related("project", "project__reporting_unit", "project__responsible_unit")
        .order_by("project__reporting_unit__sort_order", "project__name", "project_id", "year", "month")
    )


def ledger_write(
    *, reports: QuerySet[ProjectReport], path: Path, on_progress: Callable[[int], None] | None = None
) -> int:
    """Write the ledger to ``path`` through a streamed workbook; return the number of rows."""
    workbook = StreamedWorkbook()
    sheet = streamed_sheet(workbook, LEDGER_SHEET)
    count = stream_table(
        sheet,
        title=f"{settings.DEPLOYMENT_NAME}项目进展台账",
        columns=LEDGER_COLUMNS,
        rows=_ledger_rows(reports, on_progress),
    )
    workbook.save(path)
    return count


def _ledger_rows(
    reports: QuerySet[ProjectReport], on_progress: Callable[[int], None] | None
) -> Iterator[dict[str, object]]:
    for index, report in enumerate(reports.iterator(chunk_size=ITERATOR_CHUNK), start=1):
        project = report.project
        yield {
            "code": project.code,
            "name": project.name,
            "reporting_unit": project.reporting_unit.name,
            "responsible_unit": project.responsible_unit.name,
            "stage": project.get_stage_display(),
            "year": report.year,
            "month": report.month,
            "amount": report.amount,
            "progress": report.progress,
            "problems": report.problems,
        }
        if on_progress is not None and index % PROGRESS_EVERY == 0:
            on_progress(index)


def export_enqueue(*, export: Export, task) -> bool:
    """Hand the export to the worker as ``task`` (``reporting.tasks.run_export``, which the caller
    passes: tasks call services, never the reverse). With the broker down the export is marked
    failed at once with the reason (nothing is left 排队中 for ever) and False is returned."""
    try:
        task_enqueue(task, export.pk)
    except TaskQueueUnavailable as error:
        Export.objects.filter(pk=export.pk, status=ExportStatus.QUEUED).update(
            status=ExportStatus.FAILED, error=str(error), finished_at=timezone.now()
        )
        return False
    return True


def export_rerun(*, export: Export, actor: User) -> Export:
    """A new export of the same content for a failed one (its file never came)."""
    if export.status != ExportStatus.FAILED:
        raise ValidationError("只有失败的导出可以重新生成。")
    return export_create(kind=export.kind, params=export.params, actor=actor)


def exports_expire_stale(*, now=None, export_id: int | None = None) -> int:
    """Exports still 排队中 or 生成中 EXPORT_TIMEOUT_MINUTES after they were asked for or started
    are marked failed: their worker died or their message was lost. Returns how many."""
    cutoff = (now or timezone.now()) - timedelta(minutes=settings.EXPORT_TIMEOUT_MINUTES)
    stale = Export.objects.filter(
        Q(status=ExportStatus.QUEUED, created_at__lt=cutoff)
        | Q(status=ExportStatus.RUNNING, started_at__lt=cutoff)
    )
    if export_id is not None:
        stale = stale.filter(pk=export_id)
    message = f"导出超时：{settings.EXPORT_TIMEOUT_MINUTES} 分钟内未完成（后台任务可能已中断），请重新生成。"
    return stale.update(status=ExportStatus.FAILED, error=message, finished_at=now or timezone.now())


def _project_list_run(export: Export, rows: QuerySet[Export]) -> bool:
    """项目清单 as its page showed it to the requester: the page's own declaration rebuilds its
    FilterSet from the stored query parameters and writes the table's columns."""
    try:
        with tempfile.TemporaryDirectory() as directory:
            path = Path(directory) / "list.xlsx"
            count = PROJECT_LIST.export_write(path, actor=export.requested_by, params=export.params)
            with path.open("rb") as handle:
                export.file.save(f"list-{export.pk}.xlsx", File(handle), save=False)
    except Exception as error:  # the page must say it failed, whatever the cause
        logger.exception("export %s failed", export.pk)
        rows.filter(status=ExportStatus.RUNNING).update(
            status=ExportStatus.FAILED, error=str(error)[:1000], finished_at=timezone.now()
        )
        return False
    done = rows.filter(status=ExportStatus.RUNNING).update(
        status=ExportStatus.DONE,
        progress=100,
        total_rows=count,
        file=export.file.name,
        finished_at=timezone.now(),
    )
    return bool(done)


def export_run(*, export_id: int) -> bool:
    """Build the export's file. False when another run has claimed it (a task delivered twice)."""
    claimed = Export.objects.filter(pk=export_id, status=ExportStatus.QUEUED).update(
        status=ExportStatus.RUNNING, started_at=timezone.now()
    )
    if not claimed:
        return False
    export = Export.objects.select_related("requested_by").get(pk=export_id)
    rows = Export.objects.filter(pk=export_id)
    if export.kind == ExportKind.PROJECT_LIST:
        return _project_list_run(export, rows)
    try:
        reports = ledger_reports(actor=export.requested_by, params=export.params)
        total = reports.count()
        rows.update(total_rows=total)

        def on_progress(done: int) -> None:
            rows.update(progress=min(99, done * 100 // max(total, 1)))

        with tempfile.TemporaryDirectory() as directory:
            path = Path(directory) / "ledger.xlsx"
            ledger_write(reports=reports, path=path, on_progress=on_progress)
            with path.open("rb") as handle:
                export.file.save(f"ledger-{export.pk}.xlsx", File(handle), save=False)
    except Exception as error:  # the page must say it failed, whatever the cause
        logger.exception("export %s failed", export_id)
        rows.filter(status=ExportStatus.RUNNING).update(
            status=ExportStatus.FAILED, error=str(error)[:1000], finished_at=timezone.now()
        )
        return False
    # Only a run still 生成中: one marked failed meanwhile as stale stays failed (it was rerun).
    done = rows.filter(status=ExportStatus.RUNNING).update(
        status=ExportStatus.DONE, progress=100, file=export.file.name, finished_at=timezone.now()
    )
    return bool(done)
