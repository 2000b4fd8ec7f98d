"""修改记录 as a declared list: a project's changes by 内容, the latest N of the history asked for,
exported as seen (each field changed on a line of its cell), and only for those who may read the
project."""

from datetime import datetime
from decimal import Decimal
from io import BytesIO
from unittest import mock
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from accounts.roles import Role
from audit.models import AuditAction, AuditEvent, AuditResult
from projects.models import Project, ProjectReport, ProjectYearPlan
from projects.services.base import save_as
from reporting.views.history import PROJECT_HISTORY_LIST
from tests.factories import (
    ProjectFactory,
    ProjectReportFactory,
    ProjectYearPlanFactory,
    UnitFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

BEIJING = ZoneInfo("Asia/Shanghai")
HEADER = ["时间", "操作人", "内容", "操作", "修改项：原值 → 新值", "说明"]


def at(day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2022, 4, day, hour, minute, tzinfo=BEIJING)


def dated(history, moment: datetime) -> None:
    """The latest record of ``history`` is put at ``moment``."""
    latest = history.order_by("-history_date", "-history_id").first()
    type(latest).objects.filter(pk=latest.pk).update(history_date=moment)


@pytest.fixture
def world():
    """东湖文旅项目: registered by a command, its March report entered and corrected, its 2022 plan
    entered, and its name changed; each change at a minute of April 2022."""
    unit = UnitFactory(name="东湖办事处", short_name="东湖")
    reporter = UserFactory(
        username="donghu_reporter", last_name="李", first_name="填报", role=Role.REPORTER, unit=unit
    )
    project = ProjectFactory(name="东湖文旅项目", reporting_unit=unit)
    dated(Project.history.filter(id=project.pk), at(1, 8))
    report = ProjectReportFactory(project=project, year=2022, month=3, amount=Decimal("1000"))
    dated(ProjectReport.history.filter(id=report.pk), at(1, 9))
    report.amount = Decimal("1200.5")
    report._change_reason = "统计局更正"
    save_as(report, actor=reporter)
    dated(ProjectReport.history.filter(id=report.pk), at(2, 10, 30))
    plan = ProjectYearPlanFactory(project=project, year=2022, planned_investment=Decimal("30000"))
    dated(ProjectYearPlan.history.filter(id=plan.pk), at(3, 11))
    project.name = "东湖文旅项目（一期）"
    save_as(project, actor=reporter)
    dated(Project.history.filter(id=project.pk), at(4, 16, 45))
    return {"project": project, "reporter": reporter}


def history_url(world, name: str = "reporting:project_history") -> str:
    return reverse(name, args=[world["project"].pk])


def listed(response) -> list[tuple[str, str]]:
    return [(row.record.subject, row.record.action) for row in response.context["table"].rows]


def sheet(response) -> list[tuple]:
    return list(load_workbook(BytesIO(response.getvalue())).active.iter_rows(values_only=True))


def test_the_content_filter_narrows_the_changes_to_one_history(client, world):
    client.force_login(world["reporter"])
    url = history_url(world)
    assert listed(client.get(url)) == [
        ("项目信息", "修改"),
        ("2022年度计划投资", "新增"),
        ("2022年3月月报", "修改"),
        ("2022年3月月报", "新增"),
        ("项目信息", "新增"),
    ]
    assert listed(client.get(url, {"subject": "report"})) == [
        ("2022年3月月报", "修改"),
        ("2022年3月月报", "新增"),
    ]
    assert listed(client.get(url, {"subject": "plan"})) == [("2022年度计划投资", "新增")]
    assert listed(client.get(url, {"subject": "project"})) == [("项目信息", "修改"), ("项目信息", "新增")]
    html = client.get(url, {"subject": "unknown"}).content.decode()
    assert html.count("2022年3月月报") == 2  # a choice not offered filters nothing


def test_each_change_is_shown_to_the_minute_with_its_fields_one_a_line(client, world):
    client.force_login(world["reporter"])
    response = client.get(history_url(world), {"subject": "report"})
    table = response.context["table"]
    assert [str(column.header) for column in table.columns] == HEADER
    names = ["when", "who", "subject", "action", "changes", "reason"]
    assert [[str(row.get_cell(name)) for name in names] for row in table.rows] == [
        [
            "2022-04-02 10:30",
            "李填报",
            "2022年3月月报",
            "修改",
            "<div>本月完成投资(万元)：1,000.00 → 1,200.50</div>",
            "统计局更正",
        ],
        [
            "2022-04-01 09:00",
            "系统",
            "2022年3月月报",
            "新增",
            "<div>本月完成投资(万元)：— → 1,000.00</div>",
            "",
        ],
    ]
    html = response.content.decode()
    assert f'href="{history_url(world, "reporting:project_history_export")}?subject=report"' in html
    assert "仅显示最近" not in html


def test_the_export_has_the_tables_columns(client, world):
    client.force_login(world["reporter"])
    table = client.get(history_url(world)).context["table"]
    rows = sheet(client.get(history_url(world, "reporting:project_history_export")))
    assert rows[0][0] == "东湖文旅项目（一期）修改记录"
    assert list(rows[2]) == HEADER
    assert list(rows[2]) == [str(column.header) for column in table.columns]
    assert len(rows[3:]) == 5


def test_a_filtered_export_holds_only_its_rows(client, world):
    project = world["project"]
    project.leader_in_charge = "王副区长"
    save_as(project, actor=None)
    dated(Project.history.filter(id=project.pk), at(5, 9, 5))
    client.force_login(world["reporter"])
    response = client.get(
        history_url(world, "reporting:project_history_export"), {"subject": "project", "page": 2}
    )
    assert response["Content-Disposition"].startswith("attachment")
    assert sheet(response)[3:] == [
        ("2022-04-05 09:05", "系统", "项目信息", "修改", "分包领导：— → 王副区长", None),
        (
            "2022-04-04 16:45",
            "李填报",
            "项目信息",
            "修改",
            "项目名称：东湖文旅项目 → 东湖文旅项目（一期）",
            None,
        ),
        ("2022-04-01 08:00", "系统", "项目信息", "新增", None, None),
    ]


def test_the_fields_of_one_change_are_listed_in_the_order_the_model_declares_them(client, world):
    project = world["project"]
    project.name, project.stage = "东湖文旅项目（二期）", "reserve"
    project.leader_in_charge, project.company = "王副区长", "东湖文旅公司"
    save_as(project, actor=world["reporter"])
    client.force_login(world["reporter"])
    response = client.get(history_url(world, "reporting:project_history_export"), {"subject": "project"})
    assert sheet(response)[3][4] == (
        "项目名称：东湖文旅项目（一期） → 东湖文旅项目（二期）\n"
        "所在库：在建 → 储备\n"
        "分包领导：— → 王副区长\n"
        "建设单位：— → 东湖文旅公司"
    )


def test_only_the_latest_n_of_the_history_asked_for_are_shown_and_the_page_says_so(client, world):
    client.force_login(world["reporter"])
    with mock.patch.object(PROJECT_HISTORY_LIST, "limit", 2):
        everything = client.get(history_url(world))
        reports = client.get(history_url(world), {"subject": "report"})
        plans = client.get(history_url(world), {"subject": "plan"})
    assert listed(everything) == [("项目信息", "修改"), ("2022年度计划投资", "新增")]
    assert "仅显示最近 2 条。" in everything.content.decode()
    assert listed(reports) == [("2022年3月月报", "修改"), ("2022年3月月报", "新增")]
    assert "仅显示最近 2 条。" in reports.content.decode()
    assert listed(plans) == [("2022年度计划投资", "新增")]
    assert "仅显示最近" not in plans.content.decode()


def test_a_project_without_changes_says_so(client, world):
    client.force_login(world["reporter"])
    html = client.get(history_url(world), {"subject": "plan"}).content.decode()
    assert "暂无修改记录。" not in html
    ProjectYearPlan.history.all().delete()
    html = client.get(history_url(world), {"subject": "plan"}).content.decode()
    assert "暂无修改记录。" in html


def test_the_export_reads_the_same_number_of_queries_however_long_the_history(client, world):
    def count() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(history_url(world, "reporting:project_history_export")).status_code == 200
        return len(captured)

    client.force_login(world["reporter"])
    client.get(history_url(world))  # the first request of a session saves it once more
    before = count()
    for month in (4, 5, 6):
        ProjectReportFactory(project=world["project"], year=2022, month=month)
    assert count() == before


@pytest.mark.parametrize("role", [Role.REPORTER, Role.SECURITY_ADMIN, Role.AUDIT_ADMIN])
def test_those_who_may_not_read_the_project_get_403_on_the_page_and_the_export(client, world, role):
    other = UnitFactory(name="西山办事处") if role == Role.REPORTER else None
    client.force_login(UserFactory(role=role, unit=other))
    assert client.get(history_url(world)).status_code == 403
    before = AuditEvent.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    assert client.get(history_url(world, "reporting:project_history_export")).status_code == 403
    assert list(AuditEvent.objects.filter(pk__gt=before).values_list("action", "result")) == [
        (AuditAction.PERMISSION_DENIED, AuditResult.FAILURE)
    ], "a refusal is logged once, as a refusal"
