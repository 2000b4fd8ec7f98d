"""Entering a unit's month: the rules on each figure, the derived YTD, the audited save, two people
saving at once, and the pages (with their query counts pinned)."""

import threading
from datetime import date
from decimal import Decimal

import pytest
from django import forms
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from projects.choices import Stage
from projects.models import Project, ProjectReport, ProjectYearPlan
from reporting.choices import SubmissionStatus
from reporting.forms import GridHiddenInput, GridNumberInput, GridTextarea, MonthEntriesForm
from reporting.models import Submission
from reporting.selectors.monthly import month_grid_lines, month_listing
from reporting.services import monthly
from reporting.services.monthly import (
    EntriesInvalid,
    amount_problem,
    exceeds_total_investment,
    month_entries_save,
    unusual_amount_reasons,
)
from reporting.services.submissions import StaleEditError
from reporting.tests.monthly_setup import MonthlyUnit, grid_post
from tests.factories import ProjectFactory, ProjectReportFactory

pytestmark = pytest.mark.django_db


def save(unit: MonthlyUnit, entries, *, version=None, confirmed=None, actor=None):
    return month_entries_save(
        unit=unit.unit,
        year=2022,
        month=10,
        entries=entries,
        submission_version=version,
        actor=actor or unit.reporter,
        confirmed=confirmed,
    )


def test_it_refuses_a_negative_amount():
    assert amount_problem(Decimal("-0.01")) == "本月完成投资不能为负数"
    assert amount_problem(Decimal("0")) is None
    unit = MonthlyUnit()
    with pytest.raises(EntriesInvalid) as invalid:
        save(unit, unit.entries(p0="-5"))
    assert invalid.value.issues.errors == {unit.projects[0].pk: ["本月完成投资不能为负数"]}
    assert not ProjectReport.objects.filter(month=10).exists()


def test_a_month_cannot_take_a_project_past_its_total_investment():
    assert not exceeds_total_investment(
        other_months_total=Decimal("49000"), amount=Decimal("1000"), total_investment=Decimal("50000")
    )
    assert exceeds_total_investment(
        other_months_total=Decimal("49000"), amount=Decimal("1000.01"), total_investment=Decimal("50000")
    )
    unit = MonthlyUnit()  # 9 × 1,000 reported of a 50,000 total
    with pytest.raises(EntriesInvalid) as invalid:
        save(unit, unit.entries(p0="41000.01"), confirmed={unit.projects[0].pk: Decimal("41000.01")})
    (message,) = invalid.value.issues.errors[unit.projects[0].pk]
    assert message == "填报后累计完成 50,000.01 万元，超过项目总投资 50,000.00 万元"


def test_an_amount_above_three_times_the_usual_month_asks_for_confirmation():
    assert (
        unusual_amount_reasons(
            amount=Decimal("3000"), usual_month=Decimal("1000"), annual_plan=None, year=2022
        )
        == []
    )
    (reason,) = unusual_amount_reasons(
        amount=Decimal("3000.01"), usual_month=Decimal("1000"), annual_plan=None, year=2022
    )
    assert reason == "超过该项目月均完成额 1,000.00 万元的3倍"
    unit = MonthlyUnit()
    with pytest.raises(EntriesInvalid) as invalid:
        save(unit, unit.entries(p0="3500"))
    assert not invalid.value.issues.errors
    (warning,) = invalid.value.issues.confirmations[unit.projects[0].pk]
    assert warning.startswith("本月完成 3,500.00 万元，超过该项目月均完成额 1,000.00 万元的3倍")
    assert not ProjectReport.objects.filter(month=10).exists()


def test_an_amount_above_the_annual_plan_asks_for_confirmation():
    unit = MonthlyUnit(reported_months=0)
    ProjectYearPlan.objects.create(project=unit.projects[0], year=2022, planned_investment=Decimal("800"))
    with pytest.raises(EntriesInvalid) as invalid:
        save(unit, unit.entries(p0="801"))
    assert (
        "超过该项目2022年度计划投资 800.00 万元" in invalid.value.issues.confirmations[unit.projects[0].pk][0]
    )


