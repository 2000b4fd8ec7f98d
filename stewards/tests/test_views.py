"""The steward's phone page and the records it sends: once each, whatever the number of sends."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.roles import Role
from common.clock import clock_set
from projects.choices import ProblemCategory, ProblemStatus, Stage
from projects.models import Problem, ProjectReport, SitePhoto
from projects.tests import images
from reporting.choices import SubmissionStatus
from reporting.models import Submission
from stewards.models import OutboxReceipt
from tests.factories import (
    PlanYearFactory,
    ProblemFactory,
    ProjectFactory,
    ProjectReportFactory,
    UnitFactory,
    UserFactory,
)

YEAR, MONTH = 2022, 10

pytestmark = pytest.mark.django_db


@pytest.fixture
def unit():
    return UnitFactory()


@pytest.fixture
def steward():
    """The head of the responsible bureau, as seed 003 names the steward: not a user of the 属地."""
    return UserFactory(role=Role.UNIT_HEAD, unit=UnitFactory())


@pytest.fixture
def project(unit, steward):
    project = ProjectFactory(reporting_unit=unit, steward=steward, total_investment=Decimal("50000"))
    for month in range(1, MONTH):
        ProjectReportFactory(project=project, year=YEAR, month=month, amount=Decimal("1000"))
    return project


@pytest.fixture
def phone(client, steward):
    client.force_login(steward)
    return client


def _send(client, url, data, *, key=None):
    return client.post(
        url,
        data,
        headers={"X-Idempotency-Key": str(key or uuid.uuid4()), "Accept": "application/json"},
    )


def _month(project, **overrides):
    return {"year": YEAR, "month": MONTH, "amount": "1200", "progress": "主体结构封顶"} | overrides


class TestTheMonthsRecord:
    def url(self, project):
        return reverse("stewards:record_month", args=[project.pk])

    def test_the_steward_records_the_month_and_a_repeated_send_changes_nothing(self, phone, project, steward):
        key = uuid.uuid4()
        first = _send(phone, self.url(project), _month(project), key=key)
        assert first.status_code == 200 and first.json()["ok"], first.content
        again = _send(phone, self.url(project), _month(project), key=key)
        assert again.json()["duplicate"] is True and again.json()["message"] == first.json()["message"]
        report = ProjectReport.objects.get(project=project, year=YEAR, month=MONTH)
        assert (report.amount, report.progress, report.version, report.updated_by) == (
            Decimal("1200"),
            "主体结构封顶",
            1,
            steward,
        )
        assert report.history.count() == 1
        assert OutboxReceipt.objects.filter(key=key).count() == 1
        assert Submission.objects.get(unit=project.reporting_unit, year=YEAR, month=MONTH).status == "draft"

    def test_a_second_record_sends_the_version_it_saw(self, phone, project):
        saved = _send(phone, self.url(project), _month(project)).json()
        update = _month(project, progress="二次结构施工", version=saved["version"])
        assert _send(phone, self.url(project), update).json()["ok"]
        assert ProjectReport.objects.get(project=project, year=YEAR, month=MONTH).progress == "二次结构施工"

    def test_a_record_made_before_someone_elses_save_is_refused_not_written_over_it(self, phone, project):
        ProjectReportFactory(
            project=project, year=YEAR, month=MONTH, amount=Decimal("900"), progress="填报员填写"
        )
        response = _send(phone, self.url(project), _month(project))
        assert response.status_code == 409 and "已被他人修改" in response.json()["message"]
        assert ProjectReport.objects.get(project=project, year=YEAR, month=MONTH).progress == "填报员填写"
        assert not OutboxReceipt.objects.exists(), "a refused record leaves its key unclaimed"

    def test_a_month_already_submitted_is_refused(self, phone, project):
        Submission.objects.create(
            unit=project.reporting_unit, year=YEAR, month=MONTH, status=SubmissionStatus.LOCKED
        )
        response = _send(phone, self.url(project), _month(project))
        assert response.status_code == 409 and "已锁定" in response.json()["message"]
        assert not ProjectReport.objects.filter(month=MONTH).exists()

    def test_an_unusual_amount_is_saved_only_once_confirmed(self, phone, project):
        response = _send(phone, self.url(project), _month(project, amount="9000"))
        assert response.status_code == 422 and response.json()["needs_confirmation"]
        assert "3倍" in response.json()["message"]
        confirmed = _send(phone, self.url(project), _month(project, amount="9000", confirm_amount="on"))
        assert confirmed.json()["ok"]

    def test_a_month_with_no_amount_yet_asks_for_one(self, phone, project):
        response = _send(phone, self.url(project), _month(project, amount=""))
        assert response.status_code == 400 and "本月完成投资" in response.json()["message"]

    def test_a_user_who_is_neither_steward_nor_of_the_projects_units_is_refused(self, client, project):
        outsider = UserFactory(role=Role.REPORTER, unit=UnitFactory())
        client.force_login(outsider)
        assert _send(client, self.url(project), _month(project)).status_code == 403
        assert not ProjectReport.objects.filter(month=MONTH).exists()

    def test_the_units_reporter_may_record_too(self, client, project, unit):
        reporter = UserFactory(role=Role.REPORTER, unit=unit)
        client.force_login(reporter)
        assert _send(client, self.url(project), _month(project)).json()["ok"]

    def test_without_the_script_the_form_posts_and_comes_back_to_the_card(self, phone, project):
        response = phone.post(self.url(project), _month(project))
        assert response.status_code == 302
        assert response["Location"] == reverse("stewards:project", args=[project.pk])
        assert ProjectReport.objects.filter(project=project, month=MONTH).exists()


class TestPhotosAndProblems:
    def test_a_photo_sent_twice_with_its_key_is_stored_once(self, phone, project):
        key = uuid.uuid4()
        url = reverse("stewards:add_photo", args=[project.pk])
        data = images.jpeg(taken=datetime(2022, 10, 12, 9, 30), position=(34.7, 113.6))
        for _ in range(2):
            upload = SimpleUploadedFile("IMG_0001.HEIC", data, content_type="image/heic")
            answer = _send(phone, url, {"photo": upload, "evidence_kind": "site"}, key=key).json()
            assert answer["ok"], answer
        assert answer["duplicate"] is True and "拍摄于2022-10-12 09:30" in answer["message"]
        photo = SitePhoto.objects.get()
        assert photo.evidence_kind == "site" and photo.taken_at is not None

    def test_a_problem_is_registered_once_and_closed(self, phone, project):
        clock_set(on=date(2022, 11, 9))  # registered on the business day; its deadline is after it
        key = uuid.uuid4()
        data = {
            "category": ProblemCategory.DEMOLITION,
            "description": "东侧两户未完成拆迁",
            "owner_unit": project.responsible_unit_id,
            "deadline": "2022-11-30",
        }
        for _ in range(2):
            assert _send(phone, reverse("stewards:add_problem", args=[project.pk]), data, key=key).json()[
                "ok"
            ]
        problem = Problem.objects.get(project=project)
        close = {"resolution": "已签订拆迁协议", "closed_on": "2022-11-09"}
        assert _send(phone, reverse("stewards:close_problem", args=[problem.pk]), close).json()["ok"]
        problem.refresh_from_db()
        assert problem.status == ProblemStatus.CLOSED

    def test_a_problem_of_a_project_i_do_not_steward_cannot_be_closed(self, client, project):
        problem = ProblemFactory(project=project)
        outsider = UserFactory(role=Role.UNIT_HEAD, unit=UnitFactory())
        client.force_login(outsider)
        close = {"resolution": "已解决", "closed_on": "2022-10-01"}
        assert _send(client, reverse("stewards:close_problem", args=[problem.pk]), close).status_code == 403
        problem.refresh_from_db()
        assert problem.status != ProblemStatus.CLOSED

    def test_a_key_that_is_not_a_uuid_is_refused(self, phone, project):
        response = phone.post(
            reverse("stewards:record_month", args=[project.pk]),
            _month(project),
            headers={"X-Idempotency-Key": "1; DROP TABLE", "Accept": "application/json"},
        )
        assert response.status_code == 400 and not ProjectReport.objects.filter(month=MONTH).exists()


class TestThePages:
    def test_my_projects_show_this_months_state_overdue_milestones_and_open_problems(
        self, phone, project, steward
    ):
        PlanYearFactory(year=YEAR)
        ProblemFactory(project=project, deadline=date(2022, 1, 1))
        ProjectFactory(steward=steward, stage=Stage.EXITED)
        ProjectFactory()
        page = phone.get(reverse("stewards:home")).content.decode()
        assert page.count('class="steward-card') == 1
        assert project.name in page and "问题1个（逾期1）" in page
        assert 'rel="manifest"' in page

    def test_my_projects_page_asks_the_same_queries_for_one_project_or_many(self, phone, project, steward):
        phone.get(reverse("stewards:home"))
        with CaptureQueriesContext(connection) as one:
            phone.get(reverse("stewards:home"))
        for _ in range(5):
            ProjectFactory(steward=steward)
        with CaptureQueriesContext(connection) as six:
            phone.get(reverse("stewards:home"))
        assert len(six) == len(one)

    def test_the_project_card_offers_the_three_records(self, phone, project):
        page = phone.get(reverse("stewards:project", args=[project.pk])).content.decode()
        for name in ("record_month", "add_photo", "add_problem"):
            assert reverse(f"stewards:{name}", args=[project.pk]) in page
        assert 'capture="environment"' in page and "data-outbox" in page

    def test_a_reader_of_the_project_sees_the_card_without_the_forms(self, client, project):
        leader = UserFactory(role=Role.LEADER)
        client.force_login(leader)
        page = client.get(reverse("stewards:project", args=[project.pk])).content.decode()
        assert reverse("stewards:record_month", args=[project.pk]) not in page

    def test_the_manifest_and_the_service_worker_are_served_by_the_product(self, client):
        manifest = client.get(reverse("stewards:manifest")).json()
        assert manifest["start_url"] == "/stewards/" and manifest["display"] == "standalone"
        assert {icon["sizes"] for icon in manifest["icons"]} == {"192x192", "512x512"}
        for icon in manifest["icons"]:
            assert icon["src"].startswith("/static/")
        worker = client.get(reverse("stewards:service_worker"))
        assert worker["Content-Type"].startswith("text/javascript")
        assert b'request.method !== "GET"' in worker.content
