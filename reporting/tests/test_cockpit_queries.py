"""The dashboards and the project pages run the same number of queries with ten times the projects."""

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.models import User
from projects.models import Project, ProjectReport, ProjectYearPlan
from targets.models import Unit
from tests.base import DemoTestCase

GROWTH = 9  # copies of every demo project: ten times as many


def grow_tenfold() -> None:
    """Nine copies of every project, each with the original's reports and annual plans."""
    originals = list(Project.objects.prefetch_related("reports", "year_plans").order_by("pk"))
    copies = [
        (
            original,
            Project(
                name=f"{original.name}（{copy}）",
                code=f"{original.code}-{copy}",
                reporting_unit_id=original.reporting_unit_id,
                responsible_unit_id=original.responsible_unit_id,
                level=original.level,
                field=original.field,
                total_investment=original.total_investment,
                stage=original.stage,
                actual_start=original.actual_start,
                is_registered=original.is_registered,
                registered_on=original.registered_on,
            ),
        )
        for copy in range(1, GROWTH + 1)
        for original in originals
    ]
    Project.objects.bulk_create([project for _, project in copies], batch_size=500)
    ProjectReport.objects.bulk_create(
        [
            ProjectReport(project=project, year=report.year, month=report.month, amount=report.amount)
            for original, project in copies
            for report in original.reports.all()
        ],
        batch_size=1000,
    )
    ProjectYearPlan.objects.bulk_create(
        [
            ProjectYearPlan(project=project, year=plan.year, planned_investment=plan.planned_investment)
            for original, project in copies
            for plan in original.year_plans.all()
        ],
        batch_size=1000,
    )


class PageQueryCountTests(DemoTestCase):
    # page → the queries it runs on the demo, pinned (an export's include its audit event's INSERT)
    # and, on a page, the header's count of unread notices
    # The list's export reads its projects' 标签 in one query of its own (the page prefetches them).
    PINNED = {"cockpit": 28, "unit": 18, "list": 17, "list_export": 13, "detail": 20}

    def urls(self) -> dict[str, str]:
        minghu = Unit.objects.get(name="明湖办事处")
        project = Project.objects.filter(reporting_unit=minghu, reports__isnull=False).order_by("pk").first()
        return {
            "cockpit": reverse("reporting:cockpit") + "?period=2022-05",
            "unit": reverse("reporting:unit", args=[minghu.pk]) + "?period=2022-05",
            "list": reverse("projects:list") + "?stage=construction&sort=-total_investment",
            "list_export": reverse("projects:list_export") + "?stage=construction",
            "detail": reverse("projects:detail", args=[project.pk]),
        }

    def count(self, url: str) -> int:
        with CaptureQueriesContext(connection) as queries:
            response = self.client.get(url)
        assert response.status_code == 200, url
        return len(queries)

    def test_each_page_runs_its_pinned_number_of_queries_with_ten_times_the_projects_and_reports(self):
        self.client.force_login(User.objects.get(username="leader"))
        urls = self.urls()
        self.client.get(urls["cockpit"])  # the session's first request saves it once more
        before = {page: self.count(url) for page, url in urls.items()}
        projects, reports = Project.objects.count(), ProjectReport.objects.count()
        grow_tenfold()
        assert Project.objects.count() == 10 * projects
        assert ProjectReport.objects.count() == 10 * reports
        after = {page: self.count(url) for page, url in urls.items()}
        assert before == after == self.PINNED
