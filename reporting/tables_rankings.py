"""The lists of rankings, escalations and assessments as django-tables2 tables: each scheme's ranking
of a period, the readiness of its returns, the 约谈 and the 考评 with the year's awards."""

from __future__ import annotations

import django_tables2 as tables
from django.urls import reverse
from django.utils.html import format_html

from common.figures import format_pct, format_wan
from common.lists import BaseTable, DayColumn, PctColumn, WanColumn

from .choices import Metric
from .models import AssessmentRow, Escalation, RankingRun


class EscalationTable(BaseTable):
    """约谈及整改: newest period first, then the higher level."""

    period = tables.Column(verbose_name="统计期", accessor="pk", orderable=False)
    unit = tables.Column(
        verbose_name="单位",
        accessor="unit__name",
        linkify=lambda record: reverse("reporting:escalation_detail", args=[record.pk]),
        orderable=False,
    )
    scheme = tables.Column(verbose_name="排名方案", accessor="scheme__name", orderable=False)
    level = tables.Column(verbose_name="级别", orderable=False)
    action = tables.Column(verbose_name="处理方式", orderable=False)
    consecutive_bottom = tables.Column(verbose_name="连续末位", orderable=False)
    status = tables.Column(verbose_name="状态", orderable=False)
    meeting_date = DayColumn("约谈日期", orderable=False)

    def render_period(self, record: Escalation) -> str:
        return record.period.label

    def render_level(self, value: int) -> str:
        return f"{value}级"

    def render_consecutive_bottom(self, value: int) -> str:
        return f"{value}期"

    def render_meeting_date(self, value) -> str:
        return f"{value.year}年{value.month}月{value.day}日" if value else "—"

    class Meta(BaseTable.Meta):
        model = Escalation
        fields = ()
        sequence = (
            "period",
            "unit",
            "scheme",
            "level",
            "action",
            "consecutive_bottom",
            "status",
            "meeting_date",
        )
        empty_text = "暂无约谈记录。"


class ReadinessTable(BaseTable):
    """报送就绪情况 (``selectors.readiness.period_readiness``), on the 排名 page and the admin's home:
    each unit's return and what publishing the period now would mean for it; a unit whose return is
    not yet verified is marked."""

    unit = tables.Column(verbose_name="单位", accessor="unit__name", orderable=False)
    state = tables.Column(verbose_name="报送状态", orderable=False)
    consequence = tables.Column(verbose_name="现在发布意味着", orderable=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.row_attrs = {"class": lambda record: "table-warning" if record.needs_attention else ""}

    class Meta(BaseTable.Meta):
        attrs = {"class": "table table-sm mb-0 align-middle"}
        empty_text = "没有参与排名的单位。"


def metric_column(metric: str, **kwargs) -> tables.Column:
    """The column of the value a scheme ranks on, shown as the 通报 shows it: an amount in 万元, a
    weighted score in 分, a growth or a completion rate in per cent."""
    label = Metric(metric).label
    if metric == Metric.AMOUNT:
        return WanColumn(f"{label}(万元)", orderable=False, **kwargs)
    if metric == Metric.COMPOSITE:
        return WanColumn(f"{label}(分)", places=1, orderable=False, **kwargs)
    return PctColumn(label, orderable=False, **kwargs)


def metric_text(metric: str, value) -> str:
    """A value a scheme ranks on, in a column that several schemes share, with its unit: 1,234万元,
    87.6分, 12.5%."""
    if metric == Metric.AMOUNT:
        return f"{format_wan(value)}万元"
    if metric == Metric.COMPOSITE:
        return f"{format_wan(value, 1)}分"
    return format_pct(value)


class RankingRowTable(BaseTable):
    """One scheme's ranking of a period (rules 1–3): a row per unit in its place, the bottom unit's
    line in red, the note saying why and which step of the ladder it has reached."""

    rank = tables.Column(verbose_name="排名", orderable=False, default="—")
    unit = tables.Column(verbose_name="单位", accessor="unit__name", orderable=False)
    target = WanColumn("年度目标(万元)", orderable=False)
    ytd_completed = WanColumn("本年累计(万元)", orderable=False)
    baseline = WanColumn("上年同期(万元)", orderable=False)
    note = tables.Column(verbose_name="备注", orderable=False, default="")

    def __init__(self, run: RankingRun, **kwargs):
        super().__init__(
            run.rows.all(),
            extra_columns=[("value", metric_column(run.scheme.metric))],
            sequence=("rank", "unit", "target", "ytd_completed", "baseline", "value", "note"),
            **kwargs,
        )
        self.row_attrs = {"class": lambda record: "table-danger" if record.is_bottom else ""}

    class Meta(BaseTable.Meta):
        attrs = {"class": "table table-sm table-hover mb-0 align-middle figures"}
        empty_text = "本方案没有参与排名的单位。"


class AwardPlaceTable(BaseTable):
    """The year's awards (``selectors.assessments.award_places``): 综合奖 per group, then 单项奖 per
    indicator, a line per winner."""

    award = tables.Column(verbose_name="奖项", orderable=False, default="")
    place = tables.Column(verbose_name="名次", orderable=False)
    unit = tables.Column(verbose_name="获奖单位", orderable=False)
    prize = WanColumn("奖金(万元)", orderable=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.row_attrs = {"class": lambda record: "award-first" if record.award else ""}

    def render_place(self, value: int) -> str:
        return f"第{value}名"

    class Meta(BaseTable.Meta):
        attrs = {"class": "table table-sm mb-0 align-middle figures"}


class AssessmentRowTable(BaseTable):
    """考评: each unit's line of each assessment, the assessment and its state first; the bottom
    unit's line is red."""

    assessment = tables.Column(verbose_name="考评", accessor="assessment__pk", orderable=False)
    status = tables.Column(verbose_name="状态", accessor="assessment__status", orderable=False)
    rank = tables.Column(verbose_name="名次", orderable=False)
    unit = tables.Column(verbose_name="单位", accessor="unit__name", orderable=False)
    rank_points = WanColumn("排名得分", places=2, orderable=False)  # as the 考评 has always shown it
    observation_score = WanColumn("观摩得分", places=2, orderable=False)
    review_score = WanColumn("其他加减分", places=2, orderable=False)
    score = WanColumn("总分", places=2, orderable=False)
    reward = WanColumn("奖励(万元)", orderable=False)
    reward_note = tables.Column(verbose_name="说明", orderable=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.row_attrs = {"class": lambda record: "table-danger" if record.is_bottom else ""}

    def render_assessment(self, record: AssessmentRow) -> str:
        return f"{record.assessment.title}：{record.assessment.group}"

    def value_assessment(self, record: AssessmentRow) -> str:
        return self.render_assessment(record)

    def render_status(self, record: AssessmentRow) -> str:
        published = record.assessment.is_published
        return format_html(
            '<span class="badge {}">{}</span>',
            "bg-success" if published else "bg-warning text-dark",
            record.assessment.get_status_display(),
        )

    def value_status(self, record: AssessmentRow) -> str:
        return record.assessment.get_status_display()

    def render_reward(self, value) -> str:
        return format_wan(value) if value else ""

    def value_reward(self, value):
        return value or None

    class Meta(BaseTable.Meta):
        model = AssessmentRow
        fields = ()
        sequence = (
            "assessment",
            "status",
            "rank",
            "unit",
            "rank_points",
            "observation_score",
            "review_score",
            "score",
            "reward",
            "reward_note",
        )
