"""三权分立 in the admin too: no duty role grants itself or another a role; only the 安全管理员
assigns roles, never its own; every grant, revocation and password reset is audited; production
gives a superuser nothing beyond its roles."""

import subprocess
import sys

import pytest
from django.contrib.auth.models import Group, Permission
from django.core.exceptions import PermissionDenied
from django.core.management import CommandError, call_command
from django.test import TestCase, override_settings
from django.urls import reverse

from accounts.models import User
from accounts.roles import Role
from accounts.services import user_roles_set
from audit.models import AuditAction, AuditEvent

# A key production accepts (long, varied): only for starting the settings in a subprocess.
TEST_SECRET_KEY = "k7#Qz!Vb9@mR2$wL5%pT8^xN3&jF6*hD1(sG4)yC0-k7#Qz!Vb9@mR2"

PASSWORD = "Xq7#mnbTr2"


def make_user(username: str, *roles: Role, **fields) -> User:
    user = User.objects.create_user(username, password=PASSWORD, **fields)
    user.groups.add(*Group.objects.filter(name__in=roles))
    return user


class AdminRoleTests(TestCase):
    def setUp(self):
        self.system_admin = make_user("xitong", Role.SYSTEM_ADMIN, is_staff=True)
        self.superuser = make_user("root", is_staff=True, is_superuser=True)
        self.client.force_login(self.system_admin)

    def test_the_system_admin_cannot_give_itself_roles_in_the_admin(self):
        url = reverse("admin:accounts_user_change", args=[self.system_admin.pk])
        page = self.client.get(url).content.decode()
        assert 'name="groups"' not in page and 'name="user_permissions"' not in page
        wanted = Group.objects.filter(name__in=[Role.ADMIN, Role.AUDIT_ADMIN, Role.SECURITY_ADMIN])
        self.client.post(
            url,
            {
                "username": "xitong",
                "is_active": "on",
                "is_staff": "on",
                "groups": [group.pk for group in wanted],
                "date_joined_0": "2022-01-01",
                "date_joined_1": "00:00:00",
            },
        )
        assert set(self.system_admin.groups.values_list("name", flat=True)) == {Role.SYSTEM_ADMIN}

    def test_the_system_admin_cannot_add_permissions_to_a_role(self):
        group = Group.objects.get(name=Role.SYSTEM_ADMIN)
        before = set(group.permissions.values_list("pk", flat=True))
        everything = list(Permission.objects.values_list("pk", flat=True))
        response = self.client.post(
            reverse("admin:auth_group_change", args=[group.pk]),
            {"name": Role.SYSTEM_ADMIN, "permissions": everything},
        )
        assert response.status_code == 403
        assert set(group.permissions.values_list("pk", flat=True)) == before

    def test_the_system_admin_cannot_reset_a_superusers_or_a_duty_roles_password(self):
        security = make_user("anquan", Role.SECURITY_ADMIN)
        for account in (self.superuser, security):
            old = User.objects.get(pk=account.pk).password
            response = self.client.post(
                reverse("admin:auth_user_password_change", args=[account.pk]),
                {"password1": "Nw8$pqrsTu", "password2": "Nw8$pqrsTu", "usable_password": "true"},
            )
            assert response.status_code == 403
            assert User.objects.get(pk=account.pk).password == old

    def test_the_system_admin_cannot_change_a_superusers_or_a_duty_roles_account(self):
        security = make_user("anquan", Role.SECURITY_ADMIN)
        for account in (self.superuser, security):
            response = self.client.post(
                reverse("admin:accounts_user_change", args=[account.pk]),
                {"username": "renamed", "is_active": ""},
            )
            assert response.status_code == 403
            account.refresh_from_db()
            assert (account.username, account.is_active) != ("renamed", False)

    def test_a_password_reset_in_the_admin_is_audited(self):
        reporter = make_user("tianbao", Role.REPORTER)
        response = self.client.post(
            reverse("admin:auth_user_password_change", args=[reporter.pk]),
            {"password1": "Nw8$pqrsTu", "password2": "Nw8$pqrsTu", "usable_password": "true"},
        )
        assert response.status_code == 302
        event = AuditEvent.objects.get(action=AuditAction.PASSWORD_RESET)
        assert (event.user, event.object_id) == (self.system_admin, str(reporter.pk))
        assert User.objects.get(pk=reporter.pk).check_password("Nw8$pqrsTu")


