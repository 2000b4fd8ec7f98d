"""已锁定的账号 as a declared list: searched by username and source address, its file holds the
table's columns and the rows the page shows, and only the 安全管理员 sees or exports it."""

from datetime import timedelta
from io import BytesIO

from axes.models import AccessAttempt
from django.conf import settings
from django.contrib.auth.models import Group
from django.db import connection
from django.test import TestCase
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from accounts.models import User
from accounts.roles import Role
from accounts.views import LOCKED_ACCOUNT_LIST
from audit.models import AuditAction, AuditEvent

PASSWORD = "Xq7#mnbTr2"


def make_user(username: str, *roles: Role, **fields) -> User:
    user = User.objects.create_user(username, password=PASSWORD, **fields)
    user.groups.add(*Group.objects.filter(name__in=roles))
    return user


def attempt(username: str, ip_address: str, failures: int, at) -> None:
    row = AccessAttempt.objects.create(
        username=username,
        ip_address=ip_address,
        user_agent="test",
        http_accept="*/*",
        path_info="/accounts/login/",
        get_data="",
        post_data="",
        failures_since_start=failures,
    )
    AccessAttempt.objects.filter(pk=row.pk).update(attempt_time=at)


class LockedAccountListTests(TestCase):
    def setUp(self):
        self.security = make_user("anquan", Role.SECURITY_ADMIN, is_staff=True)
        self.client.force_login(self.security)
        # A whole minute two minutes ago, in Beijing time: the lock ends fifteen minutes after it.
        self.at = timezone.localtime().replace(second=0, microsecond=0) - timedelta(minutes=2)
        limit = settings.AXES_FAILURE_LIMIT
        attempt("tianbao", "10.0.0.7", limit, self.at)
        attempt("shenhe", "10.0.0.9", limit, self.at)
        attempt("lingdao", "10.0.0.7", limit - 1, self.at)  # not locked yet

    def listed(self, **query) -> list[tuple[str, str]]:
        table = self.client.get(reverse("accounts:security"), query).context["table"]
        return [(row.record["username"], row.record["ip_address"]) for row in table.rows]

    def test_the_filters_narrow_the_locked_accounts(self):
        assert self.listed() == [("shenhe", "10.0.0.9"), ("tianbao", "10.0.0.7")]
        assert self.listed(username="tian") == [("tianbao", "10.0.0.7")]
        assert self.listed(ip_address="10.0.0.9") == [("shenhe", "10.0.0.9")]
        html = self.client.get(reverse("accounts:security"), {"username": "nobody"}).content.decode()
        assert "当前没有被锁定的账号。" in html

    def test_each_line_unlocks_its_username(self):
        html = self.client.get(reverse("accounts:security")).content.decode()
        assert reverse("accounts:unlock") in html
        assert '<input type="hidden" name="username" value="tianbao">' in html
        until = self.at + timedelta(minutes=15)
        assert f"{until:%Y-%m-%d %H:%M}" in html

    def test_the_file_has_the_tables_columns_and_the_filtered_rows(self):
        table = self.client.get(reverse("accounts:security")).context["table"]
        assert [str(column.header) for column in table.columns] == ["用户名", "来源地址", "锁定至", ""]
        target = BytesIO()
        count = LOCKED_ACCOUNT_LIST.export_write(target, actor=self.security, params={"username": "tian"})
        rows = list(load_workbook(BytesIO(target.getvalue())).active.iter_rows(values_only=True))
        assert count == 1
        assert rows[0][0] == "已锁定的账号"
        assert list(rows[2]) == ["用户名", "来源地址", "锁定至"]
        until = self.at + timedelta(minutes=15)
        assert rows[3:] == [("tianbao", "10.0.0.7", f"{until:%Y-%m-%d %H:%M}")]

    def test_the_page_reads_the_same_number_of_queries_however_many_accounts_are_locked(self):
        def count() -> int:
            with CaptureQueriesContext(connection) as captured:
                assert self.client.get(reverse("accounts:security")).status_code == 200
            return len(captured)

        before = count()
        for index in range(4):
            attempt(f"user{index}", "10.0.0.8", settings.AXES_FAILURE_LIMIT, self.at)
        assert count() == before

    def test_no_other_role_sees_the_list(self):
        for role in (Role.ADMIN, Role.REVIEWER, Role.LEADER, Role.AUDIT_ADMIN, Role.SYSTEM_ADMIN):
            self.client.force_login(make_user(f"user_{role.name.lower()}", role, is_staff=True))
            assert self.client.get(reverse("accounts:security")).status_code == 403, role

    def test_the_export_url_gives_the_filtered_rows_and_is_logged(self):
        html = self.client.get(reverse("accounts:security"), {"username": "tian"}).content.decode()
        assert f'href="{reverse("accounts:security_export")}?username=tian"' in html
        response = self.client.get(reverse("accounts:security_export"), {"username": "tian", "page": 2})
        assert response.status_code == 200
        assert response["Content-Disposition"].startswith("attachment")
        rows = list(load_workbook(BytesIO(response.getvalue())).active.iter_rows(values_only=True))
        until = self.at + timedelta(minutes=15)
        assert list(rows[2]) == ["用户名", "来源地址", "锁定至"]
        assert rows[3:] == [("tianbao", "10.0.0.7", f"{until:%Y-%m-%d %H:%M}")]
        event = AuditEvent.objects.filter(action=AuditAction.EXPORT).get()
        assert event.user == self.security

    def test_no_other_role_exports_the_list(self):
        for role in (Role.ADMIN, Role.REVIEWER, Role.LEADER, Role.AUDIT_ADMIN, Role.SYSTEM_ADMIN):
            self.client.force_login(make_user(f"user_{role.name.lower()}", role, is_staff=True))
            assert self.client.get(reverse("accounts:security_export")).status_code == 403, role
        assert not AuditEvent.objects.filter(action=AuditAction.EXPORT).exists()


class SecuritySettingsTests(TestCase):
    def test_the_page_lists_the_deployment_s_security_settings_with_their_values(self):
        self.client.force_login(make_user("anquan", Role.SECURITY_ADMIN, is_staff=True))
        html = self.client.get(reverse("accounts:security")).content.decode()
        assert (
            f'<td class="fw-bold">登录失败锁定次数</td><td ><code>{settings.LOGIN_FAILURE_LIMIT}</code></td>'
            in html
        )
        assert f"<code>{settings.SESSION_COOKIE_AGE}</code>" in html
