"""Each role's home page is its to-do list. The demo's day is 2022-11-09: October's returns were
due on 11-05, 明湖 has not submitted, 潮河's is approved by its head, 九龙's verified."""

import re
from decimal import Decimal

from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from projects.models import ProjectReport
from reporting.choices import SubmissionStatus
from reporting.models import OfficialFigure, RankingScheme, Submission
from reporting.services.submissions import submission_return, submission_submit
from targets.models import AllocationTable, Target
from tests.base import DemoTestCase


class HomePageTodoTests(DemoTestCase):
    def home(self, username: str) -> str:
        self.client.force_login(User.objects.get(username=username))
        return self.client.get(reverse("home")).content.decode()

    def chaohe_october(self) -> Submission:
        return Submission.objects.get(unit__name="潮河办事处", year=2022, month=10)

    def test_a_reporter_sees_the_open_month_its_deadline_and_its_state(self):
        html = self.home("minghu_reporter")
        assert "明湖办事处 2022年10月月报" in html
        assert "报送状态：<strong>未报送</strong>" in html
        # Due 2022-11-05, four days before the demo's 2022-11-09.
        assert "截止日期：2022年11月5日" in html and "已逾期 4 天" in html
        assert (
            reverse("reporting:month", args=[User.objects.get(username="minghu_reporter").unit_id, 2022, 10])
            in html
        )

    def test_a_return_sent_back_stays_on_top_with_its_reason_until_it_is_resubmitted(self):
        reviewer = User.objects.get(username="reviewer")
        submission_return(
            submission=self.chaohe_october(), actor=reviewer, reason="滨河项目本月完成额与统计局不符"
        )
        html = self.home("chaohe_reporter")
        assert "潮河办事处2022年10月报送已被退回</strong>：滨河项目本月完成额与统计局不符" in html
        assert "退回人：统计局审核员" in html
        assert "报送状态：<strong>已退回</strong>" in html
        assert html.index("报送已被退回") < html.index("2022年固定资产投资目标")
        submission_submit(
            submission=self.chaohe_october(), actor=User.objects.get(username="chaohe_reporter")
        )
        html = self.home("chaohe_reporter")
        assert "报送已被退回" not in html
        # October is sent: November is the month owed now, due 2022-12-05.
        assert "潮河办事处 2022年11月月报" in html and "还剩 <strong>26</strong> 天" in html

    def test_the_month_page_puts_the_reason_on_top_and_says_returned_not_draft(self):
        reviewer = User.objects.get(username="reviewer")
        submission_return(
            submission=self.chaohe_october(), actor=reviewer, reason="滨河项目本月完成额与统计局不符"
        )
        self.client.force_login(User.objects.get(username="chaohe_reporter"))
        unit_id = self.chaohe_october().unit_id
        html = self.client.get(reverse("reporting:month", args=[unit_id, 2022, 10])).content.decode()
        assert '<span class="badge text-bg-danger">已退回</span>' in html
        assert "本月报送已被统计局审核员退回（" in html
        assert html.index("滨河项目本月完成额与统计局不符") < html.index("保存并报送")

    def test_the_board_and_the_unit_s_pages_say_returned_rather_than_draft_beside_a_stale_time(self):
        submission_return(
            submission=self.chaohe_october(), actor=User.objects.get(username="reviewer"), reason="数据不符"
        )
        unit_id = self.chaohe_october().unit_id
        self.client.force_login(User.objects.get(username="admin"))
        board = self.client.get(reverse("reporting:submissions") + "?month=2022-10").content.decode()
        row = board[board.index("潮河办事处</a>") :]
        row = row[: row.index("</tr>")]
        assert "已退回</span>" in row and "草稿" not in row
        assert "退回前报送于 2022-11-" in row
        unit_page = self.client.get(reverse("reporting:unit", args=[unit_id])).content.decode()
        assert re.search(r"2022年10月</a></td>\s*<td[^>]*>已退回</td>", unit_page)
        self.client.force_login(User.objects.get(username="chaohe_reporter"))
        for html in (board, unit_page, self.client.get(reverse("reporting:my_unit")).content.decode()):
            assert "{#" not in html and "#}" not in html

    def test_the_head_sees_returns_waiting_for_approval_with_the_confirmed_unusual_amounts(self):
        submission = self.chaohe_october()
        Submission.objects.filter(pk=submission.pk).update(status=SubmissionStatus.SUBMITTED)
        report = (
            ProjectReport.objects.filter(project__reporting_unit__name="潮河办事处", year=2022, month=10)
            .select_related("project")
            .order_by("project__name")
            .first()
        )
        # 999,999万元 in one month is far above any demo project's usual month and its year plan;
        # the reporter confirmed it (我已核实), so the head is shown that row and no other.
        ProjectReport.objects.filter(pk=report.pk).update(
            amount=Decimal("999999"),
            unusual_confirmed_by=User.objects.get(username="chaohe_reporter"),
            unusual_confirmed_at=timezone.now(),
            unusual_reason="超过该项目2022年度计划投资",
        )
        html = self.home("chaohe_head")
        assert "待审批的报送" in html
        assert "潮河办事处2022年10月</a>" in html
        assert html.count("已核实</span>") == 1
        assert (
            f"已核实</span>{report.project.name}：本月完成 999,999.00 万元（超过该项目2022年度计划投资）"
            in html
        )

    def test_a_head_with_nothing_to_approve_has_no_approval_list(self):
        assert "待审批的报送" not in self.home("chaohe_head")

    def test_the_reviewer_sees_returns_to_verify_and_figures_still_missing(self):
        OfficialFigure.objects.filter(unit__name="前程办事处", year=2022, month=10).delete()
        html = self.home("reviewer")
        assert "潮河办事处2022年10月</a>（负责人已审批）" in html
        assert "九龙办事处2022年10月" not in html, "already verified"
        assert "2022年1-10月尚缺统计局数据（1个单位）：前程办事处" in html

    def test_the_admin_sees_the_period_s_readiness_its_drafts_and_the_escalations_to_act_on(self):
        html = self.home("admin")
        assert "2022年1-10月报送就绪情况" in html
        readiness = html.split("2022年1-10月报送就绪情况")[1].split("</table>")[0]
        cells = re.compile(r"<td[^>]*>(.*?)</td>", re.DOTALL)
        lines = {
            tuple(re.sub(r"\s+", "", cell) for cell in cells.findall(line)): marked
            for marked, line in re.findall(r'<tr class="([^"]*)">(.*?)</tr>', readiness, re.DOTALL)
        }
        assert "table-warning" in lines[("前程办事处", "未报送", "排名按统计局数据")], "not verified: marked"
        verified = [(cells, marked) for cells, marked in lines.items() if cells[0] == "九龙办事处"]
        assert len(verified) == 1 and verified[0][0][1] == "已审核" and "table-warning" not in verified[0][1]
        assert "查看排名草稿并发布" in html
        # The draft's bottom: 祥云 among the sub-districts in October (seed 001's ladder, level 1).
        assert "办事处固定资产投资增速排名末位：祥云办事处（" in html
        # 待约谈 and 整改中 wait for the lead office; a 通报批评 needs no meeting and is not listed.
        assert "前程办事处：2022年1-4月 区主要领导约谈主要负责同志</a>（整改中）" in html
        assert "京航办事处：2022年1-6月 区分管领导约谈相关负责同志</a>（待约谈）" in html
        assert "京航办事处：2022年1-5月 通报批评" not in html

    def test_a_unit_s_escalation_filter_offers_no_status_it_may_not_see(self):
        self.client.force_login(User.objects.get(username="chaohe_reporter"))
        html = self.client.get(reverse("reporting:escalations")).content.decode()
        assert "待约谈</option>" in html
        assert "拟定（未发布）" not in html and "已撤销" not in html
        self.client.force_login(User.objects.get(username="admin"))
        assert "拟定（未发布）</option>" in self.client.get(reverse("reporting:escalations")).content.decode()

    def test_the_leader_lands_on_the_cockpit(self):
        self.client.force_login(User.objects.get(username="leader"))
        response = self.client.get(reverse("home"))
        assert response.status_code == 200
        assert "reporting/cockpit.html" in [template.name for template in response.templates]


