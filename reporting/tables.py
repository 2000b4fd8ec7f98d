"""The reporting lists as django-tables2 tables: what each row shows, never how rows are found."""

from __future__ import annotations

import django_tables2 as tables
from django.urls import reverse
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe

from common.figures import EMPTY, format_wan
from common.lists import (
    RIGHT,
    SCREEN_ONLY,
    BaseTable,
    HeaderGroup,
    MinuteColumn,
    PctColumn,
    WanColumn,
    local_minute,
    muted,
)
from targets.models import Unit

from .choices import SubmissionStatus
from .models import (
    Bulletin,
    Export,
    ExportStatus,
    Submission,
    SubmissionEvent,
)
from .selectors.figures import FigureRow, FiguresPage
from .selectors.forecasts import ForecastRow
from .selectors.history import FieldChange
from .selectors.periods import ReportingMonth


def month_submission(unit: Unit) -> Submission | None:
    """The unit's return for the board's month (``submission_board`` prefetches none or one)."""
    return unit.month_submissions[0] if unit.month_submissions else None


def is_draft(unit: Unit) -> bool:
    return unit.submission_status in (None, SubmissionStatus.DRAFT)


class SubmissionBoardTable(BaseTable):
    """报送情况: one line per unit for the month (``submission_board``), late returns marked, with
    the next move for the reviewer or the admin. The month, whether it is overdue and who looks are
    the table's: its cell templates read them as ``table.month`` and so on."""

    unit = tables.Column(verbose_name="单位", accessor="name", orderable=False)
    projects = tables.Column(verbose_name="应填项目", attrs=RIGHT, orderable=False)
    reported = tables.Column(verbose_name="已填项目", attrs=RIGHT, orderable=False)
    status = tables.TemplateColumn(
        verbose_name="状态",
        accessor="submission_status",
        template_name="reporting/_board_status_cell.html",
        orderable=False,
    )
    submitted_at = tables.Column(
        verbose_name="报送时间", accessor="pk", orderable=False, attrs={"td": {"class": "text-nowrap"}}
    )
    actions = tables.TemplateColumn(
        verbose_name="操作",
        accessor="pk",
        template_name="reporting/_board_actions_cell.html",
        orderable=False,
        attrs=SCREEN_ONLY,
        exclude_from_export=True,
    )

    def __init__(
        self, *args, month: ReportingMonth, overdue: bool, is_reviewer: bool, is_admin: bool, **kwargs
    ):
        self.month = month
        self.overdue = overdue
        self.is_reviewer = is_reviewer
        self.is_admin = is_admin
        self.board_url = f"{reverse('reporting:submissions')}?month={month.param}"
        super().__init__(*args, **kwargs)

    def render_unit(self, record: Unit) -> str:
        url = reverse("reporting:month", args=[record.pk, self.month.year, self.month.month])
        return format_html('<a href="{}">{}</a>', url, record.name)

    def value_unit(self, record: Unit) -> str:
        return record.name

    def value_status(self, record: Unit) -> str:
        submission = month_submission(record)
        if submission is None and not record.projects:
            words = ["本月无填报项目"]
        elif submission is None:
            words = ["未报送"]
        elif submission.status == SubmissionStatus.DRAFT and submission.submitted_at:
            words = ["已退回"]
        else:
            words = [submission.get_status_display()]
        if submission is not None and submission.is_late:
            words.append("逾期报送")
        if self.overdue and is_draft(record) and record.projects:
            words.append("逾期未报")
        return "，".join(words)

    def render_submitted_at(self, record: Unit) -> str:
        submission = month_submission(record)
        if submission is None or submission.submitted_at is None:
            return "—"
        sent = local_minute(submission.submitted_at)
        if is_draft(record):
            return format_html('<span class="text-muted">退回前报送于 {}</span>', sent)
        return sent

    def value_submitted_at(self, record: Unit) -> str:
        submission = month_submission(record)
        if submission is None or submission.submitted_at is None:
            return ""
        sent = local_minute(submission.submitted_at)
        return f"退回前报送于 {sent}" if is_draft(record) else sent

    class Meta(BaseTable.Meta):
        model = Unit
        fields = ()
        sequence = ("unit", "projects", "reported", "status", "submitted_at", "actions")
        empty_text = "没有可查看的单位。"


def gap_class(record: ForecastRow) -> str:
    gap = record.investment_gap
    return "text-end text-nowrap text-danger" if gap is not None and gap < 0 else "text-end text-nowrap"


