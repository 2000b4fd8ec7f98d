"""The example client (examples/push_month.py) pushes a month of 明湖办事处 from a spreadsheet to the demo."""

from __future__ import annotations

import io
import json
import tempfile
from contextlib import redirect_stderr
from pathlib import Path

from django.core.cache import cache
from django.test import Client
from openpyxl import load_workbook

from accounts.models import User
from api.services import api_token_create
from examples import push_month
from projects.models import ProjectReport
from reporting.choices import SubmissionStatus
from reporting.models import Submission
from targets.models import Unit
from tests.base import DemoTestCase

BASE = "http://testserver"


class ExampleClientTests(DemoTestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.unit = Unit.objects.get(name="明湖办事处")
        cls.secret = api_token_create(user=User.objects.get(username="minghu_reporter"), actor=None).secret

    def setUp(self) -> None:
        cache.clear()
        self.http = Client(HTTP_AUTHORIZATION=f"Bearer {self.secret}")
        folder = tempfile.TemporaryDirectory()
        self.addCleanup(folder.cleanup)
        self.path = str(Path(folder.name) / "month.xlsx")

    def send(self, method: str, url: str, body: dict | None):
        data = json.dumps(body) if body is not None else ""
        response = self.http.generic(method, url.removeprefix(BASE), data, content_type="application/json")
        return response.status_code, response.json()

    def run_client(self, *args: str) -> int:
        return push_month.main([*args, "--url", BASE, "--period", "2022-10"], send=self.send)

    def test_a_month_goes_from_the_spreadsheet_to_the_unit_submitted_and_a_second_push_changes_nothing(self):
        path = self.path
        assert self.run_client(path, "--template") == 0
        workbook = load_workbook(path)
        sheet = workbook.active
        first_code = sheet["A4"].value
        sheet["C4"] = float(sheet["C4"].value) + 1
        workbook.save(path)
        before = ProjectReport.objects.get(project__code=first_code, year=2022, month=10).amount

        assert self.run_client(path, "--submit") == 0
        assert ProjectReport.objects.get(project__code=first_code, year=2022, month=10).amount == before + 1
        assert (
            Submission.objects.get(unit=self.unit, year=2022, month=10).status == SubmissionStatus.SUBMITTED
        )
        history = ProjectReport.history.filter(project__code=first_code, year=2022, month=10).count()

        assert self.run_client(path, "--submit") == 0
        assert ProjectReport.history.filter(project__code=first_code, year=2022, month=10).count() == history

    def test_a_bad_figure_is_reported_by_row_and_nothing_is_saved(self):
        path = self.path
        self.run_client(path, "--template")
        workbook = load_workbook(path)
        workbook.active["C5"] = -3
        workbook.save(path)
        amounts = list(ProjectReport.objects.filter(year=2022, month=10).values_list("amount", flat=True))
        errors = io.StringIO()
        with redirect_stderr(errors):
            assert self.run_client(path) == 1
        assert "第2行" in errors.getvalue() and "不能为负数" in errors.getvalue()
        assert (
            list(ProjectReport.objects.filter(year=2022, month=10).values_list("amount", flat=True))
            == amounts
        )
        assert not Submission.objects.filter(unit=self.unit, year=2022, month=10, status="submitted").exists()
