from decimal import Decimal

from django.conf import settings
from django.core.files.storage import storages
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from simple_history.models import HistoricalRecords

from common import clock
from common.fields import calendar_month_field, year_field
from targets.models import MONEY, ZERO, Unit

from .choices import (
    EvidenceKind,
    ExitReason,
    ExitRequestStatus,
    Field,
    Level,
    MilestoneKind,
    ProblemCategory,
    ProblemStatus,
    Stage,
)

LARGE_PROJECT_THRESHOLD = Decimal("10000")  # 亿元以上: 1亿元 = 10,000 万元

# The procedures a reserve project must complete before it joins the 开工库 (seed 003 四(二)2:
# 「手续完备达到开工标准的，即时转化为开工库项目」), as (Project field, label) in the order they are done.
PROCEDURES = (
    ("approval_on", "立项"),
    ("land_on", "用地"),
    ("planning_on", "规划"),
    ("construction_permit_on", "施工许可"),
)


class Tag(models.Model):
    name = models.CharField(
        "标签", max_length=30, unique=True, help_text="如 三个一批、982工程、灾后重建、专项债"
    )

    class Meta:
        verbose_name = "项目标签"
        verbose_name_plural = "项目标签"
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Project(models.Model):
    name = models.CharField("项目名称", max_length=200)
    code = models.CharField(
        "项目代码", max_length=40, unique=True, help_text="全国投资项目在线审批监管平台赋予的项目代码"
    )
    reporting_unit = models.ForeignKey(
        Unit,
        verbose_name="属地单位",
        on_delete=models.PROTECT,
        related_name="reported_projects",
        help_text="负责填报项目月度数据的属地办事处或园区",
    )
    responsible_unit = models.ForeignKey(
        Unit, verbose_name="责任局办", on_delete=models.PROTECT, related_name="responsible_projects"
    )
    level = models.CharField("项目级别", max_length=20, choices=Level.choices, default=Level.GENERAL)
    star_rating = models.PositiveSmallIntegerField(
        "攻坚星级", null=True, blank=True, validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    field = models.CharField("项目领域", max_length=20, choices=Field.choices)
    tags = models.ManyToManyField(Tag, verbose_name="标签", blank=True, related_name="projects")
    total_investment = models.DecimalField("总投资(万元)", **MONEY, validators=[MinValueValidator(ZERO)])
    stage = models.CharField("所在库", max_length=20, choices=Stage.choices, default=Stage.RESERVE)
    planned_start = models.DateField("计划开工日期", null=True, blank=True)
    actual_start = models.DateField("实际开工日期", null=True, blank=True)
    planned_completion = models.DateField("计划竣工日期", null=True, blank=True)
    actual_completion = models.DateField("实际竣工日期", null=True, blank=True)
    approval_on = models.DateField(
        "立项日期", null=True, blank=True, help_text="取得立项批复、核准或备案的日期"
    )
    land_on = models.DateField("用地手续日期", null=True, blank=True, help_text="取得项目用地手续的日期")
    planning_on = models.DateField(
        "规划许可日期", null=True, blank=True, help_text="取得建设工程规划许可证的日期"
    )
    construction_permit_on = models.DateField(
        "施工许可日期", null=True, blank=True, help_text="取得建筑工程施工许可证的日期"
    )
    is_registered = models.BooleanField("已入库纳统", default=False)
    registered_on = models.DateField("入库日期", null=True, blank=True)
    steward = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="项目管家",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="stewarded_projects",
    )
    leader_in_charge = models.CharField(
        "分包领导", max_length=50, blank=True, help_text="亿元以上项目的县级分包领导"
    )
    land_for_reinvestment = models.BooleanField(
        "地块待再次招商",
        default=False,
        help_text="项目经批准退库后，同步启动招商引资程序，对该项目地块进行再次招商",
    )
    company = models.CharField("建设单位", max_length=200, blank=True)
    contact_person = models.CharField("联系人", max_length=30, blank=True)
    contact_phone = models.CharField("联系电话", max_length=30, blank=True)
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = "项目"
        verbose_name_plural = "项目"
        ordering = ["reporting_unit__sort_order", "name"]
        indexes = [models.Index(fields=["stage"]), models.Index(fields=["is_registered", "registered_on"])]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(is_registered=False) | models.Q(registered_on__isnull=False),
                name="project_registered_needs_date",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_large(self) -> bool:
        return self.total_investment >= LARGE_PROJECT_THRESHOLD


