"""Official unit figures entered by the reviewer, and the units' forecasts against their actuals."""

from datetime import date
from decimal import Decimal

import pytest
from django.urls import reverse

from accounts.roles import Role
from projects.models import Project
from reporting.models import Forecast, OfficialFigure
from reporting.services.forecasts import forecast_save
from reporting.services.submissions import SubmissionError, submissions_lock_period
from reporting.tests.monthly_setup import MonthlyUnit
from targets.models import PlanYear
from tests.factories import OfficialFigureFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def reviewer(client):
    user = UserFactory(role=Role.REVIEWER)
    client.force_login(user)
    return user


def figures_post(units, **values) -> dict:
    data = {f"ytd_{u.unit.pk}": "" for u in units} | {f"baseline_{u.unit.pk}": "" for u in units}
    return data | values


class TestFiguresEntry:
    def test_the_reviewer_enters_each_units_figure_and_every_change_is_in_the_history(self, client, reviewer):
        a, b = MonthlyUnit(projects=1), MonthlyUnit(projects=1)
        url = reverse("reporting:figures_edit", args=[2022, 5])
        data = figures_post([a, b], **{f"ytd_{a.unit.pk}": "5000", f"baseline_{a.unit.pk}": "4000"})
        assert client.post(url, data).status_code == 302
        data[f"ytd_{a.unit.pk}"] = "5100"
        assert client.post(url, data).status_code == 302

        figure = OfficialFigure.objects.get(unit=a.unit, year=2022, month=5)
        assert (figure.ytd_completed, figure.baseline, figure.entered_by) == (5100, 4000, reviewer)
        assert [h.ytd_completed for h in figure.history.order_by("history_date")] == [5000, 5100]
        assert {h.history_user for h in figure.history.all()} == {reviewer}
        assert not OfficialFigure.objects.filter(unit=b.unit).exists()

    def test_an_entered_figure_cannot_be_cleared_and_a_negative_one_is_refused(self, client, reviewer):
        unit = MonthlyUnit(projects=1)
        OfficialFigureFactory(unit=unit.unit, month=5)
        url = reverse("reporting:figures_edit", args=[2022, 5])
        html = client.post(url, figures_post([unit])).content.decode()
        assert "已录入的本年累计不能清空" in html
        html = client.post(url, figures_post([unit], **{f"ytd_{unit.unit.pk}": "-1"})).content.decode()
        assert "不能为负数" in html

    def test_a_locked_units_figure_is_shown_but_not_changed(self, client, reviewer):
        unit = MonthlyUnit(projects=1)
        OfficialFigureFactory(unit=unit.unit, month=5, ytd_completed=Decimal("10000"))
        submissions_lock_period(year=2022, month=5, actor=None)
        url = reverse("reporting:figures_edit", args=[2022, 5])
        assert "已发布锁定" in client.get(url).content.decode()
        client.post(url, figures_post([unit], **{f"ytd_{unit.unit.pk}": "1"}))
        assert OfficialFigure.objects.get(unit=unit.unit).ytd_completed == 10000

    def test_the_page_says_whether_official_figures_or_project_sums_count(self, client, reviewer):
        unit = MonthlyUnit(projects=1, reported_months=5)
        url = reverse("reporting:figures", args=[2022, 5])
        html = client.get(url).content.decode()
        assert "排名采用<strong>统计局官方数据</strong>" in html and "未录入" in html
        assert "5,000" in html  # the project sum, for checking
        assert 'class="text-center table-primary" scope="colgroup">统计局官方数据(万元)' in html
        assert 'class="text-center" scope="colgroup">项目月报之和(万元)' in html

        PlanYear.objects.filter(year=2022).update(uses_official_figures=False)
        html = client.get(url).content.decode()
        assert "以<strong>各单位项目月报之和</strong>代替" in html
        assert 'class="text-center table-primary" scope="colgroup">项目月报之和(万元)' in html
        assert unit.unit.name in html

    def test_a_unit_user_sees_only_its_own_unit_and_may_not_enter_figures(self, client):
        unit, other = MonthlyUnit(projects=1), MonthlyUnit(projects=1)
        client.force_login(unit.reporter)
        html = client.get(reverse("reporting:figures", args=[2022, 5])).content.decode()
        assert unit.unit.name in html and other.unit.name not in html
        assert client.get(reverse("reporting:figures_edit", args=[2022, 5])).status_code == 403

    def test_january_is_not_a_period(self, client, reviewer):
        assert client.get(reverse("reporting:figures", args=[2022, 1])).status_code == 404


class TestForecasts:
    def test_a_unit_forecasts_its_month_and_sees_it_against_what_its_projects_reported(self, client):
        unit = MonthlyUnit(projects=2, reported_months=3)  # 2 × 1,000 reported in March
        Project.objects.filter(pk=unit.projects[0].pk).update(
            is_registered=True, registered_on=date(2022, 3, 9)
        )
        client.force_login(unit.reporter)
        url = reverse("reporting:forecast", args=[unit.unit.pk, 2022, 3])
        data = {
            "expected_investment": "2500",
            "expected_intake_count": "2",
            "expected_intake_amount": "90000",
        }
        assert client.post(url, data).status_code == 302
        forecast = Forecast.objects.get(unit=unit.unit, year=2022, month=3)
        assert forecast.history.get().history_user == unit.reporter

        client.force_login(UserFactory(role=Role.LEADER))
        response = client.get(reverse("reporting:forecasts") + "?month=2022-03")
        (row,) = [row for row in response.context["rows"] if row.unit == unit.unit]
        assert (row.actual_investment, row.investment_gap) == (Decimal("2000"), Decimal("-500"))
        assert (row.actual_intake_count, row.actual_intake_amount) == (1, Decimal("50000"))

    def test_a_negative_forecast_is_refused_in_chinese(self, client):
        unit = MonthlyUnit(projects=1)
        client.force_login(unit.reporter)
        url = reverse("reporting:forecast", args=[unit.unit.pk, 2022, 10])
        html = client.post(url, {"expected_investment": "-1", "expected_intake_count": "0"}).content.decode()
        assert "不能为负数" in html
        assert not Forecast.objects.exists()

    def test_a_forecast_is_frozen_once_the_month_is_submitted(self):
        unit = MonthlyUnit(projects=1)
        submissions_lock_period(year=2022, month=10, actor=None)
        with pytest.raises(SubmissionError, match="预报不能再修改"):
            forecast_save(
                unit=unit.unit,
                year=2022,
                month=10,
                actor=unit.reporter,
                expected_investment=Decimal("1"),
                expected_intake_count=0,
                expected_intake_amount=Decimal("0"),
            )


def test_a_new_forecast_starts_from_zero_intake_and_saves_with_only_the_investment(client):
    unit = MonthlyUnit(projects=1)
    client.force_login(unit.reporter)
    url = reverse("reporting:forecast", args=[unit.unit.pk, 2022, 10])
    form = client.get(url).context["form"]
    assert (form["expected_intake_count"].value(), form["expected_intake_amount"].value()) == (0, 0)
    data = {"expected_investment": "800", "expected_intake_count": "0", "expected_intake_amount": "0"}
    assert client.post(url, data).status_code == 302
    assert Forecast.objects.get(unit=unit.unit).expected_investment == 800
