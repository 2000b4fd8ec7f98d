"""One FilterSet per listed model; each serves its page and that page's export."""

from __future__ import annotations

import django_filters
from django import forms
from django.conf import settings
from django.db.models import Q, QuerySet

from accounts.models import User
from accounts.permissions import readable_units
from common.lists import StyledFilterSet
from targets.models import Unit

from .access import readable_projects
from .choices import ExitReason, Field, Level, MilestoneKind, ProblemCategory, ProblemStatus, Stage
from .codes import CodeRegion, region_prefix
from .models import ExitRequest, Milestone, Problem, Project, ProjectYearPlan, Tag
from .rules import missing_registration

ALL = "全部"
# What the boards and the stewards' lists ask about; the library is the board's tab, not a filter.
BOARD_FILTERS = ("q", "unit", "level", "tag", "steward", "steward_missing")
# What the project list asks about.
LIST_FILTERS = (
    "q",
    "stage",
    "level",
    "field",
    "tag",
    "reporting_unit",
    "responsible_unit",
    "unit",
    "is_registered",
    "missing_registration",
    "investment_min",
    "investment_max",
    "code_region",
)


def _units(request) -> QuerySet[Unit]:
    return readable_units(request.user).order_by("sort_order", "name") if request else Unit.objects.none()


class UnitNames(django_filters.fields.ModelChoiceIterator):
    """A unit filter's choices read as (id, name) pairs: no model instance built per unit."""

    def __iter__(self):
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        yield from self.queryset.values_list("pk", "name")


class UnitChoiceField(django_filters.fields.ModelChoiceField):
    iterator = UnitNames


class UnitFilter(django_filters.ModelChoiceFilter):
    """Filter by one of the units the user may read; the label of a unit is its name."""

    field_class = UnitChoiceField


def _stewards(request) -> QuerySet[User]:
    if not request:
        return User.objects.none()
    stewarded = readable_projects(request.user).filter(steward__isnull=False).values("steward")
    return User.objects.filter(pk__in=stewarded).order_by("username")


def _yes_no() -> forms.Select:
    return forms.Select(choices=[("", ALL), ("true", "是"), ("false", "否")])


def _search(fields: tuple[str, ...]):
    def method(queryset, name, value):
        condition = Q()
        for field in fields:
            condition |= Q(**{f"{field}__icontains": value.strip()})
        return queryset.filter(condition)

    return method


class ProblemFilterSet(StyledFilterSet):
    q = django_filters.CharFilter(label="项目或问题", method=_search(("project__name", "description")))
    unit = UnitFilter(
        label="单位",
        queryset=_units,
        method="filter_unit",
        help_text="项目属地单位或问题责任单位",
        empty_label=ALL,
    )
    category = django_filters.ChoiceFilter(label="问题类别", choices=ProblemCategory.choices, empty_label=ALL)
    status = django_filters.ChoiceFilter(label="状态", choices=ProblemStatus.choices, empty_label=ALL)
    is_overdue = django_filters.BooleanFilter(label="逾期未销号", widget=_yes_no())

    class Meta:
        model = Problem
        fields: list[str] = []

    def filter_unit(self, queryset, name, value):
        return queryset.filter(Q(project__reporting_unit=value) | Q(owner_unit=value))


class ExitRequestFilterSet(StyledFilterSet):
    """退库审批: the pending requests by the name of the project's 属地单位 (typed, so the page reads
    no list of units) and by 退库原因."""

    unit = django_filters.CharFilter(
        label="属地单位",
        method=_search(("project__reporting_unit__name", "project__reporting_unit__short_name")),
    )
    reason = django_filters.ChoiceFilter(label="退库原因", choices=ExitReason.choices, empty_label=ALL)

    class Meta:
        model = ExitRequest
        fields: list[str] = []


class MilestoneFilterSet(StyledFilterSet):
    unit = UnitFilter(
        label="属地单位", field_name="project__reporting_unit", queryset=_units, empty_label=ALL
    )
    kind = django_filters.ChoiceFilter(label="节点", choices=MilestoneKind.choices, empty_label=ALL)

    class Meta:
        model = Milestone
        fields: list[str] = []


class YearPlanFilterSet(StyledFilterSet):
    unit = UnitFilter(
        label="属地单位", field_name="project__reporting_unit", queryset=_units, empty_label=ALL
    )
    pending = django_filters.BooleanFilter(
        label="待填报", field_name="planned_investment", lookup_expr="isnull", widget=_yes_no()
    )

    class Meta:
        model = ProjectYearPlan
        fields: list[str] = []


class ProjectFilterSet(StyledFilterSet):
    """The one FilterSet of projects: the project list, the boards, the stewards' lists, the API and
    the background ledger export all filter with it (a page may offer fewer of its filters)."""

    q = django_filters.CharFilter(
        label="搜索", method=_search(("name", "code", "company")), help_text="项目名称、代码或建设单位"
    )
    stage = django_filters.ChoiceFilter(label="所在库", choices=Stage.choices, empty_label=ALL)
    level = django_filters.ChoiceFilter(label="项目级别", choices=Level.choices, empty_label=ALL)
    field = django_filters.ChoiceFilter(label="项目领域", choices=Field.choices, empty_label=ALL)
    tag = django_filters.ModelChoiceFilter(
        label="标签", field_name="tags", queryset=Tag.objects.all(), empty_label=ALL
    )
    reporting_unit = UnitFilter(label="属地单位", queryset=_units, empty_label=ALL)
    responsible_unit = UnitFilter(label="责任局办", queryset=_units, empty_label=ALL)
    unit = UnitFilter(
        label="单位", queryset=_units, method="filter_unit", help_text="属地单位或责任局办", empty_label=ALL
    )
    steward = django_filters.ModelChoiceFilter(label="项目管家", queryset=_stewards, empty_label=ALL)
    steward_missing = django_filters.BooleanFilter(
        label="缺项目管家", field_name="steward", lookup_expr="isnull"
    )
    is_registered = django_filters.BooleanFilter(label="已入库纳统", widget=_yes_no())
    missing_registration = django_filters.BooleanFilter(
        label="应入未入", method="filter_missing_registration", widget=_yes_no()
    )
    investment_min = django_filters.NumberFilter(
        label="总投资不低于(万元)", field_name="total_investment", lookup_expr="gte"
    )
    investment_max = django_filters.NumberFilter(
        label="总投资不高于(万元)", field_name="total_investment", lookup_expr="lte"
    )
    code_region = django_filters.ChoiceFilter(
        label="项目代码",
        choices=CodeRegion.choices,
        method="filter_code_region",
        empty_label=ALL,
        help_text="本区划赋码，或区划调整前的旧区划代码",
    )

    class Meta:
        model = Project
        fields: list[str] = []

    def filter_unit(self, queryset, name, value: Unit):
        return queryset.filter(Q(reporting_unit=value) | Q(responsible_unit=value))

    def filter_code_region(self, queryset, name, value):
        regions = (
            [settings.PROJECT_CODE_REGION]
            if value == CodeRegion.CURRENT
            else settings.PROJECT_CODE_LEGACY_REGIONS
        )
        condition = Q(pk__in=[])
        for region in regions:
            condition |= Q(code__regex=rf"^[0-9]{{4}}-{region_prefix(region)}")
        return queryset.filter(condition)

    def filter_missing_registration(self, queryset, name, value):
        return queryset.filter(missing_registration()) if value else queryset.exclude(missing_registration())
