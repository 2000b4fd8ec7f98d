"""The periodic jobs: each does its work once, on the right days, however often it runs."""

from datetime import date

import pytest

from accounts.roles import Role
from common.periods import Period
from reporting.choices import AssessmentKind, Metric, SubmissionStatus
from reporting.models import Assessment, Notification, RankingRun, RankingScheme, Submission
from reporting.services.publication import period_publish
from reporting.services.schedule import assessments_due, rankings_draft_due, reminders_send
from reporting.tasks import rank_period
from tests.factories import (
    OfficialFigureFactory,
    PlanYearFactory,
    RankingGroupFactory,
    UnitFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def setup():
    plan_year = PlanYearFactory(year=2022, report_deadline_day=5, reminder_start_day=1)
    group = RankingGroupFactory()
    late, done = UnitFactory(name="迟报办事处"), UnitFactory(name="已报办事处")
    group.units.add(late, done)
    reporters = {unit.name: UserFactory(unit=unit, role=Role.REPORTER) for unit in (late, done)}
    Submission.objects.create(unit=done, year=2022, month=4, status=SubmissionStatus.SUBMITTED)
    scheme = RankingScheme.objects.create(name="增速", group=group, metric=Metric.GROWTH)
    for unit in (late, done):
        OfficialFigureFactory(unit=unit, year=2022, month=4, ytd_completed=1100, baseline=1000)
    return plan_year, scheme, reporters


def test_reminders_go_to_units_that_have_not_submitted_once_a_day(setup):
    _, _, reporters = setup
    assert reminders_send(today=date(2022, 5, 3)) == 1
    assert reminders_send(today=date(2022, 5, 3)) == 0, "a second run the same day notifies nobody again"
    assert reminders_send(today=date(2022, 5, 4)) == 1
    notified = set(Notification.objects.values_list("user", flat=True))
    assert notified == {reporters["迟报办事处"].pk}
    assert "5月5日前" in Notification.objects.first().title


def test_no_reminders_after_the_deadline(setup):
    assert reminders_send(today=date(2022, 5, 6)) == 0


def test_draft_rankings_wait_for_the_deadline_and_are_drafted_once(setup):
    assert rankings_draft_due(today=date(2022, 5, 5)) == []
    assert len(rankings_draft_due(today=date(2022, 5, 6))) == 1
    assert rankings_draft_due(today=date(2022, 5, 7)) == []
    assert RankingRun.objects.count() == 1
    assert Notification.objects.filter(key="ranking-draft:2022-04").count() == 0, "no admin in this setup"


def test_the_draft_notifies_each_admin_once(setup):
    admin = UserFactory(role=Role.ADMIN)
    rank_period.delay(2022, 4)
    rank_period.delay(2022, 4)
    assert Notification.objects.filter(user=admin, key="ranking-draft:2022-04").count() == 1


def test_assessments_wait_for_the_quarter_end_ranking_to_be_published(setup):
    _, scheme, _ = setup
    for unit in scheme.group.units.all():
        OfficialFigureFactory(unit=unit, year=2022, month=3, ytd_completed=1100, baseline=1000)
    assert assessments_due(today=date(2022, 4, 10)) == []
    period_publish(period=Period(2022, 3))
    # Publication drafted the quarter's assessment itself; the daily job finds nothing left to do.
    assert Assessment.objects.get().kind == AssessmentKind.QUARTER
    assert assessments_due(today=date(2022, 4, 10)) == []


def test_the_daily_job_catches_up_on_an_assessment_publication_did_not_make(setup):
    _, scheme, _ = setup
    for unit in scheme.group.units.all():
        OfficialFigureFactory(unit=unit, year=2022, month=3, ytd_completed=1100, baseline=1000)
    period_publish(period=Period(2022, 3))
    Assessment.objects.all().delete()
    assert len(assessments_due(today=date(2022, 4, 10))) == 1
    assert assessments_due(today=date(2022, 4, 11)) == []
    assert Assessment.objects.get().kind == AssessmentKind.QUARTER


def test_the_weekly_dispatch_tells_each_steward_once_a_week():
    from projects.choices import Stage
    from reporting.services.schedule import weekly_dispatch_send
    from tests.factories import ProjectFactory, ProjectReportFactory

    steward = UserFactory(role=Role.UNIT_HEAD)
    silent = ProjectFactory(steward=steward, stage=Stage.UNDER_CONSTRUCTION, name="本月未报项目")
    reported = ProjectFactory(steward=steward, stage=Stage.UNDER_CONSTRUCTION, name="已报项目")
    ProjectReportFactory(project=reported, year=2022, month=5)
    assert weekly_dispatch_send(today=date(2022, 5, 16)) == 1
    assert weekly_dispatch_send(today=date(2022, 5, 18)) == 0, "the same week: nothing new"
    notification = Notification.objects.get(user=steward)
    assert silent.name in notification.body and reported.name not in notification.body
    assert notification.link == f"/projects/dispatch/?steward={steward.pk}", "the steward's own list"
    assert weekly_dispatch_send(today=date(2022, 5, 23)) == 1


def test_the_weekly_dispatch_sends_a_project_without_steward_to_its_unit_s_head(client):
    from projects.choices import Stage
    from reporting.services.schedule import weekly_dispatch_send
    from tests.factories import ProjectFactory, UnitFactory

    unit = UnitFactory(name="潮河办事处")
    head = UserFactory(role=Role.UNIT_HEAD, unit=unit)
    reporter = UserFactory(role=Role.REPORTER, unit=unit)
    steward = UserFactory(role=Role.REPORTER, unit=unit)
    ProjectFactory(steward=None, reporting_unit=unit, stage=Stage.UNDER_CONSTRUCTION, name="无管家项目")
    ProjectFactory(steward=steward, reporting_unit=unit, stage=Stage.UNDER_CONSTRUCTION, name="有管家项目")
    assert weekly_dispatch_send(today=date(2022, 5, 16)) == 2
    notice = Notification.objects.get(user=head)
    assert notice.title == "周调度：潮河办事处1个项目缺项目管家"
    assert notice.body.startswith("缺项目管家：无管家项目。")
    assert not Notification.objects.filter(user=reporter).exists()
    assert "有管家项目" in Notification.objects.get(user=steward).body
    client.force_login(head)
    html = client.get(notice.link).content.decode()
    assert "无管家项目" in html and "有管家项目" not in html
