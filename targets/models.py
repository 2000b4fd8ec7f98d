from decimal import Decimal

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from simple_history.models import HistoricalRecords

from .choices import IndicatorCode, MeasureUnit, UnitKind

MONEY = {"max_digits": 14, "decimal_places": 2}
ZERO = Decimal("0")


class Unit(models.Model):
    """责任单位: anything that carries a target (a bureau, a sub-district, a park, a county)."""

    name = models.CharField("单位名称", max_length=100, unique=True)
    short_name = models.CharField("简称", max_length=30, blank=True, help_text="表格和图表中使用的简称")
    code = models.CharField("单位编码", max_length=30, unique=True)
    kind = models.CharField("单位类别", max_length=20, choices=UnitKind.choices)
    parent = models.ForeignKey(
        "self",
        verbose_name="上级单位",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    is_active = models.BooleanField("启用", default=True, help_text="停用的单位不再参加排名，历史数据保留")
    sort_order = models.PositiveIntegerField("排序", default=0)

    class Meta:
        verbose_name = "责任单位"
        verbose_name_plural = "责任单位"
        ordering = ["sort_order", "name"]

    def __str__(self) -> str:
        return self.name

    @property
    def display_name(self) -> str:
        return self.short_name or self.name


class RankingGroup(models.Model):
    """排名组: units ranked against each other."""

    name = models.CharField("排名组名称", max_length=50, unique=True)
    description = models.CharField("说明", max_length=200, blank=True)
    units = models.ManyToManyField(Unit, verbose_name="成员单位", related_name="ranking_groups", blank=True)
    sort_order = models.PositiveIntegerField("排序", default=0)

    class Meta:
        verbose_name = "排名组"
        verbose_name_plural = "排名组"
        ordering = ["sort_order", "name"]

    def __str__(self) -> str:
        return self.name


class Indicator(models.Model):
    """指标: what a target or an assessment measures."""

    code = models.CharField("指标代码", max_length=30, unique=True, choices=IndicatorCode.choices)
    name = models.CharField("指标名称", max_length=50)
    measure_unit = models.CharField("计量单位", max_length=10, choices=MeasureUnit.choices)
    sort_order = models.PositiveIntegerField("排序", default=0)

    class Meta:
        verbose_name = "指标"
        verbose_name_plural = "指标"
        ordering = ["sort_order", "code"]

    def __str__(self) -> str:
        return self.name


class PlanYear(models.Model):
    """年度计划: the jurisdiction's totals for one year."""

    year = models.PositiveIntegerField("年度", unique=True)
    title = models.CharField("计划名称", max_length=200, blank=True)
    fai_target = models.DecimalField(
        "固定资产投资目标(万元)",
        **MONEY,
        validators=[MinValueValidator(ZERO)],
        help_text="全区年度投资目标，单位万元",
    )
    growth_target_pct = models.DecimalField("增速目标(%)", max_digits=6, decimal_places=2)
    intake_project_target = models.PositiveIntegerField("新增入库项目个数目标", default=0)
    intake_investment_target = models.DecimalField(
        "新增入库项目总投资目标(万元)", **MONEY, default=ZERO, validators=[MinValueValidator(ZERO)]
    )
    intake_large_project_target = models.PositiveIntegerField("新增亿元以上项目个数目标", default=0)
    uses_official_figures = models.BooleanField(
        "使用统计局官方数据",
        default=True,
        help_text="勾选时排名采用统计局发布的单位数据；否则以单位所属项目月报之和代替",
    )
    report_deadline_day = models.PositiveSmallIntegerField(
        "报送截止日",
        default=5,
        validators=[MinValueValidator(1), MaxValueValidator(28)],
        help_text="次月几日前报送上月数据；之后报送记为逾期",
    )
    reminder_start_day = models.PositiveSmallIntegerField(
        "催报开始日",
        default=1,
        validators=[MinValueValidator(1), MaxValueValidator(28)],
        help_text="次月从该日起每天提醒尚未报送的单位，直至截止日",
    )
    warning_yellow_gap = models.DecimalField(
        "黄色预警区间(百分点)",
        max_digits=5,
        decimal_places=2,
        default=Decimal("5"),
        validators=[MinValueValidator(ZERO)],
        help_text="完成率低于时序进度不超过该百分点为黄色，超过为红色",
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = "年度计划"
        verbose_name_plural = "年度计划"
        ordering = ["-year"]

    def __str__(self) -> str:
        return f"{self.year}年度计划"

    def total_for(self, indicator_code: str) -> Decimal | None:
        """The jurisdiction total an allocation table of this indicator must add up to."""
        totals = {
            IndicatorCode.FAI: self.fai_target,
            IndicatorCode.INTAKE_COUNT: Decimal(self.intake_project_target),
            IndicatorCode.INTAKE_AMOUNT: self.intake_investment_target,
            IndicatorCode.LARGE_PROJECTS: Decimal(self.intake_large_project_target),
        }
        return totals.get(indicator_code)


class AllocationTable(models.Model):
    """分解表: a named split of one jurisdiction total over units."""

    plan_year = models.ForeignKey(
        PlanYear, verbose_name="年度计划", on_delete=models.CASCADE, related_name="tables"
    )
    name = models.CharField("分解表名称", max_length=100)
    indicator = models.ForeignKey(Indicator, verbose_name="指标", on_delete=models.PROTECT)
    ranking_group = models.ForeignKey(
        RankingGroup,
        verbose_name="对应排名组",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        help_text="该表的目标用于哪个排名组的完成率计算",
    )
    sort_order = models.PositiveIntegerField("排序", default=0)
    version = models.PositiveIntegerField(
        "版本",
        default=1,
        editable=False,
        help_text="每次保存加一：基于旧版本的保存被拒绝，不会覆盖他人的修改",
    )

    class Meta:
        verbose_name = "分解表"
        verbose_name_plural = "分解表"
        ordering = ["plan_year", "sort_order", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["plan_year", "name"], name="allocation_table_unique_name_per_year"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.plan_year.year}年 {self.name}"

    @property
    def plan_total(self) -> Decimal | None:
        return self.plan_year.total_for(self.indicator.code)


class Target(models.Model):
    """年度目标: one unit's share in one allocation table (so: one unit, year, indicator and table)."""

    table = models.ForeignKey(
        AllocationTable, verbose_name="分解表", on_delete=models.CASCADE, related_name="targets"
    )
    unit = models.ForeignKey(Unit, verbose_name="责任单位", on_delete=models.PROTECT, related_name="targets")
    value = models.DecimalField("目标值", **MONEY, validators=[MinValueValidator(ZERO)])
    note = models.CharField("备注", max_length=200, blank=True)
    sort_order = models.PositiveIntegerField("序号", default=0)
    history = HistoricalRecords()

    class Meta:
        verbose_name = "年度目标"
        verbose_name_plural = "年度目标"
        ordering = ["table", "sort_order", "unit__sort_order"]
        constraints = [
            models.UniqueConstraint(fields=["table", "unit"], name="target_unique_unit_per_table"),
            models.CheckConstraint(condition=models.Q(value__gte=0), name="target_value_not_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.unit} {self.value}"


class MonthlyIntakeTarget(models.Model):
    """每月入库目标: the least a unit must register each month (seed 000: ≥10 projects, ≥5亿)."""

    plan_year = models.ForeignKey(
        PlanYear, verbose_name="年度计划", on_delete=models.CASCADE, related_name="monthly_intake_targets"
    )
    unit = models.ForeignKey(Unit, verbose_name="责任单位", on_delete=models.PROTECT)
    min_projects = models.PositiveIntegerField("单月新增入库项目不少于(个)")
    min_investment = models.DecimalField(
        "单月新增入库总投资不低于(万元)", **MONEY, validators=[MinValueValidator(ZERO)]
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = "每月入库目标"
        verbose_name_plural = "每月入库目标"
        ordering = ["plan_year", "unit__sort_order"]
        constraints = [
            models.UniqueConstraint(fields=["plan_year", "unit"], name="monthly_intake_target_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.unit}：每月≥{self.min_projects}个，≥{self.min_investment}万元"
