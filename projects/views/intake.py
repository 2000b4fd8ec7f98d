"""入库纳统: monthly registrations against the targets, 应入未入 (rule 8) and 储备比例 (rule 6)."""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.db.models import Exists, Max, OuterRef
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from accounts.permissions import ALL_UNITS_READERS, has_any_role, readable_units, unit_member_view
from audit.models import AuditAction
from audit.services import audited
from common.lists import ListPage

from ..access import readable_projects
from ..filtersets import BOARD_FILTERS, ProjectFilterSet
from ..listing import PER_PAGE
from ..models import Project
from ..selectors.boards import library_year
from ..selectors.intake import intake_by_month, monthly_intake, registration_checklist, year_intake
from ..selectors.reserve import jurisdiction_reserve_ratio, unit_reserve_ratios
from ..selectors.warnings import missing_registration_projects
from ..tables import MissingRegistrationTable, RegistrationEvidenceTable
from ..tables_intake import MonthIntakeTable, YearIntakeTable
from ..tables_reserve import ReserveRatioTable

_MONTH_RE = re.compile(r"^(\d{4})-(\d{1,2})$")


@dataclass(frozen=True)
class Month:
    year: int
    month: int

    def __str__(self) -> str:
        return f"{self.year}-{self.month:02d}"


def _month(request: HttpRequest) -> Month:
    """The calendar month asked for (``?month=2022-05``); by default the last month anything was
    registered in the open year."""
    match = _MONTH_RE.match(request.GET.get("month", "").strip())
    if match and 1 <= int(match.group(2)) <= 12:
        return Month(int(match.group(1)), int(match.group(2)))
    year = library_year()
    latest = Project.objects.filter(is_registered=True, registered_on__year=year).aggregate(
        latest=Max("registered_on")
    )["latest"]
    return Month(year, latest.month if latest else 1)


@unit_member_view
def intake(request: HttpRequest) -> HttpResponse:
    month = _month(request)
    units = readable_units(request.user)
    rows = monthly_intake(year=month.year, month=month.month, units=units)
    by_month = intake_by_month(year=month.year, through=month.month, units=units)
    months = list(range(1, month.month + 1))
    matrix = [
        (row, [by_month.get((row.unit.pk, m), {"count": 0, "investment": 0}) for m in months])
        for row in rows
        if row.has_target
    ]
    return render(
        request,
        "projects/intake.html",
        {
            "month": month,
            "table": MonthIntakeTable([row for row in rows if row.has_target or row.count]),
            "matrix_table": YearIntakeTable(matrix, months=months) if matrix else None,
            "year_intake": year_intake(year=month.year, through=month.month),
        },
    )


class MissingRegistrationList(ListPage):
    """应入未入 (rule 8): started projects the user may read that are not yet 入库纳统."""

    template_name = "projects/missing_registration.html"
    filterset_class = ProjectFilterSet
    filterset_kwargs = {"offered": BOARD_FILTERS}
    table_class = MissingRegistrationTable
    title = "应入未入项目清单"
    per_page = PER_PAGE

    def queryset(self, request):
        return missing_registration_projects(projects=readable_projects(request.user))

    def table_kwargs(self, request) -> dict[str, object]:
        return {"user": request.user}


MISSING_REGISTRATION_LIST = MissingRegistrationList()


@unit_member_view
def missing_registration(request: HttpRequest) -> HttpResponse:
    return MISSING_REGISTRATION_LIST.page(request)


@unit_member_view
@audited(AuditAction.EXPORT)
def missing_registration_export(request: HttpRequest) -> HttpResponse:
    return MISSING_REGISTRATION_LIST.export(request)


@unit_member_view
def reserve(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "projects/reserve.html",
        {
            "table": ReserveRatioTable(
                unit_reserve_ratios(
                    units=readable_units(request.user).filter(
                        Exists(Project.objects.filter(reporting_unit=OuterRef("pk")))
                    )
                )
            ),
            "jurisdiction": jurisdiction_reserve_ratio()
            if has_any_role(request.user, ALL_UNITS_READERS)
            else None,
        },
    )


class RegistrationEvidenceList(ListPage):
    """入库纳统佐证: each started project's 批复文件、施工合同、现场照片, and what it still lacks."""

    template_name = "projects/registration_evidence.html"
    filterset_class = ProjectFilterSet
    filterset_kwargs = {"offered": BOARD_FILTERS}
    table_class = RegistrationEvidenceTable
    per_page = PER_PAGE

    def queryset(self, request):
        return registration_checklist(projects=readable_projects(request.user))


REGISTRATION_EVIDENCE_LIST = RegistrationEvidenceList()


@unit_member_view
def registration_evidence(request: HttpRequest) -> HttpResponse:
    return REGISTRATION_EVIDENCE_LIST.page(request)