class RoleAssignmentTests(TestCase):
    def setUp(self):
        self.security = make_user("anquan", Role.SECURITY_ADMIN)
        self.reporter = make_user("tianbao", Role.REPORTER)

    def test_the_security_admin_grants_and_revokes_and_each_is_audited(self):
        self.client.force_login(self.security)
        url = reverse("accounts:roles_edit", args=[self.reporter.pk])
        assert self.client.post(url, {"roles": [Role.UNIT_HEAD, Role.LEADER]}).status_code == 302
        assert set(self.reporter.groups.values_list("name", flat=True)) == {Role.UNIT_HEAD, Role.LEADER}
        grants = AuditEvent.objects.filter(action=AuditAction.ROLE_GRANT, object_id=str(self.reporter.pk))
        revokes = AuditEvent.objects.filter(action=AuditAction.ROLE_REVOKE, object_id=str(self.reporter.pk))
        assert sorted(e.detail["role"] for e in grants) == sorted([Role.UNIT_HEAD, Role.LEADER])
        assert [e.detail["role"] for e in revokes] == [Role.REPORTER]
        assert all(e.user == self.security for e in [*grants, *revokes])
        assert "tianbao" in self.client.get(reverse("accounts:roles")).content.decode()

    def test_the_security_admin_cannot_assign_itself(self):
        self.client.force_login(self.security)
        url = reverse("accounts:roles_edit", args=[self.security.pk])
        response = self.client.post(url, {"roles": [Role.SECURITY_ADMIN, Role.ADMIN]})
        assert response.status_code == 403
        assert set(self.security.groups.values_list("name", flat=True)) == {Role.SECURITY_ADMIN}
        with pytest.raises(PermissionDenied):
            user_roles_set(actor=self.security, user=self.security, roles=[Role.ADMIN])

    def test_no_other_role_assigns_roles_even_a_superuser(self):
        for actor in (
            make_user("xitong", Role.SYSTEM_ADMIN, is_staff=True),
            make_user("shenji", Role.AUDIT_ADMIN),
            make_user("guanli", Role.ADMIN),
            make_user("root", is_superuser=True, is_staff=True),
        ):
            self.client.force_login(actor)
            url = reverse("accounts:roles_edit", args=[self.reporter.pk])
            assert self.client.post(url, {"roles": [Role.ADMIN]}).status_code == 403
            with pytest.raises(PermissionDenied):
                user_roles_set(actor=actor, user=actor, roles=[Role.SECURITY_ADMIN])
        assert set(self.reporter.groups.values_list("name", flat=True)) == {Role.REPORTER}
        assert not AuditEvent.objects.filter(action=AuditAction.ROLE_GRANT).exists()


class FirstSecurityAdminTests(TestCase):
    def test_the_command_makes_the_first_security_admin_and_refuses_a_second(self):
        import os

        os.environ["INITIAL_SECURITY_ADMIN_PASSWORD"] = PASSWORD
        try:
            call_command("create_security_admin", "anquan", "--password-from-env")
            user = User.objects.get(username="anquan")
            assert (
                user.has_role(Role.SECURITY_ADMIN) and not user.is_superuser and user.check_password(PASSWORD)
            )
            assert AuditEvent.objects.filter(action=AuditAction.ROLE_GRANT, object_id=str(user.pk)).exists()
            with pytest.raises(CommandError, match="已有安全管理员"):
                call_command("create_security_admin", "anquan2", "--password-from-env")
        finally:
            del os.environ["INITIAL_SECURITY_ADMIN_PASSWORD"]


class SuperuserTests(TestCase):
    @override_settings(SUPERUSER_BYPASS=False)
    def test_without_the_bypass_a_superuser_holds_only_its_roles(self):
        root = make_user("root", is_superuser=True, is_staff=True)
        self.client.force_login(root)
        assert self.client.get(reverse("home")).status_code == 403
        assert self.client.get(reverse("admin:targets_unit_changelist")).status_code == 403
        assert not root.has_perm("accounts.change_user")

    def test_production_has_no_superuser_bypass_whatever_the_environment_says(self):
        code = "from django.conf import settings; print(settings.SUPERUSER_BYPASS)"
        import os

        env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "investtrack.settings",
            "SECRET_KEY": TEST_SECRET_KEY,
        }
        for debug, expected in (("false", "False"), ("true", "True")):
            out = subprocess.run(
                [sys.executable, "-c", f"import django; django.setup(); {code}"],
                env={**env, "DEBUG": debug, "SUPERUSER_BYPASS": "true"},
                capture_output=True,
                text=True,
                check=True,
            )
            assert out.stdout.strip() == expected
