from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from simple_history.models import HistoricalRecords

from common.fields import period_month_field, year_field
from common.periods import FIRST_PERIOD_MONTH, Period
from targets.models import MONEY, ZERO, Unit


class OfficialFigure(models.Model):
    """统计局发布的单位累计数: YTD completed and the same period last year (上年同期)."""

    unit = models.ForeignKey(
        Unit, verbose_name="责任单位", on_delete=models.PROTECT, related_name="official_figures"
    )
    year = year_field()
    month = period_month_field(help_text="统计期为1月至该月；1月数据随2月一并发布")
    ytd_completed = models.DecimalField("本年累计完成(万元)", **MONEY, validators=[MinValueValidator(ZERO)])
    baseline = models.DecimalField(
        "上年同期累计(万元)", **MONEY, null=True, blank=True, validators=[MinValueValidator(ZERO)]
    )
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="录入人", null=True, blank=True, on_delete=models.SET_NULL
    )
    updated_at = models.DateTimeField("更新时间", auto_now=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = "单位官方统计数"
        verbose_name_plural = "单位官方统计数"
        ordering = ["-year", "-month", "unit__sort_order"]
        # A period's figures are read together (the ranking, the 通报, the figures page): by period.
        indexes = [models.Index(fields=["year", "month"], name="official_figure_period")]
        constraints = [
            models.UniqueConstraint(fields=["unit", "year", "month"], name="official_figure_unique_period"),
            models.CheckConstraint(
                condition=models.Q(month__gte=FIRST_PERIOD_MONTH, month__lte=12),
                name="official_figure_month_is_a_period",
            ),
            models.CheckConstraint(
                condition=models.Q(ytd_completed__gte=0), name="official_figure_ytd_not_negative"
            ),
            models.CheckConstraint(
                condition=models.Q(baseline__isnull=True) | models.Q(baseline__gte=0),
                name="official_figure_baseline_not_negative",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.unit} {self.period.label}"

    @property
    def period(self) -> Period:
        return Period(self.year, self.month)
