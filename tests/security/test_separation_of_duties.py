"""三权分立: 系统管理员, 安全管理员 and 审计管理员 administer the system and never reach its data;
business users never reach the audit log or the security settings."""

from django.contrib.auth.models import Group
from django.urls import reverse

from accounts.models import User
from accounts.roles import SECURITY_ROLES, Role
from api.services import api_token_create
from tests import test_url_permissions as walker

OWN_PAGES = {
    Role.SYSTEM_ADMIN: set(),
    Role.SECURITY_ADMIN: {
        "accounts:security",
        "accounts:security_export",
        "accounts:unlock",
        "accounts:roles",
        "accounts:roles_edit",
        "api:tokens",
        "api:token_revoke",
    },
    Role.AUDIT_ADMIN: {"audit:log", "audit:export"},
}


def make_user(role: Role) -> User:
    user = User.objects.create_user(f"user_{Role(role).name.lower()}", password="Xq7#mnbTr2", is_staff=True)
    user.groups.add(Group.objects.get(name=role))
    return user


class WalkerDemo(walker.UrlPermissionTests):
    """The URL walker's routes and demo objects, without re-running the walker's own tests."""

    test_the_walker_reaches_the_urls_of_every_app = None
    test_every_view_declares_who_may_use_it = None
    test_an_anonymous_visitor_is_sent_to_log_in = None
    test_another_units_users_get_403_or_404_for_every_url_of_its_data_and_change_nothing = None
    test_the_units_own_users_and_the_other_roles_are_served_without_refusal_or_error = None
    test_the_change_counter_sees_a_write = None


class SeparationOfDutiesTests(WalkerDemo):
    def test_each_administrative_role_is_refused_every_business_page_and_served_its_own(self):
        problems = []
        routes = self.routes()
        for role in SECURITY_ROLES:
            user = make_user(role)
            self.tokens[user.pk] = api_token_create(user=user, actor=None).secret
            self.log_in(user)  # a session for the pages, a token for the API
            for route, url, _owned in routes:
                if route.view.access_policy in ("public", "authenticated"):
                    continue  # logging in and out, one's own password and notifications
                status = self.client.get(url).status_code
                where = f"GET {url} ({route.name}) as {role}"
                if route.name in OWN_PAGES[role]:
                    if status not in (200, 405):
                        problems.append(f"{where}: {status}, expected to be served")
                elif status not in (403, 404, 405):
                    problems.append(f"{where}: {status}, expected 403")
        assert not problems, "\n".join(problems)

    def test_business_users_even_a_superuser_are_refused_the_audit_log_and_the_security_page(self):
        names = ["audit:log", "audit:export", "accounts:security", "accounts:security_export"]
        for user in [*self.own_users, *self.other_users, *self.readers]:
            self.client.force_login(user)
            for name in names:
                assert self.client.get(reverse(name)).status_code == 403, (user.username, name)
            assert self.client.post(reverse("accounts:unlock"), {"username": "x"}).status_code == 403


class SystemAdminTests(WalkerDemo):
    def test_the_system_admin_manages_users_and_roles_in_the_admin_and_nothing_else(self):
        self.client.force_login(make_user(Role.SYSTEM_ADMIN))
        assert self.client.get(reverse("admin:accounts_user_changelist")).status_code == 200
        assert self.client.get(reverse("admin:auth_group_changelist")).status_code == 200
        index = self.client.get(reverse("admin:index")).content.decode()
        assert "用户" in index
        assert self.client.get(reverse("admin:targets_unit_changelist")).status_code == 403

    def test_the_system_admin_cannot_make_anyone_a_superuser(self):
        admin_user = make_user(Role.SYSTEM_ADMIN)
        self.client.force_login(admin_user)
        page = self.client.get(reverse("admin:accounts_user_change", args=[admin_user.pk])).content.decode()
        assert 'name="is_superuser"' not in page