def test_a_confirmed_amount_is_saved_and_only_that_amount_is_confirmed():
    unit = MonthlyUnit()
    first = unit.projects[0].pk
    with pytest.raises(EntriesInvalid):
        save(unit, unit.entries(p0="4000"), confirmed={first: Decimal("3500")})
    save(unit, unit.entries(p0="3500"), confirmed={first: Decimal("3500")})
    assert ProjectReport.objects.get(project_id=first, month=10).amount == Decimal("3500")


def test_the_ytd_is_the_sum_of_the_months_of_the_year_so_far():
    unit = MonthlyUnit(projects=1)
    ProjectReportFactory(project=unit.projects[0], year=2021, month=12, amount=Decimal("777"))
    (row,) = unit.rows(month=10)
    assert row.ytd_before == Decimal("9000")
    assert row.ytd == Decimal("9000")
    save(unit, unit.entries(p0="250"))
    (row,) = unit.rows(month=10)
    assert (row.amount, row.ytd) == (Decimal("250"), Decimal("9250"))
    assert unit.rows(month=3)[0].ytd == Decimal("3000")


def test_the_month_lists_the_projects_under_way_then_and_any_already_reported():
    unit = MonthlyUnit(projects=1, reported_months=0)
    ProjectFactory(reporting_unit=unit.unit, stage=Stage.RESERVE, actual_start=None)
    ProjectFactory(reporting_unit=unit.unit, stage=Stage.TO_START, actual_start=None)
    ProjectFactory(reporting_unit=unit.unit, stage=Stage.UNDER_CONSTRUCTION, actual_start=date(2022, 11, 2))
    ProjectFactory(reporting_unit=unit.unit, stage=Stage.COMPLETED, actual_completion=date(2022, 9, 30))
    finished_in_october = ProjectFactory(
        reporting_unit=unit.unit, stage=Stage.COMPLETED, actual_completion=date(2022, 10, 20)
    )
    started_not_yet_moved = ProjectFactory(
        reporting_unit=unit.unit, stage=Stage.TO_START, actual_start=date(2022, 10, 31)
    )
    exited_but_reported = ProjectFactory(reporting_unit=unit.unit, stage=Stage.EXITED)
    ProjectReportFactory(project=exited_but_reported, month=10)
    ProjectFactory(stage=Stage.UNDER_CONSTRUCTION)  # another unit's

    listed = {row.project for row in unit.rows(month=10)}
    assert listed == {unit.projects[0], finished_in_october, started_not_yet_moved, exited_but_reported}


def test_saving_writes_only_the_changed_reports_each_with_who_when_and_the_old_value():
    unit = MonthlyUnit()
    saved = save(unit, unit.entries())
    assert saved.changed == 2
    version = saved.submission.version
    entries = unit.entries(p0="600")
    assert save(unit, entries, version=version).changed == 1

    report = ProjectReport.objects.get(project=unit.projects[0], month=10)
    assert (report.amount, report.version, report.updated_by) == (Decimal("600"), 2, unit.reporter)
    history = list(
        report.history.order_by("history_date").values_list("amount", "history_user", "history_type")
    )
    assert history == [
        (Decimal("500"), unit.reporter.pk, "+"),
        (Decimal("600"), unit.reporter.pk, "~"),
    ]
    assert report.history.latest().history_change_reason == "月报填报"
    assert ProjectReport.objects.get(project=unit.projects[1], month=10).history.count() == 1


def test_a_saved_amount_cannot_be_cleared():
    unit = MonthlyUnit(projects=1)
    version = save(unit, unit.entries()).submission.version
    (entry,) = unit.entries()
    cleared = monthly.EntryInput(project_id=entry.project_id, amount=None, version=entry.version)
    with pytest.raises(EntriesInvalid) as invalid:
        save(unit, [cleared], version=version)
    assert invalid.value.issues.errors[entry.project_id] == ["已填报的本月完成投资不能清空；本月无投资请填 0"]


