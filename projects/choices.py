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
    """退库 reasons, verbatim from seed 003 四(二)3「严格退库管理」; only these take a project out."""

    REACHED_OUTPUT = "reached_output", "竣工达效"
    CONTRACT_TERMINATED = "contract_terminated", "因合同约定终止合作"
    TALKS_STOPPED = "talks_stopped", "已停止洽谈"
    LAND_IDLE = "land_idle", "企业无能力开发造成土地长期闲置"
    CONTRACT_BREACH = "contract_breach", "严重违反合同条款影响整体产业布局"
    POLICY_CHANGE = "policy_change", "上级政策或上位规划调整"


class ExitRequestStatus(models.TextChoices):
    PENDING = "pending", "待审批"
    APPROVED = "approved", "已批准"
    REJECTED = "rejected", "未批准"


class MilestoneKind(models.TextChoices):
    """The key nodes of seed 003's 进展台账: 签约、开工、竣工、达效."""

    SIGNING = "signing", "签约"
    START = "start", "开工"
    COMPLETION = "completion", "竣工"
    OUTPUT = "output", "达效"


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


class EvidenceKind(models.TextChoices):
    """入库纳统 evidence the statistics bureau asks for; a photo of the paper counts for the first two."""

    APPROVAL = "approval", "批复文件"
    CONTRACT = "contract", "施工合同"
    SITE = "site", "现场照片"
