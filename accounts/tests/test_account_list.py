"""角色分配 as a declared list: the search finds accounts by username or family name, and the page
reads the same number of queries however many accounts there are."""

from django.contrib.auth.models import Group
from django.test import TestCase
from django.urls import reverse

from accounts.models import User
from accounts.roles import Role

PASSWORD = "Xq7#mnbTr2"


def make_user(username: str, *roles: Role, **fields) -> User:
    user = User.objects.create_user(username, password=PASSWORD, **fields)
    user.groups.add(*Group.objects.filter(name__in=roles))
    return user


class AccountListTests(TestCase):
    def setUp(self):
        self.security = make_user("anquan", Role.SECURITY_ADMIN, is_staff=True)
        self.client.force_login(self.security)

    def listed(self, **query) -> list[str]:
        table = self.client.get(reverse("accounts:roles"), query).context["table"]
        return [row.record.username for row in table.rows]

    def test_the_search_finds_accounts_by_username_or_family_name(self):
        make_user("tianbao", Role.REPORTER, last_name="王")
        make_user("shenhe", Role.REVIEWER, last_name="李")
        assert self.listed() == ["anquan", "shenhe", "tianbao"]
        assert self.listed(q="tian") == ["tianbao"]
        assert self.listed(q="李") == ["shenhe"]

    def test_each_line_names_its_roles_and_offers_no_change_to_ones_own(self):
        reporter = make_user("tianbao", Role.REPORTER, Role.UNIT_HEAD)
        html = self.client.get(reverse("accounts:roles")).content.decode()
        assert reverse("accounts:roles_edit", args=[reporter.pk]) in html
        assert reverse("accounts:roles_edit", args=[self.security.pk]) not in html
        table = self.client.get(reverse("accounts:roles"), {"q": "tianbao"}).context["table"]
        assert set(next(iter(table.rows)).get_cell("roles").split("、")) == {Role.REPORTER, Role.UNIT_HEAD}

    def test_the_page_reads_the_same_number_of_queries_however_many_accounts(self):
        url = reverse("accounts:roles")
        make_user("user0", Role.REPORTER)
        self.client.get(url)
        # session, user, roles, the accounts' count (the paginator), the clock, the unread notices,
        # the accounts, their roles; the session's save (3)
        with self.assertNumQueries(11):
            self.client.get(url)
        for number in range(1, 6):
            make_user(f"user{number}", Role.REPORTER, Role.LEADER)
        with self.assertNumQueries(11):
            self.client.get(url)
