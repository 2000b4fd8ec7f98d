from django.conf import settings
from django.db import models


class OutboxReceipt(models.Model):
    """收件回执: one row per item a steward's phone sent, keyed by the idempotency key the phone gave it
    when it was queued. A second send of the same item finds its receipt and changes nothing."""

    key = models.UUIDField("幂等键", help_text="手机端为每一条待发送记录生成的唯一编号")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="发送人", on_delete=models.CASCADE, related_name="+"
    )
    action = models.CharField("操作", max_length=30)
    object_id = models.PositiveBigIntegerField("对象编号", null=True, blank=True)
    message = models.CharField("处理结果", max_length=300, blank=True)
    received_at = models.DateTimeField("接收时间", auto_now_add=True)

    class Meta:
        verbose_name = "现场记录回执"
        verbose_name_plural = "现场记录回执"
        ordering = ["-received_at"]
        constraints = [models.UniqueConstraint(fields=["user", "key"], name="outbox_receipt_once_per_key")]

    def __str__(self) -> str:
        return f"{self.user} {self.action} {self.key}"
