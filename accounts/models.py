from django.contrib.auth.models import AbstractUser
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
    otp_secret = models.CharField("动态口令密钥", max_length=64, blank=True, editable=False)

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
