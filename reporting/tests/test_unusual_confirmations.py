"""我已核实: a reporter's confirmation of an unusual amount is stored with the figure (who, when, why),
kept in its history and the audit log, voided by a change of the amount, and shown to the head
exactly as confirmed, on the home page and on the page the head approves from."""

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from audit.models import AuditAction, AuditEvent
from projects.models import ProjectReport
from reporting.choices import SubmissionStatus
from reporting.models import Submission
from reporting.tests.monthly_setup import MonthlyUnit, grid_post

pytestmark = pytest.mark.django_db


def grid_url(unit: MonthlyUnit, month: int = 10) -> str:
    return reverse("reporting:month", args=[unit.unit.pk, 2022, month])


def post_grid(client, unit: MonthlyUnit, *, action: str = "save", **changes: str):
    client.force_login(unit.reporter)
    url = grid_url(unit)
    return client.post(url, grid_post(client.get(url).context["form"], action=action, **changes))


def confirm_unusual(client, unit: MonthlyUnit, project, amount: str, *, action: str = "save"):
    """Type an unusual amount, then tick 我已核实 for it, as the reporter does on the grid."""
    response = post_grid(client, unit, action=action, **{f"amount_{project.pk}": amount})
    assert f'name="confirm_{project.pk}" value="{amount}"' in response.content.decode()
    client.force_login(unit.reporter)
    url = grid_url(unit)
    data = grid_post(response.context["form"], action=action, **{f"confirm_{project.pk}": amount})
    assert client.post(url, data).status_code == 302


def test_a_confirmed_unusual_amount_is_stored_with_who_when_and_why(client):
    unit = MonthlyUnit(projects=1)
    project = unit.projects[0]
    before = timezone.now()
    confirm_unusual(client, unit, project, "5000")
    report = ProjectReport.objects.get(project=project, year=2022, month=10)
    assert report.amount == Decimal("5000")
    assert report.unusual_confirmed_by == unit.reporter
    assert report.unusual_confirmed_at >= before
    assert report.unusual_reason == "超过该项目月均完成额 1,000.00 万元的3倍"


def test_an_ordinary_amount_carries_no_confirmation(client):
    unit = MonthlyUnit(projects=1)
    project = unit.projects[0]
    # A tick sent with an amount that needs none is not a confirmation of anything.
    assert (
        post_grid(client, unit, **{f"amount_{project.pk}": "900", f"confirm_{project.pk}": "900"}).status_code
        == 302
    )
    report = ProjectReport.objects.get(project=project, year=2022, month=10)
    assert (report.unusual_confirmed_by, report.unusual_confirmed_at, report.unusual_reason) == (
        None,
        None,
        "",
    )


def test_the_confirmation_is_kept_in_the_figure_s_history_and_the_audit_log(client):
    unit = MonthlyUnit(projects=1)
    project = unit.projects[0]
    confirm_unusual(client, unit, project, "5000")
    report = ProjectReport.objects.get(project=project, year=2022, month=10)
    record = report.history.order_by("-history_date", "-history_id").first()
    assert record.unusual_confirmed_by_id == unit.reporter.pk
    assert record.unusual_confirmed_at is not None
    event = AuditEvent.objects.filter(action=AuditAction.FIGURE_CHANGE).order_by("-pk").first()
    change = event.detail["changes"][0]
    assert change["after"] == "5000"
    assert change["confirmed"] == "我已核实：超过该项目月均完成额 1,000.00 万元的3倍"
    history_page = client.get(reverse("reporting:project_history", args=[project.pk])).content.decode()
    assert "核实的异常情况" in history_page and "超过该项目月均完成额 1,000.00 万元的3倍" in history_page


def test_a_changed_amount_voids_its_confirmation(client):
    unit = MonthlyUnit(projects=1)
    project = unit.projects[0]
    confirm_unusual(client, unit, project, "5000")
    assert post_grid(client, unit, **{f"amount_{project.pk}": "1200"}).status_code == 302
    report = ProjectReport.objects.get(project=project, year=2022, month=10)
    assert report.amount == Decimal("1200")
    assert (report.unusual_confirmed_by, report.unusual_confirmed_at, report.unusual_reason) == (
        None,
        None,
        "",
    )
    # The voided confirmation stays in the history: the figure's earlier version holds it.
    records = list(report.history.order_by("history_date", "history_id"))
    assert [record.unusual_confirmed_by_id for record in records] == [unit.reporter.pk, None]


