"""The audit log as a declared list: its FilterSet serves the page and the CSV export alike, and
the page reads the same number of queries however many events there are."""

import csv
import io
from datetime import timedelta

from django.contrib.auth.models import Group
from django.db import connection
from django.test import TestCase
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from accounts.roles import Role
from audit.models import AuditAction, AuditEvent, AuditResult
from audit.services import audit_record


class AuditLogPageTests(TestCase):
    def setUp(self):
        self.auditor = User.objects.create_user("shenji", password="Xq7#mnbTr2", is_staff=True)
        self.auditor.groups.add(Group.objects.get(name=Role.AUDIT_ADMIN))
        audit_record(action=AuditAction.LOGIN_FAILED, username="zhangsan", result=AuditResult.FAILURE)
        audit_record(action=AuditAction.LOGIN, username="lisi")
        with connection.cursor() as cursor:  # the log is append-only: an old event is written as such
            cursor.execute(
                f"INSERT INTO {AuditEvent._meta.db_table} (time, username, action, object_type, object_id, "
                "object_repr, result, detail) VALUES (%s, 'wangwu', 'login', '', '', '', 'success', '{}')",
                [timezone.now() - timedelta(days=30)],
            )
        self.client.force_login(self.auditor)

    def usernames(self, **query) -> list[str]:
        table = self.client.get(reverse("audit:log"), query).context["table"]
        return [row.record.username for row in table.rows]

    def exported(self, **query) -> list[str]:
        body = self.client.get(reverse("audit:export"), query).content.decode().lstrip("\ufeff")
        return [row[1] for row in list(csv.reader(io.StringIO(body)))[1:]]

    def test_the_page_and_the_export_filter_by_action_result_and_date_alike(self):
        # The auditor's own login, in setUp, is the newest.
        assert self.usernames(action=AuditAction.LOGIN) == ["shenji", "lisi", "wangwu"]
        assert self.exported(action=AuditAction.LOGIN) == ["shenji", "lisi", "wangwu"]
        assert self.usernames(result=AuditResult.FAILURE) == ["zhangsan"]
        week_ago = (timezone.localdate() - timedelta(days=7)).isoformat()
        assert "wangwu" not in self.usernames(since=week_ago)
        assert self.usernames(until=week_ago) == ["wangwu"] == self.exported(until=week_ago)

    def test_the_page_reads_the_same_number_of_queries_however_many_events(self):
        url = reverse("audit:log")
        self.client.get(url)
        # session, user, roles, the events' count (the paginator), the clock, the unread notices,
        # the events; the session's save (3)
        with self.assertNumQueries(10):
            self.client.get(url)
        for number in range(20):
            audit_record(action=AuditAction.LOGIN, username=f"user{number}")
        with self.assertNumQueries(10):
            self.client.get(url)
