"""退库审批 as a declared list: the pending requests filtered by unit and reason, exported as shown,
and only for the admin; the recent decisions below them in a declared table of their own."""

from datetime import datetime
from io import BytesIO
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from accounts.roles import Role
from projects.choices import ExitReason, ExitRequestStatus, Stage
from projects.models import ExitRequest
from projects.services.lifecycle import exit_request_approve, exit_request_create, exit_request_reject
from tests.factories import ProjectFactory, UnitFactory, UserFactory

pytestmark = pytest.mark.django_db

BEIJING = ZoneInfo("Asia/Shanghai")
HEADER = ["项目", "属地单位", "所在库", "退库原因", "情况说明", "申请人", "申请时间"]


@pytest.fixture
def requests_world(admin):
    """Two pending requests of two units, and one already returned."""
    east = UnitFactory(name="东湖办事处", short_name="东湖")
    west = UnitFactory(name="西山办事处", short_name="西山")
    east_reporter = UserFactory(username="donghu_reporter", role=Role.REPORTER, unit=east)
    west_reporter = UserFactory(username="xishan_reporter", role=Role.REPORTER, unit=west)
    lake = ProjectFactory(name="东湖文旅项目", reporting_unit=east, stage=Stage.RESERVE, actual_start=None)
    hill = ProjectFactory(name="西山物流园项目", reporting_unit=west, stage=Stage.RESERVE, actual_start=None)
    old = ProjectFactory(name="东湖旧厂房项目", reporting_unit=east, stage=Stage.RESERVE, actual_start=None)
    for project, reason, note, actor, minute in (
        (lake, ExitReason.TALKS_STOPPED, "企业撤回投资意向", east_reporter, 10),
        (hill, ExitReason.LAND_IDLE, "土地闲置两年", west_reporter, 20),
    ):
        request = exit_request_create(project=project, reason=reason, note=note, actor=actor)
        ExitRequest.objects.filter(pk=request.pk).update(
            requested_at=datetime(2022, 9, 1, 9, minute, tzinfo=BEIJING)
        )
    returned = exit_request_create(
        project=old, reason=ExitReason.TALKS_STOPPED, note="重新洽谈", actor=east_reporter
    )
    exit_request_reject(exit_request=returned, actor=admin, note="继续洽谈")
    return {"east_reporter": east_reporter}


def listed(response) -> list[str]:
    return [row.record.project.name for row in response.context["table"].rows]


def sheet(response) -> list[tuple]:
    return list(load_workbook(BytesIO(response.getvalue())).active.iter_rows(values_only=True))


def test_the_unit_and_reason_filters_narrow_the_pending_requests(client, admin, requests_world):
    client.force_login(admin)
    response = client.get(reverse("projects:exits"))
    assert listed(response) == ["西山物流园项目", "东湖文旅项目"]
    assert "东湖旧厂房项目" in response.content.decode()  # among the recent decisions, not pending
    assert listed(client.get(reverse("projects:exits"), {"unit": "东湖"})) == ["东湖文旅项目"]
    assert listed(client.get(reverse("projects:exits"), {"unit": "西山办事处"})) == ["西山物流园项目"]
    assert listed(client.get(reverse("projects:exits"), {"reason": ExitReason.LAND_IDLE})) == [
        "西山物流园项目"
    ]


def test_the_export_has_the_tables_columns_without_the_buttons(client, admin, requests_world):
    client.force_login(admin)
    table = client.get(reverse("projects:exits")).context["table"]
    shown = [str(column.header) for column in table.columns]
    assert shown == ["项目", "属地单位", "所在库", "退库原因", "情况说明", "申请人", "审批"]
    rows = sheet(client.get(reverse("projects:exits_export")))
    assert rows[0][0] == "待审批退库申请"
    assert list(rows[2]) == HEADER
    exported = [
        str(bound.header) for bound in table.columns.iterall() if not bound.column.exclude_from_export
    ]
    assert list(rows[2]) == exported