class HomePageQueryTests(DemoTestCase):
    def count(self, username: str) -> int:
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        self.client.force_login(User.objects.get(username=username))
        self.client.get(reverse("home"))
        with CaptureQueriesContext(connection) as queries:
            self.client.get(reverse("home"))
        return len(queries)

    ROLES = ("admin", "reviewer", "minghu_reporter", "chaohe_head", "leader")

    def test_the_home_pages_run_the_same_number_of_queries_however_much_waits(self):
        before = {username: self.count(username) for username in self.ROLES}
        assert before == {
            "admin": 25,
            "reviewer": 16,
            "minghu_reporter": 18,
            "chaohe_head": 19,
            "leader": before["leader"],
        }
        Submission.objects.filter(year=2022, month=10).update(status=SubmissionStatus.APPROVED)
        Submission.objects.filter(year=2022, month=9).update(status=SubmissionStatus.APPROVED)
        assert {username: self.count(username) for username in before} == before

    def test_the_admin_s_home_runs_the_same_queries_however_many_schemes_rank(self):
        before = self.count("admin")
        scheme = RankingScheme.objects.filter(is_active=True).select_related("group").first()
        for name in ("办事处入库排名", "办事处综合排名"):
            RankingScheme.objects.create(name=name, group=scheme.group, ladder=scheme.ladder, sort_order=99)
        assert self.count("admin") == before

    def test_the_head_s_home_runs_the_same_queries_however_many_returns_wait_for_approval(self):
        waiting = Submission.objects.filter(unit__name="潮河办事处", year=2022)
        waiting.filter(month=10).update(status=SubmissionStatus.SUBMITTED)
        one = self.count("chaohe_head")
        # Every month of the year waits now, each with its rows confirmed as unusual.
        waiting.update(status=SubmissionStatus.SUBMITTED)
        ProjectReport.objects.filter(project__reporting_unit__name="潮河办事处", year=2022).update(
            unusual_confirmed_by=User.objects.get(username="chaohe_reporter"),
            unusual_confirmed_at=timezone.now(),
            unusual_reason="超过该项目2022年度计划投资",
        )
        assert waiting.count() >= 9
        assert self.count("chaohe_head") == one


