"""年度结转: completed projects leave, unstarted ones stay or return to 储备, plans are asked again;
the page keeps a record of the years closed."""

from datetime import date, datetime
from decimal import Decimal
from io import StringIO
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.roles import Role
from projects.choices import ExitReason, Stage
from projects.models import Project, ProjectYearPlan, StageChange, YearRollover
from projects.selectors.boards import board_projects, library_totals, library_year
from projects.selectors.rollover import rollover_plan
from projects.services.rollover import year_rollover
from tests.factories import PlanYearFactory, ProjectFactory, ProjectYearPlanFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def year_2022():
    """Libraries of 2022: two completed (one of them in 2021), one under construction, two that did
    not start and one reserve, each with its 2022 plan."""
    PlanYearFactory(year=2022)
    projects = {
        "completed": ProjectFactory(stage=Stage.COMPLETED, actual_completion=date(2022, 9, 1)),
        "completed_2021": ProjectFactory(stage=Stage.COMPLETED, actual_completion=date(2021, 11, 1)),
        "construction": ProjectFactory(stage=Stage.UNDER_CONSTRUCTION),
        "unstarted_kept": ProjectFactory(stage=Stage.TO_START, actual_start=None),
        "unstarted_returned": ProjectFactory(stage=Stage.TO_START, actual_start=None),
        "reserve": ProjectFactory(stage=Stage.RESERVE, actual_start=None),
    }
    for project in projects.values():
        ProjectYearPlanFactory(project=project, year=2022, planned_investment=Decimal("1000"))
    return projects


def _stage(project) -> str:
    return Project.objects.get(pk=project.pk).stage


def test_the_plan_lists_what_the_rollover_will_do_before_it_runs(year_2022):
    plan = rollover_plan(year=2022)
    assert plan.refusal is None
    assert {p.pk for p in plan.completed} == {year_2022["completed"].pk, year_2022["completed_2021"].pk}
    assert {p.pk for p in plan.unstarted} == {
        year_2022["unstarted_kept"].pk,
        year_2022["unstarted_returned"].pk,
    }
    assert plan.plans_to_ask == 4
    assert not YearRollover.objects.exists()


def test_completed_projects_leave_the_libraries_with_a_logged_change(year_2022, admin):
    year_rollover(year=2022, return_to_reserve=[], actor=admin)
    for key in ("completed", "completed_2021"):
        assert _stage(year_2022[key]) == Stage.EXITED
        change = StageChange.objects.get(project=year_2022[key])
        assert (change.from_stage, change.to_stage, change.exit_reason) == (
            Stage.COMPLETED,
            Stage.EXITED,
            ExitReason.REACHED_OUTPUT,
        )
        assert change.changed_on == date(2023, 1, 1)
        assert change.approved_by == admin


def test_unstarted_projects_stay_or_return_to_the_reserve_as_the_admin_chooses(year_2022, admin):
    rollover = year_rollover(year=2022, return_to_reserve=[year_2022["unstarted_returned"].pk], actor=admin)
    assert _stage(year_2022["unstarted_kept"]) == Stage.TO_START
    assert _stage(year_2022["unstarted_returned"]) == Stage.RESERVE
    assert StageChange.objects.get(project=year_2022["unstarted_returned"]).to_stage == Stage.RESERVE
    assert not StageChange.objects.filter(project=year_2022["unstarted_kept"]).exists()
    assert (rollover.exited_count, rollover.returned_count, rollover.kept_count) == (2, 1, 1)


def test_every_project_left_in_the_libraries_is_asked_for_the_new_years_plan(year_2022, admin):
    rollover = year_rollover(year=2022, return_to_reserve=[], actor=admin)
    asked = ProjectYearPlan.objects.filter(year=2023)
    assert rollover.plans_created == 4
    assert set(asked.values_list("project_id", flat=True)) == {
        year_2022[key].pk for key in ("construction", "unstarted_kept", "unstarted_returned", "reserve")
    }
    assert not asked.exclude(planned_investment=None).exists()


def test_nothing_is_lost_and_the_closed_year_stays_readable(year_2022, admin):
    before = library_totals(
        board_projects(
            projects=Project.objects.all(), year=2022, open_year=library_year(), on=date(2022, 12, 31)
        )
    )
    year_rollover(year=2022, return_to_reserve=[year_2022["unstarted_returned"].pk], actor=admin)
    assert Project.objects.count() == 6
    assert ProjectYearPlan.objects.filter(year=2022).count() == 6
    after = library_totals(
        board_projects(
            projects=Project.objects.all(), year=2022, open_year=library_year(), on=date(2022, 12, 31)
        )
    )
    assert after == before
    new_year = {
        t.stage: t.count
        for t in library_totals(
            board_projects(projects=Project.objects.all(), year=2023, open_year=2023, on=date(2023, 1, 2))
        )
    }
    assert new_year == {Stage.RESERVE: 2, Stage.TO_START: 1, Stage.UNDER_CONSTRUCTION: 1, Stage.COMPLETED: 0}


