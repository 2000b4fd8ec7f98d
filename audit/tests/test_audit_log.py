"""The security audit log: what it records, that nobody can change it, who reads it, how long it lasts."""

import csv
import io
from datetime import timedelta

import pytest
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.db import connection, transaction
from django.db.utils import DatabaseError
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from accounts.roles import Role
from audit.models import AuditAction, AuditEvent, AuditResult
from audit.services import audit_events_csv, audit_purge, audit_record
from demo.constants import DEMO_PASSWORD
from tests.base import DemoTestCase


def auditor() -> User:
    user = User.objects.create_user("shenji", password="Xq7#mnbTr2")
    user.groups.add(Group.objects.get(name=Role.AUDIT_ADMIN))
    return user


def _insert_old_event(days: int) -> None:
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {AuditEvent._meta.db_table} (time, username, action, object_type, object_id, "
            "object_repr, result, detail) VALUES (%s, 'old', 'login', '', '', '', 'success', '{}')",
            [timezone.now() - timedelta(days=days)],
        )


@pytest.mark.django_db
def test_the_application_can_neither_change_nor_delete_an_event():
    event = audit_record(action=AuditAction.LOGIN, username="someone")
    event.username = "someone_else"
    with pytest.raises(PermissionError):
        event.save()
    with pytest.raises(PermissionError):
        event.delete()
    with pytest.raises(PermissionError):
        AuditEvent.objects.filter(pk=event.pk).update(username="x")
    with pytest.raises(PermissionError):
        AuditEvent.objects.all().delete()
    assert AuditEvent.objects.get(pk=event.pk).username == "someone"


@pytest.mark.django_db
def test_on_postgresql_the_database_refuses_update_and_delete_by_the_applications_user():
    event = audit_record(action=AuditAction.LOGIN, username="someone")
    table = AuditEvent._meta.db_table
    if connection.vendor != "postgresql":
        # SQLite has no database users to refuse; the model and queryset guards above apply.
        assert connection.vendor == "sqlite"
        return
    for sql in (f"UPDATE {table} SET username = 'x'", f"DELETE FROM {table}"):
        with pytest.raises(DatabaseError, match="审计日志只能追加"), transaction.atomic():
            connection.cursor().execute(sql)
    assert AuditEvent.objects.get(pk=event.pk).username == "someone"


@pytest.mark.django_db
def test_the_purge_deletes_only_events_older_than_the_retention():
    _insert_old_event(days=200)
    _insert_old_event(days=100)
    recent = audit_record(action=AuditAction.LOGIN, username="recent")
    with override_settings(AUDIT_RETENTION_DAYS=180):
        assert audit_purge() == 1
    assert AuditEvent.objects.filter(username="old").count() == 1
    assert AuditEvent.objects.filter(pk=recent.pk).exists()
    assert AuditEvent.objects.filter(action=AuditAction.AUDIT_PURGE).exists()


@pytest.mark.django_db
def test_the_purge_refuses_a_retention_under_six_months():
    with override_settings(AUDIT_RETENTION_DAYS=90), pytest.raises(ValueError, match="180"):
        audit_purge()


@pytest.mark.django_db
def test_the_purge_command_reports_what_it_deleted(capsys):
    _insert_old_event(days=400)
    call_command("audit_purge")
    assert "1" in capsys.readouterr().out


@pytest.mark.django_db
def test_the_retention_is_at_least_six_months_by_default(settings):
    assert settings.AUDIT_RETENTION_DAYS >= 180


@pytest.mark.django_db
def test_the_csv_export_neutralises_formulas():
    audit_record(
        action=AuditAction.LOGIN_FAILED, username='=HYPERLINK("http://x")', result=AuditResult.FAILURE
    )
    rows = list(csv.reader(io.StringIO(audit_events_csv(events=AuditEvent.objects.all()).lstrip("\ufeff"))))
    assert rows[0][0] == "时间"
    assert rows[1][1] == '\'=HYPERLINK("http://x")'


