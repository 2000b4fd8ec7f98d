from decimal import Decimal

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.db.models import Count, Sum
from django.forms.models import BaseInlineFormSet
from simple_history.admin import SimpleHistoryAdmin

from common.figures import format_wan as wan

from .models import AllocationTable, Indicator, MonthlyIntakeTarget, PlanYear, RankingGroup, Target, Unit
from .rules import balanced_table_refusal
from .selectors import allocation_balance


def _check_balanced(table: AllocationTable, row_sum: Decimal) -> None:
    """Rule 12 in the admin too: a table is saved only with rows adding up to the plan total."""
    refusal = balanced_table_refusal(
        year=table.plan_year.year, table_name=table.name, row_sum=row_sum, plan_total=table.plan_total
    )
    if refusal:
        raise ValidationError(refusal)


@admin.register(Unit)
class UnitAdmin(admin.ModelAdmin):
    list_display = ["name", "short_name", "code", "kind", "parent", "is_active", "sort_order"]
    list_filter = ["kind", "is_active", "ranking_groups"]
    search_fields = ["name", "short_name", "code"]
    list_editable = ["sort_order"]
    list_select_related = ["parent"]
    autocomplete_fields = ["parent"]


@admin.register(RankingGroup)
class RankingGroupAdmin(admin.ModelAdmin):
    list_display = ["name", "member_count", "description", "sort_order"]
    search_fields = ["name"]
    filter_horizontal = ["units"]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(member_count=Count("units"))

    @admin.display(description="成员单位数", ordering="member_count")
    def member_count(self, obj) -> int:
        return obj.member_count


@admin.register(Indicator)
class IndicatorAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "measure_unit", "sort_order"]
    search_fields = ["name", "code"]


class AllocationTableInline(admin.TabularInline):
    model = AllocationTable
    extra = 0
    fields = ["name", "indicator", "ranking_group", "sort_order"]
    show_change_link = True


@admin.register(PlanYear)
class PlanYearAdmin(SimpleHistoryAdmin):
    list_display = [
        "year",
        "title",
        "fai_target_display",
        "growth_target_pct",
        "intake_project_target",
        "intake_investment_target_display",
        "intake_large_project_target",
        "uses_official_figures",
    ]
    list_filter = ["uses_official_figures"]
    search_fields = ["year", "title"]
    inlines = [AllocationTableInline]

    def get_readonly_fields(self, request, obj=None):
        # Changing a year's total is its own audited action (the 修改计划总量 page), never a side edit.
        return ["fai_target"] if obj is not None else []

    @admin.display(description="投资目标(万元)", ordering="fai_target")
    def fai_target_display(self, obj) -> str:
        return wan(obj.fai_target)

    @admin.display(description="新增入库总投资目标(万元)", ordering="intake_investment_target")
    def intake_investment_target_display(self, obj) -> str:
        return wan(obj.intake_investment_target)


class BalancedTargetFormSet(BaseInlineFormSet):
    def clean(self) -> None:
        super().clean()
        table = self.instance
        if any(self.errors) or not self.has_changed() or None in (table.plan_year_id, table.indicator_id):
            return
        kept = [
            form.cleaned_data.get("value") or Decimal(0)
            for form in self.forms
            if form.cleaned_data and not form.cleaned_data.get("DELETE")
        ]
        _check_balanced(table, sum(kept, Decimal(0)))


class TargetInline(admin.TabularInline):
    model = Target
    formset = BalancedTargetFormSet
    extra = 0
    fields = ["sort_order", "unit", "value", "note"]
    autocomplete_fields = ["unit"]


@admin.register(AllocationTable)
class AllocationTableAdmin(admin.ModelAdmin):
    list_display = [
        "name",
        "plan_year",
        "indicator",
        "ranking_group",
        "row_count",
        "row_sum",
        "plan_total",
        "difference",
    ]
    list_filter = ["plan_year", "indicator"]
    search_fields = ["name"]
    list_select_related = ["plan_year", "indicator", "ranking_group"]
    readonly_fields = ["row_sum", "plan_total", "difference"]
    fields = [
        "plan_year",
        "name",
        "indicator",
        "ranking_group",
        "sort_order",
        "row_sum",
        "plan_total",
        "difference",
    ]
    inlines = [TargetInline]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(_row_sum=Sum("targets__value"), _row_count=Count("targets"))
        )

    @admin.display(description="单位数", ordering="_row_count")
    def row_count(self, obj) -> int:
        return getattr(obj, "_row_count", None) or obj.targets.count()

    @admin.display(description="各行合计")
    def row_sum(self, obj) -> str:
        return wan(allocation_balance(obj).row_sum) if obj.pk else "—"

    @admin.display(description="计划总量")
    def plan_total(self, obj) -> str:
        return wan(obj.plan_total) if obj.pk else "—"

    @admin.display(description="差额（合计−总量）")
    def difference(self, obj) -> str:
        if not obj.pk:
            return "—"
        balance = allocation_balance(obj)
        if balance.difference is None:
            return "—"
        verdict = "平衡" if balance.is_balanced else "不平衡"
        return f"{wan(balance.difference)}（{verdict}）"


class TargetAdminForm(forms.ModelForm):
    class Meta:
        model = Target
        fields = ["table", "unit", "value", "note", "sort_order"]

    def clean(self):
        cleaned = super().clean()
        table, value = cleaned.get("table"), cleaned.get("value")
        if table is not None and value is not None:
            others = table.targets.exclude(pk=self.instance.pk).aggregate(total=Sum("value"))["total"]
            _check_balanced(table, (others or Decimal(0)) + value)
        return cleaned


@admin.register(Target)
class TargetAdmin(SimpleHistoryAdmin):
    form = TargetAdminForm
    list_display = ["unit", "table", "value", "note"]
    list_filter = ["table__plan_year", "table", "unit__kind"]
    search_fields = ["unit__name", "table__name"]
    list_select_related = ["unit", "table", "table__plan_year"]
    autocomplete_fields = ["unit"]

    def has_delete_permission(self, request, obj=None) -> bool:
        # A unit leaves a table through the grid or an import, which keep the table balanced.
        return False


@admin.register(MonthlyIntakeTarget)
class MonthlyIntakeTargetAdmin(SimpleHistoryAdmin):
    list_display = ["unit", "plan_year", "min_projects", "min_investment"]
    list_filter = ["plan_year"]
    search_fields = ["unit__name"]
    list_select_related = ["unit", "plan_year"]
    autocomplete_fields = ["unit"]
