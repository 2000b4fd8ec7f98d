"""The demo shows the lifecycle for real: an admin walks projects out of the libraries, and the
入库 page of 2022-05 tells which sub-districts met their monthly target."""

import re

from django.urls import reverse

from accounts.models import User
from demo.loading import demo_load
from projects.choices import ExitReason, ExitRequestStatus, MilestoneKind, Stage
from projects.models import ExitRequest, Milestone, Project
from projects.selectors.intake import monthly_intake
from targets.models import Unit
from tests.base import DemoTestCase


class DemoLifecycleTests(DemoTestCase):
    def setUp(self) -> None:
        self.admin = User.objects.get(username="admin")
        self.client.force_login(self.admin)

    def test_the_may_2022_intake_page_shows_which_subdistricts_met_their_monthly_target(self):
        rows = monthly_intake(year=2022, month=5, units=Unit.objects.filter(kind="subdistrict"))
        met = {row.unit.name for row in rows if row.met}
        assert met == {"明湖办事处", "潮河办事处"}
        page = self.client.get(reverse("projects:intake") + "?month=2022-05").content.decode()
        verdicts = dict(
            re.findall(r"<td[^>]*>(\S+办事处)</td>.*?badge bg-\w+\">(达标|未达标)<", page, flags=re.S)
        )
        assert verdicts == {name: "达标" if name in met else "未达标" for name in verdicts}
        assert len(verdicts) == 6

    def test_an_admin_walks_a_reserve_project_out_after_it_reaches_output(self):
        project = Project.objects.filter(stage=Stage.RESERVE, construction_permit_on__isnull=False).first()
        url = lambda name: reverse(f"projects:{name}", args=[project.pk])  # noqa: E731
        assert self.client.post(url("move"), {"reason": "手续完备"}).status_code == 302
        assert self.client.post(url("move"), {"actual_start": "2022-06-01"}).status_code == 302
        assert self.client.post(url("move"), {"actual_completion": "2022-10-20"}).status_code == 302
        dates = {f"{kind}_{part}": "" for kind in MilestoneKind for part in ("planned", "actual")}
        dates |= {
            "start_actual": "2022-06-01",
            "completion_actual": "2022-10-20",
            "output_actual": "2022-10-30",
        }
        assert self.client.post(url("milestones"), dates).status_code == 302
        response = self.client.post(
            url("exit"),
            {"reason": ExitReason.REACHED_OUTPUT, "note": "已竣工投产并达效", "approve_now": "on"},
        )
        assert response.status_code == 302
        project.refresh_from_db()
        assert project.stage == Stage.EXITED
        assert not project.land_for_reinvestment
        moves = list(project.stage_changes.order_by("id").values_list("from_stage", "to_stage", "changed_by"))
        assert moves[-4:] == [
            (Stage.RESERVE, Stage.TO_START, self.admin.pk),
            (Stage.TO_START, Stage.UNDER_CONSTRUCTION, self.admin.pk),
            (Stage.UNDER_CONSTRUCTION, Stage.COMPLETED, self.admin.pk),
            (Stage.COMPLETED, Stage.EXITED, self.admin.pk),
        ]
        assert project.stage_changes.get(to_stage=Stage.EXITED).approved_by == self.admin

    def test_an_admin_approves_the_demos_exit_request_and_the_land_is_offered_again(self):
        request = ExitRequest.objects.get(status=ExitRequestStatus.PENDING)
        assert request.reason == ExitReason.TALKS_STOPPED
        self.client.post(reverse("projects:exit_approve", args=[request.project_id]))
        project = Project.objects.get(pk=request.project_id)
        assert (project.stage, project.land_for_reinvestment) == (Stage.EXITED, True)
        change = project.stage_changes.get(to_stage=Stage.EXITED)
        assert (change.changed_by.username, change.approved_by) == ("minghu_head", self.admin)

    def test_every_demo_project_has_its_milestones_and_most_have_a_steward(self):
        assert Milestone.objects.count() == 4 * Project.objects.count()
        assert Project.objects.filter(steward__isnull=True).count() < Project.objects.count() / 5
        ready = Project.objects.filter(stage=Stage.RESERVE, construction_permit_on__isnull=False)
        assert ready.exists()

    def test_loading_the_demo_again_adds_no_lifecycle_rows(self):
        counts = (Milestone.objects.count(), Milestone.history.count(), ExitRequest.objects.count())
        demo_load()
        assert (Milestone.objects.count(), Milestone.history.count(), ExitRequest.objects.count()) == counts