class ForecastTable(BaseTable):
    """预报与实际: one line per unit (``forecast_rows``), its forecast for the month against what its
    projects reported; a unit that has not forecast says so. The month is the table's
    (``table.month``): each unit links to its forecast of that month."""

    unit = tables.Column(verbose_name="单位", accessor="unit__name", orderable=False)
    expected_investment = WanColumn("完成投资预报(万元)", accessor="unit", orderable=False)
    actual_investment = WanColumn("完成投资实际(万元)", orderable=False)
    investment_gap = WanColumn(
        "完成投资差额(万元)", orderable=False, attrs={"td": {"class": gap_class}, "th": {"class": "text-end"}}
    )
    expected_intake_count = tables.Column(
        verbose_name="入库项目预报(个)",
        accessor="forecast__expected_intake_count",
        default=EMPTY,
        attrs=RIGHT,
        orderable=False,
    )
    actual_intake_count = tables.Column(verbose_name="入库项目实际(个)", attrs=RIGHT, orderable=False)
    expected_intake_amount = WanColumn(
        "入库总投资预报(万元)", accessor="forecast__expected_intake_amount", orderable=False
    )
    actual_intake_amount = WanColumn("入库总投资实际(万元)", orderable=False)

    def __init__(self, *args, month: ReportingMonth, **kwargs):
        self.month = month
        super().__init__(*args, **kwargs)

    def render_unit(self, record: ForecastRow) -> str:
        url = reverse("reporting:forecast", args=[record.unit.pk, self.month.year, self.month.month])
        return format_html('<a href="{}">{}</a>', url, record.unit.name)

    def value_unit(self, record: ForecastRow) -> str:
        return record.unit.name

    def render_expected_investment(self, record: ForecastRow) -> str:
        if record.forecast is None:
            return muted("未预报")
        return format_wan(record.forecast.expected_investment)

    def value_expected_investment(self, record: ForecastRow):
        return None if record.forecast is None else record.forecast.expected_investment

    class Meta(BaseTable.Meta):
        fields = ()
        sequence = (
            "unit",
            "expected_investment",
            "actual_investment",
            "investment_gap",
            "expected_intake_count",
            "actual_intake_count",
            "expected_intake_amount",
            "actual_intake_amount",
        )
        empty_text = "没有可查看的单位。"


class ExportTable(BaseTable):
    """我的导出: newest first; a finished file is downloaded from its line, any other is followed."""

    created_at = tables.DateTimeColumn(verbose_name="申请时间", format="Y年n月j日 H:i", orderable=False)
    kind = tables.Column(verbose_name="内容", orderable=False)
    status = tables.Column(verbose_name="状态", orderable=False)
    total_rows = tables.Column(verbose_name="行数", attrs=RIGHT, orderable=False)
    actions = tables.Column(
        verbose_name="", accessor="pk", orderable=False, attrs=SCREEN_ONLY, exclude_from_export=True
    )

    def render_status(self, record: Export) -> str:
        if record.status == ExportStatus.RUNNING:
            return f"{record.get_status_display()}（{record.progress}%）"
        return record.get_status_display()

    def render_actions(self, record: Export) -> str:
        if record.status == ExportStatus.DONE:
            return format_html(
                '<a href="{}">下载</a>', reverse("reporting:export_download", args=[record.pk])
            )
        return format_html('<a href="{}">查看进度</a>', reverse("reporting:export_detail", args=[record.pk]))

    class Meta(BaseTable.Meta):
        model = Export
        fields = ()
        sequence = ("created_at", "kind", "status", "total_rows", "actions")
        empty_text = "暂无导出记录。"


class BulletinTable(BaseTable):
    """月度通报: the published bulletins, newest period first, each with its stored files to download
    (the PDF only where LibreOffice is installed: ``pdf_available``, read by the cell's template)."""

    period = tables.Column(verbose_name="统计期", accessor="period", orderable=False)
    published_at = tables.DateTimeColumn(verbose_name="发布时间", format="Y年n月j日 H:i", orderable=False)
    published_by = tables.Column(verbose_name="发布人", orderable=False)
    downloads = tables.TemplateColumn(
        verbose_name="下载",
        accessor="pk",
        template_name="reporting/_bulletin_downloads_cell.html",
        orderable=False,
        # The buttons wrap on a phone, as the drafts' do.
        attrs={"td": {"class": "d-print-none"}, "th": {"class": "d-print-none"}},
        exclude_from_export=True,
    )

    def __init__(self, *args, pdf_available: bool = False, **kwargs):
        self.pdf_available = pdf_available
        super().__init__(*args, **kwargs)

    def render_period(self, value) -> str:
        return value.label

    class Meta(BaseTable.Meta):
        model = Bulletin
        fields = ()
        sequence = ("period", "published_at", "published_by", "downloads")
        empty_text = "尚无已发布的通报。"


