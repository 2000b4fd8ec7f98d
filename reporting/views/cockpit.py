"""领导驾驶舱 and the unit page: each view reads one selector and renders it."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render

from accounts.permissions import check_unit_read, roles_required, unit_member_view
from accounts.roles import Role
from common import clock
from common.params import year_param
from common.periods import Period
from targets.models import Unit

from ..forms_rankings import PeriodForm
from ..selectors.cockpit import Cockpit, cockpit, unit_page, unit_period
from ..selectors.rankings import latest_period
from ..tables_cockpit import (
    CockpitRankingTable,
    IntakeTable,
    LibraryTotalsTable,
    OpenEscalationTable,
    OverdueProblemTable,
    TrendTable,
)
from ..tables_unit import (
    UnitEscalationTable,
    UnitLibraryTable,
    UnitMonthTable,
    UnitRankTable,
    UnitSubmissionTable,
    UnitTargetTable,
    WorstProjectTable,
)


def _period(request: HttpRequest) -> Period | None:
    form = PeriodForm(request.GET or None)
    if form.is_bound and form.is_valid():
        return form.cleaned_data["period"]
    return latest_period()


def _unit_period(request: HttpRequest) -> tuple[int, int]:
    """``?period=2022-05`` shows 1-5月; ``?year=2022`` the year's latest ranked period; else the latest."""
    form = PeriodForm(request.GET or None)
    if form.is_bound and form.is_valid():
        period = form.cleaned_data["period"]
        return period.year, period.month
    latest = latest_period()
    year = year_param(request, default=latest.year if latest else clock.today().year)
    period = unit_period(year=year, actor=request.user)
    return year, period.month if period else 12


def _cockpit_tables(c: Cockpit) -> dict:
    """The cockpit's panels, a table each; a ranking group's panel beside its group."""
    return {
        "group_tables": [(group, CockpitRankingTable(group, period=c.period)) for group in c.groups],
        "trend_table": TrendTable(c.trend),
        "library_table": LibraryTotalsTable(c.libraries),
        "intake_table": IntakeTable(c.intake, period=c.period),
        "escalation_table": OpenEscalationTable(c.open_escalations),
        "problem_table": OverdueProblemTable(c.overdue_problems),
    }


@roles_required(Role.LEADER, Role.ADMIN, Role.REVIEWER)
def cockpit_view(request: HttpRequest) -> HttpResponse:
    period = _period(request)
    if period is None:
        return render(request, "reporting/cockpit.html", {})
    c = cockpit(period=period, actor=request.user)
    return render(request, "reporting/cockpit.html", {"cockpit": c, **_cockpit_tables(c)})


@unit_member_view
def unit_view(request: HttpRequest, unit_id: int) -> HttpResponse:
    check_unit_read(request.user, unit_id)
    unit = get_object_or_404(Unit, pk=unit_id)
    year, through = _unit_period(request)
    page = unit_page(unit=unit, year=year, through=through, actor=request.user)
    context = {
        "page": page,
        "worst_table": WorstProjectTable(page.worst),
        "months_table": UnitMonthTable(page.months, unit=unit),
        "ranks_table": UnitRankTable(page.months),
        "targets_table": UnitTargetTable(page.targets),
        "submissions_table": UnitSubmissionTable(page.submissions, unit=unit),
        "libraries_table": UnitLibraryTable(page.libraries, unit=unit),
        "escalations_table": UnitEscalationTable(page.escalations),
    }
    return render(request, "reporting/unit.html", context)
