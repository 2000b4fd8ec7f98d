"""Background jobs when things go wrong (issue 14, M8 and M9): a broker outage is said in Chinese
and leaves nothing half-started; an export whose worker died is marked failed after the time limit
and can be run again; polling its progress does not keep an idle session alive."""

from datetime import timedelta
from unittest import mock

from django.test import override_settings
from django.urls import reverse
from django.utils import timezone
from kombu.exceptions import OperationalError

from accounts.models import User
from demo.constants import DEMO_PASSWORD
from reporting.models import Export, ExportKind, ExportStatus, RankingRun
from reporting.services.exports import export_create, export_run, exports_expire_stale
from reporting.tasks import publish_period, run_export
from targets.models import Unit
from tests.base import DemoTestCase

BROKER_DOWN = OperationalError("Error 111 connecting to redis:6379. Connection refused.")


class BrokerOutageTests(DemoTestCase):
    def test_an_export_asked_for_with_the_broker_down_fails_at_once_with_a_chinese_message(self):
        self.client.force_login(User.objects.get(username="minghu_reporter"))
        with (
            mock.patch.object(run_export, "apply_async", side_effect=BROKER_DOWN),
            self.captureOnCommitCallbacks(execute=True),
        ):
            response = self.client.post(reverse("reporting:exports"), {"level": "district"})
        assert response.status_code == 302
        export = Export.objects.latest("pk")
        assert export.status == ExportStatus.FAILED
        assert "后台任务服务（消息队列）暂时不可用" in export.error
        page = self.client.get(response["Location"]).content.decode()
        assert "暂时不可用" in page and "重新生成" in page

    def test_publishing_with_the_broker_down_says_so_and_publishes_nothing(self):
        self.client.force_login(User.objects.get(username="admin"))
        with (
            mock.patch.object(publish_period, "apply_async", side_effect=BROKER_DOWN),
            self.captureOnCommitCallbacks(execute=True),
        ):
            response = self.client.post(
                reverse("reporting:ranking_publish"),
                {
                    "period": "2022-10",
                    "confirm_unit": list(Unit.objects.filter(is_active=True).values_list("pk", flat=True)),
                },
                follow=True,
            )
        assert response.status_code == 200
        assert "未能提交发布" in response.content.decode()
        assert "暂时不可用" in response.content.decode()
        assert not RankingRun.objects.filter(year=2022, month=10, status="published").exists()


@override_settings(EXPORT_TIMEOUT_MINUTES=30)
class StaleExportTests(DemoTestCase):
    def setUp(self):
        self.reporter = User.objects.get(username="minghu_reporter")
        self.export = export_create(kind=ExportKind.PROJECT_LEDGER, params={}, actor=self.reporter)
        # Its worker claimed it and died.
        Export.objects.filter(pk=self.export.pk).update(
            status=ExportStatus.RUNNING, started_at=timezone.now() - timedelta(minutes=31)
        )

    def test_an_export_left_running_past_the_limit_is_marked_failed_when_polled(self):
        self.client.force_login(self.reporter)
        state = self.client.get(reverse("reporting:export_status", args=[self.export.pk])).json()
        assert state["status"] == "failed" and state["finished"]
        assert "导出超时" in state["error"]

    def test_a_running_export_within_the_limit_is_left_alone(self):
        Export.objects.filter(pk=self.export.pk).update(started_at=timezone.now() - timedelta(minutes=5))
        assert exports_expire_stale() == 0
        self.export.refresh_from_db()
        assert self.export.status == ExportStatus.RUNNING

    def test_a_queued_export_whose_message_was_lost_is_marked_failed_by_the_job(self):
        Export.objects.filter(pk=self.export.pk).update(status=ExportStatus.QUEUED, started_at=None)
        assert exports_expire_stale(now=timezone.now() + timedelta(minutes=31)) == 1
        self.export.refresh_from_db()
        assert self.export.status == ExportStatus.FAILED

    def test_a_failed_export_is_run_again_and_the_dead_worker_cannot_overwrite_it(self):
        exports_expire_stale()
        self.client.force_login(self.reporter)
        with self.captureOnCommitCallbacks(execute=True):
            response = self.client.post(reverse("reporting:export_rerun", args=[self.export.pk]))
        again = Export.objects.latest("pk")
        assert again.pk != self.export.pk and response["Location"].endswith(f"/exports/{again.pk}/")
        assert again.params == self.export.params and again.status == ExportStatus.DONE
        self.export.refresh_from_db()
        assert self.export.status == ExportStatus.FAILED
        assert export_run(export_id=self.export.pk) is False

    def test_only_a_failed_export_can_be_rerun(self):
        Export.objects.filter(pk=self.export.pk).update(started_at=timezone.now())
        self.client.force_login(self.reporter)
        self.client.post(reverse("reporting:export_rerun", args=[self.export.pk]))
        assert Export.objects.count() == 1


def _session_clock(at):
    return mock.patch("django.contrib.sessions.backends.db.timezone.now", return_value=at)


class PollingSessionTests(DemoTestCase):
    def test_polling_an_export_does_not_keep_the_idle_session_alive(self):
        reporter = User.objects.get(username="minghu_reporter")
        export = export_create(kind=ExportKind.PROJECT_LEDGER, params={}, actor=reporter)
        self.client.post(reverse("login"), {"username": "minghu_reporter", "password": DEMO_PASSWORD})
        assert self.client.get(reverse("home")).status_code == 200
        status_url = reverse("reporting:export_status", args=[export.pk])
        start = timezone.now()
        for minutes in (10, 20, 29):
            with mock.patch(
                "django.contrib.sessions.backends.db.timezone.now",
                return_value=start + timedelta(minutes=minutes),
            ):
                assert self.client.get(status_url).status_code == 200
        later = start + timedelta(minutes=31)
        with _session_clock(later):
            response = self.client.get(reverse("home"))
        assert response.status_code == 302 and response.url.startswith(reverse("login"))

    def test_a_page_the_user_opens_still_extends_it(self):
        self.client.post(reverse("login"), {"username": "minghu_reporter", "password": DEMO_PASSWORD})
        start = timezone.now()
        with mock.patch(
            "django.contrib.sessions.backends.db.timezone.now", return_value=start + timedelta(minutes=20)
        ):
            assert self.client.get(reverse("home")).status_code == 200
        with mock.patch(
            "django.contrib.sessions.backends.db.timezone.now", return_value=start + timedelta(minutes=40)
        ):
            assert self.client.get(reverse("home")).status_code == 200
