"""领导驾驶舱's panels as django-tables2 tables: each scheme's ranking of the period, the district's
trend, the four libraries, the month's 入库 against its targets, the open 约谈 and the overdue
problems. Every table reads the rows ``selectors.cockpit.cockpit`` already fetched; none sorts."""

from __future__ import annotations

import django_tables2 as tables
from django.urls import reverse
from django.utils.html import format_html
from django.utils.text import Truncator

from common.lists import RIGHT, BaseTable, DayColumn, PctColumn, WanColumn, met_badge
from common.periods import Period
from common.templatetags.figures import warning_badge
from projects.models import Problem
from projects.selectors.boards import LibraryTotal
from projects.selectors.intake import UnitIntake

from .models import Escalation
from .selectors.cockpit import CockpitRow, GroupRanking
from .tables_rankings import metric_column

NOWRAP = {"td": {"class": "text-nowrap"}}
PROBLEM_CHARS = 30


class UnitLinks:
    """A unit's name leading to its page at a period, the page's address reversed once per table: a
    province's ranking lists 2,000 units, and reversing each address was a fifth of its rows' time."""

    MARK = 987654321  # stands for the unit's id in the address reversed once

    def __init__(self):
        self.address = reverse("reporting:unit", args=[self.MARK])

    def __call__(self, unit_id: int, name: str, period: Period) -> str:
        url = self.address.replace(str(self.MARK), str(unit_id))
        return format_html('<a href="{}?period={}">{}</a>', url, period, name)


class CockpitRankingTable(BaseTable):
    """One ranking group's panel (rules 1–3 and the 红黄绿 warning): a row per unit in its place, the
    bottom unit's line in red, its warning badge and the step of the 约谈 ladder it has reached. The
    value column is headed by the scheme's metric; the completion rate is left out where the scheme
    already ranks on it (``GroupRanking.shows_completion_rate``), and shown in the 通报's unit
    (``metric_column``)."""

    rank = tables.Column(verbose_name="排名", accessor="row__rank", orderable=False, default="—")
    unit = tables.Column(verbose_name="单位", accessor="row__unit__display_name", orderable=False)
    ytd_completed = WanColumn("累计完成(万元)", accessor="row__ytd_completed", orderable=False)
    completion_rate = PctColumn("完成率", orderable=False)
    colour = tables.Column(verbose_name="预警", orderable=False, empty_values=())
    escalation = tables.Column(verbose_name="约谈级别", orderable=False, empty_values=())

    def __init__(self, group: GroupRanking, *, period: Period, **kwargs):
        self.period = period
        self.unit_link = UnitLinks()
        metric = metric_column(group.run.scheme.metric, accessor="row__value")
        super().__init__(
            group.rows,
            extra_columns=[("value", metric)],
            exclude=() if group.shows_completion_rate else ("completion_rate",),
            sequence=("rank", "unit", "ytd_completed", "value", "..."),
            **kwargs,
        )
        self.row_attrs = {"class": lambda record: "table-danger" if record.row.is_bottom else ""}

    def render_unit(self, record: CockpitRow, value: str) -> str:
        return self.unit_link(record.row.unit_id, value, self.period)

    def render_colour(self, value) -> str:
        return warning_badge(value)

    def render_escalation(self, record: CockpitRow) -> str:
        escalation = record.escalation
        if escalation:
            url = reverse("reporting:escalation_detail", args=[escalation.pk])
            return format_html('<a href="{}">{}级 {}</a>', url, escalation.level, escalation.action)
        if record.row.escalation_level:
            return f"{record.row.escalation_level}级"
        return "—"

    class Meta(BaseTable.Meta):
        attrs = {"class": "table table-sm figures mb-0"}
        empty_text = "本方案没有参与排名的单位。"


class TrendTable(BaseTable):
    """全区逐月走势: each period of the year so far, its 累计完成, completion rate against time
    progress and growth, the numbers of the trend chart beside it; a period leads to its cockpit."""

    period = tables.Column(verbose_name="统计期", orderable=False)
    ytd_completed = WanColumn("累计完成(万元)", orderable=False)
    completion_rate = PctColumn("完成率", orderable=False)
    time_progress = PctColumn("时序进度", orderable=False)
    growth = PctColumn("增速", orderable=False)

    def render_period(self, value: Period) -> str:
        return format_html('<a href="?period={}">{}</a>', value, value.label)

    class Meta(BaseTable.Meta):
        attrs = {"class": "table table-sm figures mb-0"}
        empty_text = "本年尚无统计数据。"


