from django.conf import settings
from django.contrib.auth.models import AbstractUser, _user_has_module_perms, _user_has_perm
from django.db import models

from targets.models import Unit

from .roles import Role


class User(AbstractUser):
    unit = models.ForeignKey(
        Unit,
        verbose_name="所属单位",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="users",
        help_text="填报员和单位负责人只能操作本单位的数据",
    )
    phone = models.CharField("联系电话", max_length=30, blank=True)
    password_changed_at = models.DateTimeField(
        "密码修改时间", null=True, blank=True, help_text="为空表示首次登录，须先修改密码"
    )

    class Meta(AbstractUser.Meta):
        verbose_name = "用户"
        verbose_name_plural = "用户"

    def __str__(self) -> str:
        full_name = f"{self.last_name}{self.first_name}".strip()
        return full_name or self.username

    def set_password(self, raw_password):
        # An administrator's reset leaves the date empty (forced change at next login): only the
        # password-change page marks the password as chosen by its owner.
        super().set_password(raw_password)
        self.password_changed_at = None

    @property
    def superuser_bypass(self) -> bool:
        """Whether the superuser flag opens everything: only where SUPERUSER_BYPASS is on
        (development); in production a superuser holds the permissions of its roles only."""
        return self.is_active and self.is_superuser and settings.SUPERUSER_BYPASS

    def has_perm(self, perm, obj=None):
        if self.superuser_bypass:
            return True
        return self.is_active and _user_has_perm(self, perm, obj)

    def has_module_perms(self, app_label):
        if self.superuser_bypass:
            return True
        return self.is_active and _user_has_module_perms(self, app_label)

    def has_role(self, role: Role) -> bool:
        return role in self.role_names

    @property
    def role_names(self) -> frozenset[str]:
        # Cached on the instance: navigation asks on every page.
        if not hasattr(self, "_role_names"):
            self._role_names = frozenset(self.groups.values_list("name", flat=True))
        return self._role_names

    @property
    def role_display(self) -> str:
        return "、".join(role for role in Role.values if role in self.role_names) or "—"


class PasswordHistoryEntry(models.Model):
    """A password its owner had (as its hash), so a new one may not repeat the last few."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="用户",
        on_delete=models.CASCADE,
        related_name="password_history",
    )
    password = models.CharField("密码摘要", max_length=128)
    created_at = models.DateTimeField("设置时间", auto_now_add=True)

    class Meta:
        verbose_name = "历史密码"
        verbose_name_plural = "历史密码"
        ordering = ["-created_at", "-pk"]
        default_permissions = ()

    def __str__(self) -> str:
        return f"{self.user} {self.created_at:%Y-%m-%d}"
