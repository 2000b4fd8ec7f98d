"""A list's export holds what its page shows: the same rows and columns, whether the file is written in
the request or by the background job from the page's query parameters."""

from decimal import Decimal
from io import BytesIO

from django.db.models import Sum
from django.urls import reverse
from openpyxl import load_workbook

from accounts.models import User
from common.lists import table_rows
from projects.choices import Field, Stage
from projects.listing import PROJECT_LIST
from projects.models import Project, ProjectReport
from reporting.models import Export, ExportKind, ExportStatus
from reporting.services.exports import export_create, export_run, ledger_reports
from tests.base import DemoTestCase

QUERY = {"stage": Stage.UNDER_CONSTRUCTION, "investment_min": "20000", "sort": "-total_investment"}


def sheet_rows(source) -> tuple[list, list[tuple]]:
    rows = list(load_workbook(source).active.iter_rows(values_only=True))
    header = next(row for row in rows if row[0] == "项目名称")
    return list(header), [row for row in rows[rows.index(header) + 1 :] if row[0]]


class ProjectListExportTests(DemoTestCase):
    def setUp(self) -> None:
        self.leader = User.objects.get(username="leader")
        self.client.force_login(self.leader)

    def page_table(self, query: dict):
        response = self.client.get(reverse("projects:list"), {**query, "per_page": 200})
        assert response.status_code == 200
        return response.context["table"]

    def request_file(self, query: dict) -> tuple[list, list[tuple]]:
        response = self.client.get(reverse("projects:list_export"), query)
        return sheet_rows(BytesIO(response.getvalue()))

    def test_the_file_has_the_pages_columns_without_its_buttons_and_the_steward_columns_added(self):
        table = self.page_table(QUERY)
        header, _ = self.request_file(QUERY)
        shown = [str(column.header) for column in table.columns]
        assert header == [
            *[f"{label}(%)" if label == "完成率" else label for label in shown],
            "项目管家",
            "分包领导",
        ]

    def test_the_file_holds_the_filtered_rows_in_the_order_the_page_sorts_them(self):
        table = self.page_table(QUERY)
        on_page = [(row.record.name, row.record.code) for row in table.page.object_list]
        expected = list(
            Project.objects.filter(stage=Stage.UNDER_CONSTRUCTION, total_investment__gte=20000)
            .order_by("-total_investment", "pk")
            .values_list("name", "code")
        )
        assert 1 < len(expected) < Project.objects.count()
        _, rows = self.request_file(QUERY)
        assert [(row[0], row[1]) for row in rows] == on_page == expected

    def test_the_files_cells_are_the_tables_values_and_codes_stay_text(self):
        table = self.page_table(QUERY)
        header, rows = self.request_file(QUERY)
        by_table = list(table_rows(table, table.data.data))
        for row, expected in zip(rows, by_table, strict=True):
            assert isinstance(row[1], str)  # 项目代码 is text, never a number
            cells = dict(zip(header, row, strict=True))
            assert cells["项目代码"] == expected["code"]
            assert (cells["预警"] or "") == expected["warnings"]
            assert cells["所在库"] == expected["stage"] == "在建"
            assert cells["属地单位"] == expected["reporting_unit"]
            assert cells["入库纳统"] == expected["is_registered"]
            assert cells["总投资(万元)"] == expected["total_investment"]
        project = Project.objects.get(code=rows[0][1])
        ytd = ProjectReport.objects.filter(project=project, year=2022).aggregate(total=Sum("amount"))["total"]
        assert Decimal(str(dict(zip(header, rows[0], strict=True))["累计完成(万元)"])) == (ytd or 0)

    def test_the_values_read_for_speed_equal_the_values_the_table_gives(self):
        request = type("Request", (), {"user": self.leader, "GET": QUERY})
        table, records = PROJECT_LIST.export_table(request)
        fast = list(PROJECT_LIST.export_rows(table, records))
        by_table = list(table_rows(table, records))
        assert len(fast) == len(by_table) > 1
        for mine, theirs in zip(fast, by_table, strict=True):
            assert {key: mine[key] for key in theirs} == theirs

    def test_the_background_job_writes_the_same_file_from_the_pages_query(self):
        _, expected = self.request_file(QUERY)
        response = self.client.post(
            reverse("reporting:export_project_list") + "?stage=construction&investment_min=20000"
            "&sort=-total_investment&page=2"
        )
        assert response.status_code == 302
        export = Export.objects.get(requested_by=self.leader, kind=ExportKind.PROJECT_LIST)
        assert export.params == {
            "stage": "construction",
            "investment_min": "20000",
            "sort": "-total_investment",
        }
        assert export_run(export_id=export.pk) is True
        export.refresh_from_db()
        assert export.status == ExportStatus.DONE
        with export.file.open("rb") as handle:
            _, rows = sheet_rows(handle)
        assert rows == expected
        assert export.total_rows == len(expected)

    def test_the_job_holds_only_what_its_requester_may_read(self):
        reporter = User.objects.get(username="minghu_reporter")
        export = export_create(kind=ExportKind.PROJECT_LIST, params={"sort": "name"}, actor=reporter)
        assert export_run(export_id=export.pk) is True
        export.refresh_from_db()
        with export.file.open("rb") as handle:
            _, rows = sheet_rows(handle)
        self.client.force_login(reporter)
        _, seen = self.request_file({"sort": "name"})
        assert rows == seen
        assert 0 < len(rows) < Project.objects.count()


class LedgerFilterTests(DemoTestCase):
    def test_the_ledger_takes_the_project_lists_library_field_and_registration_filters(self):
        admin = User.objects.get(username="admin")
        params = {"stage": Stage.UNDER_CONSTRUCTION, "field": Field.INDUSTRY, "is_registered": "true"}
        projects = Project.objects.filter(
            stage=Stage.UNDER_CONSTRUCTION, field=Field.INDUSTRY, is_registered=True
        )
        expected = ProjectReport.objects.filter(project__in=projects).count()
        assert 0 < expected < ProjectReport.objects.count()
        assert ledger_reports(actor=admin, params=params).count() == expected
