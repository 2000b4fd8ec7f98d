from django.db import models


class ClockSetting(models.Model):
    """The one row that may fix the product's "today" (``common.clock``).

    Empty in production, where today is the real date. The demo sets it to its data's date, so a
    2022 jurisdiction is seen as it was in November 2022 rather than years later.
    """

    fixed_today = models.DateField(
        "固定业务日期",
        null=True,
        blank=True,
        help_text="为空时使用真实日期；演示数据将其设为数据所在日期",
    )
    reason = models.CharField("说明", max_length=100, blank=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    class Meta:
        verbose_name = "业务日期"
        verbose_name_plural = "业务日期"
        constraints = [models.CheckConstraint(condition=models.Q(pk=1), name="clock_setting_single_row")]

    def __str__(self) -> str:
        return f"业务日期：{self.fixed_today or '真实日期'}"
