"""The security audit log (等保2.0 安全审计): append-only, separate from the per-figure history."""

from django.conf import settings
from django.db import models


class AuditAction(models.TextChoices):
    LOGIN = "login", "登录"
    LOGIN_FAILED = "login_failed", "登录失败"
    LOGOUT = "logout", "退出登录"
    LOCKOUT = "lockout", "账号锁定"
    ACCOUNT_UNLOCK = "account_unlock", "账号解锁"
    PASSWORD_CHANGE = "password_change", "修改密码"
    OTP_SETUP = "otp_setup", "绑定动态口令"
    OTP_VERIFY = "otp_verify", "动态口令验证"
    PERMISSION_DENIED = "permission_denied", "越权访问被拒绝"
    IMPORT = "import", "导入"
    EXPORT = "export", "导出"
    DOWNLOAD = "download", "下载"
    PUBLISH = "publish", "发布"
    UNLOCK = "unlock", "解锁报送"
    PLAN_CHANGE = "plan_change", "修改年度计划总量"
    USER_CHANGE = "user_change", "用户或角色变更"
    ROLE_GRANT = "role_grant", "授予角色"
    ROLE_REVOKE = "role_revoke", "撤销角色"
    PASSWORD_RESET = "password_reset", "重置密码"
    ADMIN_CHANGE = "admin_change", "后台修改数据"
    FIGURE_CHANGE = "figure_change", "数据变更"
    TARGET_CHANGE = "target_change", "目标变更"
    ESCALATION_CHANGE = "escalation_change", "约谈变更"
    AUDIT_EXPORT = "audit_export", "导出审计日志"
    AUDIT_PURGE = "audit_purge", "清理过期审计日志"
    API_CALL = "api_call", "接口调用"
    API_TOKEN_CREATE = "api_token_create", "创建接口令牌"
    API_TOKEN_REVOKE = "api_token_revoke", "吊销接口令牌"


class AuditResult(models.TextChoices):
    SUCCESS = "success", "成功"
    FAILURE = "failure", "失败"


class AppendOnlyQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise PermissionError("审计日志只能追加，不能修改。")

    def delete(self):
        raise PermissionError("审计日志只能追加，不能删除。")


class AuditEvent(models.Model):
    time = models.DateTimeField("时间", auto_now_add=True, db_index=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="用户",
        null=True,
        blank=True,
        # The event outlives the account: the username column keeps who it was.
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        related_name="+",
    )
    username = models.CharField("用户名", max_length=150, blank=True, db_index=True)
    source_ip = models.GenericIPAddressField("来源地址", null=True, blank=True)
    action = models.CharField("操作", max_length=32, choices=AuditAction.choices, db_index=True)
    object_type = models.CharField("对象类型", max_length=100, blank=True)
    object_id = models.CharField("对象标识", max_length=100, blank=True)
    object_repr = models.CharField("对象", max_length=300, blank=True)
    result = models.CharField("结果", max_length=10, choices=AuditResult.choices)
    detail = models.JSONField("详情", default=dict, blank=True)

    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        verbose_name = "审计事件"
        verbose_name_plural = "审计日志"
        ordering = ["-time", "-pk"]
        default_permissions = ("view",)

    def __str__(self) -> str:
        return f"{self.time:%Y-%m-%d %H:%M:%S} {self.username} {self.get_action_display()}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise PermissionError("审计日志只能追加，不能修改。")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise PermissionError("审计日志只能追加，不能删除。")
