from django.db import models


class SubmissionStatus(models.TextChoices):
    DRAFT = "draft", "草稿"
    SUBMITTED = "submitted", "已报送"
    APPROVED = "approved", "负责人已审批"
    VERIFIED = "verified", "已审核"
    LOCKED = "locked", "已锁定"


class Metric(models.TextChoices):
    GROWTH = "growth", "增速"
    COMPLETION_RATE = "completion_rate", "完成率"
    AMOUNT = "amount", "完成额"
    COMPOSITE = "composite", "加权综合得分"


class FigureSource(models.TextChoices):
    OFFICIAL = "official", "统计局官方数据"
    PROJECT_SUM = "project_sum", "项目月报之和"


class RunStatus(models.TextChoices):
    DRAFT = "draft", "草稿"
    PUBLISHED = "published", "已发布"


class EscalationStatus(models.TextChoices):
    PROPOSED = "proposed", "拟定（未发布）"
    PENDING = "pending", "待约谈"
    INTERVIEWED = "interviewed", "已约谈"
    RECTIFYING = "rectifying", "整改中"
    CLOSED = "closed", "已销号"
    # A proposal a later recompute of the draft no longer makes: kept, so its address stays valid.
    WITHDRAWN = "withdrawn", "已撤销（重新计算后不再末位）"


class AssessmentKind(models.TextChoices):
    QUARTER = "quarter", "季度考评"
    HALF_YEAR = "half_year", "半年考核"
    ANNUAL = "annual", "年度总评"


class AwardKind(models.TextChoices):
    COMPREHENSIVE = "comprehensive", "综合奖"
    SINGLE_ITEM = "single_item", "单项奖"


class NotificationKind(models.TextChoices):
    """Each hand-over of the monthly cycle; a user chooses per kind whether it also comes by e-mail."""

    SUBMITTED = "submitted", "报送待审批"
    APPROVED = "approved", "审批通过待审核"
    RETURNED = "returned", "报送被退回"
    VERIFIED = "verified", "报送已审核"
    UNLOCKED = "unlocked", "报送已解锁"
    PUBLISHED = "published", "排名通报已发布"
    ESCALATION_PROPOSED = "escalation_proposed", "排名草稿及拟约谈"
    ESCALATION_PENDING = "escalation_pending", "本单位列入约谈"
    ESCALATION_SCHEDULED = "escalation_scheduled", "约谈已登记"
    MEASURES_SUBMITTED = "measures_submitted", "整改措施已提交"
    ESCALATION_CLOSED = "escalation_closed", "约谈已销号"
    REMINDER = "reminder", "催报及周调度"


class HistorySubject(models.TextChoices):
    """What a project's change was made to: the three histories its 修改记录 merges."""

    PROJECT = "project", "项目信息"
    REPORT = "report", "月报"
    PLAN = "plan", "年度计划投资"
