"""The return's life: 草稿 → 已报送 → 负责人已审批 → 已审核 → 已锁定, late marks, locks and unlocks."""

from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import PermissionDenied

from accounts.roles import Role
from common.periods import Period
from reporting.choices import SubmissionStatus
from reporting.models import Submission, SubmissionEvent
from reporting.selectors.periods import open_reporting_month, reporting_deadline, reporting_month
from reporting.services.figures import FigureInput, official_figures_save
from reporting.services.monthly import month_entries_save
from reporting.services.submissions import (
    SubmissionError,
    submission_approve,
    submission_is_late,
    submission_lock,
    submission_return,
    submission_unlock,
    submission_verify,
    submissions_lock_period,
)
from reporting.tests.monthly_setup import MonthlyUnit
from targets.models import PlanYear
from tests.factories import UnitFactory, UserFactory

pytestmark = pytest.mark.django_db
SHANGHAI = ZoneInfo("Asia/Shanghai")
ON_TIME = datetime(2022, 11, 3, 10, 0, tzinfo=SHANGHAI)
LATE = datetime(2022, 11, 8, 10, 0, tzinfo=SHANGHAI)


def submitted(unit: MonthlyUnit, *, now: datetime = ON_TIME) -> Submission:
    return month_entries_save(
        unit=unit.unit,
        year=2022,
        month=10,
        entries=unit.entries(),
        submission_version=None,
        actor=unit.reporter,
        submit=True,
        now=now,
    ).submission


def test_a_return_goes_from_draft_to_locked_with_every_move_recorded():
    unit = MonthlyUnit()
    reviewer = UserFactory(role=Role.REVIEWER)
    admin = UserFactory(role=Role.ADMIN)

    submission = submitted(unit)
    assert submission.status == SubmissionStatus.SUBMITTED
    submission = submission_approve(submission=submission, actor=unit.head)
    assert submission.status == SubmissionStatus.APPROVED
    submission = submission_verify(submission=submission, actor=reviewer)
    assert submission.status == SubmissionStatus.VERIFIED
    assert submissions_lock_period(year=2022, month=10, actor=admin) >= 1

    submission.refresh_from_db()
    assert submission.status == SubmissionStatus.LOCKED
    moves = list(submission.events.order_by("pk").values_list("from_status", "to_status", "actor"))
    assert moves == [
        (SubmissionStatus.DRAFT, SubmissionStatus.SUBMITTED, unit.reporter.pk),
        (SubmissionStatus.SUBMITTED, SubmissionStatus.APPROVED, unit.head.pk),
        (SubmissionStatus.APPROVED, SubmissionStatus.VERIFIED, reviewer.pk),
        (SubmissionStatus.VERIFIED, SubmissionStatus.LOCKED, admin.pk),
    ]


def test_only_the_units_own_head_approves():
    unit, other = MonthlyUnit(), MonthlyUnit()
    submission = submitted(unit)
    for not_allowed in (unit.reporter, other.head, UserFactory(role=Role.REVIEWER)):
        with pytest.raises(PermissionDenied):
            submission_approve(submission=submission, actor=not_allowed)
    assert Submission.objects.get(pk=submission.pk).status == SubmissionStatus.SUBMITTED


def test_only_a_reviewer_verifies_and_only_an_approved_return():
    unit = MonthlyUnit()
    submission = submitted(unit)
    reviewer = UserFactory(role=Role.REVIEWER)
    with pytest.raises(SubmissionError, match="不能审核"):
        submission_verify(submission=submission, actor=reviewer)
    submission = submission_approve(submission=submission, actor=unit.head)
    with pytest.raises(PermissionDenied):
        submission_verify(submission=submission, actor=unit.head)


def test_a_move_based_on_a_state_that_has_changed_is_refused():
    unit = MonthlyUnit()
    submission = submitted(unit)
    seen_by_a_second_tab = Submission.objects.get(pk=submission.pk)
    submission_approve(submission=submission, actor=unit.head)
    with pytest.raises(SubmissionError, match="报送状态已发生变化"):
        submission_return(submission=seen_by_a_second_tab, actor=unit.head, reason="数据有误")


def test_submitting_needs_a_figure_for_every_project_of_the_month():
    unit = MonthlyUnit(projects=2)
    entries = unit.entries()
    with pytest.raises(SubmissionError, match=unit.projects[1].name):
        month_entries_save(
            unit=unit.unit,
            year=2022,
            month=10,
            entries=entries[:1],
            submission_version=None,
            actor=unit.reporter,
            submit=True,
        )
    assert not Submission.objects.exists(), "a refused submit saves nothing, not even the draft"


