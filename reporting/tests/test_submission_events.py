"""报送记录 as a declared table on the month's grid and the reporter's home: a return's moves, newest
first, to the minute, with who moved it and why; read with the return, whatever their number."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.roles import Role
from reporting.choices import SubmissionStatus
from reporting.models import Submission, SubmissionEvent
from reporting.tests.monthly_setup import MonthlyUnit
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

BEIJING = ZoneInfo("Asia/Shanghai")
HEADER = ["时间", "操作人", "状态变化", "原因"]


def move(submission, from_status, to_status, *, actor, at: datetime, reason: str = "") -> None:
    event = SubmissionEvent.objects.create(
        submission=submission, from_status=from_status, to_status=to_status, actor=actor, reason=reason
    )
    SubmissionEvent.objects.filter(pk=event.pk).update(created_at=at)


@pytest.fixture
def returned():
    """东湖's October return: sent by its reporter, then unlocked by an admin for a correction."""
    unit = MonthlyUnit(projects=1, reported_months=9)
    unit.reporter.last_name, unit.reporter.first_name = "李", "填报"
    unit.reporter.save()
    admin = UserFactory(username="guanli", last_name="王", first_name="主任", role=Role.ADMIN)
    submission = Submission.objects.create(unit=unit.unit, year=2022, month=10)
    move(
        submission,
        SubmissionStatus.DRAFT,
        SubmissionStatus.SUBMITTED,
        actor=unit.reporter,
        at=datetime(2022, 11, 3, 9, 15, tzinfo=BEIJING),
    )
    move(
        submission,
        SubmissionStatus.SUBMITTED,
        SubmissionStatus.DRAFT,
        actor=admin,
        at=datetime(2022, 11, 4, 14, 5, tzinfo=BEIJING),
        reason="统计局更正十月数据",
    )
    return {"unit": unit, "submission": submission, "admin": admin}


def cells(table) -> list[list[str]]:
    return [[str(cell) for _column, cell in row.items()] for row in table.rows]


EXPECTED = [
    ["2022-11-04 14:05", "王主任", "已报送 → 草稿", "统计局更正十月数据"],
    ["2022-11-03 09:15", "李填报", "草稿 → 已报送", ""],
]


def test_the_months_grid_lists_the_returns_moves_newest_first(client, returned):
    unit = returned["unit"]
    client.force_login(unit.reporter)
    response = client.get(reverse("reporting:month", args=[unit.unit.pk, 2022, 10]))
    events = response.context["events"]
    assert [str(column.header) for column in events.columns] == HEADER
    assert cells(events) == EXPECTED
    assert "报送记录" in response.content.decode()


def test_the_reporters_home_lists_the_same_moves(client, returned):
    unit = returned["unit"]
    client.force_login(unit.reporter)
    response = client.get(reverse("reporting:my_unit"), {"month": "2022-10"})
    assert cells(response.context["events"]) == EXPECTED


def test_a_return_without_moves_says_so_and_a_month_without_a_return_shows_no_record(client, returned):
    unit = returned["unit"]
    returned["submission"].events.all().delete()
    client.force_login(unit.reporter)
    html = client.get(reverse("reporting:month", args=[unit.unit.pk, 2022, 10])).content.decode()
    assert "暂无记录" in html
    response = client.get(reverse("reporting:month", args=[unit.unit.pk, 2022, 9]))
    assert response.context["events"] is None
    assert "报送记录" not in response.content.decode()


def test_the_grid_reads_the_same_number_of_queries_however_many_moves_the_return_has(client, returned):
    unit = returned["unit"]
    url = reverse("reporting:month", args=[unit.unit.pk, 2022, 10])

    def count() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url).status_code == 200
        return len(captured)

    client.force_login(unit.reporter)
    client.get(url)  # the first request of a session saves it once more
    before = count()
    for day in (5, 6, 7):
        move(
            returned["submission"],
            SubmissionStatus.DRAFT,
            SubmissionStatus.SUBMITTED,
            actor=UserFactory(role=Role.REPORTER, unit=unit.unit),
            at=datetime(2022, 11, day, 10, 0, tzinfo=BEIJING),
        )
    assert count() == before
