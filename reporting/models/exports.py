from django.conf import settings
from django.core.validators import MaxValueValidator
from django.db import models


class ExportKind(models.TextChoices):
    PROJECT_LEDGER = "project_ledger", "项目进展台账"
    PROJECT_LIST = "project_list", "项目清单"


class ExportStatus(models.TextChoices):
    QUEUED = "queued", "排队中"
    RUNNING = "running", "生成中"
    DONE = "done", "已完成"
    FAILED = "failed", "失败"


class Export(models.Model):
    """后台导出: a file too large to build within a request, written by a Celery job.

    The request stores what was asked for (``params``, the list page's filter) and who asked; the job
    claims the row, writes the file and reports its progress here for the page to poll.
    """

    kind = models.CharField("导出内容", max_length=30, choices=ExportKind.choices)
    params = models.JSONField("筛选条件", default=dict, blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="申请人", on_delete=models.CASCADE, related_name="exports"
    )
    status = models.CharField(
        "状态", max_length=20, choices=ExportStatus.choices, default=ExportStatus.QUEUED
    )
    progress = models.PositiveSmallIntegerField("进度(%)", default=0, validators=[MaxValueValidator(100)])
    total_rows = models.PositiveIntegerField("总行数", null=True, blank=True)
    file = models.FileField("导出文件", upload_to="exports/", blank=True)
    error = models.TextField("错误信息", blank=True)
    created_at = models.DateTimeField("申请时间", auto_now_add=True)
    started_at = models.DateTimeField("开始生成时间", null=True, blank=True)
    finished_at = models.DateTimeField("完成时间", null=True, blank=True)

    class Meta:
        verbose_name = "后台导出"
        verbose_name_plural = "后台导出"
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=models.Q(progress__lte=100), name="export_progress_max_100"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}（{self.get_status_display()}）"

    @property
    def is_finished(self) -> bool:
        return self.status in (ExportStatus.DONE, ExportStatus.FAILED)
