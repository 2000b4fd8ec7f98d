from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from simple_history.models import HistoricalRecords

from common.fields import calendar_month_field, year_field
from targets.models import MONEY, ZERO, Unit

from ..choices import SubmissionStatus


class Submission(models.Model):
    """报送状态: one unit's monthly return, 草稿 → 已报送 → 负责人已审批 → 已审核 → 已锁定."""

    unit = models.ForeignKey(
        Unit, verbose_name="责任单位", on_delete=models.PROTECT, related_name="submissions"
    )
    year = year_field()
    month = calendar_month_field()
    status = models.CharField(
        "状态", max_length=20, choices=SubmissionStatus.choices, default=SubmissionStatus.DRAFT
    )
    submitted_at = models.DateTimeField("报送时间", null=True, blank=True)
    is_late = models.BooleanField("逾期报送", default=False, help_text="报送时间晚于截止日期")
    version = models.PositiveIntegerField("版本", default=1, editable=False)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    class Meta:
        verbose_name = "月度报送"
        verbose_name_plural = "月度报送"
        ordering = ["-year", "-month", "unit__sort_order"]
        constraints = [
            models.UniqueConstraint(fields=["unit", "year", "month"], name="submission_unique_unit_month"),
        ]

    def __str__(self) -> str:
        return f"{self.unit} {self.year}年{self.month}月"


class SubmissionEvent(models.Model):
    """Every move of a submission, unlocks included: who, when, from, to and why."""

    submission = models.ForeignKey(
        Submission, verbose_name="报送", on_delete=models.CASCADE, related_name="events"
    )
    from_status = models.CharField("原状态", max_length=20, choices=SubmissionStatus.choices)
    to_status = models.CharField("新状态", max_length=20, choices=SubmissionStatus.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="操作人", null=True, on_delete=models.SET_NULL
    )
    reason = models.CharField("原因", max_length=300, blank=True)
    created_at = models.DateTimeField("时间", auto_now_add=True)

    class Meta:
        verbose_name = "报送记录"
        verbose_name_plural = "报送记录"
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.submission}：{self.get_from_status_display()}→{self.get_to_status_display()}"


class Forecast(models.Model):
    """预报: what a unit expects to report for a month and to register (seed 000)."""

    unit = models.ForeignKey(
        Unit, verbose_name="责任单位", on_delete=models.PROTECT, related_name="forecasts"
    )
    year = year_field()
    month = calendar_month_field()
    expected_investment = models.DecimalField(
        "预计本月完成投资(万元)", **MONEY, validators=[MinValueValidator(ZERO)]
    )
    expected_intake_count = models.PositiveIntegerField("预计新增入库项目(个)", default=0)
    expected_intake_amount = models.DecimalField(
        "预计新增入库总投资(万元)", **MONEY, default=ZERO, validators=[MinValueValidator(ZERO)]
    )
    note = models.CharField("说明", max_length=300, blank=True)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="填报人", null=True, blank=True, on_delete=models.SET_NULL
    )
    updated_at = models.DateTimeField("更新时间", auto_now=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = "月度预报"
        verbose_name_plural = "月度预报"
        ordering = ["-year", "-month", "unit__sort_order"]
        constraints = [
            models.UniqueConstraint(fields=["unit", "year", "month"], name="forecast_unique_unit_month"),
        ]

    def __str__(self) -> str:
        return f"{self.unit} {self.year}年{self.month}月预报"