class ProjectYearPlan(models.Model):
    """年度计划投资: asked for again each year, so earlier years stay readable."""

    project = models.ForeignKey(
        Project, verbose_name="项目", on_delete=models.CASCADE, related_name="year_plans"
    )
    year = models.PositiveIntegerField("年度")
    planned_investment = models.DecimalField(
        "年度计划投资(万元)",
        **MONEY,
        null=True,
        blank=True,
        validators=[MinValueValidator(ZERO)],
        help_text="为空表示年度结转后待单位重新填报",
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = "项目年度计划投资"
        verbose_name_plural = "项目年度计划投资"
        ordering = ["project_id", "-year"]
        constraints = [
            models.UniqueConstraint(fields=["project", "year"], name="project_year_plan_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.project} {self.year}年"


class StageChange(models.Model):
    project = models.ForeignKey(
        Project, verbose_name="项目", on_delete=models.CASCADE, related_name="stage_changes"
    )
    from_stage = models.CharField("原所在库", max_length=20, choices=Stage.choices)
    to_stage = models.CharField("新所在库", max_length=20, choices=Stage.choices)
    changed_on = models.DateField("变更日期")
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="操作人",
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    reason = models.CharField("变更说明", max_length=300, blank=True)
    exit_reason = models.CharField("退库原因", max_length=30, choices=ExitReason.choices, blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="审批人",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField("记录时间", auto_now_add=True)

    class Meta:
        verbose_name = "入库阶段变更"
        verbose_name_plural = "入库阶段变更"
        ordering = ["-changed_on", "-id"]

    def __str__(self) -> str:
        return f"{self.project}：{self.get_from_stage_display()}→{self.get_to_stage_display()}"


class ExitRequest(models.Model):
    """退库申请: a unit asks, an admin (管理员) decides; approval writes the StageChange."""

    project = models.ForeignKey(
        Project, verbose_name="项目", on_delete=models.CASCADE, related_name="exit_requests"
    )
    reason = models.CharField("退库原因", max_length=30, choices=ExitReason.choices)
    note = models.TextField("情况说明", help_text="说明项目无法继续实施或已竣工达效的具体情况")
    status = models.CharField(
        "审批状态", max_length=20, choices=ExitRequestStatus.choices, default=ExitRequestStatus.PENDING
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="申请人",
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    requested_at = models.DateTimeField("申请时间", auto_now_add=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="审批人",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    decided_at = models.DateTimeField("审批时间", null=True, blank=True)
    decision_note = models.CharField("审批意见", max_length=300, blank=True)
    stage_change = models.OneToOneField(
        StageChange,
        verbose_name="对应阶段变更",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="exit_request",
    )

    class Meta:
        verbose_name = "退库申请"
        verbose_name_plural = "退库申请"
        ordering = ["-requested_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["project"],
                condition=models.Q(status=ExitRequestStatus.PENDING),
                name="exit_request_one_pending_per_project",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.project}：{self.get_reason_display()}（{self.get_status_display()}）"


class Milestone(models.Model):
    """进展台账的关键节点: planned and actual dates of 签约、开工、竣工、达效."""

    project = models.ForeignKey(
        Project, verbose_name="项目", on_delete=models.CASCADE, related_name="milestones"
    )
    kind = models.CharField("节点", max_length=20, choices=MilestoneKind.choices)
    planned_on = models.DateField("计划日期", null=True, blank=True)
    actual_on = models.DateField("实际日期", null=True, blank=True, help_text="节点实际完成的日期")
    history = HistoricalRecords()

    class Meta:
        verbose_name = "建设节点"
        verbose_name_plural = "建设节点"
        ordering = ["project", "planned_on"]
        constraints = [
            models.UniqueConstraint(fields=["project", "kind"], name="milestone_one_per_kind"),
        ]
        indexes = [models.Index(fields=["actual_on", "planned_on"])]

    def __str__(self) -> str:
        return f"{self.project}：{self.get_kind_display()}"


class YearRollover(models.Model):
    """年度结转: one row per closed year, claimed first so a second run does nothing."""

    year = models.PositiveIntegerField("结转年度", unique=True, help_text="被关闭的年度，结转后进入下一年度")
    performed_at = models.DateTimeField("执行时间", auto_now_add=True)
    performed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="执行人",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    exited_count = models.PositiveIntegerField("调出项目库的竣工项目数", default=0)
    returned_count = models.PositiveIntegerField("退回储备库的项目数", default=0)
    kept_count = models.PositiveIntegerField("留在开工库的项目数", default=0)
    plans_created = models.PositiveIntegerField("待填报的年度计划数", default=0)

    class Meta:
        verbose_name = "年度结转"
        verbose_name_plural = "年度结转"
        ordering = ["-year"]

    def __str__(self) -> str:
        return f"{self.year}年度结转"


class ProjectReport(models.Model):
    """项目月报: what one project invested in one calendar month. YTD is summed, never stored."""

    project = models.ForeignKey(
        Project, verbose_name="项目", on_delete=models.PROTECT, related_name="reports"
    )
    year = year_field()
    month = calendar_month_field()
    amount = models.DecimalField("本月完成投资(万元)", **MONEY, validators=[MinValueValidator(ZERO)])
    progress = models.TextField("形象进度", blank=True)
    problems = models.TextField("存在问题", blank=True)
    version = models.PositiveIntegerField("版本", default=1, editable=False)
    updated_at = models.DateTimeField("更新时间", auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="填报人", null=True, blank=True, on_delete=models.SET_NULL
    )
    # 我已核实: the reporter confirmed an amount far above the project's usual month. It holds for
    # that amount only: any change of the amount voids it (``project_reports_write``).
    unusual_confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="异常数据核实人",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    unusual_confirmed_at = models.DateTimeField("异常数据核实时间", null=True, blank=True)
    unusual_reason = models.CharField(
        "核实的异常情况",
        max_length=300,
        blank=True,
        default="",
        # SQL that does not name the column (an earlier release's history copy) still writes valid rows
        db_default="",
        help_text="核实时该金额为何异常，如超过月均完成额的3倍",
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = "项目月报"
        verbose_name_plural = "项目月报"
        ordering = ["-year", "-month", "project"]
        constraints = [
            models.UniqueConstraint(fields=["project", "year", "month"], name="project_report_unique_month"),
            models.CheckConstraint(
                condition=models.Q(amount__gte=0), name="project_report_amount_not_negative"
            ),
            models.CheckConstraint(
                condition=models.Q(month__gte=1, month__lte=12), name="project_report_month_in_range"
            ),
        ]
        indexes = [models.Index(fields=["year", "month"])]

    def __str__(self) -> str:
        return f"{self.project} {self.year}年{self.month}月"


class Problem(models.Model):
    """问题台账: a problem of a project, closed (销号) when solved."""

    project = models.ForeignKey(
        Project, verbose_name="项目", on_delete=models.CASCADE, related_name="problem_items"
    )
    category = models.CharField("问题类别", max_length=20, choices=ProblemCategory.choices)
    description = models.TextField("问题描述")
    owner_unit = models.ForeignKey(
        Unit, verbose_name="责任单位", on_delete=models.PROTECT, related_name="problems"
    )
    deadline = models.DateField("办结时限")
    status = models.CharField(
        "状态", max_length=20, choices=ProblemStatus.choices, default=ProblemStatus.OPEN
    )
    registered_on = models.DateField(
        "登记日期",
        default=clock.today,
        help_text="问题登记入台账的业务日期；办结时限和销号日期都不能早于它",
    )
    closed_on = models.DateField("销号日期", null=True, blank=True)
    resolution = models.TextField("解决情况", blank=True)
    created_at = models.DateTimeField("登记时间", auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = "问题"
        verbose_name_plural = "问题台账"
        ordering = ["status", "deadline"]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(status=ProblemStatus.CLOSED)
                | (models.Q(closed_on__isnull=False) & ~models.Q(resolution="")),
                name="problem_closed_needs_date_and_resolution",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.project}：{self.get_category_display()}"


def site_photo_storage():
    """Site photos live in their own storage, outside anything served as static or media: they are
    read only through ``projects.views.photos``, which checks who may see the project."""
    return storages["site_photos"]


class SitePhoto(models.Model):
    """现场照片: dated evidence of a project's 形象进度, and of its 入库纳统 when marked so."""

    project = models.ForeignKey(Project, verbose_name="项目", on_delete=models.CASCADE, related_name="photos")
    master = models.FileField(
        "存档照片", storage=site_photo_storage, max_length=100, help_text="原尺寸，含拍摄时间与位置"
    )
    display = models.FileField("展示照片", storage=site_photo_storage, max_length=100)
    thumbnail = models.FileField("缩略图", storage=site_photo_storage, max_length=100)
    source_format = models.CharField("上传格式", max_length=10)
    width = models.PositiveIntegerField("宽度(像素)")
    height = models.PositiveIntegerField("高度(像素)")
    sha256 = models.CharField("文件摘要", max_length=64, help_text="上传文件的 SHA-256，用于识别重复上传")
    taken_at = models.DateTimeField("拍摄时间", null=True, blank=True, help_text="读自照片的 EXIF 信息")
    latitude = models.DecimalField("纬度", max_digits=9, decimal_places=6, null=True, blank=True)
    longitude = models.DecimalField("经度", max_digits=9, decimal_places=6, null=True, blank=True)
    uploaded_at = models.DateTimeField("上传时间", auto_now_add=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="上传人",
        on_delete=models.PROTECT,
        related_name="+",
    )
    caption = models.CharField("说明", max_length=200, blank=True)
    evidence_kind = models.CharField(
        "入库佐证",
        max_length=20,
        choices=EvidenceKind.choices,
        blank=True,
        help_text="作为入库纳统佐证材料的类别；批复文件、施工合同可拍照上传",
    )

    class Meta:
        verbose_name = "现场照片"
        verbose_name_plural = "现场照片"
        ordering = ["-uploaded_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["project", "sha256"], name="site_photo_once_per_project"),
        ]
        indexes = [
            models.Index(fields=["project", "taken_at"]),
            models.Index(fields=["project", "evidence_kind"]),
        ]

    def __str__(self) -> str:
        return f"{self.project}：{self.dated_on:%Y-%m-%d}照片"

    @property
    def dated_at(self):
        """The photo's date: when it was taken, or else when it was uploaded."""
        return self.taken_at or self.uploaded_at

    @property
    def dated_on(self):
        return timezone.localtime(self.dated_at).date()

    @property
    def has_position(self) -> bool:
        return self.latitude is not None and self.longitude is not None
