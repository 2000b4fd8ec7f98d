"""The lifecycle's lists as django-tables2 tables: what each row shows, never how rows are found."""

from __future__ import annotations

import django_tables2 as tables
from django.urls import reverse
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe

from common.figures import format_pct, format_wan
from common.lists import (
    RIGHT,
    SCREEN_ONLY,
    BaseTable,
    DayColumn,
    PctColumn,
    WanColumn,
    YesNoColumn,
)

from .access import can_edit_problem, can_edit_project
from .choices import EvidenceKind, ProblemStatus
from .models import Milestone, Problem, Project, ProjectYearPlan
from .rules import NEXT_STAGE, plan_completion_pct, registration_evidence_missing, stewardship_missing

TAG_SEPARATOR = "、"


def _actions() -> tables.Column:
    # Buttons are for the screen; a printed list is read, not acted on, and a file has no buttons.
    return tables.Column(
        verbose_name="操作", accessor="pk", orderable=False, attrs=SCREEN_ONLY, exclude_from_export=True
    )


def _file_only(verbose_name: str, **kwargs) -> tables.Column:
    """A column the export carries and the page leaves out for room."""
    return tables.Column(verbose_name=verbose_name, visible=False, **kwargs)


def _project_link(**kwargs) -> tables.Column:
    return tables.Column(
        verbose_name="项目名称",
        linkify=lambda record: reverse("projects:detail", args=[record.pk]),
        **kwargs,
    )


def _unit(verbose_name: str, accessor: str) -> tables.Column:
    return tables.Column(
        verbose_name=verbose_name,
        accessor=f"{accessor}__display_name",
        order_by=(f"{accessor}__sort_order", f"{accessor}__name"),
    )


def _project() -> tables.Column:
    """The project a row belongs to, linked to its page."""
    return tables.Column(
        verbose_name="项目",
        accessor="project__name",
        linkify=lambda record: reverse("projects:detail", args=[record.project_id]),
    )


def project_warnings(
    *,
    overdue_milestones: int,
    overdue_problems: int,
    is_missing_registration: bool,
    total_investment,
    has_steward: bool,
    leader_in_charge: str,
) -> list[tuple[str, str]]:
    """A project's warnings as (badge colour, text), from the counts that
    ``selectors.warnings.with_warnings`` adds."""
    warnings = []
    if overdue_milestones:
        warnings.append(("danger", f"节点逾期{overdue_milestones}个"))
    if overdue_problems:
        warnings.append(("danger", f"问题逾期{overdue_problems}个"))
    if is_missing_registration:
        warnings.append(("warning text-dark", "应入未入"))
    missing = stewardship_missing(
        total_investment=total_investment, has_steward=has_steward, leader_in_charge=leader_in_charge
    )
    if missing:
        warnings.append(("warning text-dark", f"缺{'、'.join(missing)}"))
    return warnings


def _record_warnings(project: Project) -> list[tuple[str, str]]:
    return project_warnings(
        overdue_milestones=getattr(project, "overdue_milestone_count", 0),
        overdue_problems=getattr(project, "overdue_problem_count", 0),
        is_missing_registration=getattr(project, "is_missing_registration", False),
        total_investment=project.total_investment,
        has_steward=project.steward_id is not None,
        leader_in_charge=project.leader_in_charge,
    )


def warnings_text(warnings: list[tuple[str, str]]) -> str:
    """The warnings as a file cell holds them."""
    return "；".join(text for _, text in warnings)


def warning_badges(project: Project) -> str:
    """The warnings a project row carries, from the annotations of ``selectors.warnings.with_warnings``."""
    return format_html_join(" ", '<span class="badge bg-{}">{}</span>', _record_warnings(project))


class WarningsColumn(tables.Column):
    """A project row's warning badges (``warning_badges``); blank when it has none."""

    def __init__(self, **kwargs):
        super().__init__(verbose_name="预警", accessor="pk", orderable=False, **kwargs)

    def render(self, record: Project) -> str:
        return warning_badges(record) or ""

    def value(self, record: Project) -> str:
        return warnings_text(_record_warnings(record))


