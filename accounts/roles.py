"""The roles of DESIGN.md's "Who does what", kept as Django groups of these names."""

from django.db import models


class Role(models.TextChoices):
    REPORTER = "填报员", "填报员"
    UNIT_HEAD = "单位负责人", "单位负责人"
    REVIEWER = "统计审核", "统计审核"
    ADMIN = "管理员", "管理员"
    LEADER = "领导", "领导"
    # 三权分立 (等保2.0 level 3): these three administer the system, never its business data.
    SYSTEM_ADMIN = "系统管理员", "系统管理员"
    SECURITY_ADMIN = "安全管理员", "安全管理员"
    AUDIT_ADMIN = "审计管理员", "审计管理员"


UNIT_ROLES = (Role.REPORTER, Role.UNIT_HEAD)
BUSINESS_ROLES = (Role.REPORTER, Role.UNIT_HEAD, Role.REVIEWER, Role.ADMIN, Role.LEADER)
SECURITY_ROLES = (Role.SYSTEM_ADMIN, Role.SECURITY_ADMIN, Role.AUDIT_ADMIN)
# A second factor is required of the roles that can change many units' data or the system itself.
OTP_ROLES = (Role.ADMIN, Role.REVIEWER, *SECURITY_ROLES)