def test_the_export_of_a_filtered_page_holds_only_its_rows(client, admin, requests_world):
    client.force_login(admin)
    rows = sheet(client.get(reverse("projects:exits_export"), {"unit": "东湖", "page": 2}))
    assert rows[3:] == [
        (
            "东湖文旅项目",
            "东湖",
            "储备",
            "已停止洽谈",
            "企业撤回投资意向",
            "donghu_reporter",
            "2022-09-01 09:10",
        )
    ]


def test_the_decision_buttons_still_approve_and_return(client, admin, requests_world):
    client.force_login(admin)
    html = client.get(reverse("projects:exits")).content.decode()
    hill = ExitRequest.objects.get(project__name="西山物流园项目")
    assert reverse("projects:exit_approve", args=[hill.project_id]) in html
    assert reverse("projects:exit_reject", args=[hill.project_id]) in html
    response = client.post(reverse("projects:exit_reject", args=[hill.project_id]), {"note": "补充材料"})
    assert response.url == reverse("projects:exits")
    assert listed(client.get(reverse("projects:exits"))) == ["东湖文旅项目"]


def test_the_recent_decisions_show_each_decision_as_it_stands(client, requests_world):
    chief = UserFactory(username="guanli", last_name="王", first_name="主任", role=Role.ADMIN)
    hill = ExitRequest.objects.get(project__name="西山物流园项目")
    exit_request_approve(exit_request=hill, actor=chief, note="同意退库")
    ExitRequest.objects.filter(pk=hill.pk).update(decided_at=datetime(2022, 9, 2, 15, 30, tzinfo=BEIJING))
    client.force_login(chief)
    response = client.get(reverse("projects:exits"))
    decided = response.context["decided"]
    assert [str(column.header) for column in decided.columns] == [
        "项目",
        "属地单位",
        "退库原因",
        "结果",
        "审批人",
        "审批时间",
        "审批意见",
    ]
    names = ["project", "reporting_unit", "reason", "status", "decided_by", "decided_at", "decision_note"]
    shown = {row.record.project.name: [str(row.get_cell(name)) for name in names] for row in decided.rows}
    assert shown["西山物流园项目"] == [
        f'<a href="{reverse("projects:detail", args=[hill.project_id])}">西山物流园项目</a>',
        "西山",
        "企业无能力开发造成土地长期闲置",
        "已批准",
        "王主任",
        "2022-09-02 15:30",
        "同意退库",
    ]
    assert shown["东湖旧厂房项目"][2:4] == ["已停止洽谈", "未批准"]
    assert listed(response) == ["东湖文旅项目"]


def test_with_no_decisions_yet_the_recent_decisions_say_so(client, admin):
    client.force_login(admin)
    html = client.get(reverse("projects:exits")).content.decode()
    assert "没有待审批的退库申请。" in html
    assert "暂无。" in html


def test_the_page_reads_the_same_number_of_queries_however_many_decisions_it_shows(
    client, admin, requests_world
):
    def count() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(reverse("projects:exits")).status_code == 200
        return len(captured)

    client.force_login(admin)
    client.get(reverse("projects:exits"))  # the first request of a session saves it once more
    before = count()
    for request in ExitRequest.objects.filter(status=ExitRequestStatus.PENDING):
        exit_request_reject(exit_request=request, actor=admin, note="继续洽谈")
    assert count() == before


@pytest.mark.parametrize("role", [Role.REPORTER, Role.LEADER, Role.REVIEWER, Role.SECURITY_ADMIN])
def test_only_the_admin_sees_or_exports_the_list(client, requests_world, role):
    unit = requests_world["east_reporter"].unit if role == Role.REPORTER else None
    client.force_login(UserFactory(role=role, unit=unit))
    assert client.get(reverse("projects:exits")).status_code == 403
    assert client.get(reverse("projects:exits_export")).status_code == 403