class LibraryTotalsTable(BaseTable):
    """四库项目: each library's projects, total and annual planned investment, the numbers of the
    libraries' chart; a library leads to the project list of its stage."""

    stage = tables.Column(verbose_name="库", orderable=False)
    count = tables.Column(verbose_name="项目个数", attrs=RIGHT, orderable=False)
    investment = WanColumn("总投资(万元)", orderable=False)
    annual_plan = WanColumn("年度计划投资(万元)", orderable=False)

    def render_stage(self, record: LibraryTotal) -> str:
        url = f"{reverse('projects:list')}?stage={record.stage.value}"
        return format_html('<a href="{}">{}库</a>', url, record.stage.label)

    class Meta(BaseTable.Meta):
        attrs = {"class": "table table-sm figures"}
        empty_text = "暂无项目。"


class IntakeTable(BaseTable):
    """新增入库纳统 (rule 7): each unit with a monthly target, its newly registered projects and their
    investment against the target, a unit short of it marked and badged 未达标."""

    unit = tables.Column(verbose_name="单位", accessor="unit__display_name", orderable=False)
    count = tables.Column(verbose_name="入库个数", attrs=RIGHT, orderable=False)
    min_projects = tables.Column(verbose_name="目标(个)", attrs=RIGHT, orderable=False)
    investment = WanColumn("入库投资(万元)", orderable=False)
    min_investment = WanColumn("目标(万元)", orderable=False)
    met = tables.Column(verbose_name="是否达标", orderable=False, empty_values=())

    def __init__(self, *args, period: Period, **kwargs):
        self.period = period
        self.unit_link = UnitLinks()
        super().__init__(*args, **kwargs)
        self.row_attrs = {"class": lambda record: "" if record.met else "table-warning"}

    def render_unit(self, record: UnitIntake, value: str) -> str:
        return self.unit_link(record.unit.pk, value, self.period)

    def render_met(self, record: UnitIntake) -> str:
        return met_badge(record.met)

    class Meta(BaseTable.Meta):
        attrs = {"class": "table table-sm figures mb-0"}
        empty_text = "本年度未下达月度入库目标。"


class OpenEscalationTable(BaseTable):
    """未销号的约谈: every 约谈 not yet closed, newest period first (``visible_escalations``), the unit
    leading to its page at that period and the level to the 约谈 itself."""

    period = tables.Column(verbose_name="统计期", accessor="pk", attrs=NOWRAP, orderable=False)
    unit = tables.Column(verbose_name="单位", accessor="unit__display_name", orderable=False)
    level = tables.Column(verbose_name="级别与处理方式", orderable=False)
    status = tables.Column(verbose_name="状态", orderable=False)

    def __init__(self, *args, **kwargs):
        self.unit_link = UnitLinks()
        super().__init__(*args, **kwargs)

    def render_period(self, record: Escalation) -> str:
        return record.period.label

    def render_unit(self, record: Escalation, value: str) -> str:
        return self.unit_link(record.unit_id, value, record.period)

    def render_level(self, record: Escalation) -> str:
        url = reverse("reporting:escalation_detail", args=[record.pk])
        return format_html('<a href="{}">{}级 · {}</a>', url, record.level, record.action)

    class Meta(BaseTable.Meta):
        attrs = {"class": "table table-sm mb-0"}
        empty_text = "没有未销号的约谈。"


class OverdueProblemTable(BaseTable):
    """逾期未销号的问题 (the cockpit's first few, earliest deadline first): the project leading to its
    page, its 属地, the problem in brief and the deadline it missed."""

    project = tables.Column(verbose_name="项目", accessor="project__name", orderable=False)
    unit = tables.Column(
        verbose_name="属地", accessor="project__reporting_unit__display_name", orderable=False
    )
    description = tables.Column(verbose_name="问题", orderable=False)
    deadline = DayColumn("办结时限", attrs=NOWRAP, orderable=False)

    def render_project(self, record: Problem, value: str) -> str:
        url = reverse("projects:detail", args=[record.project_id])
        return format_html('<a href="{}">{}</a>', url, value)

    def render_description(self, value: str) -> str:
        return Truncator(value).chars(PROBLEM_CHARS)

    class Meta(BaseTable.Meta):
        attrs = {"class": "table table-sm mb-0"}
        empty_text = "没有逾期问题。"