class ProjectBoardTable(BaseTable):
    name = _project_link()
    code = _file_only("项目代码")
    warnings = WarningsColumn()
    reporting_unit = _unit("属地单位", "reporting_unit")
    responsible_unit = _unit("责任局办", "responsible_unit")
    level = tables.Column(verbose_name="项目级别")
    field = _file_only("项目领域")
    total_investment = WanColumn("总投资(万元)")
    annual_plan = WanColumn("年度计划投资(万元)")
    steward = tables.Column(verbose_name="项目管家", order_by=("steward__username",))
    leader_in_charge = tables.Column(verbose_name="分包领导")
    actions = _actions()

    def __init__(self, *args, user, movable: bool = False, **kwargs):
        self.user = user
        self.movable = movable
        super().__init__(*args, **kwargs)

    def render_actions(self, record: Project) -> str:
        if not self.movable or not can_edit_project(self.user, record):
            return ""
        links = []
        next_stage = NEXT_STAGE.get(record.stage)
        if next_stage:
            move = reverse("projects:move", args=[record.pk])
            links.append(("btn-outline-primary", move, f"转入{next_stage.label}库"))
        links.append(("btn-outline-secondary", reverse("projects:exit", args=[record.pk]), "退库"))
        return format_html_join(" ", '<a class="btn btn-sm {}" href="{}">{}</a>', links)

    class Meta(BaseTable.Meta):
        model = Project
        fields = ()
        sequence = (
            "name",
            "code",
            "warnings",
            "reporting_unit",
            "responsible_unit",
            "level",
            "field",
            "total_investment",
            "annual_plan",
            "steward",
            "leader_in_charge",
            "actions",
        )


class StewardProjectTable(BaseTable):
    """项目管家's projects and the 周调度 list: what needs following up this week."""

    name = _project_link()
    warnings = WarningsColumn()
    reporting_unit = _unit("属地单位", "reporting_unit")
    stage = tables.Column(verbose_name="所在库")
    total_investment = WanColumn("总投资(万元)")
    steward = tables.Column(verbose_name="项目管家", order_by=("steward__username",))
    reported_this_month = YesNoColumn(verbose_name="本月已报", yesno="✓,✗")

    class Meta(BaseTable.Meta):
        model = Project
        fields = ()
        sequence = (
            "name",
            "warnings",
            "reporting_unit",
            "stage",
            "total_investment",
            "steward",
            "reported_this_month",
        )


class MissingRegistrationTable(BaseTable):
    name = _project_link()
    code = tables.Column(verbose_name="项目代码")
    reporting_unit = _unit("属地单位", "reporting_unit")
    responsible_unit = _unit("责任局办", "responsible_unit")
    stage = tables.Column(verbose_name="所在库")
    actual_start = DayColumn("实际开工日期")
    total_investment = WanColumn("总投资(万元)")
    steward = tables.Column(verbose_name="项目管家", order_by=("steward__username",))
    actions = _actions()

    def __init__(self, *args, user, **kwargs):
        self.user = user
        super().__init__(*args, **kwargs)

    def render_actions(self, record: Project) -> str:
        if not can_edit_project(self.user, record):
            return ""
        return format_html(
            '<a class="btn btn-sm btn-outline-primary" href="{}">登记入库</a>',
            reverse("projects:register", args=[record.pk]),
        )

    class Meta(BaseTable.Meta):
        model = Project
        fields = ()
        sequence = (
            "name",
            "code",
            "reporting_unit",
            "responsible_unit",
            "stage",
            "actual_start",
            "total_investment",
            "steward",
            "actions",
        )


class ProblemTable(BaseTable):
    project = _project()
    reporting_unit = _unit("属地单位", "project__reporting_unit")
    category = tables.Column(verbose_name="问题类别")
    description = tables.Column(verbose_name="问题描述", orderable=False)
    owner_unit = _unit("责任单位", "owner_unit")
    registered_on = DayColumn("登记日期")
    deadline = DayColumn("办结时限")
    status = tables.Column(verbose_name="状态")
    overdue = _file_only("是否逾期", accessor="pk")
    closed_on = DayColumn("销号日期")
    resolution = _file_only("解决情况")
    actions = _actions()

    def __init__(self, *args, user, **kwargs):
        self.user = user
        super().__init__(*args, **kwargs)
        # Overdue problems stand out: the row is red, whatever the sort order.
        self.row_attrs = {"class": lambda record: "table-danger" if record.is_overdue else ""}

    def render_deadline(self, value, record: Problem) -> str:
        if record.is_overdue:
            return format_html('{} <span class="badge bg-danger">逾期</span>', value.isoformat())
        return value.isoformat()

    def value_deadline(self, value):
        return value

    def value_overdue(self, record: Problem) -> str:
        return "逾期" if record.is_overdue else ""

    def render_actions(self, record: Problem) -> str:
        if record.status == ProblemStatus.CLOSED or not can_edit_problem(self.user, record):
            return ""
        return format_html(
            '<a class="btn btn-sm btn-outline-secondary" href="{}">修改</a> '
            '<a class="btn btn-sm btn-outline-success" href="{}">销号</a>',
            reverse("projects:problem_edit", args=[record.pk]),
            reverse("projects:problem_close", args=[record.pk]),
        )

    class Meta(BaseTable.Meta):
        model = Problem
        fields = ()
        sequence = (
            "project",
            "reporting_unit",
            "category",
            "description",
            "owner_unit",
            "registered_on",
            "deadline",
            "status",
            "overdue",
            "closed_on",
            "resolution",
            "actions",
        )


