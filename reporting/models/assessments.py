from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models

from targets.models import Indicator, RankingGroup, Unit

from ..choices import AssessmentKind, AwardKind, RunStatus

SCORE = {"max_digits": 8, "decimal_places": 2}


class AssessmentAdjustment(models.Model):
    """Admin-entered parts of an assessment: the 观摩 score, a leader's review, remarks."""

    kind = models.CharField("考评类型", max_length=20, choices=AssessmentKind.choices)
    year = models.PositiveIntegerField("年度")
    number = models.PositiveSmallIntegerField(
        "季度/半年",
        default=1,
        validators=[MinValueValidator(1), MaxValueValidator(4)],
        help_text="年度总评填 1",
    )
    unit = models.ForeignKey(Unit, verbose_name="责任单位", on_delete=models.PROTECT, related_name="+")
    observation_score = models.DecimalField("观摩得分", **SCORE, default=0)
    review_score = models.DecimalField("领导点评及其他加减分", **SCORE, default=0)
    remark = models.CharField("说明", max_length=300, blank=True)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="录入人", null=True, on_delete=models.SET_NULL
    )
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    class Meta:
        verbose_name = "考评加减分"
        verbose_name_plural = "考评加减分"
        ordering = ["-year", "kind", "number", "unit__sort_order"]
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "year", "number", "unit"], name="assessment_adjustment_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.unit} {self.year}年{self.get_kind_display()}{self.number}"


class Assessment(models.Model):
    """One assessment of one group: 季考评, 半年考核 or 年总评; a draft until published."""

    kind = models.CharField("考评类型", max_length=20, choices=AssessmentKind.choices)
    year = models.PositiveIntegerField("年度")
    number = models.PositiveSmallIntegerField(
        "季度/半年", default=1, validators=[MinValueValidator(1), MaxValueValidator(4)]
    )
    group = models.ForeignKey(RankingGroup, verbose_name="排名组", on_delete=models.PROTECT)
    status = models.CharField("状态", max_length=20, choices=RunStatus.choices, default=RunStatus.DRAFT)
    computed_at = models.DateTimeField("计算时间")
    published_at = models.DateTimeField("发布时间", null=True, blank=True)

    class Meta:
        verbose_name = "考评结果"
        verbose_name_plural = "考评结果"
        ordering = ["-year", "kind", "number", "group__sort_order"]
        constraints = [
            models.UniqueConstraint(fields=["kind", "year", "number", "group"], name="assessment_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.year}年{self.get_kind_display()}（{self.number}）{self.group}"

    @property
    def title(self) -> str:
        """2022年第1季度考评, 2022年半年考核, 2022年度总评."""
        if self.kind == AssessmentKind.QUARTER:
            return f"{self.year}年第{self.number}季度考评"
        if self.kind == AssessmentKind.ANNUAL:
            return f"{self.year}年度总评"
        return f"{self.year}年{self.get_kind_display()}"

    @property
    def is_published(self) -> bool:
        return self.status == RunStatus.PUBLISHED


class AssessmentRow(models.Model):
    assessment = models.ForeignKey(
        Assessment, verbose_name="考评", on_delete=models.CASCADE, related_name="rows"
    )
    unit = models.ForeignKey(Unit, verbose_name="责任单位", on_delete=models.PROTECT, related_name="+")
    rank_points = models.DecimalField("排名得分", **SCORE, null=True, blank=True)
    observation_score = models.DecimalField("观摩得分", **SCORE, default=0)
    review_score = models.DecimalField("其他加减分", **SCORE, default=0)
    score = models.DecimalField("总分", **SCORE, null=True, blank=True)
    rank = models.PositiveIntegerField("名次", null=True, blank=True)
    is_bottom = models.BooleanField("末位", default=False)
    reward = models.DecimalField("奖励(万元)", max_digits=10, decimal_places=2, default=0)
    reward_note = models.CharField(
        "奖励说明",
        max_length=100,
        blank=True,
        help_text="名次在奖励范围内却不予奖励时的原因（规则4：季末未报送、未参与排名或倒数第一）",
    )

    class Meta:
        verbose_name = "考评明细"
        verbose_name_plural = "考评明细"
        ordering = ["assessment", "rank", "unit__sort_order"]
        constraints = [
            models.UniqueConstraint(fields=["assessment", "unit"], name="assessment_row_unique_unit"),
        ]

    def __str__(self) -> str:
        return f"{self.unit}：{self.rank or '—'}"


class Award(models.Model):
    """年度奖项 (seed 004): 综合奖 per group, 单项奖 per indicator."""

    year = models.PositiveIntegerField("年度")
    kind = models.CharField("奖项", max_length=20, choices=AwardKind.choices)
    group = models.ForeignKey(
        RankingGroup, verbose_name="排名组", null=True, blank=True, on_delete=models.PROTECT
    )
    indicator = models.ForeignKey(
        Indicator, verbose_name="指标", null=True, blank=True, on_delete=models.PROTECT
    )
    unit = models.ForeignKey(Unit, verbose_name="获奖单位", on_delete=models.PROTECT, related_name="awards")
    place = models.PositiveSmallIntegerField("名次")
    prize = models.DecimalField("奖金(万元)", max_digits=10, decimal_places=2, default=0)

    class Meta:
        verbose_name = "年度奖项"
        verbose_name_plural = "年度奖项"
        ordering = ["-year", "kind", "group__sort_order", "indicator__sort_order", "place"]
        constraints = [
            models.UniqueConstraint(
                fields=["year", "kind", "group", "indicator", "unit"], name="award_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.year}年{self.get_kind_display()}：{self.unit}"

    @property
    def title(self) -> str:
        """综合奖第1名, 单项奖（固定资产投资）第2名."""
        scope = f"（{self.indicator.name}）" if self.indicator_id else ""
        return f"{self.get_kind_display()}{scope}第{self.place}名"
