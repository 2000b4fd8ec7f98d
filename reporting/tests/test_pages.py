"""The monthly-reporting pages answer in a fixed number of queries, whatever the amount of data."""

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.roles import Role
from reporting.services.forecasts import forecast_save
from reporting.tests.monthly_setup import MonthlyUnit
from tests.factories import OfficialFigureFactory, UserFactory

pytestmark = pytest.mark.django_db


def queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200, response.status_code
    return len(captured)


def units(count: int, projects: int) -> list[MonthlyUnit]:
    built = [MonthlyUnit(projects=projects, reported_months=3) for _ in range(count)]
    for unit in built:
        OfficialFigureFactory(
            unit=unit.unit, month=3, ytd_completed=Decimal("3000"), baseline=Decimal("2500")
        )
        forecast_save(
            unit=unit.unit,
            year=2022,
            month=3,
            actor=unit.reporter,
            expected_investment=Decimal("2500"),
            expected_intake_count=1,
            expected_intake_amount=Decimal("1000"),
        )
    return built


# Every page also spends six on the session (read and save), the user and their roles, one on the
# clock (common.clock: the business date, read once per request) and one on the header's count of
# unread notices.
PAGES = {
    # name: (URL, who looks, expected queries)
    "my_unit": (lambda u: reverse("reporting:my_unit") + "?month=2022-03", "reporter", 15),
    "submissions": (lambda u: reverse("reporting:submissions") + "?month=2022-03", "reviewer", 12),
    "forecasts": (lambda u: reverse("reporting:forecasts") + "?month=2022-03", "reviewer", 15),
    "figures": (lambda u: reverse("reporting:figures", args=[2022, 3]), "reviewer", 14),
    "figures_edit": (lambda u: reverse("reporting:figures_edit", args=[2022, 3]), "reviewer", 14),
    "forecast": (lambda u: reverse("reporting:forecast", args=[u.unit.pk, 2022, 3]), "reporter", 12),
    "history": (lambda u: reverse("reporting:project_history", args=[u.projects[0].pk]), "reporter", 13),
}


@pytest.mark.parametrize("page_name", PAGES)
@pytest.mark.parametrize("size", [(1, 1), (3, 4)], ids=["small", "larger"])
def test_each_page_runs_the_same_queries_whatever_the_number_of_units_and_projects(client, page_name, size):
    built = units(*size)
    url, who, expected = PAGES[page_name]
    user = built[0].reporter if who == "reporter" else UserFactory(role=Role.REVIEWER)
    client.force_login(user)
    assert queries(client, url(built[0])) == expected


@pytest.mark.parametrize("months", [2, 8])
def test_the_history_page_runs_the_same_queries_however_long_the_history(client, months):
    unit = MonthlyUnit(projects=1, reported_months=months)
    project = unit.projects[0]
    for report in project.reports.all():
        report.amount += 1
        report.save()
    project.name += "（调整）"
    project.save()
    client.force_login(unit.reporter)
    url = reverse("reporting:project_history", args=[project.pk])
    assert queries(client, url) == 13
    html = client.get(url).content.decode()
    assert html.count("月月报") == 2 * months
    assert "项目名称：" in html and "（调整）" in html