class OverdueMilestoneTable(BaseTable):
    project = _project()
    reporting_unit = _unit("属地单位", "project__reporting_unit")
    kind = tables.Column(verbose_name="节点")
    planned_on = DayColumn("计划日期")

    class Meta(BaseTable.Meta):
        model = Milestone
        fields = ()
        sequence = ("project", "reporting_unit", "kind", "planned_on")


class YearPlanTable(BaseTable):
    project = _project()
    reporting_unit = _unit("属地单位", "project__reporting_unit")
    year = tables.Column(verbose_name="年度")
    planned_investment = tables.Column(
        verbose_name="年度计划投资(万元)",
        attrs=RIGHT,
        default=mark_safe('<span class="badge bg-warning text-dark">待填报</span>'),
    )
    actions = _actions()

    def __init__(self, *args, user, **kwargs):
        self.user = user
        super().__init__(*args, **kwargs)

    def render_planned_investment(self, value) -> str:
        return format_wan(value)

    def value_planned_investment(self, value):
        return value

    def render_actions(self, record: ProjectYearPlan) -> str:
        if not can_edit_project(self.user, record.project):
            return ""
        return format_html(
            '<a class="btn btn-sm btn-outline-primary" href="{}">填报</a>',
            reverse("projects:year_plan", args=[record.project_id]),
        )

    class Meta(BaseTable.Meta):
        model = ProjectYearPlan
        fields = ()
        sequence = ("project", "reporting_unit", "year", "planned_investment", "actions")


class ProjectListTable(BaseTable):
    """项目清单: one row per project with its library, 入库 status, money and warnings; sortable."""

    name = _project_link()
    code = tables.Column(verbose_name="项目代码")
    warnings = WarningsColumn()
    stage = tables.Column(verbose_name="所在库")
    reporting_unit = _unit("属地单位", "reporting_unit")
    responsible_unit = _unit("责任局办", "responsible_unit")
    level = tables.Column(verbose_name="项目级别")
    field = tables.Column(verbose_name="项目领域")
    tags = tables.ManyToManyColumn(verbose_name="标签", orderable=False, separator=TAG_SEPARATOR)
    total_investment = WanColumn("总投资(万元)")
    annual_plan = WanColumn("年度计划投资(万元)")
    ytd_completed = WanColumn("累计完成(万元)")
    completion_pct = PctColumn("完成率", accessor="pk", orderable=False)
    is_registered = YesNoColumn(verbose_name="入库纳统", yesno="已入库,未入库")
    steward = _file_only("项目管家")
    leader_in_charge = _file_only("分包领导")

    def render_completion_pct(self, record: Project) -> str:
        return format_pct(self.value_completion_pct(record))

    def value_completion_pct(self, record: Project):
        return plan_completion_pct(record.ytd_completed, record.annual_plan)

    class Meta(BaseTable.Meta):
        model = Project
        fields = ()
        sequence = (
            "name",
            "code",
            "warnings",
            "stage",
            "reporting_unit",
            "responsible_unit",
            "level",
            "field",
            "tags",
            "total_investment",
            "annual_plan",
            "ytd_completed",
            "completion_pct",
            "is_registered",
            "steward",
            "leader_in_charge",
        )


class EvidenceColumn(tables.BooleanColumn):
    """One item of the 入库纳统 checklist: 有 or 缺."""

    def __init__(self, verbose_name: str, **kwargs):
        super().__init__(verbose_name=verbose_name, orderable=False, **kwargs)

    def render(self, value, record, bound_column) -> str:
        if value:
            return mark_safe('<span class="badge bg-success">有</span>')
        return mark_safe('<span class="badge bg-danger">缺</span>')


class RegistrationEvidenceTable(BaseTable):
    """入库纳统 checklist: what each started project still lacks
    (``selectors.intake.registration_checklist``)."""

    name = _project_link()
    reporting_unit = _unit("属地单位", "reporting_unit")
    stage = tables.Column(verbose_name="所在库")
    is_registered = YesNoColumn(verbose_name="已入库纳统", yesno="是,否")
    has_approval = EvidenceColumn("批复文件")
    has_contract = EvidenceColumn("施工合同")
    has_site_photo = EvidenceColumn("现场照片")
    missing = tables.Column(verbose_name="尚缺", accessor="pk", orderable=False)
    steward = tables.Column(verbose_name="项目管家", order_by=("steward__username",))

    def render_missing(self, record: Project) -> str:
        present = [
            kind
            for kind, has in (
                (EvidenceKind.APPROVAL, record.has_approval),
                (EvidenceKind.CONTRACT, record.has_contract),
                (EvidenceKind.SITE, record.has_site_photo),
            )
            if has
        ]
        return "、".join(registration_evidence_missing(present=present)) or "齐全"

    class Meta(BaseTable.Meta):
        model = Project
        fields = ()
        sequence = (
            "name",
            "reporting_unit",
            "stage",
            "is_registered",
            "has_approval",
            "has_contract",
            "has_site_photo",
            "missing",
            "steward",
        )
