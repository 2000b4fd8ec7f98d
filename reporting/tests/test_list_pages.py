"""The reporting lists declared as list pages: the page filters, and its export holds what it shows."""

from datetime import datetime
from decimal import Decimal
from io import BytesIO
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from accounts.models import User
from accounts.roles import Role
from reporting.choices import EscalationStatus, RunStatus, SubmissionStatus
from reporting.models import (
    Assessment,
    AssessmentRow,
    Bulletin,
    Escalation,
    Export,
    ExportKind,
    ExportStatus,
    Forecast,
    Submission,
)
from reporting.services.exports import export_create
from targets.models import Unit
from tests.base import DemoTestCase
from tests.factories import UserFactory

HEADER = ["统计期", "单位", "排名方案", "级别", "处理方式", "连续末位", "状态", "约谈日期"]


class EscalationListTests(DemoTestCase):
    def setUp(self) -> None:
        self.client.force_login(User.objects.get(username="admin"))

    def test_the_status_filter_selects_the_escalations_of_that_status(self):
        pending = Escalation.objects.filter(status=EscalationStatus.PENDING).count()
        assert 0 < pending < Escalation.objects.exclude(status=EscalationStatus.WITHDRAWN).count()
        response = self.client.get(reverse("reporting:escalations"), {"status": EscalationStatus.PENDING})
        assert response.context["table"].paginator.count == pending
        assert "约谈及整改" in response.content.decode()

    def test_the_export_of_the_filtered_list_carries_the_pages_rows_and_columns(self):
        query = {"status": EscalationStatus.PENDING}
        table = self.client.get(reverse("reporting:escalations"), query).context["table"]
        assert [str(column.header) for column in table.columns] == HEADER
        response = self.client.get(reverse("reporting:escalation_export"), query)
        rows = list(load_workbook(BytesIO(response.getvalue())).active.iter_rows(values_only=True))
        assert list(rows[2]) == HEADER
        expected = [
            (
                e.period.label,
                e.unit.name,
                e.scheme.name,
                f"{e.level}级",
                e.action,
                f"{e.consecutive_bottom}期",
            )
            for e in Escalation.objects.filter(status=EscalationStatus.PENDING).order_by(
                "-year", "-month", "-level", "unit__sort_order"
            )
        ]
        shown = [tuple(row[:6]) for row in rows[3:]]
        assert shown == expected
        assert {row[6] for row in rows[3:]} == {EscalationStatus.PENDING.label}

    def test_a_unit_sees_and_exports_only_its_own_escalations(self):
        reporter = User.objects.get(username="minghu_reporter")
        self.client.force_login(reporter)
        response = self.client.get(reverse("reporting:escalation_export"))
        units = {
            row[1]
            for row in load_workbook(BytesIO(response.getvalue())).active.iter_rows(
                min_row=4, values_only=True
            )
        }
        assert units <= {reporter.unit.name}


BOARD_HEADER = ["单位", "应填项目", "已填项目", "状态", "报送时间"]
OCTOBER = {"month": "2022-10"}


def sheet_rows(response) -> list[tuple]:
    """The rows of an exported list: its title, a blank line, the header, then the records."""
    return list(load_workbook(BytesIO(response.getvalue())).active.iter_rows(values_only=True))


class SubmissionBoardTests(DemoTestCase):
    def login(self, username: str) -> None:
        self.client.force_login(User.objects.get(username=username))

    def test_the_status_filter_keeps_the_month_and_selects_the_units_in_that_state(self):
        self.login("reviewer")
        verified = list(
            Submission.objects.filter(year=2022, month=10, status=SubmissionStatus.VERIFIED)
            .order_by("unit__sort_order")
            .values_list("unit__name", flat=True)
        )
        assert verified
        response = self.client.get(reverse("reporting:submissions"), {**OCTOBER, "status": "verified"})
        assert [row.record.name for row in response.context["table"].rows] == verified
        assert "2022年10月报送情况" in response.content.decode()

    def test_units_with_nothing_entered_are_found_as_not_reported(self):
        self.login("admin")
        sent = Submission.objects.filter(year=2022, month=10).values("unit")
        silent = set(Unit.objects.filter(is_active=True).exclude(pk__in=sent).values_list("name", flat=True))
        response = self.client.get(reverse("reporting:submissions"), {**OCTOBER, "status": "none"})
        assert {row.record.name for row in response.context["table"].rows} == silent

    def test_the_export_has_the_tables_columns_and_the_rows_the_page_shows(self):
        self.login("reviewer")
        query = {**OCTOBER, "status": "submitted"}
        table = self.client.get(reverse("reporting:submissions"), query).context["table"]
        assert [str(column.header) for column in table.columns] == [*BOARD_HEADER, "操作"]
        rows = sheet_rows(self.client.get(reverse("reporting:submissions_export"), query))
        assert rows[0][0] == "2022年10月报送情况"
        assert list(rows[2]) == BOARD_HEADER
        submitted = Submission.objects.filter(year=2022, month=10, status=SubmissionStatus.SUBMITTED)
        assert [row[0] for row in rows[3:]] == [row.record.name for row in table.rows]
        assert {row[0] for row in rows[3:]} == {submission.unit.name for submission in submitted}
        assert all(row[3].startswith("已报送") for row in rows[3:])

    def test_a_reporter_sees_and_exports_only_the_own_unit(self):
        reporter = User.objects.get(username="minghu_reporter")
        self.client.force_login(reporter)
        response = self.client.get(reverse("reporting:submissions"), OCTOBER)
        assert [row.record.name for row in response.context["table"].rows] == [reporter.unit.name]
        assert "潮河办事处" not in response.content.decode()
        rows = sheet_rows(self.client.get(reverse("reporting:submissions_export"), OCTOBER))
        assert [row[0] for row in rows[3:]] == [reporter.unit.name]


