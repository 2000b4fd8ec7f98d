from decimal import Decimal

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models

from common.fields import period_month_field, year_field
from common.periods import Period
from targets.models import AllocationTable, RankingGroup, Unit

from .. import rules
from ..choices import EscalationStatus, FigureSource, Metric, RunStatus

RATE = {"max_digits": 12, "decimal_places": 4}


class Ladder(models.Model):
    """约谈阶梯: what follows for a unit that stays at the bottom (seeds 001/002 and 003)."""

    name = models.CharField("名称", max_length=100, unique=True)
    source = models.CharField("依据", max_length=200, blank=True)

    class Meta:
        verbose_name = "约谈阶梯"
        verbose_name_plural = "约谈阶梯"
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class LadderStep(models.Model):
    ladder = models.ForeignKey(
        Ladder, verbose_name="约谈阶梯", on_delete=models.CASCADE, related_name="steps"
    )
    level = models.PositiveSmallIntegerField("级别", validators=[MinValueValidator(1)])
    min_consecutive = models.PositiveSmallIntegerField(
        "连续末位期数", validators=[MinValueValidator(1)], help_text="连续倒数第一达到该期数时适用"
    )
    on_half_year_bottom = models.BooleanField("半年考核末位亦适用", default=False)
    action = models.CharField("处理方式", max_length=100, help_text="如 通报批评、约谈、表态发言")
    interviewer = models.CharField("约谈人", max_length=100, blank=True)
    interviewee = models.CharField("被约谈人", max_length=100, blank=True)
    venue = models.CharField("场合", max_length=100, blank=True, help_text="如 全区重点项目推进会议")
    needs_meeting = models.BooleanField(
        "需约谈记录",
        default=True,
        help_text="约谈须记录约谈情况后方可整改销号；不需约谈的（如通报批评、表态发言）随通报发布即完成",
    )

    class Meta:
        verbose_name = "约谈阶梯级别"
        verbose_name_plural = "约谈阶梯级别"
        ordering = ["ladder", "level"]
        constraints = [
            models.UniqueConstraint(fields=["ladder", "level"], name="ladder_step_unique_level"),
            models.UniqueConstraint(
                fields=["ladder", "min_consecutive"], name="ladder_step_unique_threshold"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.level}级：{self.title}"

    @property
    def title(self) -> str:
        """The step as a bulletin words it: 区分管领导约谈相关负责同志, 在…会议上表态发言, 通报批评."""
        return self.as_rule().title

    def as_rule(self) -> rules.LadderStep:
        return rules.LadderStep(
            level=self.level,
            min_consecutive=self.min_consecutive,
            action=self.action,
            interviewer=self.interviewer,
            interviewee=self.interviewee,
            venue=self.venue,
            on_half_year_bottom=self.on_half_year_bottom,
            needs_meeting=self.needs_meeting,
        )


class RankingScheme(models.Model):
    """排名方案: which group is ranked by which metric, and the ladder for its bottom units."""

    name = models.CharField("方案名称", max_length=100, unique=True)
    group = models.ForeignKey(
        RankingGroup, verbose_name="排名组", on_delete=models.PROTECT, related_name="schemes"
    )
    metric = models.CharField("排名指标", max_length=20, choices=Metric.choices, default=Metric.GROWTH)
    allocation_table = models.ForeignKey(
        AllocationTable,
        verbose_name="目标分解表",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        help_text="完成率排名所用的目标；为空时取该年度中对应此排名组的分解表",
    )
    ladder = models.ForeignKey(
        Ladder, verbose_name="约谈阶梯", null=True, blank=True, on_delete=models.PROTECT
    )
    is_active = models.BooleanField("启用", default=True)
    sort_order = models.PositiveIntegerField("排序", default=0)

    class Meta:
        verbose_name = "排名方案"
        verbose_name_plural = "排名方案"
        ordering = ["sort_order", "name"]

    def __str__(self) -> str:
        return self.name


class CompositeWeight(models.Model):
    """加权打分 (seed 004): an indicator's weight in a composite scheme."""

    scheme = models.ForeignKey(
        RankingScheme, verbose_name="排名方案", on_delete=models.CASCADE, related_name="weights"
    )
    indicator = models.ForeignKey("targets.Indicator", verbose_name="指标", on_delete=models.PROTECT)
    weight = models.DecimalField(
        "权重(分)", max_digits=6, decimal_places=2, validators=[MinValueValidator(0)]
    )

    class Meta:
        verbose_name = "综合得分权重"
        verbose_name_plural = "综合得分权重"
        constraints = [
            models.UniqueConstraint(fields=["scheme", "indicator"], name="composite_weight_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.indicator}：{self.weight}"


class RankingRun(models.Model):
    """One scheme's ranking for one period: a draft until published, then frozen."""

    scheme = models.ForeignKey(
        RankingScheme, verbose_name="排名方案", on_delete=models.PROTECT, related_name="runs"
    )
    year = year_field()
    month = period_month_field()
    status = models.CharField("状态", max_length=20, choices=RunStatus.choices, default=RunStatus.DRAFT)
    figure_source = models.CharField("数据来源", max_length=20, choices=FigureSource.choices)
    computed_at = models.DateTimeField("计算时间")
    inputs_digest = models.CharField(
        "输入摘要",
        max_length=64,
        blank=True,
        editable=False,
        help_text="计算时的数据、目标和方案的摘要；与当前不符时草稿显示为已过期",
    )
    published_at = models.DateTimeField("发布时间", null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="发布人", null=True, blank=True, on_delete=models.SET_NULL
    )

    class Meta:
        verbose_name = "排名结果"
        verbose_name_plural = "排名结果"
        ordering = ["-year", "-month", "scheme__sort_order"]
        constraints = [
            models.UniqueConstraint(fields=["scheme", "year", "month"], name="ranking_run_unique_period"),
        ]

    def __str__(self) -> str:
        return f"{self.scheme} {self.period.label}"

    @property
    def period(self) -> Period:
        return Period(self.year, self.month)

    @property
    def is_published(self) -> bool:
        return self.status == RunStatus.PUBLISHED


class RankingRow(models.Model):
    run = models.ForeignKey(
        RankingRun, verbose_name="排名结果", on_delete=models.CASCADE, related_name="rows"
    )
    unit = models.ForeignKey(
        Unit, verbose_name="责任单位", on_delete=models.PROTECT, related_name="ranking_rows"
    )
    ytd_completed = models.DecimalField(
        "本年累计完成(万元)", max_digits=14, decimal_places=2, null=True, blank=True
    )
    baseline = models.DecimalField("上年同期(万元)", max_digits=14, decimal_places=2, null=True, blank=True)
    target = models.DecimalField("年度目标(万元)", max_digits=14, decimal_places=2, null=True, blank=True)
    value = models.DecimalField("排名指标值", **RATE, null=True, blank=True, help_text="增速、完成率为百分数")
    status = models.CharField("报送情况", max_length=20, choices=rules.EntryStatus.choices)
    rank = models.PositiveIntegerField("排名", null=True, blank=True)
    is_bottom = models.BooleanField("倒数第一", default=False)
    consecutive_bottom = models.PositiveSmallIntegerField("连续末位期数", default=0)
    escalation_level = models.PositiveSmallIntegerField("约谈级别", default=0)
    note = models.CharField("备注", max_length=200, blank=True)

    class Meta:
        verbose_name = "排名明细"
        verbose_name_plural = "排名明细"
        ordering = ["run", "rank", "unit__sort_order"]
        # The ladder reads the earlier periods' bottom units only: a few rows of each run's thousands.
        indexes = [
            models.Index(fields=["run"], condition=models.Q(is_bottom=True), name="ranking_row_bottom"),
        ]
        constraints = [
            models.UniqueConstraint(fields=["run", "unit"], name="ranking_row_unique_unit"),
        ]

    def __str__(self) -> str:
        return f"{self.unit}：{self.rank or '—'}"


class Escalation(models.Model):
    """约谈: proposed with a draft ranking, 待约谈 once published, then 已约谈 → 整改中 → 已销号.

    A step that needs no meeting (通报批评, 表态发言) is 已销号 as soon as its 通报 is published.
    """

    scheme = models.ForeignKey(
        RankingScheme, verbose_name="排名方案", on_delete=models.PROTECT, related_name="escalations"
    )
    unit = models.ForeignKey(
        Unit, verbose_name="责任单位", on_delete=models.PROTECT, related_name="escalations"
    )
    year = year_field()
    month = period_month_field()
    level = models.PositiveSmallIntegerField("级别", validators=[MinValueValidator(1)])
    consecutive_bottom = models.PositiveSmallIntegerField("连续末位期数")
    action = models.CharField("处理方式", max_length=100)
    interviewer_role = models.CharField("约谈人", max_length=100, blank=True)
    interviewee_role = models.CharField("被约谈人", max_length=100, blank=True)
    needs_meeting = models.BooleanField(
        "需约谈记录", default=True, help_text="不需约谈的级别随通报发布即完成（已销号）"
    )
    status = models.CharField(
        "状态", max_length=20, choices=EscalationStatus.choices, default=EscalationStatus.PROPOSED
    )
    meeting_date = models.DateField("约谈日期", null=True, blank=True)
    interviewer = models.CharField("约谈领导", max_length=100, blank=True)
    minutes = models.TextField("约谈纪要", blank=True)
    measures = models.TextField("整改措施", blank=True)
    closed_on = models.DateField("销号日期", null=True, blank=True)
    created_at = models.DateTimeField("生成时间", auto_now_add=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    class Meta:
        verbose_name = "约谈"
        verbose_name_plural = "约谈"
        ordering = ["-year", "-month", "-level"]
        constraints = [
            models.UniqueConstraint(
                fields=["scheme", "unit", "year", "month"], name="escalation_unique_period"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.unit} {self.period.label} {self.action}"

    @property
    def period(self) -> Period:
        return Period(self.year, self.month)


class RewardTier(models.Model):
    """奖励档次 (seed 002): places first..last of a quarterly assessment earn an amount."""

    name = models.CharField("方案名称", max_length=100, default="季度考评奖励")
    first_place = models.PositiveSmallIntegerField("起始名次", validators=[MinValueValidator(1)])
    last_place = models.PositiveSmallIntegerField("截止名次", validators=[MinValueValidator(1)])
    amount = models.DecimalField(
        "奖励(万元)", max_digits=10, decimal_places=2, validators=[MinValueValidator(Decimal(0))]
    )

    class Meta:
        verbose_name = "奖励档次"
        verbose_name_plural = "奖励档次"
        ordering = ["name", "first_place"]
        constraints = [
            models.UniqueConstraint(fields=["name", "first_place"], name="reward_tier_unique_place"),
            models.CheckConstraint(
                condition=models.Q(last_place__gte=models.F("first_place")), name="reward_tier_range"
            ),
        ]

    def __str__(self) -> str:
        return f"第{self.first_place}–{self.last_place}名：{self.amount}万元"
