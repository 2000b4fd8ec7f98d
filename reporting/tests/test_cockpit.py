"""领导驾驶舱 and the unit page on the demo: what a leader finds, and who may look."""

from django.urls import reverse

from accounts.models import User
from projects.models import Project
from reporting.choices import RunStatus
from reporting.models import Escalation, RankingRow
from targets.models import Unit
from tests.base import DemoTestCase


class CockpitTests(DemoTestCase):
    def login(self, username: str) -> None:
        self.client.force_login(User.objects.get(username=username))

    def bottom_row(self, month: int) -> RankingRow:
        return RankingRow.objects.select_related("unit", "run__scheme").get(
            run__year=2022, run__month=month, run__scheme__group__name__contains="办事处", is_bottom=True
        )

    def test_a_leader_finds_the_bottom_sub_district_its_escalation_and_a_link_to_its_worst_projects(self):
        self.login("leader")
        html = self.client.get(reverse("reporting:cockpit") + "?period=2022-05").content.decode()
        bottom = self.bottom_row(5)
        escalation = Escalation.objects.get(year=2022, month=5, unit=bottom.unit, scheme=bottom.run.scheme)
        unit_url = reverse("reporting:unit", args=[bottom.unit.pk])
        assert "2022年1-5月" in html
        assert f'倒数第一：<a href="{unit_url}?period=2022-05">{bottom.unit.display_name}</a>' in html
        assert reverse("reporting:escalation_detail", args=[escalation.pk]) in html
        assert escalation.action in html
        assert f"{unit_url}?period=2022-05#worst-projects" in html

    def test_the_cockpit_defaults_to_the_latest_ranked_period_and_offers_the_others(self):
        self.login("leader")
        html = self.client.get(reverse("reporting:cockpit")).content.decode()
        assert "领导驾驶舱 · 2022年1-10月" in html
        assert (
            'type="month" id="id_period_picker" name="period" value="2022-10" min="2022-02" max="2022-10"'
            in html
        )

    def test_every_chart_has_its_numbers_as_json_and_the_legend_of_the_warnings_is_shown(self):
        self.login("leader")
        html = self.client.get(reverse("reporting:cockpit") + "?period=2022-05").content.decode()
        for chart in ("chart-trend", "chart-libraries"):
            assert f'data-chart="{chart}"' in html
            assert f'<script id="{chart}" type="application/json">' in html
        assert "vendor/echarts/echarts.min.js" in html
        assert "落后超过" in html and "达到或超过" in html

    def test_only_the_lead_offices_readers_may_open_the_cockpit(self):
        self.login("minghu_reporter")
        assert self.client.get(reverse("reporting:cockpit")).status_code == 403
        for username in ("leader", "admin", "reviewer"):
            self.login(username)
            assert self.client.get(reverse("reporting:cockpit")).status_code == 200

    def test_the_unit_page_lists_the_projects_furthest_behind_first(self):
        self.login("leader")
        bottom = self.bottom_row(5)
        response = self.client.get(reverse("reporting:unit", args=[bottom.unit.pk]) + "?period=2022-05")
        worst = response.context["page"].worst
        assert worst, "the bottom unit has projects under way with an annual plan"
        shortfalls = [project.shortfall for project in worst]
        assert shortfalls == sorted(shortfalls, reverse=True)
        html = response.content.decode()
        assert 'id="worst-projects"' in html
        assert reverse("projects:detail", args=[worst[0].pk]) in html
        assert all(project.stage in ("construction", "completed") for project in worst)

    def test_a_reporter_reads_their_own_unit_page_without_draft_rankings_and_not_another_units(self):
        minghu = Unit.objects.get(name="明湖办事处")
        chaohe = Unit.objects.get(name="潮河办事处")
        assert RankingRow.objects.filter(unit=minghu, run__status=RunStatus.DRAFT).exists()
        self.login("minghu_reporter")
        response = self.client.get(reverse("reporting:unit", args=[minghu.pk]) + "?year=2022")
        assert response.status_code == 200
        assert response.context["page"].period.label == "2022年1-9月"
        assert self.client.get(reverse("reporting:unit", args=[chaohe.pk])).status_code in (403, 404)

    def test_the_unit_page_shows_its_targets_submissions_and_ranks(self):
        self.login("leader")
        minghu = Unit.objects.get(name="明湖办事处")
        html = self.client.get(
            reverse("reporting:unit", args=[minghu.pk]) + "?period=2022-09"
        ).content.decode()
        assert "1,450,000" in html  # its target in the sub-districts' table
        assert "按时" in html
        assert 'data-chart="chart-unit-series"' in html and 'data-chart="chart-unit-ranks"' in html
        assert Project.objects.filter(reporting_unit=minghu).exists()

    def test_the_unit_page_of_a_period_shows_no_escalation_from_a_later_month(self):
        self.login("leader")
        bottom = self.bottom_row(5)
        response = self.client.get(reverse("reporting:unit", args=[bottom.unit.pk]) + "?period=2022-05")
        escalations = response.context["page"].escalations
        assert escalations
        assert all(escalation.month <= 5 for escalation in escalations)
