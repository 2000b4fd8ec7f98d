"""项目清单: its filters, sorting, pagination and the export of exactly what the page shows."""

from decimal import ROUND_HALF_UP, Decimal
from io import BytesIO
from unittest import mock

from django.db.models import Sum
from django.urls import reverse
from openpyxl import load_workbook

from accounts.models import User
from common.spreadsheets import StreamedWorkbook
from projects.choices import Stage
from projects.models import Project, ProjectReport, ProjectYearPlan
from projects.rules import missing_registration
from targets.models import Unit
from tests.base import DemoTestCase


class ProjectListTests(DemoTestCase):
    def setUp(self) -> None:
        self.client.force_login(User.objects.get(username="leader"))

    def listed(self, query: str) -> int:
        response = self.client.get(reverse("projects:list") + query)
        assert response.status_code == 200
        return response.context["table"].paginator.count

    def exported(self, query: str) -> list[dict]:
        response = self.client.get(reverse("projects:list_export") + query)
        assert response["Content-Disposition"].startswith("attachment")
        rows = list(load_workbook(BytesIO(response.getvalue())).active.iter_rows(values_only=True))
        header = next(row for row in rows if row[0] == "项目名称")
        return [dict(zip(header, row, strict=True)) for row in rows[rows.index(header) + 1 :] if row[0]]

    def test_each_filter_selects_the_projects_it_names(self):
        minghu = Unit.objects.get(name="明湖办事处")
        expected = {
            "?stage=construction": Project.objects.filter(stage=Stage.UNDER_CONSTRUCTION).count(),
            "?is_registered=false": Project.objects.filter(is_registered=False).count(),
            "?missing_registration=true": Project.objects.filter(missing_registration()).count(),
            f"?reporting_unit={minghu.pk}": Project.objects.filter(reporting_unit=minghu).count(),
            "?investment_min=100000": Project.objects.filter(total_investment__gte=100000).count(),
            "?investment_max=10000": Project.objects.filter(total_investment__lte=10000).count(),
            "?q=明湖": Project.objects.filter(name__contains="明湖").count(),
        }
        for query, count in expected.items():
            with self.subTest(query):
                assert 0 < count < Project.objects.count()
                assert self.listed(query) == count

    def test_the_list_shows_twenty_five_projects_a_page(self):
        response = self.client.get(reverse("projects:list") + "?page=2")
        assert len(response.context["table"].page.object_list) == 25

    def test_the_export_holds_what_the_filter_shows_in_the_order_the_page_sorts(self):
        query = "?stage=construction&investment_min=100000&sort=-total_investment"
        expected = list(
            Project.objects.filter(stage=Stage.UNDER_CONSTRUCTION, total_investment__gte=100000)
            .order_by("-total_investment", "pk")
            .values_list("total_investment", flat=True)
        )
        investments = [row["总投资(万元)"] for row in self.exported(query)]
        assert len(investments) == len(expected) == self.listed(query)
        assert investments == sorted(investments, reverse=True)

    def test_a_reporter_lists_and_exports_only_their_own_units_projects(self):
        self.client.force_login(User.objects.get(username="minghu_reporter"))
        minghu = Unit.objects.get(name="明湖办事处")
        names = [row["项目名称"] for row in self.exported("")]
        assert names
        assert set(names) <= set(
            Project.objects.filter(reporting_unit=minghu).values_list("name", flat=True)
        ) | set(Project.objects.filter(responsible_unit=minghu).values_list("name", flat=True))

    def test_the_project_page_shows_its_monthly_series_and_links_its_change_history(self):
        project = Project.objects.filter(reports__isnull=False).order_by("pk").first()
        html = self.client.get(reverse("projects:detail", args=[project.pk])).content.decode()
        assert 'data-chart="chart-project-monthly"' in html
        assert reverse("reporting:project_history", args=[project.pk]) in html
        assert "累计完成(万元)" in html

    def test_the_export_streams_every_listed_project_from_a_file_written_as_a_streamed_workbook(self):
        with mock.patch("common.lists.StreamedWorkbook", wraps=StreamedWorkbook) as workbook:
            response = self.client.get(reverse("projects:list_export"))
        workbook.assert_called_once_with()
        assert response.streaming
        rows = list(load_workbook(BytesIO(response.getvalue())).active.iter_rows(min_row=4, values_only=True))
        assert len(rows) == self.listed("") == Project.objects.count()

    def test_the_export_carries_the_pages_columns_with_the_years_completed_investment_and_rate(self):
        page = self.client.get(reverse("projects:list"))
        shown = [column.header for column in page.context["table"].columns if column.name != "warnings"]
        assert "累计完成(万元)" in shown and "完成率" in shown
        rows = self.exported("?sort=name")
        assert {"累计完成(万元)", "完成率(%)"} <= set(rows[0])
        plan = ProjectYearPlan.objects.filter(year=2022, planned_investment__gt=0).select_related("project")
        plan = plan.filter(project__reports__year=2022).first()
        ytd = ProjectReport.objects.filter(project=plan.project, year=2022).aggregate(total=Sum("amount"))[
            "total"
        ]
        row = next(row for row in rows if row["项目代码"] == plan.project.code)
        assert Decimal(str(row["累计完成(万元)"])) == ytd
        expected = (ytd * 100 / plan.planned_investment).quantize(Decimal("0.1"), ROUND_HALF_UP)
        assert Decimal(str(row["完成率(%)"])).quantize(Decimal("0.1"), ROUND_HALF_UP) == expected