def test_a_new_unusual_amount_needs_a_new_confirmation(client):
    unit = MonthlyUnit(projects=1)
    project = unit.projects[0]
    confirm_unusual(client, unit, project, "5000")
    response = post_grid(client, unit, **{f"amount_{project.pk}": "6000"})
    assert "部分数据需要修改或确认，尚未保存" in response.content.decode()
    assert ProjectReport.objects.get(project=project, year=2022, month=10).amount == Decimal("5000")


def test_changing_only_the_progress_keeps_the_confirmation(client):
    unit = MonthlyUnit(projects=1)
    project = unit.projects[0]
    confirm_unusual(client, unit, project, "5000")
    assert post_grid(client, unit, **{f"progress_{project.pk}": "主体封顶"}).status_code == 302
    report = ProjectReport.objects.get(project=project, year=2022, month=10)
    assert report.progress == "主体封顶"
    assert report.unusual_confirmed_by == unit.reporter


def submitted_with_one_confirmed_row(client) -> tuple[MonthlyUnit, str, str, str]:
    """Three projects: one unusual amount confirmed on the grid, one ordinary, and one written around
    the grid (as an old import could) which nobody confirmed; then the month is submitted."""
    unit = MonthlyUnit(projects=3)
    confirmed, ordinary, unconfirmed = unit.projects
    confirm_unusual(client, unit, confirmed, "5000")
    typed = {f"amount_{ordinary.pk}": "900", f"amount_{unconfirmed.pk}": "800"}
    assert post_grid(client, unit, action="submit", **typed).status_code == 302
    ProjectReport.objects.filter(project=unconfirmed, year=2022, month=10).update(amount=Decimal("7000"))
    assert Submission.objects.get(unit=unit.unit, year=2022, month=10).status == SubmissionStatus.SUBMITTED
    return unit, confirmed.name, ordinary.name, unconfirmed.name


def test_the_head_s_home_marks_exactly_the_rows_the_reporter_confirmed(client):
    unit, confirmed, ordinary, unconfirmed = submitted_with_one_confirmed_row(client)
    client.force_login(unit.head)
    html = client.get(reverse("home")).content.decode()
    assert "待审批的报送" in html
    assert "填报人已核实的异常数据（1项）" in html
    assert (
        f"已核实</span>{confirmed}：本月完成 5,000.00 万元（超过该项目月均完成额 1,000.00 万元的3倍）" in html
    )
    assert ordinary not in html and unconfirmed not in html


def test_the_approval_page_marks_exactly_the_rows_the_reporter_confirmed(client):
    unit, confirmed, _, unconfirmed = submitted_with_one_confirmed_row(client)
    client.force_login(unit.head)
    html = client.get(grid_url(unit)).content.decode()
    assert "审批通过" in html
    assert "填报人已核实的异常数据（1项）" in html and "请审批时重点核对" in html
    assert f"<li>{confirmed}：本月完成 5,000.00 万元（超过该项目月均完成额 1,000.00 万元的3倍）" in html
    assert html.count('class="small confirmed-mark"') == 1
    assert f"<li>{unconfirmed}：" not in html


def home_queries(client, user) -> int:
    client.force_login(user)
    client.get(reverse("home"))
    with CaptureQueriesContext(connection) as queries:
        assert client.get(reverse("home")).status_code == 200
    return len(queries)


def test_the_head_s_home_runs_the_same_queries_however_many_returns_wait(client):
    unit = MonthlyUnit(projects=3)
    for month in (7, 8, 9):
        Submission.objects.create(
            unit=unit.unit,
            year=2022,
            month=month,
            status=SubmissionStatus.SUBMITTED,
            submitted_at=timezone.now(),
        )
    one_waiting = Submission.objects.filter(unit=unit.unit, month__in=(8, 9))
    one_waiting.update(status=SubmissionStatus.APPROVED)
    ProjectReport.objects.filter(project__in=unit.projects, month=7).update(
        unusual_confirmed_by=unit.reporter, unusual_confirmed_at=timezone.now(), unusual_reason="超过年度计划"
    )
    queries = home_queries(client, unit.head)
    # Three returns now wait, each with every row confirmed.
    one_waiting.update(status=SubmissionStatus.SUBMITTED)
    ProjectReport.objects.filter(project__in=unit.projects, month__in=(8, 9)).update(
        unusual_confirmed_by=unit.reporter, unusual_confirmed_at=timezone.now(), unusual_reason="超过年度计划"
    )
    client.force_login(unit.head)
    html = client.get(reverse("home")).content.decode()
    assert html.count("填报人已核实的异常数据（3项）") == 3
    assert home_queries(client, unit.head) == queries