def test_a_project_of_another_unit_is_never_written():
    unit, other = MonthlyUnit(projects=1), MonthlyUnit(projects=1)
    foreign = other.entries()[0]
    with pytest.raises(EntriesInvalid) as invalid:
        save(unit, [*unit.entries(), foreign])
    assert invalid.value.issues.errors[foreign.project_id] == ["该项目不在本单位本月的填报范围内"]
    assert not ProjectReport.objects.filter(month=10).exists()


def test_two_people_saving_the_same_page_the_second_is_told_to_reload_and_nothing_is_lost(client):
    unit = MonthlyUnit()
    url = reverse("reporting:month", args=[unit.unit.pk, 2022, 10])
    client.force_login(unit.reporter)
    page = client.get(url).context["form"]
    first, second = unit.projects[0].pk, unit.projects[1].pk

    client.force_login(unit.head)
    response = client.post(url, grid_post(page, **{f"amount_{first}": "700", f"amount_{second}": "0"}))
    assert response.status_code == 302

    client.force_login(unit.reporter)
    response = client.post(url, grid_post(page, **{f"amount_{first}": "900", f"amount_{second}": "0"}))
    assert response.status_code == 409
    html = response.content.decode()
    assert "已被他人修改，请刷新页面" in html
    assert "您本次填写的以下内容未保存" in html and "900.00" in html

    report = ProjectReport.objects.get(project_id=first, month=10)
    assert report.amount == Decimal("700")
    assert list(report.history.values_list("history_user", flat=True)) == [unit.head.pk]


def test_a_page_rendered_before_another_save_of_an_unchanged_line_still_has_to_reload():
    unit = MonthlyUnit()
    seen = unit.entries()
    version = save(unit, unit.entries()).submission.version
    with pytest.raises(StaleEditError):
        save(unit, seen, version=None)
    entries = unit.entries(p0="100")
    save(unit, entries, version=version)
    with pytest.raises(StaleEditError):
        save(unit, unit.entries(p1="200"), version=version)


def test_a_line_someone_else_saved_stops_the_whole_save_even_on_the_current_return():
    unit = MonthlyUnit()
    version = save(unit, unit.entries()).submission.version
    seen = unit.entries(p0="600", p1="700")  # the page: both lines at version 1
    # Someone saves the first line over the return's current version, then the page's return
    # version is brought up to date, as a 409's answer does: only the first line is stale.
    version = save(unit, unit.entries(p0="650"), version=version, actor=unit.head).submission.version

    with pytest.raises(StaleEditError):
        save(unit, seen, version=version)

    first, second = (ProjectReport.objects.get(project=p, month=10) for p in unit.projects[:2])
    assert (first.amount, first.version) == (Decimal("650"), 2)
    assert (second.amount, second.version) == (Decimal("500"), 1), "nothing of the refused save is kept"
    assert (first.history.count(), second.history.count()) == (2, 1)


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_concurrent_saves_of_the_same_month_never_both_succeed(monkeypatch):
    """Two connections save the same unit's month from the same page.

    On PostgreSQL they truly overlap: the second waits on the first's claim of the return, then
    finds the version gone and is told to reload. SQLite admits one writer at a time, so there the
    second save starts once the first has committed; the outcome must be the same.
    """
    unit = MonthlyUnit(projects=1, reported_months=1)
    page = unit.entries()
    overlap = connection.vendor == "postgresql"
    claimed, release = threading.Event(), threading.Event()
    read_rows = monthly.month_grid_rows

    def pausing_rows(**kwargs):
        # The first saver holds its claim (inside its transaction) until the second has started.
        if threading.current_thread().name == "first":
            claimed.set()
            release.wait(timeout=10)
        return read_rows(**kwargs)

    monkeypatch.setattr(monthly, "month_grid_rows", pausing_rows)
    outcomes = {}

    def run(name: str, amount: str) -> None:
        entries = [monthly.EntryInput(page[0].project_id, Decimal(amount), "进度", "", page[0].version)]
        try:
            save(unit, entries)
            outcomes[name] = "saved"
        except StaleEditError:
            outcomes[name] = "reload"
        finally:
            connection.close()

    first = threading.Thread(target=run, args=("first", "300"), name="first")
    second = threading.Thread(target=run, args=("second", "400"), name="second")
    first.start()
    assert claimed.wait(timeout=10)
    if overlap:
        second.start()
        second.join(timeout=0.5)
        assert second.is_alive(), "the second save should wait for the first one's claim"
        release.set()
    else:
        release.set()
        first.join(timeout=10)
        second.start()
    first.join(timeout=10)
    second.join(timeout=10)

    assert outcomes == {"first": "saved", "second": "reload"}
    report = ProjectReport.objects.get(project=unit.projects[0], month=10)
    assert report.amount == Decimal("300")
    assert report.history.count() == 1


