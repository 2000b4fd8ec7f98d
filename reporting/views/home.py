"""Each role's home page is its to-do list; the leader's is the cockpit."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from accounts.permissions import ALL_UNITS_READERS, has_any_role, unit_member_view
from accounts.roles import Role
from targets.selectors import plan_overview
from targets.tables import AllocationTargetsTable

from ..selectors.todo import home_todo
from ..tables_rankings import ReadinessTable
from .cockpit import cockpit_view


@unit_member_view
def home(request: HttpRequest) -> HttpResponse:
    user = request.user
    if has_any_role(user, (Role.LEADER,)) and not has_any_role(
        user, (Role.ADMIN, Role.REVIEWER, Role.REPORTER, Role.UNIT_HEAD)
    ):
        return cockpit_view(request)
    todo = home_todo(actor=user)
    overview = plan_overview()
    return render(
        request,
        "reporting/home.html",
        {
            "todo": todo,
            "readiness_table": ReadinessTable(todo.readiness.rows) if todo.readiness else None,
            "overview": overview,
            "overview_tables": [(table, AllocationTargetsTable(table)) for table in overview.tables],
            "can_see_cockpit": has_any_role(user, ALL_UNITS_READERS),
        },
    )
