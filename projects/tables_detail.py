"""A project's page (``views.project.detail``): its lists as django-tables2 tables — the construction
milestones, the library's stage changes, the 退库 requests, the latest year's monthly reports and the
problems; never how rows are found. The key–value sheets above them (投资, 项目管家, 前期手续) stay
in the page's template."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import NamedTuple

import django_tables2 as tables
from django.template.defaultfilters import date as date_filter
from django.urls import reverse
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe
from django.utils.text import Truncator

from common.lists import BaseTable, DayColumn, WanColumn, local_minute

from .choices import MilestoneKind, ProblemStatus
from .models import ExitRequest, Milestone, Problem, ProjectReport, SitePhoto, StageChange

NOWRAP = {"td": {"class": "text-nowrap"}}
# The monthly figures: right-aligned as the page always drew them (no ``text-nowrap``, unlike ``RIGHT``).
FIGURE = {"td": {"class": "text-end"}, "th": {"class": "text-end"}}
# Photos shown in a month's cell; the others are counted ("+2").
MONTH_PHOTOS = 3
PROGRESS_CHARS = 40


class MilestoneRow(NamedTuple):
    """A node of the 进展台账: its kind, the project's milestone of that kind if any, and whether it
    is overdue (``selectors.warnings.overdue_milestones``)."""

    kind: MilestoneKind
    milestone: Milestone | None
    is_overdue: bool


class MonthRow(NamedTuple):
    """A monthly report of the project's latest reported year, its running total and the photos dated
    in its month."""

    report: ProjectReport
    ytd: Decimal
    photos: list[SitePhoto]


def _overdue(record: MilestoneRow | Problem) -> str:
    """An overdue node's or problem's row stands out in red."""
    return "table-danger" if record.is_overdue else ""


class MilestoneTable(BaseTable):
    """建设节点（进展台账）: every node kind, planned and actual dates, an overdue node's row in red with
    a 逾期 badge (the page's warning above counts the same nodes) and a reached one marked 已完成."""

    kind = tables.Column(verbose_name="节点", accessor="kind__label")
    planned_on = DayColumn("计划日期", accessor="milestone__planned_on", default="—")
    actual_on = DayColumn("实际日期", accessor="milestone__actual_on", default="—")
    status = tables.Column(verbose_name="", accessor="is_overdue", empty_values=())

    def render_status(self, record: MilestoneRow) -> str:
        if record.is_overdue:
            return mark_safe('<span class="badge bg-danger">逾期</span>')
        if record.milestone is not None and record.milestone.actual_on:
            return mark_safe('<span class="badge bg-success">已完成</span>')
        return ""

    class Meta(BaseTable.Meta):
        orderable = False
        attrs = {"class": "table table-sm mb-0"}
        row_attrs = {"class": _overdue}
        empty_text = "暂无建设节点。"


class StageChangeTable(BaseTable):
    """入库阶段变更记录: each move between libraries, who made and who approved it, and why (a 退库
    with its reason)."""

    changed_on = DayColumn("日期", attrs=NOWRAP, default="")
    change = tables.Column(verbose_name="变更", accessor="to_stage", attrs=NOWRAP)
    changed_by = tables.Column(verbose_name="操作人", default="—")
    approved_by = tables.Column(verbose_name="审批人", default="")
    reason = tables.Column(verbose_name="说明", accessor="pk")

    def render_change(self, record: StageChange) -> str:
        return f"{record.get_from_stage_display()} → {record.get_to_stage_display()}"

    def render_reason(self, record: StageChange) -> str:
        if record.exit_reason:
            return format_html("退库原因：{}。{}", record.get_exit_reason_display(), record.reason)
        return record.reason

    class Meta(BaseTable.Meta):
        orderable = False
        attrs = {"class": "table table-sm mb-0"}
        empty_text = "暂无变更记录。"


class ProjectExitRequestTable(BaseTable):
    """退库申请 of one project: reason, who asked and when, the status, and for a pending request the
    admin's 批准 and 不予批准 (each a form with its CSRF token that returns to ``next_path``,
    ``projects/_exit_decision.html``), else who decided and why. ``may_decide``: the viewer is an admin."""

    reason = tables.Column(verbose_name="原因")
    requested_by = tables.Column(verbose_name="申请人", accessor="pk")
    status = tables.Column(verbose_name="状态")

    def __init__(self, *args, may_decide: bool, next_path: str, **kwargs):
        decision = tables.TemplateColumn(
            template_name="projects/_exit_decision.html",
            verbose_name="审批",
            accessor="pk",
            extra_context={"may_decide": may_decide, "next_path": next_path},
        )
        super().__init__(*args, extra_columns=[("decision", decision)], **kwargs)

    def render_reason(self, record: ExitRequest) -> str:
        return format_html(
            '{}<div class="small text-muted">{}</div>', record.get_reason_display(), record.note
        )

    def render_requested_by(self, record: ExitRequest) -> str:
        return format_html(
            '{}<div class="small text-muted">{}</div>',
            record.requested_by or "—",
            local_minute(record.requested_at),
        )

    class Meta(BaseTable.Meta):
        orderable = False
        attrs = {"class": "table table-sm mb-0"}
        empty_text = "暂无退库申请。"


class MonthlyReportTable(BaseTable):
    """月度完成投资: each month of the latest reported year, its amount and running total in 万元, its
    形象进度 cut to 40 characters, and up to three thumbnails of the photos dated in it (the others
    counted)."""

    month = tables.Column(verbose_name="月份", accessor="report__month")
    amount = WanColumn("本月完成(万元)", accessor="report__amount", attrs=FIGURE)
    ytd = WanColumn("累计完成(万元)", accessor="ytd", attrs=FIGURE)
    progress = tables.Column(
        verbose_name="形象进度", accessor="report__progress", attrs={"td": {"class": "small"}}, default=""
    )
    photos = tables.Column(verbose_name="照片", accessor="photos", attrs=NOWRAP, empty_values=())

    def render_month(self, record: MonthRow) -> str:
        return f"{record.report.year}年{record.report.month}月"

    def render_progress(self, value: str) -> str:
        return Truncator(value).chars(PROGRESS_CHARS)

    def render_photos(self, value: list[SitePhoto]) -> str:
        thumbnails = format_html_join(
            "",
            '<a href="{}"><img class="photo-mini" src="{}" alt="{}现场照片" loading="lazy"></a>',
            (
                (
                    reverse("projects:photo_display", args=[photo.pk]),
                    reverse("projects:photo_thumbnail", args=[photo.pk]),
                    date_filter(photo.dated_on, "Y-m-d"),
                )
                for photo in value[:MONTH_PHOTOS]
            ),
        )
        if len(value) > MONTH_PHOTOS:
            return format_html(
                '{} <span class="small text-muted">+{}</span>', thumbnails, len(value) - MONTH_PHOTOS
            )
        return thumbnails

    class Meta(BaseTable.Meta):
        orderable = False
        attrs = {"class": "table table-sm figures mb-0"}
        empty_text = "尚无月报。"


class ProjectProblemTable(BaseTable):
    """问题台账 of one project (``selectors.warnings.problem_list``): an overdue problem's row in red
    with a 逾期 badge by its deadline; an open problem offers 修改 and 销号 to whoever may edit the
    project (``can_edit``)."""

    category = tables.Column(verbose_name="类别")
    description = tables.Column(verbose_name="问题描述", default="")
    owner_unit = tables.Column(verbose_name="责任单位", default="")
    deadline = tables.Column(verbose_name="办结时限", attrs=NOWRAP, default="")
    status = tables.Column(verbose_name="状态")
    resolution = tables.Column(verbose_name="解决情况", accessor="pk")

    def __init__(self, *args, can_edit: bool, **kwargs):
        self.can_edit = can_edit
        super().__init__(*args, **kwargs)

    def render_deadline(self, value: date, record: Problem) -> str:
        if record.is_overdue:
            return format_html('{} <span class="badge bg-danger">逾期</span>', date_filter(value, "Y-m-d"))
        return date_filter(value, "Y-m-d")

    def render_status(self, record: Problem) -> str:
        if record.closed_on:
            return f"{record.get_status_display()}（{date_filter(record.closed_on, 'Y-m-d')}）"
        return record.get_status_display()

    def render_resolution(self, record: Problem) -> str:
        if not self.can_edit or record.status == ProblemStatus.CLOSED:
            return record.resolution
        return format_html(
            '{} <span class="d-print-none"><a href="{}">修改</a> · <a href="{}">销号</a></span>',
            record.resolution,
            reverse("projects:problem_edit", args=[record.pk]),
            reverse("projects:problem_close", args=[record.pk]),
        )

    class Meta(BaseTable.Meta):
        orderable = False
        attrs = {"class": "table table-sm mb-0"}
        row_attrs = {"class": _overdue}
        empty_text = "暂无问题。"
