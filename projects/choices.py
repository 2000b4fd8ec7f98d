from django.db import models


class Stage(models.TextChoices):
    RESERVE = "reserve", "储备"
    TO_START = "to_start", "开工"
    UNDER_CONSTRUCTION = "construction", "在建"
    COMPLETED = "completed", "竣工"
    EXITED = "exited", "退库"


LIBRARY_STAGES = (Stage.RESERVE, Stage.TO_START, Stage.UNDER_CONSTRUCTION, Stage.COMPLETED)


class Level(models.TextChoices):
    PROVINCIAL = "provincial", "省重点"
    MUNICIPAL = "municipal", "市重点"
    DISTRICT = "district", "区重点"
    STAR = "star", "攻坚星级"
    GENERAL = "general", "一般项目"


class Field(models.TextChoices):
    INDUSTRY = "industry", "产业"
    INFRASTRUCTURE = "infrastructure", "基础设施"
    REAL_ESTATE = "real_estate", "房地产"
    SOCIAL = "social", "社会事业"
    ECOLOGY = "ecology", "生态环保"
    OTHER = "other", "其他"


class ExitReason(models.TextChoices):
    """退库 reasons (seed 003)."""

    REACHED_OUTPUT = "reached_output", "项目竣工达效"
    CANCELLED = "cancelled", "项目终止或取消"
    POLICY = "policy", "受政策调整无法实施"
    NOT_STARTED = "not_started", "长期未能开工"
    OTHER = "other", "其他经批准的原因"


class ProblemCategory(models.TextChoices):
    FUNDS = "funds", "资金"
    LAND = "land", "土地"
    PROCEDURES = "procedures", "手续"
    DEMOLITION = "demolition", "拆迁"
    OTHER = "other", "其他"


class ProblemStatus(models.TextChoices):
    OPEN = "open", "待解决"
    IN_PROGRESS = "in_progress", "推进中"
    CLOSED = "closed", "已销号"
