"""保存草稿 from the grid's script: the changed lines are sent as JSON and only what they change
comes back; refusals come back by line; the same checks, permissions and history as the form post."""

import json
from decimal import Decimal

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.roles import Role
from audit.models import AuditAction, AuditEvent
from projects.models import ProjectReport
from reporting.choices import SubmissionStatus
from reporting.models import Submission
from reporting.tests.monthly_setup import MonthlyUnit
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def rows_url(unit: MonthlyUnit, month: int = 10) -> str:
    return reverse("reporting:month_rows", args=[unit.unit.pk, 2022, month])


def line(project, amount, *, version=None, progress="主体施工", problems="", confirm=None) -> dict:
    return {
        "project": project.pk,
        "amount": amount,
        "progress": progress,
        "problems": problems,
        "version": version,
        "confirm": confirm,
    }


def send(client, unit: MonthlyUnit, *lines: dict, submission_version=None, **extra):
    body = {"submission_version": submission_version, "rows": list(lines)}
    return client.post(rows_url(unit), json.dumps(body), content_type="application/json", **extra)


def october(project) -> ProjectReport:
    return ProjectReport.objects.get(project=project, year=2022, month=10)


def test_a_draft_save_writes_the_sent_lines_and_answers_their_ytd_the_unit_totals_and_the_versions(client):
    unit = MonthlyUnit(projects=3)  # each project: 1,000 万元 a month for January–September
    first, second, third = unit.projects
    client.force_login(unit.reporter)

    response = send(client, unit, line(first, "500"))

    assert response.status_code == 200
    answer = response.json()
    assert answer["message"] == "草稿已保存：共修改 1 个项目。"
    assert answer["submission_version"] == Submission.objects.get(unit=unit.unit, year=2022, month=10).version
    assert answer["rows"] == {str(first.pk): {"version": 1, "amount": "500.00", "ytd": "9,500.00"}}
    # 3 × 9,000 before October, and 500 in it; two projects still have no October figure.
    assert answer["totals"] == {"amount": "500.00", "ytd": "27,500.00", "missing": 2}
    assert answer["warnings"] == {}
    assert october(first).amount == Decimal("500")
    assert not ProjectReport.objects.filter(project__in=[second, third], month=10).exists()


def test_only_the_changed_lines_are_written_and_answered(client):
    unit = MonthlyUnit(projects=3)
    first, second, _third = unit.projects
    client.force_login(unit.reporter)
    version = send(client, unit, line(first, "500")).json()["submission_version"]

    answer = send(
        client, unit, line(first, "500", version=1), line(second, "0"), submission_version=version
    ).json()

    assert answer["message"] == "草稿已保存：共修改 1 个项目。"
    assert answer["rows"][str(second.pk)] == {"version": 1, "amount": "0.00", "ytd": "9,000.00"}
    assert answer["rows"][str(first.pk)]["version"] == 1, "an unchanged line is not written again"
    assert answer["totals"] == {"amount": "500.00", "ytd": "27,500.00", "missing": 1}
    assert october(first).history.count() == 1


def test_someone_elses_save_in_between_is_a_409_naming_the_line_and_what_they_saved(client):
    unit = MonthlyUnit(projects=2)
    first, second = unit.projects
    reporter, head = Client(), Client()
    reporter.force_login(unit.reporter)
    head.force_login(unit.head)
    version = send(reporter, unit, line(first, "500"), line(second, "500")).json()["submission_version"]
    assert send(head, unit, line(first, "700", version=1), submission_version=version).status_code == 200

    response = send(
        reporter,
        unit,
        line(first, "900", version=1),
        line(second, "800", version=1),
        submission_version=version,
    )

    assert response.status_code == 409
    answer = response.json()
    assert "已被他人修改" in answer["message"]
    assert set(answer["conflicts"]) == {str(first.pk)}, "the second line was saved by no one else"
    conflict = answer["conflicts"][str(first.pk)]
    assert (conflict["amount"], conflict["version"], conflict["ytd"]) == ("700.00", 2, "9,700.00")
    assert "他人已保存本月完成投资 700.00 万元" in conflict["message"]
    current = Submission.objects.get(unit=unit.unit, year=2022, month=10).version
    assert answer["submission_version"] == current
    assert (october(first).amount, october(second).amount) == (Decimal("700"), Decimal("500"))

    # Having seen what the other person saved, the reporter saves again over it.
    again = send(
        reporter,
        unit,
        line(first, "900", version=2),
        line(second, "800", version=1),
        submission_version=current,
    )
    assert again.status_code == 200
    assert (october(first).amount, october(second).amount) == (Decimal("900"), Decimal("800"))


def test_a_figure_breaking_a_rule_is_a_422_naming_its_line_and_nothing_is_saved(client):
    unit = MonthlyUnit(projects=3)
    first, second, third = unit.projects
    client.force_login(unit.reporter)

    response = send(client, unit, line(first, "-1"), line(second, "abc"), line(third, "300"))

    assert response.status_code == 422
    assert response.json()["errors"] == {str(second.pk): ["请输入数字（单位：万元）"]}
    response = send(client, unit, line(first, "-1"), line(third, "300"))
    assert response.status_code == 422
    assert response.json()["errors"] == {str(first.pk): ["本月完成投资不能为负数"]}
    assert not ProjectReport.objects.filter(month=10).exists()


