"""A unit's pages as django-tables2 tables: the unit page's panels (``selectors.cockpit.unit_page``:
its projects furthest behind, its months, its ranks, targets, returns, libraries and 约谈) and the
reporter's home (本单位填报: the month's projects and 预报与实际 of the year)."""

from __future__ import annotations

from collections.abc import Iterable

import django_tables2 as tables
from django.urls import reverse
from django.utils.html import format_html

from common.figures import EMPTY, format_wan
from common.lists import RIGHT, BaseTable, PctColumn, WanColumn, badge, local_minute, muted
from projects.models import Project
from projects.selectors.boards import LibraryTotal
from targets.models import Target, Unit

from .choices import SubmissionStatus
from .models import Escalation, RankingRow, Submission
from .selectors.cockpit import UnitMonth
from .selectors.monthly import GridRow
from .tables_rankings import metric_text

# A panel of the unit page: small, unstriped, figures in tabular digits.
PANEL = {"class": "table table-sm figures mb-0"}
# A panel of words and dates, no figures.
PLAIN_PANEL = {"class": "table table-sm mb-0"}


class WorstProjectTable(BaseTable):
    """在建、竣工项目中进度最落后的项目 (``selectors.cockpit.worst_projects``): each project's annual plan,
    what time progress says it should have completed (应完成), what it has and the gap, largest gap
    first; a project behind time progress is marked."""

    name = tables.Column(
        verbose_name="项目", linkify=lambda record: reverse("projects:detail", args=[record.pk])
    )
    stage = tables.Column(verbose_name="所在库")
    annual_plan = WanColumn("年度计划投资(万元)")
    expected = WanColumn("应完成(万元)")
    ytd = WanColumn("累计完成(万元)")
    shortfall = WanColumn("差额(万元)")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.row_attrs = {"class": lambda record: "table-warning" if record.shortfall > 0 else ""}

    class Meta(BaseTable.Meta):
        model = Project
        fields = ()
        sequence = ("name", "stage", "annual_plan", "expected", "ytd", "shortfall")
        orderable = False
        attrs = PANEL
        empty_text = "没有下达年度计划投资的在建、竣工项目。"


class UnitMonthTable(BaseTable):
    """逐月完成率对比时序进度, the numbers of its chart: each ranked period's year-to-date completion
    against the unit's target and time progress (红黄绿's two figures, rule 7), each period linking
    to the unit's month. The unit is the table's (``table.unit``)."""

    period = tables.Column(verbose_name="统计期")
    ytd_completed = WanColumn("累计完成(万元)")
    target = WanColumn("目标(万元)")
    completion_rate = PctColumn("完成率")
    time_progress = PctColumn("时序进度")

    def __init__(self, *args, unit: Unit, **kwargs):
        self.unit = unit
        super().__init__(*args, **kwargs)

    def render_period(self, record: UnitMonth) -> str:
        period = record.period
        url = reverse("reporting:month", args=[self.unit.pk, period.year, period.month])
        return format_html('<a href="{}">{}</a>', url, period.label)

    class Meta(BaseTable.Meta):
        orderable = False
        attrs = PANEL
        empty_text = "本年度尚无排名数据。"


class UnitRankTable(BaseTable):
    """逐月排名, the numbers of its chart: the unit's row of each scheme's ranking of each period (rules
    1–3), oldest period first, each linking to that period's rankings; a bottom place is red and
    badged 末位; each value with its scheme's unit (``metric_text``). Built from the page's months
    (``UnitMonth.rank_rows``)."""

    period = tables.Column(
        verbose_name="统计期",
        accessor="run__period",
        linkify=lambda record: f"{reverse('reporting:rankings')}?period={record.run.period}",
    )
    scheme = tables.Column(verbose_name="排名方案", accessor="run__scheme__name")
    value = PctColumn("指标值")
    rank = tables.Column(verbose_name="排名", attrs=RIGHT, empty_values=())
    note = tables.Column(verbose_name="备注", default="")

    def __init__(self, months: Iterable[UnitMonth], **kwargs):
        super().__init__([row for month in months for row in month.rank_rows], **kwargs)
        self.row_attrs = {"class": lambda record: "table-danger" if record.is_bottom else ""}

    def render_period(self, value) -> str:
        return value.label

    def render_value(self, record: RankingRow, value) -> str:
        return metric_text(record.run.scheme.metric, value)

    def render_rank(self, record: RankingRow) -> str:
        rank = record.rank or EMPTY
        if record.is_bottom:
            return format_html('{} <span class="badge bg-danger">末位</span>', rank)
        return str(rank)

    class Meta(BaseTable.Meta):
        orderable = False
        attrs = PANEL
        empty_text = "本年度尚无排名数据。"


class UnitTargetTable(BaseTable):
    """分解表目标: the unit's share in each of the year's allocation tables, in the indicator's own
    measure (万元, 个)."""

    allocation = tables.Column(verbose_name="分解表", accessor="table__name")
    indicator = tables.Column(verbose_name="指标", accessor="table__indicator__name")
    target = WanColumn("目标值", accessor="value")
    note = tables.Column(verbose_name="备注", default="")

    def render_target(self, value, record: Target) -> str:
        return f"{format_wan(value)} {record.table.indicator.get_measure_unit_display()}"

    class Meta(BaseTable.Meta):
        orderable = False
        attrs = PANEL
        empty_text = "本年度未分解目标。"