class TestGridPage:
    def test_a_reporter_fills_the_grid_saves_comes_back_and_submits(self, client):
        unit = MonthlyUnit()
        url = reverse("reporting:month", args=[unit.unit.pk, 2022, 10])
        client.force_login(unit.reporter)
        form = client.get(url).context["form"]
        first, second = unit.projects[0].pk, unit.projects[1].pk
        data = grid_post(
            form, **{f"amount_{first}": "1200.5", f"amount_{second}": "0", f"progress_{first}": "主体封顶"}
        )

        response = client.post(url, data)
        assert response.status_code == 302
        page = client.get(url)
        assert "草稿已保存：共修改 2 个项目" in page.content.decode()
        assert page.context["form"][f"amount_{first}"].value() == Decimal("1200.50")
        assert page.context["submission"].status == SubmissionStatus.DRAFT

        response = client.post(url, grid_post(page.context["form"], action="submit"))
        assert response.status_code == 302
        assert Submission.objects.get(unit=unit.unit).status == SubmissionStatus.SUBMITTED
        html = client.get(url).content.decode()
        assert "已保存并报送" in html
        assert 'name="amount_' not in html, "a submitted month is no longer editable"

    def test_a_negative_amount_is_refused_in_chinese_and_nothing_is_saved(self, client):
        unit = MonthlyUnit(projects=1)
        url = reverse("reporting:month", args=[unit.unit.pk, 2022, 10])
        client.force_login(unit.reporter)
        form = client.get(url).context["form"]
        response = client.post(url, grid_post(form, **{f"amount_{unit.projects[0].pk}": "-1"}))
        assert response.status_code == 200
        assert "不能为负数" in response.content.decode()
        assert not ProjectReport.objects.filter(month=10).exists()

    def test_an_unusual_amount_is_saved_once_its_box_is_ticked(self, client):
        unit = MonthlyUnit(projects=1)
        pid = unit.projects[0].pk
        url = reverse("reporting:month", args=[unit.unit.pk, 2022, 10])
        client.force_login(unit.reporter)
        data = grid_post(client.get(url).context["form"], **{f"amount_{pid}": "5000"})
        html = client.post(url, data).content.decode()
        assert "超过该项目月均完成额 1,000.00 万元的3倍" in html
        assert f'name="confirm_{pid}" value="5000"' in html
        assert not ProjectReport.objects.filter(month=10).exists()

        assert client.post(url, data | {f"confirm_{pid}": "5000"}).status_code == 302
        assert ProjectReport.objects.get(project_id=pid, month=10).amount == Decimal("5000")

    def test_the_ytd_is_shown_and_never_an_input(self, client):
        unit = MonthlyUnit(projects=1)
        client.force_login(unit.reporter)
        html = client.get(reverse("reporting:month", args=[unit.unit.pk, 2022, 10])).content.decode()
        assert "9,000.00" in html  # 1-9月累计 and 本年累计
        assert 'name="ytd' not in html

    @pytest.mark.parametrize("projects", [2, 6])
    def test_the_grid_runs_the_same_queries_whatever_the_number_of_projects(self, client, projects):
        unit = MonthlyUnit(projects=projects, reported_months=2)
        client.force_login(unit.reporter)
        url = reverse("reporting:month", args=[unit.unit.pk, 2022, 10])
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        assert len(queries) == GRID_QUERIES

    @pytest.mark.parametrize("projects", [2, 6])
    def test_saving_the_grid_runs_the_same_queries_whatever_the_number_of_projects(self, client, projects):
        unit = MonthlyUnit(projects=projects, reported_months=2)
        client.force_login(unit.reporter)
        url = reverse("reporting:month", args=[unit.unit.pk, 2022, 10])
        data = grid_post(client.get(url).context["form"], **{f"amount_{p.pk}": "10" for p in unit.projects})
        with CaptureQueriesContext(connection) as queries:
            assert client.post(url, data).status_code == 302
        assert ProjectReport.objects.filter(month=10).count() == projects
        assert len(queries) == SAVE_QUERIES


