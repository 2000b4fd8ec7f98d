from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import (
    Assessment,
    AssessmentAdjustment,
    AssessmentRow,
    Award,
    Bulletin,
    BulletinLetterhead,
    CompositeWeight,
    Escalation,
    Export,
    Forecast,
    Ladder,
    LadderStep,
    Notification,
    OfficialFigure,
    RankingRow,
    RankingRun,
    RankingScheme,
    RewardTier,
    Submission,
    SubmissionEvent,
)


@admin.register(OfficialFigure)
class OfficialFigureAdmin(SimpleHistoryAdmin):
    list_display = ["unit", "year", "month", "ytd_completed", "baseline", "entered_by", "updated_at"]
    list_filter = ["year", "month", "unit__kind", "unit"]
    search_fields = ["unit__name"]
    list_select_related = ["unit", "entered_by"]
    autocomplete_fields = ["unit"]


class SubmissionEventInline(admin.TabularInline):
    model = SubmissionEvent
    extra = 0
    can_delete = False
    fields = ["created_at", "from_status", "to_status", "actor", "reason"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Submission)
class SubmissionAdmin(admin.ModelAdmin):
    list_display = ["unit", "year", "month", "status", "submitted_at", "is_late"]
    list_filter = ["year", "month", "status", "is_late", "unit__kind"]
    search_fields = ["unit__name"]
    list_select_related = ["unit"]
    readonly_fields = ["version"]
    inlines = [SubmissionEventInline]


@admin.register(Forecast)
class ForecastAdmin(admin.ModelAdmin):
    list_display = [
        "unit",
        "year",
        "month",
        "expected_investment",
        "expected_intake_count",
        "expected_intake_amount",
    ]
    list_filter = ["year", "month"]
    search_fields = ["unit__name"]
    list_select_related = ["unit"]
    autocomplete_fields = ["unit"]


class LadderStepInline(admin.TabularInline):
    model = LadderStep
    extra = 0


@admin.register(Ladder)
class LadderAdmin(admin.ModelAdmin):
    list_display = ["name", "source"]
    search_fields = ["name"]
    inlines = [LadderStepInline]


@admin.register(LadderStep)
class LadderStepAdmin(admin.ModelAdmin):
    list_display = [
        "ladder",
        "level",
        "min_consecutive",
        "on_half_year_bottom",
        "action",
        "interviewer",
        "interviewee",
    ]
    list_filter = ["ladder"]
    search_fields = ["action", "interviewer", "interviewee"]


class CompositeWeightInline(admin.TabularInline):
    model = CompositeWeight
    extra = 0


@admin.register(RankingScheme)
class RankingSchemeAdmin(admin.ModelAdmin):
    list_display = ["name", "group", "metric", "allocation_table", "ladder", "is_active", "sort_order"]
    list_filter = ["metric", "is_active", "group"]
    search_fields = ["name"]
    list_select_related = ["group", "allocation_table", "ladder"]
    inlines = [CompositeWeightInline]


@admin.register(CompositeWeight)
class CompositeWeightAdmin(admin.ModelAdmin):
    list_display = ["scheme", "indicator", "weight"]
    list_filter = ["scheme"]
    search_fields = ["scheme__name", "indicator__name"]


class RankingRowInline(admin.TabularInline):
    model = RankingRow
    extra = 0
    can_delete = False
    fields = [
        "unit",
        "ytd_completed",
        "baseline",
        "target",
        "value",
        "status",
        "rank",
        "is_bottom",
        "escalation_level",
        "note",
    ]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None) -> bool:
        return False


@admin.register(RankingRun)
class RankingRunAdmin(admin.ModelAdmin):
    list_display = ["scheme", "year", "month", "status", "figure_source", "computed_at", "published_at"]
    list_filter = ["year", "month", "status", "scheme"]
    search_fields = ["scheme__name"]
    list_select_related = ["scheme"]
    readonly_fields = [
        "scheme",
        "year",
        "month",
        "status",
        "figure_source",
        "computed_at",
        "published_at",
        "published_by",
    ]
    inlines = [RankingRowInline]