def test_an_unusual_amount_comes_back_as_its_lines_warning_and_is_saved_once_confirmed(client):
    unit = MonthlyUnit(projects=2)
    first, second = unit.projects
    client.force_login(unit.reporter)

    response = send(client, unit, line(first, "5000"), line(second, "10"))

    assert response.status_code == 422
    answer = response.json()
    assert answer["errors"] == {}
    assert list(answer["warnings"]) == [str(first.pk)]
    assert "超过该项目月均完成额 1,000.00 万元的3倍" in answer["warnings"][str(first.pk)][0]
    assert not ProjectReport.objects.filter(month=10).exists()

    response = send(client, unit, line(first, "5000", confirm="5000"), line(second, "10"))
    assert response.status_code == 200
    assert october(first).amount == Decimal("5000")


def test_another_units_reporter_and_a_reviewer_are_refused_and_change_nothing(client):
    unit, other = MonthlyUnit(projects=1), MonthlyUnit(projects=1)
    for user in (other.reporter, UserFactory(role=Role.REVIEWER)):
        client.force_login(user)
        assert send(client, unit, line(unit.projects[0], "500")).status_code == 403
    assert not ProjectReport.objects.filter(month=10).exists()
    assert not Submission.objects.filter(unit=unit.unit, month=10).exists()


def test_a_project_of_another_unit_sent_as_a_line_is_refused_on_that_line(client):
    unit, other = MonthlyUnit(projects=1), MonthlyUnit(projects=1)
    client.force_login(unit.reporter)
    response = send(client, unit, line(unit.projects[0], "500"), line(other.projects[0], "500"))
    assert response.status_code == 422
    assert response.json()["errors"] == {str(other.projects[0].pk): ["该项目不在本单位本月的填报范围内"]}
    assert not ProjectReport.objects.filter(month=10).exists()


def test_a_month_no_longer_a_draft_is_refused_with_its_state(client):
    unit = MonthlyUnit(projects=1)
    Submission.objects.create(unit=unit.unit, year=2022, month=10, status=SubmissionStatus.SUBMITTED)
    client.force_login(unit.reporter)
    version = Submission.objects.get(unit=unit.unit, month=10).version
    response = send(client, unit, line(unit.projects[0], "500"), submission_version=version)
    assert response.status_code == 409
    assert "不能修改" in response.json()["message"]
    assert not ProjectReport.objects.filter(month=10).exists()


def test_the_history_and_the_audit_log_record_who_changed_what_from_the_script_as_from_the_form(client):
    unit = MonthlyUnit(projects=1)
    (project,) = unit.projects
    client.force_login(unit.reporter)
    version = send(client, unit, line(project, "500")).json()["submission_version"]
    send(client, unit, line(project, "650", version=1), submission_version=version)

    report = october(project)
    history = list(
        report.history.order_by("history_date").values_list(
            "amount", "history_user", "history_type", "history_change_reason"
        )
    )
    assert history == [
        (Decimal("500"), unit.reporter.pk, "+", "月报填报"),
        (Decimal("650"), unit.reporter.pk, "~", "月报填报"),
    ]
    last = AuditEvent.objects.filter(action=AuditAction.FIGURE_CHANGE).latest("time")
    assert last.user == unit.reporter
    assert [(c["before"], c["after"]) for c in last.detail["changes"]] == [("500.00", "650")]


def test_the_save_needs_the_pages_csrf_token():
    unit = MonthlyUnit(projects=1)
    client = Client(enforce_csrf_checks=True)
    client.force_login(unit.reporter)
    assert send(client, unit, line(unit.projects[0], "500")).status_code == 403
    token = client.get(reverse("reporting:month", args=[unit.unit.pk, 2022, 10])).context["csrf_token"]
    assert send(client, unit, line(unit.projects[0], "500"), HTTP_X_CSRFTOKEN=str(token)).status_code == 200


def test_a_request_that_is_not_the_rows_json_is_a_400_and_a_get_a_405(client):
    unit = MonthlyUnit(projects=1)
    client.force_login(unit.reporter)
    assert client.post(rows_url(unit), "{", content_type="application/json").status_code == 400
    bad = json.dumps({"rows": [{"project": "x"}]})
    assert client.post(rows_url(unit), bad, content_type="application/json").status_code == 400
    assert client.get(rows_url(unit)).status_code == 405


@pytest.mark.parametrize("projects", [2, 6])
def test_the_script_save_runs_the_same_queries_whatever_the_number_of_projects_sent(client, projects):
    unit = MonthlyUnit(projects=projects, reported_months=2)
    client.force_login(unit.reporter)
    with CaptureQueriesContext(connection) as queries:
        response = send(client, unit, *(line(project, "10") for project in unit.projects))
    assert response.status_code == 200
    assert ProjectReport.objects.filter(month=10).count() == projects
    assert len(queries) == ROWS_SAVE_QUERIES


# session, user, groups, plan year, unit, the return created, the sent projects with their reports
# read inside the transaction (one query, the report joined), one insert of all reports and one of
# all their history rows, the audit event of the change, the unit's totals (one aggregate), the
# session's save, and their savepoints — and no page afterwards
ROWS_SAVE_QUERIES = 20
