"""The ranking, escalation and assessment pages, per role."""

import re
from decimal import Decimal

from django.urls import reverse

from accounts.models import User
from reporting.choices import EscalationStatus, Metric
from reporting.models import Assessment, Escalation, OfficialFigure, RankingRow, RankingRun, Submission
from reporting.tables_rankings import metric_column
from targets.models import Unit
from tests.base import DemoTestCase


class RankingPageTests(DemoTestCase):
    """The demo has 1-2月 … 1-9月 published and 1-10月 drafted."""

    def login(self, username: str) -> None:
        self.client.force_login(User.objects.get(username=username))

    def test_the_leader_sees_the_draft_and_the_bottom_unit(self):
        self.login("leader")
        html = self.client.get(reverse("reporting:rankings"), {"period": "2022-10"}).content.decode()
        assert "2022年1-10月固定资产投资排名" in html
        assert "祥云办事处" in html and "倒数第一；1级：通报批评" in html
        assert "草稿" in html
        assert "发布2022年1-10月通报" not in html, "only the lead office publishes"

    def test_a_reporter_sees_published_rankings_but_not_drafts(self):
        self.login("minghu_reporter")
        assert (
            "前程办事处"
            in self.client.get(reverse("reporting:rankings"), {"period": "2022-04"}).content.decode()
        )
        html = self.client.get(reverse("reporting:rankings"), {"period": "2022-10"}).content.decode()
        assert "尚无已发布的排名" in html

    def test_only_the_admin_may_compute_or_publish(self):
        self.login("leader")
        assert (
            self.client.post(reverse("reporting:ranking_publish"), {"period": "2022-10"}).status_code == 403
        )
        assert not RankingRun.objects.filter(month=10, status="published").exists()
        self.login("admin")
        with self.captureOnCommitCallbacks(execute=True):
            self.client.post(
                reverse("reporting:ranking_publish"),
                {"period": "2022-10", "confirm_unit": self.unverified_unit_ids()},
            )
        assert RankingRun.objects.filter(month=10, status="published").count() == 2

    @staticmethod
    def unverified_unit_ids() -> list[int]:
        """Every unit of the demo but 九龙, the one whose October return is verified."""
        return list(
            Unit.objects.filter(is_active=True).exclude(name="九龙办事处").values_list("pk", flat=True)
        )

    def test_the_admin_sees_each_unit_s_readiness_and_what_publishing_means_for_it(self):
        self.login("admin")
        html = self.client.get(reverse("reporting:rankings"), {"period": "2022-10"}).content.decode()
        assert "2022年1-10月报送就绪情况" in html
        # 前程 never submitted October but the statistics bureau has its figure, so it ranks on it.
        assert "前程办事处：未报送，排名按统计局数据" in html
        assert "潮河办事处：负责人已审批，排名按统计局数据" in html
        assert html.count('name="confirm_unit"') == 18, "every unit but the verified 九龙"
        assert "九龙办事处：" not in html

    def test_the_admin_s_page_with_its_readiness_runs_the_same_number_of_queries_however_ready(self):
        self.login("admin")
        url = reverse("reporting:rankings")
        self.client.get(url, {"period": "2022-10"})
        # A draft period also checks each run's inputs for staleness (the schemes as saved, and what
        # they share, read once for them all: the figure source, rule 10's tables, the ladders' steps
        # and the earlier published runs; per run its inputs); the readiness table reads every
        # scheme's units (one query for all), their figures and their returns, whatever their number.
        with self.assertNumQueries(23):
            self.client.get(url, {"period": "2022-10"})
        Submission.objects.filter(year=2022, month=10).update(status="verified")
        OfficialFigure.objects.filter(unit__name="前程办事处", year=2022, month=10).delete()
        with self.assertNumQueries(23):
            self.client.get(url, {"period": "2022-10"})

    def test_a_unit_with_no_figure_is_named_as_holding_the_last_place(self):
        OfficialFigure.objects.filter(unit__name="前程办事处", year=2022, month=10).delete()
        self.login("admin")
        html = self.client.get(reverse("reporting:rankings"), {"period": "2022-10"}).content.decode()
        assert "前程办事处：未报送，无数据，视同倒数第一" in html

    def test_a_returned_return_is_named_as_returned(self):
        Submission.objects.filter(unit__name="潮河办事处", year=2022, month=10).update(status="draft")
        self.login("admin")
        html = self.client.get(reverse("reporting:rankings"), {"period": "2022-10"}).content.decode()
        assert "潮河办事处：已退回，排名按统计局数据" in html

    def test_publishing_is_refused_until_every_missing_unit_is_confirmed_by_name(self):
        self.login("admin")
        confirmed = [pk for pk in self.unverified_unit_ids() if pk != Unit.objects.get(name="前程办事处").pk]
        with self.captureOnCommitCallbacks(execute=True):
            response = self.client.post(
                reverse("reporting:ranking_publish"),
                {"period": "2022-10", "confirm_unit": confirmed},
                follow=True,
            )
        assert (
            "发布前请逐一确认以下单位的情况：前程办事处：未报送，排名按统计局数据"
            in response.content.decode()
        )
        assert not RankingRun.objects.filter(month=10, status="published").exists()

    def test_a_published_period_offers_nothing_that_could_change_it(self):
        self.login("admin")
        html = self.client.get(reverse("reporting:rankings"), {"period": "2022-09"}).content.decode()
        assert "2022年1-9月已发布，排名、约谈和通报不再改变。" in html
        assert "重新计算草稿" not in html and "发布2022年1-9月通报" not in html
        assert "报送就绪情况" not in html
        before = list(RankingRun.objects.filter(month=9).values_list("pk", "computed_at", "status"))
        response = self.client.post(reverse("reporting:ranking_compute"), {"period": "2022-09"}, follow=True)
        assert "2022年1-9月已发布，排名、约谈和通报不再改变，不能重新计算。" in response.content.decode()
        assert "已计算" not in response.content.decode()
        response = self.client.post(reverse("reporting:ranking_publish"), {"period": "2022-09"}, follow=True)
        assert "已提交发布" not in response.content.decode()
        assert list(RankingRun.objects.filter(month=9).values_list("pk", "computed_at", "status")) == before

    def test_the_page_runs_the_same_number_of_queries_for_any_period(self):
        self.login("leader")
        url = reverse("reporting:rankings")
        # The runs, their rows and whether the period is published, besides the session, the user, its
        # roles, the clock, the unread notices and the session's save.
        with self.assertNumQueries(11):
            self.client.get(url, {"period": "2022-02"})
        with self.assertNumQueries(11):
            self.client.get(url, {"period": "2022-05"})

    def test_a_malformed_period_falls_back_to_the_latest(self):
        self.login("leader")
        assert self.client.get(reverse("reporting:rankings"), {"period": "五月"}).status_code == 200