class AuditPageTests(DemoTestCase):
    def test_logins_logouts_and_refusals_are_logged_with_address_and_result(self):
        self.client.post(reverse("login"), {"username": "minghu_reporter", "password": DEMO_PASSWORD})
        other = User.objects.get(username="chaohe_reporter").unit
        refused = self.client.get(reverse("reporting:month", args=[other.pk, 2022, 9]))
        assert refused.status_code == 403
        assert "无权" in refused.content.decode()
        self.client.get(reverse("audit:log"))
        self.client.post(reverse("logout"))
        events = AuditEvent.objects.filter(username="minghu_reporter").order_by("pk")
        assert [e.action for e in events] == [
            AuditAction.LOGIN,
            AuditAction.PERMISSION_DENIED,
            AuditAction.PERMISSION_DENIED,
            AuditAction.LOGOUT,
        ]
        assert events[1].result == AuditResult.FAILURE
        assert events[1].detail["path"].startswith("/reporting/")
        assert all(e.source_ip == "127.0.0.1" for e in events)

    def test_the_audit_admin_searches_and_exports_the_log_and_the_export_is_logged(self):
        audit_record(action=AuditAction.LOGIN_FAILED, username="zhangsan", result=AuditResult.FAILURE)
        audit_record(action=AuditAction.LOGIN, username="lisi")
        self.client.force_login(auditor())
        page = self.client.get(reverse("audit:log"), {"text": "zhangsan"}).content.decode()
        assert "zhangsan" in page and "lisi" not in page and "登录失败" in page
        exported = self.client.get(reverse("audit:export"), {"action": AuditAction.LOGIN_FAILED})
        body = exported.content.decode()
        assert exported["Content-Type"].startswith("text/csv")
        assert "zhangsan" in body and "lisi" not in body
        assert AuditEvent.objects.filter(action=AuditAction.AUDIT_EXPORT, username="shenji").exists()

    def test_the_log_has_no_admin_pages_so_nobody_can_edit_it_there(self):
        from django.contrib import admin

        assert AuditEvent not in admin.site._registry

    def test_adding_a_user_in_the_admin_is_logged_and_roles_are_not_changed_there(self):
        self.client.force_login(User.objects.get(username="admin"))
        added = self.client.post(
            reverse("admin:accounts_user_add"),
            {
                "username": "xinren",
                "usable_password": "true",
                "password1": "Xq7#mnbTr2",
                "password2": "Xq7#mnbTr2",
            },
        )
        assert added.status_code == 302
        group = Group.objects.get(name=Role.LEADER)
        # Roles are fixed groups; the 安全管理员 assigns them on its own page (tests/security/test_roles.py).
        changed = self.client.post(reverse("admin:auth_group_change", args=[group.pk]), {"name": group.name})
        assert changed.status_code == 403
        events = AuditEvent.objects.filter(action=AuditAction.USER_CHANGE).order_by("pk")
        assert [(e.object_type, e.object_repr, e.detail["change"]) for e in events] == [
            ("accounts.User", "xinren", False),
        ]
        assert all(e.username == "admin" for e in events)

    def test_an_import_a_download_a_publication_and_an_unlock_are_logged(self):
        from common.periods import Period
        from reporting.models import Submission
        from reporting.services.rankings import period_publish
        from reporting.services.submissions import submission_unlock

        admin = User.objects.get(username="admin")
        self.client.force_login(admin)
        assert self.client.get(reverse("reporting:import_figures_template")).status_code == 200
        upload = io.BytesIO(b"not a spreadsheet")
        upload.name = "figures.xlsx"
        self.client.post(reverse("reporting:import_figures"), {"period": "2022-09", "file": upload})
        period_publish(period=Period(2022, 9), actor=admin)
        submission = Submission.objects.filter(year=2022, month=9, status="locked").first()
        submission_unlock(submission=submission, actor=admin, reason="更正")
        actions = list(AuditEvent.objects.order_by("pk").values_list("action", "result"))
        assert (AuditAction.DOWNLOAD, AuditResult.SUCCESS) in actions
        assert (AuditAction.IMPORT, AuditResult.FAILURE) in actions
        assert (AuditAction.PUBLISH, AuditResult.SUCCESS) in actions
        assert (AuditAction.UNLOCK, AuditResult.SUCCESS) in actions
        imported = AuditEvent.objects.get(action=AuditAction.IMPORT)
        assert imported.username == "admin" and imported.source_ip == "127.0.0.1"
        assert imported.detail["errors"]


@pytest.mark.django_db
def test_the_retention_purge_is_scheduled_and_runs_the_same_service():
    from investtrack.celery import app

    scheduled = {entry["task"] for entry in app.conf.beat_schedule.values()}
    assert "audit.tasks.purge_expired_events" in scheduled
    from audit.tasks import purge_expired_events

    assert purge_expired_events.delay().get() == 0, "a fresh database has nothing older than six months"
