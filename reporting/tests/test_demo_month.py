"""The issue's acceptance walk-through on the demo: 明湖办事处's October from the grid to the lock."""

import re
from decimal import Decimal

from django.urls import reverse
from lxml import html as lxml_html

from accounts.models import User
from projects.models import Project, ProjectReport
from reporting.choices import SubmissionStatus
from reporting.models import Submission
from reporting.services.submissions import submissions_lock_period
from reporting.tests.monthly_setup import grid_post
from targets.models import Unit
from tests.base import DemoTestCase


class DemoMonthTests(DemoTestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.minghu = Unit.objects.get(name="明湖办事处")
        cls.url = reverse("reporting:month", args=[cls.minghu.pk, 2022, 10])

    def login(self, username: str) -> None:
        self.client.force_login(User.objects.get(username=username))

    def test_the_reporters_home_opens_the_month_after_the_last_locked_one_with_its_deadline(self):
        self.login("minghu_reporter")
        response = self.client.get(reverse("reporting:my_unit"))
        html = response.content.decode()
        assert response.context["month"].param == "2022-10"
        assert "2022年10月" in html and "2022年11月5日" in html
        assert "已过截止日" in html
        rows = response.context["rows"]
        assert rows and [row.report is None for row in rows] == sorted(
            (row.report is None for row in rows), reverse=True
        )

    def test_the_reporters_home_shows_unreported_projects_in_red_and_marks_this_month_in_its_forecasts(self):
        unreported = (
            ProjectReport.objects.filter(project__reporting_unit=self.minghu, year=2022, month=10)
            .order_by("pk")
            .first()
        )
        unreported.delete()
        self.login("minghu_reporter")
        response = self.client.get(reverse("reporting:my_unit"))
        page = lxml_html.fromstring(response.content)

        def panel(heading: str):
            header = f"//div[contains(@class, 'card-header')][contains(., '{heading}')]"
            (table,) = page.xpath(f"{header}/following-sibling::div//table")
            headers = [th.text_content().strip() for th in table.xpath("./thead/tr/th")]
            return headers, table.xpath("./tbody/tr")

        headers, rows = panel("本月项目填报情况")
        assert headers == ["项目代码", "项目名称", "所在库", "本月完成", "本年累计", "状态"]
        missing = response.context["rows"][0]
        assert missing.project == unreported.project and missing.report is None
        cells = rows[0].xpath("./td")
        assert [cell.text_content().strip() for cell in cells] == [
            missing.project.code,
            missing.project.name,
            missing.project.get_stage_display(),
            "—",
            f"{missing.ytd:,.2f}",
            "未填报",
        ]
        history = reverse("reporting:project_history", args=[missing.project.pk])
        assert cells[1].xpath("./a/@href") == [history]
        assert cells[5].xpath("./span/@class") == ["text-danger"]
        assert rows[-1].xpath("./td/span/@class") == ["text-success"]

        headers, rows = panel("预报与实际")
        assert headers == ["月份", "预报", "实际", "差额"]
        assert [row.xpath("./td")[0].text_content() for row in rows] == [
            f"{month}月" for month in range(1, 11)
        ]
        marked = [row.xpath("./td")[0].text_content() for row in rows if "table-active" in row.get("class")]
        assert marked == ["10月"]

    def test_a_reporter_fills_the_month_saves_comes_back_submits_and_it_is_approved_verified_and_locked(self):
        self.login("minghu_reporter")
        form = self.client.get(self.url).context["form"]
        first = Project.objects.get(pk=form.project_ids[0])
        changes = {f"amount_{first.pk}": "1234.56", f"progress_{first.pk}": "主体结构封顶"}
        assert self.client.post(self.url, grid_post(form, **changes)).status_code == 302

        page = self.client.get(self.url)
        assert page.context["submission"].status == SubmissionStatus.DRAFT
        assert page.context["form"][f"amount_{first.pk}"].value() == Decimal("1234.56")

        assert self.client.post(self.url, grid_post(page.context["form"], action="submit")).status_code == 302
        submission = Submission.objects.get(unit=self.minghu, year=2022, month=10)
        assert submission.status == SubmissionStatus.SUBMITTED
        assert submission.is_late, "the demo's October deadline (5 November 2022) has long passed"

        self.login("minghu_head")
        assert (
            self.client.post(reverse("reporting:approve", args=[self.minghu.pk, 2022, 10])).status_code == 302
        )
        self.login("reviewer")
        assert (
            self.client.post(reverse("reporting:verify", args=[self.minghu.pk, 2022, 10])).status_code == 302
        )
        submission.refresh_from_db()
        assert submission.status == SubmissionStatus.VERIFIED

        # Publishing the 1-10月 bulletin locks the period through this service.
        submissions_lock_period(year=2022, month=10, actor=User.objects.get(username="admin"))
        submission.refresh_from_db()
        assert submission.status == SubmissionStatus.LOCKED
        self.login("minghu_reporter")
        assert 'name="amount_' not in self.client.get(self.url).content.decode()

        report = ProjectReport.objects.get(project=first, year=2022, month=10)
        record = report.history.latest()
        assert (record.amount, record.history_user.username) == (Decimal("1234.56"), "minghu_reporter")
        html = self.client.get(reverse("reporting:project_history", args=[first.pk])).content.decode()
        assert "2022年10月月报" in html and "1,234.56" in html

    def test_an_admin_unlocks_a_locked_month_with_a_reason_and_the_unit_can_edit_it(self):
        september = reverse("reporting:month", args=[self.minghu.pk, 2022, 9])
        self.login("admin")
        unlock = reverse("reporting:unlock", args=[self.minghu.pk, 2022, 9])
        assert "请填写原因" in self.client.post(unlock, {"reason": ""}).content.decode()
        assert self.client.post(unlock, {"reason": "统计局更正九月数据"}).status_code == 302
        self.login("minghu_reporter")
        html = self.client.get(september).content.decode()
        assert 'name="amount_' in html and "统计局更正九月数据" in html

    def test_chaohes_reporter_is_refused_minghus_month(self):
        self.login("chaohe_reporter")
        assert self.client.get(self.url).status_code == 403
        assert self.client.post(self.url, {"action": "submit"}).status_code == 403
        assert (
            self.client.post(reverse("reporting:approve", args=[self.minghu.pk, 2022, 10])).status_code == 403
        )

    def test_the_board_shows_every_state_and_the_late_returns(self):
        self.login("reviewer")
        html = self.client.get(reverse("reporting:submissions") + "?month=2022-10").content.decode()
        for label in ("未报送", "已报送", "负责人已审批", "已审核", "逾期报送"):
            assert label in html, label
        assert len(re.findall("审核通过", html)) == 1  # only 潮河's approved return awaits the reviewer

    def test_the_figures_page_says_which_figures_count(self):
        self.login("leader")
        html = self.client.get(reverse("reporting:figures", args=[2022, 10])).content.decode()
        assert "排名采用<strong>统计局官方数据</strong>" in html
        assert "明湖办事处" in html