def test_the_deadline_is_the_configured_day_of_the_following_month():
    assert reporting_deadline(year=2022, month=10, deadline_day=5) == date(2022, 11, 5)
    assert reporting_deadline(year=2022, month=12, deadline_day=8) == date(2023, 1, 8)
    PlanYear.objects.create(year=2023, fai_target=1, growth_target_pct=1, report_deadline_day=10)
    assert reporting_month(year=2023, month=3).deadline == date(2023, 4, 10)


def test_late_submission_is_after_the_deadline_day():
    deadline = date(2022, 11, 5)
    assert not submission_is_late(submitted_on=date(2022, 11, 5), deadline=deadline)
    assert submission_is_late(submitted_on=date(2022, 11, 6), deadline=deadline)


def test_a_late_return_stays_marked_late_after_it_is_sent_back_and_resubmitted():
    unit = MonthlyUnit()
    submission = submitted(unit, now=LATE)
    assert submission.is_late
    assert "逾期报送" in submission.events.get(to_status=SubmissionStatus.SUBMITTED).reason

    submission = submission_return(submission=submission, actor=unit.head, reason="请补充问题说明")
    month_entries_save(
        unit=unit.unit,
        year=2022,
        month=10,
        entries=unit.entries(),
        submission_version=submission.version,
        actor=unit.reporter,
        submit=True,
        now=ON_TIME,
    )
    assert Submission.objects.get(pk=submission.pk).is_late


def test_a_return_on_time_is_not_late():
    assert not submitted(MonthlyUnit(), now=ON_TIME).is_late


def test_sending_back_needs_a_reason_and_the_right_person():
    unit = MonthlyUnit()
    submission = submitted(unit)
    with pytest.raises(SubmissionError, match="退回必须填写原因"):
        submission_return(submission=submission, actor=unit.head, reason="  ")
    with pytest.raises(PermissionDenied):
        submission_return(submission=submission, actor=unit.reporter, reason="自己撤回")
    submission = submission_return(submission=submission, actor=unit.head, reason="数据有误")
    assert submission.status == SubmissionStatus.DRAFT
    assert submission.events.get(to_status=SubmissionStatus.DRAFT).reason == "数据有误"


def test_publishing_a_period_locks_every_return_of_its_months_even_those_never_submitted():
    unit = MonthlyUnit()
    submitted(unit)
    silent = UnitFactory()
    inactive = UnitFactory(is_active=False)

    locked = submissions_lock_period(year=2022, month=10, actor=None)

    assert Submission.objects.filter(unit=silent, year=2022, status=SubmissionStatus.LOCKED).count() == 10
    assert not Submission.objects.filter(unit=inactive).exists()
    assert locked == Submission.objects.filter(status=SubmissionStatus.LOCKED).count()
    assert SubmissionEvent.objects.filter(to_status=SubmissionStatus.LOCKED).count() == locked


def test_publishing_the_same_period_again_locks_nothing_more():
    MonthlyUnit()
    assert submissions_lock_period(year=2022, month=3, actor=None) > 0
    assert submissions_lock_period(year=2022, month=3, actor=None) == 0


def test_a_period_starts_with_february():
    with pytest.raises(ValueError, match="统计期"):
        submissions_lock_period(year=2022, month=1, actor=None)


def test_a_locked_month_cannot_be_edited():
    unit = MonthlyUnit()
    submissions_lock_period(year=2022, month=10, actor=None)
    version = Submission.objects.get(unit=unit.unit, year=2022, month=10).version
    with pytest.raises(SubmissionError, match="已锁定"):
        month_entries_save(
            unit=unit.unit,
            year=2022,
            month=10,
            entries=unit.entries(p0="1"),
            submission_version=version,
            actor=unit.reporter,
        )


def test_unlocking_needs_an_admin_and_a_reason_and_the_reason_is_recorded():
    unit = MonthlyUnit()
    admin = UserFactory(role=Role.ADMIN)
    submissions_lock_period(year=2022, month=10, actor=admin)
    submission = Submission.objects.get(unit=unit.unit, year=2022, month=10)

    with pytest.raises(PermissionDenied):
        submission_unlock(submission=submission, actor=UserFactory(role=Role.REVIEWER), reason="更正")
    with pytest.raises(SubmissionError, match="解锁必须填写原因"):
        submission_unlock(submission=submission, actor=admin, reason="")

    submission = submission_unlock(submission=submission, actor=admin, reason="统计局更正了项目数据")
    assert submission.status == SubmissionStatus.DRAFT
    event = submission.events.get(from_status=SubmissionStatus.LOCKED)
    assert (event.actor, event.reason) == (admin, "统计局更正了项目数据")

    saved = month_entries_save(
        unit=unit.unit,
        year=2022,
        month=10,
        entries=unit.entries(p0="1"),
        submission_version=submission.version,
        actor=unit.reporter,
    )
    assert saved.changed == 2


