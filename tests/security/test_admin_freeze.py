"""The admin site (issue 14, M1): published and locked records are read-only there as everywhere,
and every change made there is audited with the values before and after."""

from django.urls import reverse

from accounts.models import User
from audit.models import AuditAction, AuditEvent
from projects.models import ProjectReport
from reporting.choices import RunStatus, SubmissionStatus
from reporting.models import RankingRow, RankingRun, Submission
from targets.models import Unit
from tests.base import DemoTestCase


def admin_url(obj, action: str = "change") -> str:
    opts = obj._meta
    return reverse(f"admin:{opts.app_label}_{opts.model_name}_{action}", args=[obj.pk])


def posted(response) -> dict:
    """The admin change form as the browser would post it unchanged."""
    form = response.context["adminform"].form
    data = {}
    for name in form.fields:
        value = form[name].value()
        if value is None or value is False:
            continue
        data[name] = "on" if value is True else value if isinstance(value, list) else str(value)
    return data


class AdminFreezeTests(DemoTestCase):
    def setUp(self):
        self.client.force_login(User.objects.get(username="admin"))

    def test_a_published_ranking_rows_rank_cannot_be_changed(self):
        row = RankingRow.objects.filter(run__status=RunStatus.PUBLISHED, rank__isnull=False).first()
        page = self.client.get(admin_url(row))
        assert page.status_code == 200 and 'name="_save"' not in page.content.decode()
        response = self.client.post(admin_url(row), {"rank": 99, "value": "0", "status": row.status})
        assert response.status_code == 403
        assert RankingRow.objects.get(pk=row.pk).rank == row.rank
        assert self.client.post(admin_url(row, "delete"), {"post": "yes"}).status_code == 403
        assert RankingRow.objects.filter(pk=row.pk).exists()

    def test_published_runs_cannot_be_deleted_from_the_change_list(self):
        runs = list(RankingRun.objects.filter(status=RunStatus.PUBLISHED).values_list("pk", flat=True)[:2])
        response = self.client.post(
            reverse("admin:reporting_rankingrun_changelist"),
            {"action": "delete_selected", "_selected_action": runs, "post": "yes"},
        )
        assert response.status_code in (302, 403)
        assert RankingRun.objects.filter(pk__in=runs).count() == 2

    def test_a_locked_returns_state_cannot_be_changed(self):
        submission = Submission.objects.filter(status=SubmissionStatus.LOCKED).first()
        response = self.client.post(admin_url(submission), {"status": SubmissionStatus.DRAFT})
        assert response.status_code == 403
        assert Submission.objects.get(pk=submission.pk).status == SubmissionStatus.LOCKED

    def test_a_locked_months_project_report_cannot_be_changed(self):
        locked = Submission.objects.filter(status=SubmissionStatus.LOCKED).first()
        report = ProjectReport.objects.filter(
            project__reporting_unit=locked.unit, year=locked.year, month=locked.month
        ).first()
        page = self.client.get(admin_url(report))
        data = {**posted(page), "amount": str(report.amount + 1000)}
        assert self.client.post(admin_url(report), data).status_code == 403
        assert ProjectReport.objects.get(pk=report.pk).amount == report.amount

    def test_a_change_in_the_admin_is_audited_with_the_values_before_and_after(self):
        unit = Unit.objects.get(name="明湖办事处")
        data = {**posted(self.client.get(admin_url(unit))), "short_name": "明湖新"}
        assert self.client.post(admin_url(unit), data, REMOTE_ADDR="10.9.8.7").status_code == 302
        event = AuditEvent.objects.get(action=AuditAction.ADMIN_CHANGE, object_id=str(unit.pk))
        assert (event.username, event.source_ip) == ("admin", "10.9.8.7")
        assert event.detail["changes"] == [
            {"field": "short_name", "before": unit.short_name, "after": "明湖新"}
        ]

    def test_a_change_list_edit_is_audited_too(self):
        unit = Unit.objects.get(name="明湖办事处")
        page = self.client.get(reverse("admin:targets_unit_changelist"))
        formset = page.context["cl"].formset
        data = {
            f"form-{name}": formset.management_form[name].value() for name in formset.management_form.fields
        }
        for index, form in enumerate(formset.forms):
            data[f"form-{index}-id"] = str(form.instance.pk)
            data[f"form-{index}-sort_order"] = str(
                form.instance.sort_order + (100 if form.instance == unit else 0)
            )
        data["_save"] = "保存"
        assert self.client.post(reverse("admin:targets_unit_changelist"), data).status_code == 302
        event = AuditEvent.objects.get(action=AuditAction.ADMIN_CHANGE, object_id=str(unit.pk))
        assert event.detail["changes"] == [
            {"field": "sort_order", "before": str(unit.sort_order), "after": str(unit.sort_order + 100)}
        ]