ASSESSMENT_HEADER = [
    "考评",
    "状态",
    "名次",
    "单位",
    "排名得分",
    "观摩得分",
    "其他加减分",
    "总分",
    "奖励(万元)",
    "说明",
]


class AssessmentListTests(DemoTestCase):
    """The demo drafted the first three quarters and the half-year of 2022 for both groups."""

    def login(self, username: str) -> None:
        self.client.force_login(User.objects.get(username=username))

    def test_the_assessment_filter_lists_the_rows_of_that_assessment_by_rank(self):
        self.login("leader")
        chosen = Assessment.objects.get(year=2022, kind="quarter", number=1, group__name="办事处")
        response = self.client.get(reverse("reporting:assessments"), {"year": 2022, "assessment": chosen.pk})
        listed = [row.record for row in response.context["table"].rows]
        assert {row.assessment_id for row in listed} == {chosen.pk}
        assert len(listed) == chosen.rows.count() > 1
        ranks = [row.rank for row in listed if row.rank is not None]
        assert ranks == sorted(ranks)

    def test_the_export_has_the_tables_columns_and_every_row_of_the_year(self):
        self.login("leader")
        table = self.client.get(reverse("reporting:assessments"), {"year": 2022}).context["table"]
        assert [str(column.header) for column in table.columns] == ASSESSMENT_HEADER
        rows = sheet_rows(self.client.get(reverse("reporting:assessment_export"), {"year": 2022}))
        assert rows[0][0] == "2022年考评结果"
        assert list(rows[2]) == ASSESSMENT_HEADER
        assert len(rows) - 3 == AssessmentRow.objects.filter(assessment__year=2022).count()
        assert {row[1] for row in rows[3:]} == {"草稿"}

    def test_a_reporter_neither_sees_nor_exports_a_draft(self):
        self.login("minghu_reporter")
        response = self.client.get(reverse("reporting:assessments"), {"year": 2022})
        assert response.context["table"].paginator.count == 0
        drafts = Assessment.objects.filter(year=2022)
        choice = str(drafts.first().pk)
        assert choice not in [
            value for value, _label in response.context["filterset"].form["assessment"].field.choices
        ]
        rows = sheet_rows(self.client.get(reverse("reporting:assessment_export"), {"year": 2022}))
        assert rows[3:] == []
        # Asking for a draft by its id shows nothing either.
        response = self.client.get(reverse("reporting:assessments"), {"year": 2022, "assessment": choice})
        assert response.context["table"].paginator.count == 0


class MyExportsTests(DemoTestCase):
    def test_the_status_filter_lists_only_my_exports_in_that_state(self):
        reporter = User.objects.get(username="minghu_reporter")
        other = User.objects.get(username="chaohe_reporter")
        failed = export_create(kind=ExportKind.PROJECT_LEDGER, params={}, actor=reporter)
        Export.objects.filter(pk=failed.pk).update(status=ExportStatus.FAILED)
        export_create(kind=ExportKind.PROJECT_LIST, params={}, actor=reporter)
        theirs = export_create(kind=ExportKind.PROJECT_LEDGER, params={}, actor=other)
        Export.objects.filter(pk=theirs.pk).update(status=ExportStatus.FAILED)
        self.client.force_login(reporter)
        response = self.client.get(reverse("reporting:exports"), {"status": ExportStatus.FAILED})
        assert [row.record.pk for row in response.context["table"].rows] == [failed.pk]
        response = self.client.get(reverse("reporting:exports"), {"kind": ExportKind.PROJECT_LIST})
        assert [row.record.kind for row in response.context["table"].rows] == [ExportKind.PROJECT_LIST]
        assert [str(column.header) for column in response.context["table"].columns] == [
            "申请时间",
            "内容",
            "状态",
            "行数",
            "",
        ]


