"""The roles of DESIGN.md's "Who does what", kept as Django groups of these names."""

from django.db import models


class Role(models.TextChoices):
    REPORTER = "填报员", "填报员"
    UNIT_HEAD = "单位负责人", "单位负责人"
    REVIEWER = "统计审核", "统计审核"
    ADMIN = "管理员", "管理员"
    LEADER = "领导", "领导"


UNIT_ROLES = (Role.REPORTER, Role.UNIT_HEAD)