class HomePagePlanTests(DemoTestCase):
    def test_each_allocation_table_lists_its_total_first_in_bold_then_its_units_by_number(self):
        table = AllocationTable.objects.filter(plan_year__year=2022).order_by("pk").first()
        targets = list(table.targets.select_related("unit").order_by("sort_order", "unit__sort_order"))
        total = sum(target.value for target in targets)
        self.client.force_login(User.objects.get(username="admin"))
        html = self.client.get(reverse("home")).content.decode()
        card = html[html.index(f"<span>{table.name}</span>") :]
        card = card[: card.index("</table>")]
        rows = re.findall(r"<tr[^>]*>(.*?)</tr>", card, flags=re.S)[1:]  # after the header
        cells = [re.findall(r"<td[^>]*>\s*(.*?)\s*</td>", row, flags=re.S) for row in rows]
        assert cells[0] == ["合计", "", f"{total:,.0f}"]
        assert cells[1] == ["1", targets[0].unit.name, f"{targets[0].value:,.0f}"]
        assert len(cells) == len(targets) + 1
        assert re.search(r'<tr class="fw-bold[^"]*">\s*<td[^>]*>合计', card)

    def test_an_allocation_table_whose_rows_miss_the_plan_total_says_so_under_it(self):
        table = AllocationTable.objects.filter(plan_year__year=2022).order_by("pk").first()
        self.client.force_login(User.objects.get(username="admin"))
        assert "与年度计划总量" not in self.client.get(reverse("home")).content.decode()
        target = table.targets.order_by("pk").first()
        Target.objects.filter(pk=target.pk).update(value=target.value + 1000)
        html = self.client.get(reverse("home")).content.decode()
        card = html[html.index(f"<span>{table.name}</span>") :]
        assert (
            f"各行合计与年度计划总量 {table.plan_total:,.0f} 不符。"
            in card[: card.index("card-footer") + 200]
        )