class BulletinDraftTable(BaseTable):
    """月度通报's drafts, for the lead office's readers: the periods ranked but not yet published, each
    with its files built on the fly from today's figures."""

    period = tables.Column(verbose_name="统计期", accessor="label", orderable=False)
    downloads = tables.TemplateColumn(
        verbose_name="下载草稿",
        template_name="reporting/_bulletin_downloads_cell.html",
        orderable=False,
        empty_values=(),
        attrs={"td": {"class": "d-print-none"}, "th": {"class": "d-print-none"}},
    )

    def __init__(self, *args, pdf_available: bool = False, **kwargs):
        self.pdf_available = pdf_available
        super().__init__(*args, **kwargs)

    def render_period(self, value: str) -> str:
        return format_html('{} <span class="badge bg-warning text-dark">草稿</span>', value)

    class Meta(BaseTable.Meta):
        attrs = {"class": "table table-sm table-hover mb-0 align-middle"}
        empty_text = "没有待发布的统计期。"


NOWRAP = {"td": {"class": "text-nowrap"}}


class ProjectHistoryTable(BaseTable):
    """修改记录: a project's changes, newest first (``project_history``'s entries), each field changed
    on a line of its own: one ``<div>`` each on the page, one line each in the file's cell."""

    when = MinuteColumn("时间", attrs=NOWRAP)
    who = tables.Column(verbose_name="操作人", empty_values=())
    subject = tables.Column(verbose_name="内容", attrs=NOWRAP)
    action = tables.Column(verbose_name="操作")
    changes = tables.Column(verbose_name="修改项：原值 → 新值", default="", empty_values=(None, []))
    reason = tables.Column(verbose_name="说明", default="", attrs={"td": {"class": "small"}})

    def render_who(self, value) -> str:
        return str(value) if value else "系统"  # a change made by a command or a job has no user

    def value_who(self, value) -> str:
        return self.render_who(value)

    def render_changes(self, value: list[FieldChange]) -> str:
        return format_html_join("", "<div>{}：{} → {}</div>", ((c.label, c.old, c.new) for c in value))

    def value_changes(self, value: list[FieldChange]) -> str:
        return "\n".join(f"{c.label}：{c.old} → {c.new}" for c in value)

    class Meta(BaseTable.Meta):
        fields = ()
        sequence = ("when", "who", "subject", "action", "changes", "reason")
        orderable = False
        attrs = {"class": "table table-sm table-striped align-middle"}
        empty_text = "暂无修改记录。"


class SubmissionEventTable(BaseTable):
    """报送记录: a return's moves, newest first (``unit_submission`` prefetches them), with who, when
    and why."""

    created_at = MinuteColumn("时间", attrs=NOWRAP)
    actor = tables.Column(verbose_name="操作人")
    change = tables.Column(verbose_name="状态变化", accessor="pk")
    reason = tables.Column(verbose_name="原因", default="")

    def render_change(self, record: SubmissionEvent) -> str:
        return f"{record.get_from_status_display()} → {record.get_to_status_display()}"

    class Meta(BaseTable.Meta):
        model = SubmissionEvent
        fields = ()
        sequence = ("created_at", "actor", "change", "reason")
        orderable = False
        attrs = {"class": "table table-sm mb-0"}
        empty_text = "暂无记录"


def _official_cell(record: FigureRow) -> str:
    """Right-aligned; the figure not yet entered in grey."""
    return "text-end text-nowrap text-muted" if record.official is None else "text-end text-nowrap"


class UnitFiguresTable(BaseTable):
    """单位统计数 of a period (``selectors.figures.figures_page``): each unit's official figure beside the
    sum of its project reports, under two header groups, the one that counts (rule 10) in colour."""

    unit = tables.Column(verbose_name="单位", accessor="unit__name", orderable=False)
    ytd_completed = WanColumn(
        "本年累计完成",
        accessor="official__ytd_completed",
        default="未录入",
        attrs={"td": {"class": _official_cell}, "th": {"class": "text-end"}},
        orderable=False,
    )
    baseline = WanColumn("上年同期累计", accessor="official__baseline", orderable=False)
    growth = PctColumn("增速", accessor="official_growth", orderable=False)
    project_sum = WanColumn("本年累计", orderable=False)
    project_sum_baseline = WanColumn("上年同期", orderable=False)
    locked = tables.Column(verbose_name="状态", orderable=False, default="")

    def __init__(self, page: FiguresPage, **kwargs):
        super().__init__(page.rows, **kwargs)
        official, project_sum = ("table-primary", "") if page.uses_official else ("", "table-primary")
        self.header_groups = (
            HeaderGroup("统计局官方数据(万元)", ("ytd_completed", "baseline", "growth"), official),
            HeaderGroup("项目月报之和(万元)", ("project_sum", "project_sum_baseline"), project_sum),
        )

    def render_locked(self, value: bool) -> str:
        return mark_safe('<span class="badge text-bg-dark">已锁定</span>') if value else ""

    class Meta(BaseTable.Meta):
        attrs = {"class": "table table-sm table-striped figures"}
        empty_text = "没有可查看的单位。"