def test_an_admin_locks_a_corrected_return_again_once_it_is_verified():
    unit = MonthlyUnit()
    admin = UserFactory(role=Role.ADMIN)
    submission = submission_verify(
        submission=submission_approve(submission=submitted(unit), actor=unit.head),
        actor=UserFactory(role=Role.REVIEWER),
    )
    with pytest.raises(PermissionDenied):
        submission_lock(submission=submission, actor=unit.head)
    assert submission_lock(submission=submission, actor=admin).status == SubmissionStatus.LOCKED


def test_within_the_plan_year_the_open_month_is_the_earliest_whose_deadline_has_not_passed():
    PlanYear.objects.create(year=2023, fai_target=1, growth_target_pct=1)
    PlanYear.objects.create(year=2024, fai_target=1, growth_target_pct=1)
    UnitFactory()
    # 1-4月 is published by 3 June; 1-5月 by 6 June, the day after May's deadline.
    submissions_lock_period(year=2024, month=4, actor=None)
    assert open_reporting_month(today=date(2024, 6, 3)).param == "2024-05"
    submissions_lock_period(year=2024, month=5, actor=None)
    assert open_reporting_month(today=date(2024, 6, 6)).param == "2024-06"
    # On 4 January December is still open (due 5 January), once 1-11月 is out.
    submissions_lock_period(year=2023, month=11, actor=None)
    assert open_reporting_month(today=date(2024, 1, 4)).param == "2023-12"


def test_a_month_past_its_deadline_stays_open_on_the_board_until_its_period_is_published():
    PlanYear.objects.create(year=2024, fai_target=1, growth_target_pct=1)
    UnitFactory()
    # 9 June: May's deadline (5 June) has passed, but 1-5月 is not published yet.
    assert open_reporting_month(today=date(2024, 6, 9)).param == "2024-05"
    submissions_lock_period(year=2024, month=5, actor=None)
    assert open_reporting_month(today=date(2024, 6, 9)).param == "2024-06"


def test_a_unit_that_has_not_submitted_a_month_past_its_deadline_still_sees_that_month():
    unit = MonthlyUnit()
    other = MonthlyUnit()
    # 9 November 2022: October was due on 5 November (the default deadline day). One unit submitted
    # it, the other did not.
    submitted(other)
    assert open_reporting_month(today=date(2022, 11, 9), unit=unit.unit).param == "2022-10"
    assert open_reporting_month(today=date(2022, 11, 9), unit=other.unit).param == "2022-11"


def test_in_a_past_year_the_open_month_follows_the_last_locked_one():
    unit = MonthlyUnit()
    assert open_reporting_month(today=date(2030, 1, 1), unit=unit.unit).param == "2022-01"
    submissions_lock_period(year=2022, month=9, actor=None)
    assert open_reporting_month(today=date(2030, 1, 1), unit=unit.unit).param == "2022-10"
    assert open_reporting_month(today=date(2030, 1, 1), unit=unit.unit).deadline == date(2022, 11, 5)


def test_a_figure_of_a_locked_period_is_refused():
    unit = MonthlyUnit()
    submissions_lock_period(year=2022, month=10, actor=None)
    with pytest.raises(SubmissionError, match="已发布锁定"):
        official_figures_save(
            period=Period(2022, 10),
            figures=[FigureInput(unit.unit, Decimal("100"), None)],
            actor=None,
            reason="页面录入",
        )


@pytest.mark.parametrize(("business_day", "late"), [(date(2022, 11, 4), False), (date(2022, 11, 9), True)])
def test_a_return_is_judged_late_on_the_one_clock(business_day, late):
    from common.clock import clock_set

    # October is due on 5 November: sent on the 4th it is on time, on the 9th it is late, whatever
    # the real date of the machine.
    clock_set(on=business_day)
    unit = MonthlyUnit()
    submission = month_entries_save(
        unit=unit.unit,
        year=2022,
        month=10,
        entries=unit.entries(),
        submission_version=None,
        actor=unit.reporter,
        submit=True,
    ).submission
    assert submission.is_late is late