BULLETIN_HEADER = ["统计期", "发布时间", "发布人"]
BEIJING = ZoneInfo("Asia/Shanghai")


class BulletinListTests(DemoTestCase):
    """月度通报: the demo publishes periods of 2022 and leaves 2022-10 a draft; a bulletin of 2021 is
    added so that a year's filter has something to leave out."""

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.reviewer = User.objects.get(username="reviewer")
        cls.older = Bulletin.objects.create(
            year=2021,
            month=12,
            status=RunStatus.PUBLISHED,
            published_at=datetime(2022, 1, 10, 9, 5, tzinfo=BEIJING),
            published_by=cls.reviewer,
        )

    def login(self, username: str) -> None:
        self.client.force_login(User.objects.get(username=username))

    def published_2022(self) -> list[tuple[int, int]]:
        return list(
            Bulletin.objects.filter(year=2022, status=RunStatus.PUBLISHED)
            .order_by("-month")
            .values_list("year", "month")
        )

    def test_the_year_filter_lists_only_that_years_bulletins_newest_first(self):
        self.login("leader")
        in_2022 = self.published_2022()
        assert in_2022
        response = self.client.get(reverse("reporting:bulletins"), {"year": 2022})
        assert [(row.record.year, row.record.month) for row in response.context["table"].rows] == in_2022
        response = self.client.get(reverse("reporting:bulletins"), {"year": 2021})
        assert [row.record.pk for row in response.context["table"].rows] == [self.older.pk]
        html = response.content.decode()
        assert "2021年1-12月" in html and "2022年1-5月" not in html
        assert reverse("reporting:bulletin_workbook", args=[2021, 12]) in html
        assert reverse("reporting:bulletin_workbook", args=[2022, 5]) not in html
        response = self.client.get(reverse("reporting:bulletins"))
        assert response.context["table"].paginator.count == len(in_2022) + 1
        offered = [value for value, _label in response.context["filterset"].form["year"].field.choices]
        assert offered == ["", "2022", "2021"]

    def test_the_export_has_the_tables_columns_without_its_buttons(self):
        self.login("leader")
        table = self.client.get(reverse("reporting:bulletins")).context["table"]
        assert [str(column.header) for column in table.columns] == [*BULLETIN_HEADER, "下载"]
        rows = sheet_rows(self.client.get(reverse("reporting:bulletin_export")))
        assert rows[0][0] == "月度通报"
        assert list(rows[2]) == BULLETIN_HEADER
        shown = [str(column.header) for column in table.columns if not column.column.exclude_from_export]
        assert list(rows[2]) == shown
        assert [row[0] for row in rows[3:]] == [f"{y}年1-{m}月" for y, m in self.published_2022()] + [
            "2021年1-12月"
        ]

    def test_a_unit_reporter_sees_the_published_bulletins_but_no_drafts(self):
        self.login("minghu_reporter")
        response = self.client.get(reverse("reporting:bulletins"), {"period": "2022-10"})
        assert response.status_code == 200
        listed = [(row.record.year, row.record.month) for row in response.context["table"].rows]
        assert listed == [*self.published_2022(), (2021, 12)]
        html = response.content.decode()
        assert "通报草稿" not in html
        assert reverse("reporting:bulletin_workbook", args=[2022, 10]) not in html
        assert reverse("reporting:bulletin_workbook", args=[2021, 12]) in html
        assert not response.context["drafts"]

    def test_the_export_of_a_filtered_page_holds_only_its_rows(self):
        self.login("minghu_reporter")
        rows = sheet_rows(self.client.get(reverse("reporting:bulletin_export"), {"year": 2021}))
        assert rows[3:] == [("2021年1-12月", "2022年1月10日 09:05", str(self.reviewer))]
        rows = sheet_rows(self.client.get(reverse("reporting:bulletin_export"), {"year": 2022, "page": 2}))
        assert [row[0] for row in rows[3:]] == [f"{y}年1-{m}月" for y, m in self.published_2022()]

    def test_filtering_by_year_keeps_the_draft_period_picked_and_reports_no_error(self):
        self.login("admin")
        response = self.client.get(reverse("reporting:bulletins"), {"year": 2021})
        assert not response.context["form"].errors
        assert "alert-danger" not in response.content.decode()
        response = self.client.get(reverse("reporting:bulletins"), {"year": 2021, "period": "2022-10"})
        assert response.context["drafts"].rows[0].record.label == "2022年1-10月"
        html = response.content.decode()
        assert '<input type="hidden" name="period" value="2022-10">' in html
        drafts = html.split("通报草稿")[1]
        for view in ("reporting:bulletin_workbook", "reporting:bulletin_document"):
            assert reverse(view, args=[2022, 10]) in drafts, "the draft's files are offered on its line"


