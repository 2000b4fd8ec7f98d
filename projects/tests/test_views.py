"""The lifecycle pages: who may see and act, what they show, and a fixed number of queries each."""

import re
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from io import BytesIO

import pytest
from django.db import connection
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from accounts.roles import Role
from projects.choices import (
    LIBRARY_STAGES,
    ExitReason,
    ExitRequestStatus,
    Level,
    MilestoneKind,
    ProblemStatus,
    Stage,
)
from projects.filtersets import ProjectFilterSet
from projects.models import ExitRequest, Problem, Project, ProjectYearPlan, StageChange, Tag
from projects.services.lifecycle import exit_request_create
from projects.services.photos import photo_add
from projects.tests import images
from projects.tests.conftest import PROCEDURES_DONE
from tests.factories import (
    MilestoneFactory,
    MonthlyIntakeTargetFactory,
    PlanYearFactory,
    ProblemFactory,
    ProjectFactory,
    ProjectReportFactory,
    ProjectYearPlanFactory,
    UnitFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db
ON = "2022-10-31"


@dataclass
class World:
    """One unit's projects in every library, each with a milestone, a problem, a report and a plan."""

    unit: object
    reporter: object
    admin: object
    tag: object
    projects: list = field(default_factory=list)

    def grow(self, count: int) -> None:
        for _ in range(count):
            index = len(self.projects)
            stage = LIBRARY_STAGES[index % len(LIBRARY_STAGES)]
            project = ProjectFactory(
                reporting_unit=self.unit,
                stage=stage,
                steward=self.reporter,
                total_investment=Decimal("20000"),
                actual_start=date(2022, 3, 1)
                if stage in (Stage.UNDER_CONSTRUCTION, Stage.COMPLETED)
                else None,
                is_registered=index % 2 == 0,
                registered_on=date(2022, 5, 3) if index % 2 == 0 else None,
                **PROCEDURES_DONE,
            )
            project.tags.add(self.tag)
            MilestoneFactory(project=project, kind=MilestoneKind.COMPLETION, planned_on=date(2022, 6, 30))
            ProblemFactory(project=project, owner_unit=self.unit, deadline=date(2022, 6, 30))
            ProjectReportFactory(project=project, year=2022, month=9)
            ProjectYearPlanFactory(project=project, year=2022)
            exit_request_create(
                project=project, reason=ExitReason.TALKS_STOPPED, note="停止洽谈", actor=self.reporter
            )
            self.projects.append(project)


@pytest.fixture
def world(unit, reporter, admin):
    PlanYearFactory(year=2022)
    MonthlyIntakeTargetFactory(unit=unit, min_projects=2, min_investment=Decimal("20000"))
    world = World(unit=unit, reporter=reporter, admin=admin, tag=Tag.objects.create(name="三个一批"))
    world.grow(4)
    return world


# (name, url from the world, who asks) → the page's queries, pinned: they must not grow with the data.
# An export's count includes the one INSERT of its security audit event.
PAGES = {
    "board": (lambda w: reverse("projects:board") + f"?stage=construction&on={ON}", "reporter", 20),
    "board_export": (lambda w: reverse("projects:board_export") + f"?stage=reserve&on={ON}", "reporter", 11),
    "unit_board": (lambda w: reverse("projects:unit_board", args=[w.unit.pk]) + f"?on={ON}", "reporter", 17),
    "detail": (lambda w: reverse("projects:detail", args=[w.projects[1].pk]) + f"?on={ON}", "reporter", 21),
    "problems": (lambda w: reverse("projects:problems") + f"?on={ON}", "reporter", 12),
    "problem_export": (lambda w: reverse("projects:problem_export") + f"?on={ON}", "reporter", 8),
    "intake": (lambda w: reverse("projects:intake") + "?month=2022-05", "reporter", 13),
    "missing": (lambda w: reverse("projects:missing_registration"), "reporter", 14),
    "missing_export": (lambda w: reverse("projects:missing_registration_export"), "reporter", 8),
    "reserve": (lambda w: reverse("projects:reserve"), "reporter", 10),
    "mine": (lambda w: reverse("projects:mine") + f"?on={ON}", "reporter", 14),
    "dispatch": (lambda w: reverse("projects:dispatch") + f"?on={ON}", "reporter", 14),
    "overdue_milestones": (lambda w: reverse("projects:overdue_milestones") + f"?on={ON}", "reporter", 12),
    "year_plans": (lambda w: reverse("projects:year_plans"), "reporter", 14),
    "exits": (lambda w: reverse("projects:exits"), "admin", 10),
    "rollover": (lambda w: reverse("projects:rollover"), "admin", 17),
}


def _count_queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(queries)


@pytest.mark.parametrize("page", PAGES)
def test_each_page_runs_a_fixed_number_of_queries_whatever_the_number_of_projects(client, world, page):
    url, who, pinned = PAGES[page]
    client.force_login(getattr(world, who))
    client.get(url(world))  # the first request of a session saves it once more
    before = _count_queries(client, url(world))
    world.grow(4)
    assert (before, _count_queries(client, url(world))) == (pinned, pinned)


def _object_urls(world) -> list[str]:
    """Every projects URL that names a project, a problem, a photo or a unit, for one of the unit's
    projects."""
    from projects.urls import urlpatterns

    project = world.projects[0]
    values = {
        "project_id": project.pk,
        "problem_id": project.problem_items.get().pk,
        "unit_id": world.unit.pk,
        "photo_id": photo_add(project=project, data=images.jpeg(), actor=world.reporter).pk,
    }
    urls = []
    for pattern in urlpatterns:
        kwargs = {name: values[name] for name in pattern.pattern.regex.groupindex}
        if kwargs:
            urls.append(reverse(f"projects:{pattern.name}", kwargs=kwargs))
    return urls


def test_every_projects_view_declares_its_access_policy():
    from projects.urls import urlpatterns

    assert all(hasattr(pattern.callback, "access_policy") for pattern in urlpatterns)


def test_a_user_of_another_unit_can_neither_see_nor_change_a_units_project(client, world, outsider):
    client.force_login(outsider)
    urls = _object_urls(world)
    assert len(urls) >= 12
    for url in urls:
        assert client.get(url).status_code in (403, 404), url
        assert client.post(url, {"reason": ExitReason.LAND_IDLE, "note": "x"}).status_code in (403, 404), url
    assert not Project.objects.filter(stage=Stage.EXITED).exists()
    assert not Problem.objects.filter(status=ProblemStatus.CLOSED).exists()


def test_lists_show_only_the_units_the_user_may_read(client, world, outsider):
    ProjectFactory(reporting_unit=outsider.unit, name="外单位项目", stage=Stage.RESERVE)
    client.force_login(world.reporter)
    for name in ("projects:board", "projects:problems", "projects:missing_registration", "projects:dispatch"):
        assert "外单位项目" not in client.get(reverse(name)).content.decode(), name


def test_a_steward_from_another_unit_reads_their_project_but_may_not_change_it(client, world, outsider):
    project = world.projects[0]
    Project.objects.filter(pk=project.pk).update(steward=outsider)
    client.force_login(outsider)
    assert client.get(reverse("projects:detail", args=[project.pk])).status_code == 200
    assert client.get(reverse("projects:procedures", args=[project.pk])).status_code == 403


def test_a_bureau_acts_on_the_projects_it_is_responsible_for(client, world):
    project = world.projects[0]
    bureau_user = UserFactory(role=Role.REPORTER, unit=project.responsible_unit)
    client.force_login(bureau_user)
    response = client.post(
        reverse("projects:procedures", args=[project.pk]),
        {"approval_on": "2021-10-01", "land_on": "2021-11-01", "planning_on": "2021-12-01"},
    )
    assert response.status_code == 302
    assert Project.objects.get(pk=project.pk).construction_permit_on is None


def test_a_reporter_moves_a_project_on_from_its_board(client, world):
    reserve = world.projects[0]
    client.force_login(world.reporter)
    board = client.get(reverse("projects:board") + "?stage=reserve").content.decode()
    assert reverse("projects:move", args=[reserve.pk]) in board
    response = client.post(reverse("projects:move", args=[reserve.pk]), {"reason": "手续完备"})
    assert response.status_code == 302
    assert Project.objects.get(pk=reserve.pk).stage == Stage.TO_START


def test_a_refused_move_says_what_is_missing(client, world):
    to_start = world.projects[1]
    client.force_login(world.reporter)
    response = client.post(reverse("projects:move", args=[to_start.pk]), {"actual_start": ""})
    assert response.status_code == 200
    assert "须填写实际开工日期" in response.content.decode()
    assert Project.objects.get(pk=to_start.pk).stage == Stage.TO_START


def test_a_unit_asks_for_an_exit_and_only_an_admin_approves_it(client, world):
    project = ProjectFactory(reporting_unit=world.unit, stage=Stage.RESERVE)
    client.force_login(world.reporter)
    response = client.post(
        reverse("projects:exit", args=[project.pk]),
        {"reason": ExitReason.CONTRACT_TERMINATED, "note": "合同约定终止合作", "approve_now": "on"},
    )
    assert response.status_code == 302
    assert ExitRequest.objects.get(project=project).status == ExitRequestStatus.PENDING
    assert client.post(reverse("projects:exit_approve", args=[project.pk])).status_code == 403
    # The project's page offers the decision, each form with its CSRF token, to the admin alone.
    page = reverse("projects:detail", args=[project.pk])
    approve = f'<form method="post" action="{reverse("projects:exit_approve", args=[project.pk])}"'
    assert approve not in client.get(page).content.decode()
    client.force_login(world.admin)
    html = client.get(page).content.decode()
    assert html.count(approve) == 1 and "不予批准的理由" in html
    form = html[html.index(approve) : html.index("</form>", html.index(approve))]
    assert 'name="csrfmiddlewaretoken" value="' in form and f'name="next" value="{page}"' in form
    assert "合同约定终止合作" in client.get(reverse("projects:exits")).content.decode()
    client.post(reverse("projects:exit_approve", args=[project.pk]))
    project.refresh_from_db()
    assert (project.stage, project.land_for_reinvestment) == (Stage.EXITED, True)
    assert project.stage_changes.get().approved_by == world.admin


def test_the_board_filters_by_unit_level_and_tag():
    unit, other = UnitFactory(), UnitFactory()
    tag = Tag.objects.create(name="专项债")
    tagged = ProjectFactory(reporting_unit=unit, level=Level.PROVINCIAL)
    tagged.tags.add(tag)
    ProjectFactory(reporting_unit=unit, level=Level.DISTRICT)
    ProjectFactory(reporting_unit=other, responsible_unit=unit, level=Level.DISTRICT)
    ProjectFactory(reporting_unit=other)
    request = RequestFactory().get("/")
    request.user = UserFactory(role=Role.ADMIN)

    def count(**data) -> int:
        return ProjectFilterSet(data, queryset=Project.objects.all(), request=request).qs.count()

    assert count() == 4
    assert count(unit=unit.pk) == 3
    assert count(level=Level.DISTRICT) == 2
    assert count(tag=tag.pk) == 1
    assert count(unit=unit.pk, level=Level.DISTRICT) == 2


def test_the_board_export_holds_what_the_page_shows(client, world):
    client.force_login(world.reporter)
    other = ProjectFactory(reporting_unit=world.unit, stage=Stage.UNDER_CONSTRUCTION, name="=HYPERLINK(1)")
    response = client.get(reverse("projects:board_export") + f"?stage=construction&level={Level.GENERAL}")
    sheet = load_workbook(BytesIO(response.getvalue())).active
    names = [row[0] for row in sheet.iter_rows(min_row=4, values_only=True)]
    expected = set(Project.objects.filter(stage=Stage.UNDER_CONSTRUCTION).values_list("name", flat=True))
    assert set(names) == expected
    assert other.name in names  # written as text, not as a formula
    assert sheet["A1"].value == "2022年在建库项目"


def test_the_problem_list_marks_overdue_problems_and_exports_the_filtered_rows(client, world):
    ProblemFactory(
        project=world.projects[0], owner_unit=world.unit, deadline=date(2022, 12, 31), description="未到期"
    )
    client.force_login(world.reporter)
    page = client.get(reverse("projects:problems") + f"?on={ON}").content.decode()
    assert page.count("table-danger") == len(world.projects)
    response = client.get(reverse("projects:problem_export") + f"?on={ON}&is_overdue=false")
    rows = list(load_workbook(BytesIO(response.getvalue())).active.iter_rows(min_row=4, values_only=True))
    assert [row[3] for row in rows] == ["未到期"]


def test_closing_a_problem_without_a_note_is_refused_on_the_page(client, world):
    problem = world.projects[0].problem_items.get()
    client.force_login(world.reporter)
    url = reverse("projects:problem_close", args=[problem.pk])
    response = client.post(url, {"resolution": "", "closed_on": "2022-07-01"})
    assert response.status_code == 200
    response = client.post(url, {"resolution": "已协调落实", "closed_on": "2022-07-01"})
    assert response.status_code == 302
    assert Problem.objects.get(pk=problem.pk).status == ProblemStatus.CLOSED


def test_a_close_date_before_the_problem_was_registered_is_a_field_error_and_saves_nothing(client, world):
    problem = world.projects[0].problem_items.get()  # registered 2022-03-01
    client.force_login(world.reporter)
    url = reverse("projects:problem_close", args=[problem.pk])

    response = client.post(url, {"resolution": "已协调落实", "closed_on": "2001-01-01"})

    html = response.content.decode()
    assert response.status_code == 200
    field_error = '"text-danger small">销号日期（2001-01-01）不能早于问题的登记日期（2022-03-01）。'
    assert field_error in html
    assert "该问题登记于2022-03-01，销号日期不能早于登记日期。" in html
    assert Problem.objects.get(pk=problem.pk).status != ProblemStatus.CLOSED


def test_a_move_dated_before_the_previous_one_is_a_field_error_on_the_move_page(client, world):
    reserve = world.projects[0]
    StageChange.objects.create(
        project=reserve, from_stage=Stage.TO_START, to_stage=Stage.RESERVE, changed_on=date(2022, 5, 1)
    )
    client.force_login(world.reporter)

    response = client.post(
        reverse("projects:move", args=[reserve.pk]), {"changed_on": "2022-04-30", "reason": "手续完备"}
    )

    assert response.status_code == 200
    field_error = '"text-danger small">变更日期（2022-04-30）不能早于该项目上一次阶段变更（2022-05-01）'
    assert field_error in response.content.decode()
    assert Project.objects.get(pk=reserve.pk).stage == Stage.RESERVE


def test_the_stewardship_form_refuses_a_large_project_without_steward_and_leader(client, world):
    project = world.projects[0]
    client.force_login(world.reporter)
    url = reverse("projects:stewardship", args=[project.pk])
    response = client.post(url, {"steward": "", "leader_in_charge": ""})
    assert "亿元以上项目须明确项目管家和分包领导" in response.content.decode()
    response = client.post(url, {"steward": world.reporter.pk, "leader_in_charge": "李晓明（副主任）"})
    assert response.status_code == 302


def test_overdue_milestones_warn_on_the_project_page_and_the_units_board(client, world):
    client.force_login(world.reporter)
    project = world.projects[1]
    detail = client.get(reverse("projects:detail", args=[project.pk]) + f"?on={ON}").content.decode()
    assert "有 1 个建设节点已超过计划日期尚未完成" in detail
    board = client.get(reverse("projects:unit_board", args=[world.unit.pk]) + f"?on={ON}").content.decode()
    assert "节点逾期" in board
    early = client.get(reverse("projects:detail", args=[project.pk]) + "?on=2022-06-30").content.decode()
    assert "建设节点已超过计划日期" not in early


def _row(page: str, first_cell: str) -> str:
    """The rendered table row whose first cell reads ``first_cell``."""
    match = re.search(rf"<tr[^>]*>\s*<td[^>]*>{re.escape(first_cell)}</td>.*?</tr>", page, flags=re.S)
    assert match, first_cell
    return match.group(0)


def test_the_project_page_marks_its_overdue_milestone_in_red_and_counts_a_months_photos_beyond_three(
    client, world
):
    project = world.projects[1]  # its 竣工 was planned for 2022-06-30 and its report is September's
    for day in range(1, 5):
        taken = datetime(2022, 9, day, 10)
        photo_add(project=project, data=images.jpeg(size=(320, 240), taken=taken), actor=world.reporter)
    client.force_login(world.reporter)
    response = client.get(reverse("projects:detail", args=[project.pk]) + f"?on={ON}")
    milestones, monthly = response.context["milestone_table"], response.context["monthly_table"]
    assert [str(column.header) for column in milestones.columns] == ["节点", "计划日期", "实际日期", ""]
    assert [str(column.header) for column in monthly.columns] == [
        "月份",
        "本月完成(万元)",
        "累计完成(万元)",
        "形象进度",
        "照片",
    ]
    page = response.content.decode()
    overdue = _row(page, "竣工")
    assert overdue.startswith('<tr class="table-danger')
    assert re.findall(r"<td[^>]*>(.*?)</td>", overdue)[1:] == [
        "2022-06-30",
        "—",
        '<span class="badge bg-danger">逾期</span>',
    ]
    assert "table-danger" not in _row(page, "签约")
    september = _row(page, "2022年9月")
    assert september.count('<img class="photo-mini"') == 3
    assert '</a> <span class="small text-muted">+1</span></td>' in september


def test_the_units_board_lists_its_overdue_milestones_in_red_and_its_flagged_projects(client, world):
    client.force_login(world.reporter)
    response = client.get(reverse("projects:unit_board", args=[world.unit.pk]) + f"?on={ON}")
    overdue, flagged = response.context["overdue_table"], response.context["flagged_table"]
    assert [str(column.header) for column in overdue.columns] == ["项目", "节点", "计划日期"]
    assert [str(column.header) for column in flagged.columns] == [
        "项目",
        "所在库",
        "总投资(万元)",
        "项目管家",
        "分包领导",
        "预警",
    ]
    page = response.content.decode()
    project = world.projects[3]
    link = f'<a href="{reverse("projects:detail", args=[project.pk])}">{project.name}</a>'
    milestone, flagged_row = re.findall(rf"<tr[^>]*>\s*<td[^>]*>{re.escape(link)}</td>.*?</tr>", page, re.S)
    assert milestone.startswith('<tr class="table-danger')
    assert re.findall(r"<td[^>]*>(.*?)</td>", milestone)[1:] == ["竣工", "2022-06-30"]
    assert 'class="table-danger' not in flagged_row
    assert re.findall(r"<td[^>]*>(.*?)</td>", flagged_row)[1:5] == [
        "竣工",
        "20,000",
        str(world.reporter),
        "—",
    ]
    assert '<span class="badge bg-warning text-dark">应入未入</span>' in flagged_row


def test_the_intake_page_marks_in_red_a_unit_short_of_its_monthly_target(client, world):
    short = UnitFactory(name="未达标办事处", short_name="未达标")
    MonthlyIntakeTargetFactory(unit=short, min_projects=1, min_investment=Decimal("1000"))
    client.force_login(world.admin)
    response = client.get(reverse("projects:intake") + "?month=2022-05")
    month, year = response.context["table"], response.context["matrix_table"]
    assert [str(column.header) for column in month.columns] == [
        "单位",
        "新增入库项目(个)",
        "新增入库总投资",
        "月度目标(个)",
        "月度目标总投资",
        "完成情况",
    ]
    assert [str(column.header) for column in year.columns] == ["单位", "1月", "2月", "3月", "4月", "5月"]
    page = response.content.decode()
    assert _row(page, world.unit.name).count("text-danger") == 0
    assert re.findall(r'<td class="([^"]*)">(.*?)</td>', _row(page, "未达标办事处"), re.S) == [
        ("text-danger text-end text-nowrap", "0"),
        ("text-danger text-end text-nowrap", "0"),
        ("text-end", "≥1"),
        ("text-end text-nowrap", "≥1,000"),
    ]
    assert '<span class="badge bg-danger">未达标</span>' in _row(page, "未达标办事处")
    may = re.findall(r'<td class="([^"]*)">(.*?)</td>', _row(page, world.unit.short_name), re.S)[-1]
    assert may == ("table-success text-end text-nowrap", '2<div class="small">40,000</div>')
    assert (
        re.findall(r'<td class="([^"]*)">', _row(page, "未达标"))[1:]
        == ["table-danger text-end text-nowrap"] * 5
    )


def test_my_projects_lists_the_stewards_projects(client, world, outsider):
    ProjectFactory(steward=outsider, name="别人管家的项目")
    client.force_login(world.reporter)
    page = client.get(reverse("projects:mine")).content.decode()
    assert all(project.name in page for project in world.projects)
    assert "别人管家的项目" not in page


def test_the_rollover_page_shows_the_plan_and_runs_with_the_admins_choice(client, world):
    unstarted = world.projects[1]
    client.force_login(world.admin)
    page = client.get(reverse("projects:rollover")).content.decode()
    assert "2022年 → 2023年" in page
    assert unstarted.name in page
    response = client.post(reverse("projects:rollover"), {"return_to_reserve": [unstarted.pk]})
    assert response.status_code == 302
    assert Project.objects.get(pk=unstarted.pk).stage == Stage.RESERVE
    assert Project.objects.get(pk=world.projects[3].pk).stage == Stage.EXITED
    assert "已结转" in client.get(reverse("projects:rollover")).content.decode()


def test_a_unit_fills_in_the_new_years_plan_after_the_rollover(client, world):
    client.force_login(world.admin)
    client.post(reverse("projects:rollover"))
    client.force_login(world.reporter)
    project = world.projects[0]
    assert "待填报" in client.get(reverse("projects:year_plans") + "?pending=true").content.decode()
    client.post(reverse("projects:year_plan", args=[project.pk]), {"planned_investment": "3500"})
    assert ProjectYearPlan.objects.get(project=project, year=2023).planned_investment == Decimal("3500")
    assert ProjectYearPlan.objects.get(project=project, year=2022).planned_investment == Decimal("1000")


def test_a_decision_returns_to_its_page_but_never_off_site(client, world):
    client.force_login(world.admin)
    project = world.projects[0]
    detail = reverse("projects:detail", args=[project.pk])
    response = client.post(
        reverse("projects:exit_reject", args=[project.pk]), {"note": "继续洽谈", "next": detail}
    )
    assert response.url == detail
    exit_request_create(project=project, reason=ExitReason.LAND_IDLE, note="闲置", actor=world.reporter)
    response = client.post(
        reverse("projects:exit_reject", args=[project.pk]), {"note": "继续", "next": "https://evil.example/"}
    )
    assert response.url == reverse("projects:exits")
