"""Background exports: the project ledger streamed to a file by a job, its progress and its file."""

import tempfile
from decimal import Decimal
from pathlib import Path
from unittest import mock

from django.urls import reverse
from openpyxl import load_workbook

from accounts.models import User
from common.spreadsheets import StreamedWorkbook
from projects.access import readable_projects
from projects.models import ProjectReport
from reporting.models import Export, ExportKind, ExportStatus
from reporting.services import exports
from reporting.services.exports import export_create, export_run, ledger_reports, ledger_write
from reporting.tasks import run_export
from tests.base import DemoTestCase

LEDGER_HEADER = [
    "项目代码",
    "项目名称",
    "属地单位",
    "责任局办",
    "所在库",
    "年度",
    "月份",
    "本月完成投资(万元)",
    "形象进度",
    "存在问题",
]


def ledger_rows(export: Export) -> list[tuple]:
    with export.file.open("rb") as handle:
        sheet = load_workbook(handle).active
        return list(sheet.iter_rows(min_row=4, values_only=True))


class ExportJobTests(DemoTestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.admin = User.objects.get(username="admin")
        cls.reporter = User.objects.get(username="minghu_reporter")

    def export_for(self, user: User, **params: str) -> Export:
        return export_create(kind=ExportKind.PROJECT_LEDGER, params=params, actor=user)

    def test_the_job_streams_every_report_and_the_rows_match_the_database(self):
        export = self.export_for(self.admin)
        with mock.patch.object(exports, "StreamedWorkbook", wraps=StreamedWorkbook) as workbook:
            assert export_run(export_id=export.pk) is True
        workbook.assert_called_once_with()

        export.refresh_from_db()
        assert export.status == ExportStatus.DONE and export.progress == 100
        assert export.finished_at is not None
        rows = ledger_rows(export)
        assert export.total_rows == len(rows) == ProjectReport.objects.count()
        expected = {
            (report.project.code, report.year, report.month): report
            for report in ProjectReport.objects.select_related("project")
        }
        for code, name, _, _, _, year, month, amount, progress, problems in rows:
            report = expected[(code, year, month)]
            assert (name, Decimal(str(amount)), progress or "", problems or "") == (
                report.project.name,
                report.amount,
                report.progress,
                report.problems,
            )

    def test_the_ledger_has_the_title_header_formats_and_print_set_up_of_a_report(self):
        export = self.export_for(self.admin, level="provincial")
        export_run(export_id=export.pk)
        export.refresh_from_db()
        with export.file.open("rb") as handle:
            sheet = load_workbook(handle)["项目进展台账"]
        assert sheet["A1"].value == "经开区项目进展台账" and "A1:J1" in sheet.merged_cells
        assert sheet["A2"].value == "单位：万元"
        assert [cell.value for cell in sheet[3]] == LEDGER_HEADER
        assert sheet["H4"].number_format == "#,##0.00"
        assert sheet["F4"].value == 2022 and sheet["F4"].number_format == "0", "a year is not written 2,022"
        assert sheet["G4"].number_format == "0"
        assert sheet.freeze_panes == "A4" and sheet.print_title_rows == "$1:$3"
        assert sheet.page_setup.orientation == "landscape" and int(sheet.page_setup.paperSize) == 9

    def test_it_holds_only_the_projects_its_requester_may_read(self):
        export = self.export_for(self.reporter)
        export_run(export_id=export.pk)
        export.refresh_from_db()
        codes = {row[0] for row in ledger_rows(export)}
        readable = set(
            readable_projects(self.reporter).filter(reports__isnull=False).values_list("code", flat=True)
        )
        assert codes == readable
        assert codes and len(codes) < ProjectReport.objects.values("project").distinct().count()

    def test_it_applies_the_project_lists_filters(self):
        rows = list(ledger_reports(actor=self.admin, params={"level": "provincial", "q": "项目"}))
        assert rows and all(report.project.level == "provincial" for report in rows)
        assert all("项目" in report.project.name for report in rows)

    def test_progress_is_reported_every_few_hundred_rows(self):
        seen: list[int] = []
        with tempfile.TemporaryDirectory() as directory:
            count = ledger_write(
                reports=ledger_reports(actor=self.admin, params={}),
                path=Path(directory) / "ledger.xlsx",
                on_progress=seen.append,
            )
        assert seen == list(range(exports.PROGRESS_EVERY, count + 1, exports.PROGRESS_EVERY))

    def test_running_the_job_twice_does_nothing_the_second_time(self):
        export = self.export_for(self.admin, level="provincial")
        assert run_export.delay(export.pk).get() is True
        export.refresh_from_db()
        stored = export.file.name
        assert run_export.delay(export.pk).get() is False
        export.refresh_from_db()
        assert export.file.name == stored and export.status == ExportStatus.DONE

    def test_a_job_that_fails_says_so(self):
        export = self.export_for(self.admin)
        with mock.patch.object(exports, "ledger_write", side_effect=OSError("磁盘已满")):
            assert export_run(export_id=export.pk) is False
        export.refresh_from_db()
        assert export.status == ExportStatus.FAILED and "磁盘已满" in export.error
        assert not export.file


class ExportPageTests(DemoTestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.reporter = User.objects.get(username="minghu_reporter")
        cls.waiting = export_create(kind=ExportKind.PROJECT_LEDGER, params={}, actor=cls.reporter)

    def login(self, username: str) -> None:
        self.client.force_login(User.objects.get(username=username))

    def urls(self, export: Export) -> list[str]:
        return [
            reverse(f"reporting:{name}", kwargs={"export_id": export.pk})
            for name in ("export_detail", "export_status", "export_download")
        ]

    def test_asking_for_the_ledger_queues_the_job_after_the_request_commits(self):
        self.login("minghu_reporter")
        with self.captureOnCommitCallbacks(execute=False) as callbacks:
            response = self.client.post(reverse("reporting:exports"), {"level": "district"})
        export = Export.objects.latest("pk")
        assert response.status_code == 302 and response["Location"] == self.urls(export)[0]
        assert export.params == {"level": "district"} and export.status == ExportStatus.QUEUED
        assert len(callbacks) == 1
        callbacks[0]()
        export.refresh_from_db()
        assert export.status == ExportStatus.DONE

    def test_the_status_endpoint_tells_the_page_how_far_the_job_is(self):
        self.login("minghu_reporter")
        _detail, status, download = self.urls(self.waiting)
        assert self.client.get(status).json() == {
            "status": "queued",
            "status_display": "排队中",
            "progress": 0,
            "total_rows": None,
            "finished": False,
            "error": "",
            "download_url": None,
        }
        assert self.client.get(download).status_code == 404
        export_run(export_id=self.waiting.pk)
        state = self.client.get(status).json()
        assert state["finished"] and state["progress"] == 100 and state["download_url"] == download
        response = self.client.get(download)
        assert response.status_code == 200
        assert "attachment" in response["Content-Disposition"]

    def test_the_progress_page_loads_its_script_from_the_app_itself(self):
        self.login("minghu_reporter")
        html = self.client.get(self.urls(self.waiting)[0]).content.decode()
        assert 'src="/static/js/export_progress.js"' in html
        assert f'data-export-status-url="{self.urls(self.waiting)[1]}"' in html
        assert 'role="progressbar"' in html
        assert "cdn" not in html.lower()

    def test_only_the_requester_or_an_admin_sees_an_export(self):
        export_run(export_id=self.waiting.pk)
        for username, allowed in (("chaohe_reporter", 403), ("leader", 403), ("admin", 200)):
            self.login(username)
            for url in self.urls(self.waiting):
                assert self.client.get(url).status_code == allowed, (username, url)

    def test_the_list_shows_only_my_exports(self):
        self.login("chaohe_reporter")
        assert (
            self.urls(self.waiting)[0] not in self.client.get(reverse("reporting:exports")).content.decode()
        )
        self.login("minghu_reporter")
        assert self.urls(self.waiting)[0] in self.client.get(reverse("reporting:exports")).content.decode()

    def test_the_pages_run_the_same_number_of_queries_however_many_exports(self):
        self.login("minghu_reporter")
        detail, status, _download = self.urls(self.waiting)
        for _ in range(3):
            # My exports are a paginated table: its paginator counts them, then reads one page.
            with self.assertNumQueries(14):
                self.client.get(reverse("reporting:exports"))
            # The detail and the status also mark the export failed if it is past its time limit; the
            # detail page reads the clock and counts the unread notices once, as every page does.
            with self.assertNumQueries(11):
                self.client.get(detail)
            # Polling does not save the session (it does not extend it).
            with self.assertNumQueries(5):
                self.client.get(status)
            export_create(kind=ExportKind.PROJECT_LEDGER, params={}, actor=self.reporter)