FORECAST_HEADER = [
    "单位",
    "完成投资预报(万元)",
    "完成投资实际(万元)",
    "完成投资差额(万元)",
    "入库项目预报(个)",
    "入库项目实际(个)",
    "入库总投资预报(万元)",
    "入库总投资实际(万元)",
]


class ForecastListTests(DemoTestCase):
    """预报与实际 of 2022-10: 明湖 and 潮河 forecast the month, no other unit did."""

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        Forecast.objects.filter(year=2022, month=10).delete()
        for name, investment, count, amount in (
            ("明湖办事处", "1234.5", 2, "9000"),
            ("潮河办事处", "800", 0, "0"),
        ):
            Forecast.objects.create(
                unit=Unit.objects.get(name=name),
                year=2022,
                month=10,
                expected_investment=Decimal(investment),
                expected_intake_count=count,
                expected_intake_amount=Decimal(amount),
            )

    def login(self, username: str) -> None:
        self.client.force_login(User.objects.get(username=username))

    def test_the_forecast_filter_lists_the_units_that_forecast_or_those_that_did_not(self):
        self.login("leader")
        response = self.client.get(reverse("reporting:forecasts"), {**OCTOBER, "forecast": "given"})
        listed = {row.record.unit.name for row in response.context["table"].rows}
        assert listed == {"明湖办事处", "潮河办事处"}
        assert "2022年10月预报与实际" in response.content.decode()
        response = self.client.get(reverse("reporting:forecasts"), {**OCTOBER, "forecast": "missing"})
        silent = set(
            Unit.objects.filter(is_active=True)
            .exclude(name__in=["明湖办事处", "潮河办事处"])
            .values_list("name", flat=True)
        )
        assert silent
        assert {row.record.unit.name for row in response.context["table"].rows} == silent
        assert "未预报" in response.content.decode()

    def test_the_kind_filter_lists_only_units_of_that_kind(self):
        self.login("leader")
        response = self.client.get(reverse("reporting:forecasts"), {**OCTOBER, "kind": "bureau"})
        bureaus = set(Unit.objects.filter(is_active=True, kind="bureau").values_list("name", flat=True))
        assert bureaus
        assert {row.record.unit.name for row in response.context["table"].rows} == bureaus

    def test_the_export_has_the_tables_columns_and_the_filtered_rows(self):
        self.login("reviewer")
        query = {**OCTOBER, "forecast": "given"}
        table = self.client.get(reverse("reporting:forecasts"), query).context["table"]
        assert [str(column.header) for column in table.columns] == FORECAST_HEADER
        rows = sheet_rows(self.client.get(reverse("reporting:forecasts_export"), query))
        assert rows[0][0] == "2022年10月预报与实际"
        assert list(rows[2]) == FORECAST_HEADER
        assert [row[0] for row in rows[3:]] == [row.record.unit.name for row in table.rows]
        forecast_columns = {row[0]: (row[1], row[4], row[6]) for row in rows[3:]}
        assert forecast_columns == {"明湖办事处": (1234.5, 2, 9000), "潮河办事处": (800, 0, 0)}
        for row in rows[3:]:
            assert row[3] == pytest.approx(row[2] - row[1])

    def test_a_reporter_sees_and_exports_only_the_own_unit(self):
        self.login("minghu_reporter")
        response = self.client.get(reverse("reporting:forecasts"), OCTOBER)
        assert [row.record.unit.name for row in response.context["table"].rows] == ["明湖办事处"]
        rows = sheet_rows(self.client.get(reverse("reporting:forecasts_export"), OCTOBER))
        assert [row[0] for row in rows[3:]] == ["明湖办事处"]
        rows = sheet_rows(
            self.client.get(reverse("reporting:forecasts_export"), {**OCTOBER, "forecast": "missing"})
        )
        assert rows[3:] == []

    def test_a_security_admin_is_refused_the_page_and_its_export(self):
        self.client.force_login(UserFactory(role=Role.SECURITY_ADMIN))
        assert self.client.get(reverse("reporting:forecasts"), OCTOBER).status_code == 403
        assert self.client.get(reverse("reporting:forecasts_export"), OCTOBER).status_code == 403
