"""The FilterSet of the allocation tables' list; it serves the page."""

from __future__ import annotations

from collections.abc import Sequence

import django_filters

from common.lists import StyledFilterSet

from .models import AllocationTable, PlanYear


class AllocationTableFilterSet(StyledFilterSet):
    """分解表 by plan year; the years offered are those given (``plan_years``, read once a page)."""

    year = django_filters.ChoiceFilter(label="年度", field_name="plan_year__year", empty_label="全部年度")

    class Meta:
        model = AllocationTable
        fields: list[str] = []

    def __init__(self, *args, plan_years: Sequence[PlanYear] = (), **kwargs):
        super().__init__(*args, **kwargs)
        # django-filter puts 全部年度 (``empty_label``) before these.
        self.form.fields["year"].choices = [
            (str(plan_year.year), f"{plan_year.year}年度") for plan_year in plan_years
        ]
