from django.conf import settings
from django.db import models

from common.fields import period_month_field, year_field
from common.periods import Period
from targets.models import Unit

from ..choices import NotificationKind, RunStatus


class Notification(models.Model):
    """站内通知. ``key`` names the event, so a job that runs twice never notifies twice."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="接收人",
        on_delete=models.CASCADE,
        related_name="notifications",
    )
    unit = models.ForeignKey(Unit, verbose_name="相关单位", null=True, blank=True, on_delete=models.SET_NULL)
    key = models.CharField("事件标识", max_length=120)
    kind = models.CharField(
        "类别", max_length=30, choices=NotificationKind.choices, default=NotificationKind.REMINDER
    )
    title = models.CharField("标题", max_length=200)
    body = models.TextField("内容", blank=True)
    link = models.CharField("链接", max_length=300, blank=True)
    created_at = models.DateTimeField("时间", auto_now_add=True)
    read_at = models.DateTimeField("已读时间", null=True, blank=True)

    class Meta:
        verbose_name = "站内通知"
        verbose_name_plural = "站内通知"
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(fields=["user", "key"], name="notification_unique_event"),
        ]

    def __str__(self) -> str:
        return self.title


class NotificationPreference(models.Model):
    """Whether a user also wants a kind of notice by e-mail; without a row, e-mail is sent."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="用户",
        on_delete=models.CASCADE,
        related_name="notification_preferences",
    )
    kind = models.CharField("类别", max_length=30, choices=NotificationKind.choices)
    email = models.BooleanField("同时发送邮件", default=True)

    class Meta:
        verbose_name = "通知偏好"
        verbose_name_plural = "通知偏好"
        constraints = [
            models.UniqueConstraint(fields=["user", "kind"], name="notification_preference_unique_kind"),
        ]

    def __str__(self) -> str:
        return f"{self.user}：{self.get_kind_display()}"


class Bulletin(models.Model):
    """月度通报: the workbook of a period; once published, stored and served unchanged."""

    year = year_field()
    month = period_month_field()
    status = models.CharField("状态", max_length=20, choices=RunStatus.choices, default=RunStatus.DRAFT)
    workbook = models.FileField("通报表格", upload_to="bulletins/", blank=True)
    document = models.FileField("通报文稿", upload_to="bulletins/", blank=True)
    published_at = models.DateTimeField("发布时间", null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="发布人", null=True, blank=True, on_delete=models.SET_NULL
    )

    class Meta:
        verbose_name = "月度通报"
        verbose_name_plural = "月度通报"
        ordering = ["-year", "-month"]
        constraints = [
            models.UniqueConstraint(fields=["year", "month"], name="bulletin_unique_period"),
        ]

    def __str__(self) -> str:
        return f"通报 {self.period.label}"

    @property
    def period(self) -> Period:
        return Period(self.year, self.month)


class BulletinLetterhead(models.Model):
    """The 通报's 版头 and 落款 (GB/T 9704-2012), one row per deployment, edited by the lead office."""

    issuing_authority = models.CharField(
        "发文机关标志",
        max_length=60,
        help_text="版头红字，如「郑州经济技术开发区经济发展局」；为空时使用部署名称",
        blank=True,
    )
    number_pattern = models.CharField(
        "发文字号格式",
        max_length=40,
        default="〔{year}〕{month}号",
        help_text="{year} 为年度，{month} 为统计期截至月份，如「郑经发〔{year}〕{month}号」",
    )
    signatory = models.CharField(
        "落款（发文机关署名）", max_length=60, blank=True, help_text="为空时与发文机关标志相同"
    )
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    class Meta:
        verbose_name = "通报发文设置"
        verbose_name_plural = "通报发文设置"
        constraints = [
            models.CheckConstraint(condition=models.Q(pk=1), name="bulletin_letterhead_single_row")
        ]

    def __str__(self) -> str:
        return f"通报发文设置：{self.issuing_authority or '（未设置）'}"

    def clean(self) -> None:
        from django.core.exceptions import ValidationError

        try:
            self.number_pattern.format(year=2022, month=10)
        except (KeyError, IndexError, ValueError) as error:
            raise ValidationError(
                {"number_pattern": f"格式只能使用 {{year}} 和 {{month}}：{error}"}
            ) from error