# session, user, groups, plan year, unit, return, the projects with this month's figures (one
# query of values), the user's unit in the navigation, the unread notices in the header, and the
# session's save (three statements)
GRID_QUERIES = 13
# the same reads, the return created, the projects with this month's reports read again inside the
# transaction (one query, the report joined), one insert of all reports and one of all their
# history rows, the audit event of the change, the session's save, and their savepoints
SAVE_QUERIES = 20


def test_a_form_only_reads_the_units_own_projects():
    unit = MonthlyUnit(projects=1)
    form = MonthEntriesForm({"amount_999999": "5"}, rows=unit.rows())
    assert form.is_valid()
    assert [entry.project_id for entry in form.entries()] == [unit.projects[0].pk]


def test_month_grid_lines_are_the_grids_lines_for_projects_of_any_units():
    first, second = MonthlyUnit(), MonthlyUnit(projects=1, reported_months=3)
    ProjectReportFactory(project=first.projects[0], year=2021, month=12, amount=Decimal("4000"))
    ProjectReportFactory(project=first.projects[0], year=2022, month=11, amount=Decimal("250"))
    ProjectReportFactory(project=second.projects[0], year=2022, month=10, amount=Decimal("70"))
    ProjectYearPlan.objects.create(project=first.projects[1], year=2022, planned_investment=Decimal("9000"))
    in_reserve = ProjectFactory(reporting_unit=first.unit, stage=Stage.RESERVE)

    pks = [project.pk for project in (*first.projects, *second.projects, in_reserve)]
    with CaptureQueriesContext(connection) as captured:
        projects = list(month_listing(Project.objects.filter(pk__in=pks), year=2022, month=10))
        lines = month_grid_lines(projects=projects, year=2022, month=10)

    assert len(captured) == 3  # this month's reports are read only because one project has one
    grid = {row.project.pk: row for unit in (first, second) for row in unit.rows(month=10)}
    assert set(lines) == set(grid)
    for pk, line in lines.items():
        expected = grid[pk]
        assert (line.report, line.ytd_before, line.other_months_total, line.annual_plan) == (
            expected.report,
            expected.ytd_before,
            expected.other_months_total,
            expected.annual_plan,
        )
        assert line.usual_month == pytest.approx(expected.usual_month)


@pytest.mark.parametrize(
    ("grid_widget", "django_widget", "value"),
    [
        (GridNumberInput, forms.NumberInput, Decimal("715.91")),
        (GridNumberInput, forms.NumberInput, None),
        (GridNumberInput, forms.NumberInput, '1,2"<'),
        (GridHiddenInput, forms.HiddenInput, 3),
        (GridHiddenInput, forms.HiddenInput, None),
        (GridTextarea, forms.Textarea, "主体封顶 <b>\"'&"),
        (GridTextarea, forms.Textarea, ""),
    ],
)
def test_the_grid_widgets_write_the_markup_of_djangos_own(grid_widget, django_widget, value):
    attrs = {"class": "form-control form-control-sm", "step": "0.01", "min": "0"}
    extra = {"id": "id_amount_7", "aria-invalid": "true", "required": True, "disabled": False}
    ours = grid_widget(attrs=attrs).render("amount_7", value, attrs=extra)
    django = django_widget(attrs=attrs).render("amount_7", value, attrs=extra)
    assert ours == django