@admin.register(RankingRow)
class RankingRowAdmin(admin.ModelAdmin):
    list_display = [
        "run",
        "unit",
        "value",
        "status",
        "rank",
        "is_bottom",
        "consecutive_bottom",
        "escalation_level",
    ]
    list_filter = ["run__year", "run__month", "run__scheme", "status", "is_bottom"]
    search_fields = ["unit__name"]
    list_select_related = ["run", "run__scheme", "unit"]


@admin.register(Escalation)
class EscalationAdmin(admin.ModelAdmin):
    list_display = ["unit", "scheme", "year", "month", "level", "action", "status", "meeting_date"]
    list_filter = ["status", "level", "year", "scheme"]
    search_fields = ["unit__name", "action", "interviewer"]
    list_select_related = ["unit", "scheme"]


@admin.register(RewardTier)
class RewardTierAdmin(admin.ModelAdmin):
    list_display = ["name", "first_place", "last_place", "amount"]
    search_fields = ["name"]


@admin.register(AssessmentAdjustment)
class AssessmentAdjustmentAdmin(admin.ModelAdmin):
    list_display = ["unit", "kind", "year", "number", "observation_score", "review_score", "remark"]
    list_filter = ["kind", "year", "number"]
    search_fields = ["unit__name", "remark"]
    list_select_related = ["unit"]
    autocomplete_fields = ["unit"]


class AssessmentRowInline(admin.TabularInline):
    model = AssessmentRow
    extra = 0
    can_delete = False
    fields = [
        "unit",
        "rank_points",
        "observation_score",
        "review_score",
        "score",
        "rank",
        "is_bottom",
        "reward",
    ]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Assessment)
class AssessmentAdmin(admin.ModelAdmin):
    list_display = ["year", "kind", "number", "group", "status", "computed_at"]
    list_filter = ["year", "kind", "status", "group"]
    search_fields = ["group__name"]
    inlines = [AssessmentRowInline]


@admin.register(AssessmentRow)
class AssessmentRowAdmin(admin.ModelAdmin):
    list_display = ["assessment", "unit", "score", "rank", "reward"]
    list_filter = ["assessment__year", "assessment__kind"]
    search_fields = ["unit__name"]
    list_select_related = ["assessment", "assessment__group", "unit"]


@admin.register(Award)
class AwardAdmin(admin.ModelAdmin):
    list_display = ["year", "kind", "group", "indicator", "unit", "place", "prize"]
    list_filter = ["year", "kind"]
    search_fields = ["unit__name"]
    list_select_related = ["group", "indicator", "unit"]


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = ["title", "user", "unit", "created_at", "read_at"]
    list_filter = ["read_at"]
    search_fields = ["title", "user__username"]
    list_select_related = ["user", "unit"]


@admin.register(Bulletin)
class BulletinAdmin(admin.ModelAdmin):
    list_display = ["year", "month", "status", "published_at", "published_by"]
    list_filter = ["year", "status"]
    search_fields = ["year"]


@admin.register(Export)
class ExportAdmin(admin.ModelAdmin):
    list_display = ["kind", "requested_by", "status", "progress", "total_rows", "created_at", "finished_at"]
    list_filter = ["kind", "status"]
    search_fields = ["requested_by__username"]
    list_select_related = ["requested_by"]
    readonly_fields = ["created_at", "finished_at"]


@admin.register(BulletinLetterhead)
class BulletinLetterheadAdmin(admin.ModelAdmin):
    list_display = ["issuing_authority", "number_pattern", "signatory", "updated_at"]

    def save_model(self, request, obj, form, change) -> None:
        # One row per deployment: adding again replaces it.
        obj.pk = 1
        super().save_model(request, obj, form, change)