def test_the_libraries_open_the_next_year_after_a_rollover(year_2022, admin):
    assert library_year() == 2022
    year_rollover(year=2022, return_to_reserve=[], actor=admin)
    assert library_year() == 2023


def test_a_year_is_rolled_over_once(year_2022, admin):
    year_rollover(year=2022, return_to_reserve=[], actor=admin)
    with pytest.raises(ValidationError):
        year_rollover(year=2022, return_to_reserve=[], actor=admin)
    assert StageChange.objects.count() == 2
    assert ProjectYearPlan.objects.filter(year=2023).count() == 4


def test_only_the_open_year_can_be_rolled_over(year_2022, admin):
    with pytest.raises(ValidationError, match="2022"):
        year_rollover(year=2021, return_to_reserve=[], actor=admin)
    assert rollover_plan(year=2021).refusal


def test_the_command_shows_the_plan_on_a_dry_run_and_changes_nothing(year_2022):
    out = StringIO()
    call_command("rollover", "--year", "2022", "--dry-run", stdout=out)
    assert "调出项目库的竣工项目：2 个" in out.getvalue()
    assert _stage(year_2022["completed"]) == Stage.COMPLETED
    assert not YearRollover.objects.exists()


def test_the_command_rolls_over_and_can_return_every_unstarted_project(year_2022):
    out = StringIO()
    call_command("rollover", "--year", "2022", "--return-unstarted", stdout=out)
    assert "2022年度已结转" in out.getvalue()
    assert _stage(year_2022["unstarted_kept"]) == Stage.RESERVE
    assert _stage(year_2022["unstarted_returned"]) == Stage.RESERVE
    with pytest.raises(CommandError, match="已结转"):
        call_command("rollover", "--year", "2022", stdout=StringIO())


def test_the_rollover_record_shows_each_closed_year_with_who_ran_it_and_what_it_moved(client, year_2022):
    chief = UserFactory(username="guanli", last_name="王", first_name="主任", role=Role.ADMIN)
    year_rollover(year=2022, return_to_reserve=[year_2022["unstarted_returned"].pk], actor=chief)
    YearRollover.objects.filter(year=2022).update(
        performed_at=datetime(2022, 12, 31, 17, 5, tzinfo=ZoneInfo("Asia/Shanghai"))
    )
    client.force_login(chief)
    history = client.get(reverse("projects:rollover")).context["history"]
    assert [str(column.header) for column in history.columns] == [
        "结转年度",
        "执行时间",
        "执行人",
        "调出竣工项目",
        "退回储备库",
        "留在开工库",
        "待填报计划",
    ]
    assert [[str(cell) for _column, cell in row.items()] for row in history.rows] == [
        ["2022年", "2022-12-31 17:05", "王主任", "2", "1", "1", "4"]
    ]


def test_before_any_rollover_the_record_says_so(client, year_2022, admin):
    client.force_login(admin)
    assert "尚未结转过。" in client.get(reverse("projects:rollover")).content.decode()


def test_the_rollover_page_reads_the_same_number_of_queries_however_many_years_were_closed(
    client, year_2022, admin
):
    def count() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(reverse("projects:rollover")).status_code == 200
        return len(captured)

    client.force_login(admin)
    YearRollover.objects.create(year=2019, performed_by=admin)
    client.get(reverse("projects:rollover"))  # the first request of a session saves it once more
    before = count()
    for year in (2020, 2021):
        YearRollover.objects.create(year=year, performed_by=UserFactory(role=Role.ADMIN))
    assert count() == before


def test_a_refused_choice_says_why_and_comes_back_with_the_admins_ticks_and_the_lists_of_what_will_move(
    client, year_2022, admin
):
    returned, kept = year_2022["unstarted_returned"], year_2022["unstarted_kept"]
    client.force_login(admin)
    # The page was open while a project started: it is no longer one the admin may return.
    choice = [returned.pk, year_2022["construction"].pk]
    response = client.post(reverse("projects:rollover"), {"return_to_reserve": choice})
    assert response.status_code == 200
    completed, unstarted = response.context["completed"], response.context["unstarted"]
    assert [str(column.header) for column in completed.columns] == ["项目", "属地单位", "实际竣工日期"]
    assert [str(column.header) for column in unstarted.columns] == [
        "退回储备库",
        "项目",
        "属地单位",
        "计划开工日期",
    ]
    page = response.content.decode()
    box = (
        '<input class="form-check-input" type="checkbox" name="return_to_reserve" value="{0}" id="return-{0}"'
    )
    assert box.format(returned.pk) + " checked>" in page
    assert box.format(kept.pk) + ">" in page
    assert f'<label for="return-{kept.pk}">{kept.name}</label>' in page
    assert year_2022["completed"].name in page
    assert "2022-09-01" in page
    assert (
        f"退回储备库的未开工项目：选择一个有效的选项。 {year_2022['construction'].pk} 不在可用的选项中。"
        in page
    )
