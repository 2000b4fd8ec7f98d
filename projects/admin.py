from django import forms
from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import (
    ExitRequest,
    Milestone,
    Problem,
    Project,
    ProjectReport,
    ProjectYearPlan,
    StageChange,
    Tag,
)
from .services.lifecycle import new_project_code_problem


@admin.register(Tag)
class TagAdmin(admin.ModelAdmin):
    list_display = ["name"]
    search_fields = ["name"]


class ProjectYearPlanInline(admin.TabularInline):
    model = ProjectYearPlan
    extra = 0


class MilestoneInline(admin.TabularInline):
    """Shown, not edited: 开工 and 竣工 are also the project's dates, which the project pages keep in
    step."""

    model = Milestone
    extra = 0
    fields = ["kind", "planned_on", "actual_on"]
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request, obj=None) -> bool:
        return False


class StageChangeInline(admin.TabularInline):
    model = StageChange
    fk_name = "project"
    extra = 0
    fields = ["changed_on", "from_stage", "to_stage", "reason", "exit_reason", "changed_by", "approved_by"]
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request, obj=None) -> bool:
        return False


class ProjectAdminForm(forms.ModelForm):
    def clean_code(self) -> str:
        """A new project's 项目代码 is checked as on every other way in (import, API)."""
        code = self.cleaned_data["code"].strip()
        if self.instance.pk is None or code != self.instance.code:
            problem = new_project_code_problem(code)
            if problem:
                raise forms.ValidationError(problem)
        return code


@admin.register(Project)
class ProjectAdmin(SimpleHistoryAdmin):
    form = ProjectAdminForm
    list_display = [
        "name",
        "code",
        "reporting_unit",
        "responsible_unit",
        "level",
        "field",
        "stage",
        "total_investment",
        "is_registered",
        "steward",
    ]
    list_filter = ["stage", "level", "field", "is_registered", "tags", "reporting_unit", "responsible_unit"]
    search_fields = ["name", "code", "company"]
    list_select_related = ["reporting_unit", "responsible_unit", "steward"]
    autocomplete_fields = ["reporting_unit", "responsible_unit", "steward"]
    filter_horizontal = ["tags"]
    date_hierarchy = "planned_start"
    # Library moves are made on the project pages, where they are guarded and logged.
    readonly_fields = ["stage", "land_for_reinvestment"]
    inlines = [ProjectYearPlanInline, MilestoneInline, StageChangeInline]
    fieldsets = [
        (
            "基本信息",
            {
                "fields": [
                    "name",
                    "code",
                    "reporting_unit",
                    "responsible_unit",
                    "level",
                    "star_rating",
                    "field",
                    "tags",
                ]
            },
        ),
        (
            "投资与阶段",
            {
                "fields": [
                    "total_investment",
                    "stage",
                    "is_registered",
                    "registered_on",
                    "land_for_reinvestment",
                ]
            },
        ),
        ("前期手续", {"fields": ["approval_on", "land_on", "planning_on", "construction_permit_on"]}),
        (
            "时间节点",
            {"fields": ["planned_start", "actual_start", "planned_completion", "actual_completion"]},
        ),
        ("责任人", {"fields": ["steward", "leader_in_charge", "company", "contact_person", "contact_phone"]}),
    ]


@admin.register(StageChange)
class StageChangeAdmin(admin.ModelAdmin):
    list_display = [
        "project",
        "from_stage",
        "to_stage",
        "changed_on",
        "changed_by",
        "exit_reason",
        "approved_by",
    ]
    list_filter = ["to_stage", "from_stage", "exit_reason"]
    search_fields = ["project__name", "project__code", "reason"]
    list_select_related = ["project", "changed_by", "approved_by"]
    autocomplete_fields = ["project"]


@admin.register(ProjectReport)
class ProjectReportAdmin(SimpleHistoryAdmin):
    list_display = ["project", "year", "month", "amount", "updated_by", "updated_at"]
    list_filter = ["year", "month", "project__reporting_unit"]
    search_fields = ["project__name", "project__code"]
    list_select_related = ["project", "updated_by"]
    autocomplete_fields = ["project"]


@admin.register(ProjectYearPlan)
class ProjectYearPlanAdmin(SimpleHistoryAdmin):
    list_display = ["project", "year", "planned_investment"]
    list_filter = ["year"]
    search_fields = ["project__name", "project__code"]
    list_select_related = ["project"]
    autocomplete_fields = ["project"]


@admin.register(Problem)
class ProblemAdmin(SimpleHistoryAdmin):
    list_display = ["project", "category", "owner_unit", "deadline", "status", "closed_on"]
    list_filter = ["status", "category", "owner_unit"]
    search_fields = ["project__name", "description"]
    list_select_related = ["project", "owner_unit"]
    autocomplete_fields = ["project", "owner_unit"]


@admin.register(ExitRequest)
class ExitRequestAdmin(admin.ModelAdmin):
    list_display = ["project", "reason", "status", "requested_by", "requested_at", "decided_by", "decided_at"]
    list_filter = ["status", "reason"]
    search_fields = ["project__name", "project__code", "note"]
    list_select_related = ["project", "requested_by", "decided_by"]
    autocomplete_fields = ["project"]
    # Deciding goes through the 退库审批 page, which moves the project and writes its StageChange.
    readonly_fields = ["status", "requested_by", "decided_by", "decided_at", "decision_note", "stage_change"]