class UnitSubmissionTable(BaseTable):
    """月度报送: the unit's returns of the year by month, each linking to its month; a return sent
    back to draft says 已退回, a late one is badged 逾期 and an on-time one 按时. The unit is the
    table's (``table.unit``)."""

    month = tables.Column(verbose_name="月份", accessor="pk")
    status = tables.Column(verbose_name="状态")
    submitted_at = tables.Column(verbose_name="报送时间", default=EMPTY)
    on_time = tables.Column(verbose_name="是否按时", accessor="is_late", empty_values=())

    def __init__(self, *args, unit: Unit, **kwargs):
        self.unit = unit
        super().__init__(*args, **kwargs)

    def render_month(self, record: Submission) -> str:
        url = reverse("reporting:month", args=[self.unit.pk, record.year, record.month])
        return format_html('<a href="{}">{}年{}月</a>', url, record.year, record.month)

    def render_status(self, record: Submission) -> str:
        if record.status == SubmissionStatus.DRAFT and record.submitted_at:
            return "已退回"
        return record.get_status_display()

    def render_submitted_at(self, value) -> str:
        return local_minute(value)

    def render_on_time(self, record: Submission) -> str:
        if not record.submitted_at:
            return muted("未报送")
        if record.is_late:
            return badge("逾期", "bg-danger")
        return badge("按时", "bg-success")

    class Meta(BaseTable.Meta):
        model = Submission
        fields = ()
        sequence = ("month", "status", "submitted_at", "on_time")
        orderable = False
        attrs = PLAIN_PANEL
        empty_text = "本年度尚无报送。"


class UnitLibraryTable(BaseTable):
    """项目（四库）: the unit's projects of each library (``projects.selectors.boards.library_totals``),
    each library linking to the unit's project list of that library. The unit is the table's
    (``table.unit``)."""

    stage = tables.Column(verbose_name="库")
    count = tables.Column(verbose_name="项目个数", attrs=RIGHT)
    investment = WanColumn("总投资(万元)")
    annual_plan = WanColumn("年度计划投资(万元)")

    def __init__(self, *args, unit: Unit, **kwargs):
        self.unit = unit
        super().__init__(*args, **kwargs)

    def render_stage(self, record: LibraryTotal) -> str:
        url = f"{reverse('projects:list')}?unit={self.unit.pk}&stage={record.stage.value}"
        return format_html('<a href="{}">{}库</a>', url, record.stage.label)

    class Meta(BaseTable.Meta):
        orderable = False
        attrs = PANEL
        empty_text = "暂无项目。"


class UnitEscalationTable(BaseTable):
    """约谈记录: the unit's 约谈 of the year up to the page's period (rules 1–3's ladder), newest first,
    each linking to its record."""

    period = tables.Column(verbose_name="统计期", accessor="pk")
    scheme = tables.Column(verbose_name="排名方案", accessor="scheme__name")
    step = tables.Column(
        verbose_name="级别与处理方式",
        accessor="pk",
        linkify=lambda record: reverse("reporting:escalation_detail", args=[record.pk]),
    )
    status = tables.Column(verbose_name="状态")

    def render_period(self, record: Escalation) -> str:
        return record.period.label

    def render_step(self, record: Escalation) -> str:
        return f"{record.level}级 · {record.action}"

    class Meta(BaseTable.Meta):
        model = Escalation
        fields = ()
        sequence = ("period", "scheme", "step", "status")
        orderable = False
        attrs = PLAIN_PANEL
        empty_text = "本年度没有约谈。"


# --- 本单位填报 ------------------------------------------------------------------------------------


class MonthProjectTable(BaseTable):
    """本月项目填报情况: each project the unit reports in the month (``selectors.monthly.month_grid_rows``,
    those not yet reported first), its amount and 本年累计 in 万元 to two decimals, and whether it is
    reported, in green or red; each project links to its 修改记录."""

    code = tables.Column(
        verbose_name="项目代码", accessor="project__code", attrs={"td": {"class": "text-nowrap small"}}
    )
    name = tables.Column(
        verbose_name="项目名称",
        accessor="project__name",
        linkify=lambda record: reverse("reporting:project_history", args=[record.project.pk]),
        attrs={"a": {"title": "查看修改记录"}},
    )
    stage = tables.Column(verbose_name="所在库", accessor="project__get_stage_display")
    amount = WanColumn("本月完成", places=2)
    ytd = WanColumn("本年累计", places=2)
    state = tables.Column(verbose_name="状态", accessor="report", empty_values=())

    def render_state(self, record: GridRow) -> str:
        if record.report:
            return format_html('<span class="text-success">{}</span>', "已填报")
        return format_html('<span class="text-danger">{}</span>', "未填报")

    class Meta(BaseTable.Meta):
        orderable = False
        attrs = {"class": "table table-sm table-striped mb-0 figures"}
        empty_text = "本单位本月没有需要填报的项目。"


class YearForecastTable(BaseTable):
    """预报与实际 of the unit's year (``forecast_rows`` of one unit, months 1 to the page's): each
    month's forecast against what its projects reported, the month on show marked. The list page of
    预报与实际 (``tables.ForecastTable``) shows a month's units with their intake as well; this
    panel keeps to the investment, a month without a forecast showing a dash."""

    month = tables.Column(verbose_name="月份")
    forecast = WanColumn("预报", accessor="forecast__expected_investment")
    actual = WanColumn("实际", accessor="actual_investment")
    gap = WanColumn("差额", accessor="investment_gap")

    def __init__(self, *args, month: int, **kwargs):
        super().__init__(*args, **kwargs)
        self.row_attrs = {"class": lambda record: "table-active" if record.month == month else ""}

    def render_month(self, value: int) -> str:
        return f"{value}月"

    class Meta(BaseTable.Meta):
        orderable = False
        attrs = {"class": "table table-sm mb-0 figures"}
        empty_text = "暂无预报。"
