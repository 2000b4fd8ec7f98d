"""领导驾驶舱 and the unit page on the demo: what a leader finds, and who may look."""

from decimal import Decimal

from django.test import RequestFactory
from django.urls import reverse, set_script_prefix
from lxml import html as lxml_html

from accounts.models import User
from common.periods import Period
from projects.models import Problem, Project
from projects.rules import overdue_problem
from projects.selectors.intake import monthly_intake
from reporting.choices import EscalationStatus, Metric, RunStatus
from reporting.models import Escalation, RankingRow, RankingRun, RankingScheme
from reporting.selectors.cockpit import CockpitRow, GroupRanking, UnitMonth
from reporting.selectors.periods import period_as_of
from reporting.tables_cockpit import CockpitRankingTable, UnitLinks
from reporting.tables_unit import UnitRankTable
from targets.models import Unit
from tests.base import DemoTestCase


def headers(table) -> list[str]:
    return [th.text_content().strip() for th in table.xpath("./thead/tr/th")]


def body_rows(table) -> list:
    return table.xpath("./tbody/tr")


def link(cell) -> tuple[str, str]:
    anchor = cell.xpath(".//a")[0]
    return anchor.get("href"), anchor.text_content().strip()


class CockpitTests(DemoTestCase):
    def login(self, username: str) -> None:
        self.client.force_login(User.objects.get(username=username))

    def bottom_row(self, month: int) -> RankingRow:
        return RankingRow.objects.select_related("unit", "run__scheme").get(
            run__year=2022, run__month=month, run__scheme__group__name__contains="办事处", is_bottom=True
        )

    def page(self, period: str):
        self.login("leader")
        return lxml_html.fromstring(
            self.client.get(reverse("reporting:cockpit") + f"?period={period}").content
        )

    def panel(self, page, heading: str):
        """The table of the cockpit's card whose header reads ``heading``."""
        cards = page.xpath("//section[contains(@class, 'card')]")
        return next(
            card.xpath(".//table")[0]
            for card in cards
            if heading in card.xpath("./div[contains(@class, 'card-header')]")[0].text_content()
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

    def test_each_ranking_panel_marks_its_bottom_unit_red_and_shows_the_completion_rate_beside_another_metric(
        self,
    ):
        page = self.page("2022-05")
        runs = RankingRun.objects.filter(year=2022, month=5).select_related("scheme")
        assert runs
        for run in runs:
            table = self.panel(page, f"{run.scheme.name}（按")
            metric = run.scheme.get_metric_display()
            rate = [] if metric == "完成率" else ["完成率"]
            assert headers(table) == ["排名", "单位", "累计完成(万元)", metric, *rate, "预警", "约谈级别"]
            bottom = run.rows.select_related("unit").get(is_bottom=True)
            red = [row for row in body_rows(table) if "table-danger" in (row.get("class") or "")]
            assert len(red) == 1
            cells = red[0].xpath("./td")
            unit_url = reverse("reporting:unit", args=[bottom.unit_id])
            assert link(cells[1]) == (f"{unit_url}?period=2022-05", bottom.unit.display_name)
            escalation = Escalation.objects.get(year=2022, month=5, unit=bottom.unit, scheme=run.scheme)
            assert link(cells[-1]) == (
                reverse("reporting:escalation_detail", args=[escalation.pk]),
                f"{escalation.level}级 {escalation.action}",
            )

    def test_the_months_intake_marks_a_unit_short_of_its_target(self):
        table = self.panel(self.page("2022-05"), "5月新增入库纳统")
        assert headers(table) == ["单位", "入库个数", "目标(个)", "入库投资(万元)", "目标(万元)", "是否达标"]
        intake = [
            row for row in monthly_intake(year=2022, month=5, units=Unit.objects.all()) if row.has_target
        ]
        short = next(row for row in intake if not row.met)
        rows = {row.xpath("./td")[0].text_content().strip(): row for row in body_rows(table)}
        assert len(rows) == len(intake)
        row = rows[short.unit.display_name]
        assert "table-warning" in row.get("class")
        assert row.xpath("./td/span[@class='badge bg-danger']")[0].text == "未达标"
        met = rows[next(row for row in intake if row.met).unit.display_name]
        assert "table-warning" not in met.get("class")
        assert met.xpath("./td/span[@class='badge bg-success']")[0].text == "达标"

    def test_the_trend_leads_to_each_period_and_the_libraries_to_their_projects(self):
        page = self.page("2022-05")
        trend = self.panel(page, "逐月走势")
        assert headers(trend) == ["统计期", "累计完成(万元)", "完成率", "时序进度", "增速"]
        assert link(body_rows(trend)[-1].xpath("./td")[0]) == ("?period=2022-05", "2022年1-5月")
        libraries = self.panel(page, "四库项目")
        assert headers(libraries) == ["库", "项目个数", "总投资(万元)", "年度计划投资(万元)"]
        first = body_rows(libraries)[0].xpath("./td")[0]
        assert link(first) == (f"{reverse('projects:list')}?stage=reserve", "储备库")

    def test_the_open_escalations_and_the_overdue_problems_lead_to_their_pages(self):
        page = self.page("2022-10")
        escalations = self.panel(page, "未销号的约谈")
        assert headers(escalations) == ["统计期", "单位", "级别与处理方式", "状态"]
        newest = (
            Escalation.objects.exclude(status__in=[EscalationStatus.CLOSED, EscalationStatus.WITHDRAWN])
            .select_related("unit")
            .order_by("-year", "-month", "-level", "unit__sort_order")
            .first()
        )
        cells = body_rows(escalations)[0].xpath("./td")
        assert cells[0].text_content().strip() == f"{newest.year}年1-{newest.month}月"
        unit_url = reverse("reporting:unit", args=[newest.unit_id])
        assert link(cells[1]) == (
            f"{unit_url}?period={newest.year}-{newest.month:02d}",
            newest.unit.display_name,
        )
        assert link(cells[2])[0] == reverse("reporting:escalation_detail", args=[newest.pk])
        problems = self.panel(page, "逾期未销号的问题")
        assert headers(problems) == ["项目", "属地", "问题", "办结时限"]
        earliest = (
            Problem.objects.filter(overdue_problem(on=period_as_of(Period(2022, 10))))
            .select_related("project__reporting_unit")
            .order_by("deadline", "pk")
            .first()
        )
        cells = body_rows(problems)[0].xpath("./td")
        detail = reverse("projects:detail", args=[earliest.project_id])
        assert link(cells[0]) == (detail, earliest.project.name)
        assert cells[1].text_content().strip() == earliest.project.reporting_unit.display_name
        assert cells[3].text_content().strip() == f"{earliest.deadline:%Y-%m-%d}"
        quiet = self.panel(self.page("2022-05"), "逾期未销号的问题")
        assert [row.text_content().strip() for row in body_rows(quiet)] == ["没有逾期问题。"]

    def unit_panels(self, unit_id: int, period: str):
        self.login("leader")
        response = self.client.get(reverse("reporting:unit", args=[unit_id]) + f"?period={period}")
        return response.context["page"], lxml_html.fromstring(response.content)

    def test_the_unit_pages_projects_furthest_behind_are_marked_and_lead_to_their_pages(self):
        bottom = self.bottom_row(5)
        unit_page, page = self.unit_panels(bottom.unit_id, "2022-05")
        table = self.panel(page, "进度最落后的项目")
        assert headers(table) == [
            "项目",
            "所在库",
            "年度计划投资(万元)",
            "应完成(万元)",
            "累计完成(万元)",
            "差额(万元)",
        ]
        worst = unit_page.worst[0]
        assert worst.shortfall > 0
        row = body_rows(table)[0]
        assert "table-warning" in row.get("class")
        cells = row.xpath("./td")
        assert link(cells[0]) == (reverse("projects:detail", args=[worst.pk]), worst.name)
        assert [cell.text_content().strip() for cell in cells[1:]] == [
            worst.get_stage_display(),
            f"{worst.annual_plan:,.0f}",
            f"{worst.expected:,.0f}",
            f"{worst.ytd:,.0f}",
            f"{worst.shortfall:,.0f}",
        ]

    def test_the_unit_pages_months_lead_to_its_returns_and_its_ranks_mark_the_bottom_place(self):
        bottom = self.bottom_row(5)
        _, page = self.unit_panels(bottom.unit_id, "2022-05")
        months = self.panel(page, "逐月完成率对比时序进度")
        assert headers(months) == ["统计期", "累计完成(万元)", "目标(万元)", "完成率", "时序进度"]
        last = body_rows(months)[-1].xpath("./td")
        assert link(last[0]) == (reverse("reporting:month", args=[bottom.unit_id, 2022, 5]), "2022年1-5月")
        assert last[-1].text_content().strip() == "41.7%"
        ranks = self.panel(page, "逐月排名")
        assert headers(ranks) == ["统计期", "排名方案", "指标值", "排名", "备注"]
        red = [row for row in body_rows(ranks) if "table-danger" in (row.get("class") or "")]
        assert len(red) == 1
        cells = red[0].xpath("./td")
        assert link(cells[0]) == (reverse("reporting:rankings") + "?period=2022-05", "2022年1-5月")
        assert cells[1].text_content().strip() == bottom.run.scheme.name
        assert " ".join(cells[3].text_content().split()) == f"{bottom.rank} 末位"

    def test_the_unit_pages_libraries_lead_to_its_projects_and_its_escalations_to_their_records(self):
        bottom = self.bottom_row(5)
        unit_page, page = self.unit_panels(bottom.unit_id, "2022-05")
        libraries = self.panel(page, "项目（四库）")
        assert headers(libraries) == ["库", "项目个数", "总投资(万元)", "年度计划投资(万元)"]
        first = body_rows(libraries)[0].xpath("./td")
        projects = f"{reverse('projects:list')}?unit={bottom.unit_id}&stage=reserve"
        assert link(first[0]) == (projects, "储备库")
        escalations = self.panel(page, "约谈记录")
        assert headers(escalations) == ["统计期", "排名方案", "级别与处理方式", "状态"]
        escalation = unit_page.escalations[0]
        cells = body_rows(escalations)[0].xpath("./td")
        assert [cell.text_content().strip() for cell in cells] == [
            f"{escalation.year}年1-{escalation.month}月",
            escalation.scheme.name,
            f"{escalation.level}级 · {escalation.action}",
            escalation.get_status_display(),
        ]
        assert link(cells[2])[0] == reverse("reporting:escalation_detail", args=[escalation.pk])


def test_a_ranking_value_shows_an_amount_in_wan_and_a_weighted_score_in_fen_as_the_bulletin_does():
    unit = Unit(pk=1, name="明湖办事处", short_name="明湖")
    for metric, value, header, shown, with_unit in (
        (Metric.AMOUNT, "1234567.89", "完成额(万元)", "1,234,568", "1,234,568万元"),
        (Metric.COMPOSITE, "87.56", "加权综合得分(分)", "87.6", "87.6分"),
        (Metric.GROWTH, "12.5", "增速", "12.5%", "12.5%"),
    ):
        run = RankingRun(scheme=RankingScheme(name="各办事处", metric=metric), year=2022, month=5)
        row = RankingRow(run=run, unit=unit, value=Decimal(value), rank=1)
        line = CockpitRow(row=row, completion_rate=None, colour=None, escalation=None)
        group = GroupRanking(run=run, rows=[line])
        page = lxml_html.fromstring(
            CockpitRankingTable(group, period=Period(2022, 5)).as_html(RequestFactory().get("/"))
        )
        labels = [th.text_content().strip() for th in page.xpath("//thead//th")]
        assert labels[3] == header, metric
        assert page.xpath("//tbody/tr/td")[3].text_content().strip() == shown, metric

        # The unit page's 逐月排名 shares one column among schemes: each value carries its unit.
        month = UnitMonth(period=Period(2022, 5), ytd_completed=None, target=None, rank_rows=[row])
        page = lxml_html.fromstring(UnitRankTable([month]).as_html(RequestFactory().get("/")))
        assert page.xpath("//tbody/tr/td")[2].text_content().strip() == with_unit, metric


def test_the_unit_links_reversed_once_per_table_are_the_unit_pages_addresses():
    links = UnitLinks()
    for unit_id in (1, 9, 987, 2000):
        expected = f'<a href="{reverse("reporting:unit", args=[unit_id])}?period=2022-05">明湖</a>'
        assert links(unit_id, "明湖", Period(2022, 5)) == expected
    set_script_prefix("/fgw/")  # a deployment under a path
    try:
        assert UnitLinks()(7, "明湖", Period(2022, 5)).startswith('<a href="/fgw/')
    finally:
        set_script_prefix("/")