class EscalationPageTests(DemoTestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.escalation = Escalation.objects.get(month=6, unit__name="京航办事处")

    def login(self, username: str) -> None:
        self.client.force_login(User.objects.get(username=username))

    def test_the_admin_records_the_interview_and_closes_it_after_the_unit_answers(self):
        url = reverse("reporting:escalation_detail", args=[self.escalation.pk])
        self.login("admin")
        self.client.post(
            url,
            {
                "action": "meeting",
                "meeting-meeting_date": "2022-07-10",
                "meeting-interviewer": "张副主任",
                "meeting-minutes": "要求加快入库",
            },
        )
        self.escalation.refresh_from_db()
        assert self.escalation.status == EscalationStatus.INTERVIEWED
        assert self.client.post(url, {"action": "measures", "measures-measures": "代答"}).status_code == 302

    def test_a_meeting_dated_inside_its_period_is_a_field_error_and_changes_nothing(self):
        url = reverse("reporting:escalation_detail", args=[self.escalation.pk])
        self.login("admin")
        response = self.client.post(
            url,
            {
                "action": "meeting",
                "meeting-meeting_date": "2022-04-10",
                "meeting-interviewer": "张副主任",
                "meeting-minutes": "要求加快入库",
            },
        )
        html = response.content.decode()
        assert response.status_code == 200
        assert "约谈日期（2022-04-10）须晚于该约谈所属统计期2022年1-6月的截止日（2022-06-30）。" in html
        self.escalation.refresh_from_db()
        assert (self.escalation.status, self.escalation.meeting_date) == (EscalationStatus.PENDING, None)

    def test_another_unit_cannot_see_or_answer_it(self):
        self.login("chaohe_reporter")
        url = reverse("reporting:escalation_detail", args=[self.escalation.pk])
        assert self.client.get(url).status_code == 404
        assert self.client.post(url, {"action": "measures", "measures-measures": "x"}).status_code == 404
        html = self.client.get(reverse("reporting:escalations")).content.decode()
        assert "京航办事处" not in html

    def test_the_leader_cannot_record_an_interview(self):
        self.login("leader")
        url = reverse("reporting:escalation_detail", args=[self.escalation.pk])
        response = self.client.post(url, {"action": "meeting", "meeting-meeting_date": "2022-04-10"})
        assert response.status_code == 403


class AssessmentPageTests(DemoTestCase):
    """Publishing 1-3月, 1-6月 and 1-9月 in the demo drafted the first three quarters and the
    half-year for both groups: eight drafts, none published."""

    def login(self, username: str) -> None:
        self.client.force_login(User.objects.get(username=username))

    def page(self, year: int = 2022) -> str:
        return self.client.get(reverse("reporting:assessments"), {"year": year}).content.decode()

    def test_the_leader_sees_the_quarters_drafted_when_their_periods_were_published(self):
        self.login("leader")
        html = self.page()
        for title in ("2022年第1季度考评：办事处", "2022年第3季度考评：局办", "2022年半年考核：办事处"):
            assert title in html
        assert "草稿" in html
        assert "2022年第4季度考评" not in html, "1-12月 is not published"
        assert "assess 命令" not in html and "命令" not in html and "manage.py" not in html

    def test_an_empty_year_tells_the_leader_when_results_come_not_which_command_to_run(self):
        self.login("leader")
        html = self.page(2021)
        assert "2021年尚无考评结果。季度考评在季末统计期" in html
        assert "assess 命令" not in html and "命令" not in html and "manage.py" not in html

    def test_a_reporter_sees_published_assessments_only(self):
        self.login("minghu_reporter")
        html = self.page()
        assert "第1季度考评" not in html and "草稿" not in html
        assert "2022年尚无已发布的考评结果。" in html
        first_quarter = Assessment.objects.get(kind="quarter", number=1, group__name="办事处")
        self.login("admin")
        response = self.client.post(reverse("reporting:assessment_publish"), {"assessment": first_quarter.pk})
        assert response.status_code == 302
        self.login("minghu_reporter")
        html = self.page()
        assert "2022年第1季度考评：办事处" in html and "明湖办事处" in html
        assert "第2季度考评" not in html and "局办" not in html

    def test_only_the_admin_publishes_an_assessment(self):
        first_quarter = Assessment.objects.get(kind="quarter", number=1, group__name="办事处")
        for username in ("leader", "minghu_head"):
            self.login(username)
            response = self.client.post(
                reverse("reporting:assessment_publish"), {"assessment": first_quarter.pk}
            )
            assert response.status_code == 403
        first_quarter.refresh_from_db()
        assert first_quarter.status == "draft"

    def test_the_page_runs_the_same_number_of_queries_however_many_assessments_the_year_has(self):
        self.login("leader")
        url = reverse("reporting:assessments")
        # session, user, roles, the clock, assessments, awards, their rows' count (the table's
        # paginator), the unread notices, their rows; the session's save (3)
        with self.assertNumQueries(12):
            self.client.get(url, {"year": 2022})
        Assessment.objects.exclude(kind="quarter", number=1).delete()
        with self.assertNumQueries(12):
            self.client.get(url, {"year": 2022})


class RankingTableTests(DemoTestCase):
    def test_each_scheme_is_a_table_whose_bottom_units_lines_are_red(self):
        self.client.force_login(User.objects.get(username="leader"))
        html = self.client.get(reverse("reporting:rankings"), {"period": "2022-10"}).content.decode()
        bottoms = RankingRow.objects.filter(run__year=2022, run__month=10, is_bottom=True)
        assert bottoms.exists()
        red = re.findall(r'<tr class="[^"]*\btable-danger\b[^"]*">(.*?)</tr>', html, re.DOTALL)
        assert len(red) == bottoms.count()
        assert any("祥云办事处" in line for line in red)
        assert html.count("<table") == RankingRun.objects.filter(year=2022, month=10).count()

    def test_the_value_ranked_on_is_shown_in_its_own_unit(self):
        cases = {
            Metric.AMOUNT: ("完成额(万元)", Decimal("12345.6"), "12,346"),
            Metric.COMPOSITE: ("加权综合得分(分)", Decimal("87.24"), "87.2"),
            Metric.GROWTH: ("增速", Decimal("11"), "11.0%"),
            Metric.COMPLETION_RATE: ("完成率", Decimal("-3.25"), "-3.3%"),
        }
        for metric, (header, value, shown) in cases.items():
            with self.subTest(metric=metric):
                column = metric_column(metric)
                assert column.verbose_name == header
                assert column.render(value) == shown
