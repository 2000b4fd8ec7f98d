"""Small builders shared by the monthly-reporting tests: a unit, its people and its projects."""

from __future__ import annotations

from decimal import Decimal

from accounts.roles import Role
from reporting.forms import MonthEntriesForm
from reporting.selectors.monthly import month_grid_rows
from reporting.services.monthly import EntryInput
from tests.factories import PlanYearFactory, ProjectFactory, ProjectReportFactory, UnitFactory, UserFactory


class MonthlyUnit:
    """A unit with a reporter, a head and ``projects`` projects under construction in 2022.

    Each project reported 1,000 万元 a month for January–September, so its usual month is 1,000.
    """

    def __init__(self, *, projects: int = 2, reported_months: int = 9, unit=None):
        PlanYearFactory(year=2022)
        self.unit = unit or UnitFactory()
        self.reporter = UserFactory(unit=self.unit, role=Role.REPORTER)
        self.head = UserFactory(unit=self.unit, role=Role.UNIT_HEAD)
        self.projects = [
            ProjectFactory(reporting_unit=self.unit, total_investment=Decimal("50000"))
            for _ in range(projects)
        ]
        for project in self.projects:
            for month in range(1, reported_months + 1):
                ProjectReportFactory(project=project, year=2022, month=month, amount=Decimal("1000"))

    def rows(self, month: int = 10):
        return month_grid_rows(unit=self.unit, year=2022, month=month)

    def entries(self, month: int = 10, **amounts: str) -> list[EntryInput]:
        """One entry per project as the grid would post it; ``p0="12"`` sets the first project's amount."""
        entries = []
        for index, row in enumerate(self.rows(month)):
            amount = amounts.get(f"p{index}", row.amount if row.amount is not None else "500")
            entries.append(
                EntryInput(
                    project_id=row.project.pk,
                    amount=Decimal(str(amount)),
                    progress=row.report.progress if row.report else "主体施工",
                    problems=row.report.problems if row.report else "",
                    version=row.report.version if row.report else None,
                )
            )
        return entries


def grid_post(form: MonthEntriesForm, *, action: str = "save", **changes: str) -> dict:
    """What the browser posts for a rendered grid, with some fields changed."""
    data = {}
    for name in form.fields:
        value = form[name].value()
        data[name] = "" if value is None else str(value)
    data.update(changes)
    data["action"] = action
    return data
