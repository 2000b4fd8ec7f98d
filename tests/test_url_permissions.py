"""Every URL checks on the server who may use it (DESIGN.md, "Who does what").

The walker reads the whole URL configuration (every app's urls and their include()s; only /admin/,
which Django's admin guards itself, is left out), so a URL added anywhere is walked without being
listed here. For each URL it builds the kwargs from demo objects of 明湖办事处 and checks that

- its view declares an access policy (one of the decorators of ``accounts.permissions``);
- an anonymous visitor is sent to the login page, for GET and for POST (a GET of a POST-only
  action may answer 405 instead);
- the users of another unit (潮河办事处's 填报员 and 单位负责人) get 403 or 404 for every URL
  that names 明湖's data, for GET (or 405 for a POST-only action) and for POST, and their POST
  changes nothing in the database;
- 明湖's own users are not refused (no 403) a page their role may use;
- no user of any role ever gets a server error from a GET.

The API (``/api/``) is walked by the same tests: there each user calls with their own API token
(``Authorization: Bearer``), an anonymous call is answered 401 instead of a redirect to the login
page, and every write method an endpoint accepts (POST, PUT, PATCH, as JSON) is tried, not only POST.

A URL whose kwarg the walker does not know fails with a message saying where to teach it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from unittest import mock

from django.contrib.auth.models import Group
from django.db import connection
from django.test import override_settings
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from accounts.models import User
from accounts.permissions import has_any_role
from accounts.roles import BUSINESS_ROLES, Role
from api.models import ApiToken
from api.services import api_token_create, token_hash
from audit.models import AuditEvent
from common.pdf import docx_to_pdf
from projects.choices import ProblemCategory, Stage
from projects.models import Problem, Project, ProjectReport
from projects.services.photos import photo_add
from projects.tests import images
from reporting.models import Escalation, Forecast, Notification, OfficialFigure, RankingScheme, Submission
from reporting.models.exports import Export, ExportKind
from targets.models import PlanYear, Target, Unit
from tests.base import DemoTestCase

OWN_UNIT = "明湖办事处"
OTHER_UNIT = "潮河办事处"
YEAR, MONTH = 2022, 9  # a month 明湖 has returned, so every action URL finds its return
# A GET on a POST-only action may answer 405: it shows nothing and does nothing. A POST must be
# refused by the permission check itself.
NOT_ALLOWED = 405


@dataclass(frozen=True)
class Kwarg:
    """How to fill a URL kwarg with a demo object, and whether that object is 明湖's own data.

    ``owners`` narrows 明湖's users who must be served to those named (an object that belongs to
    one person, such as their own export, rather than to the whole unit).
    """

    value: Callable[[type[UrlPermissionTests]], object]
    owned: bool
    owners: tuple[str, ...] | None = None


KWARGS: dict[str, Kwarg] = {
    "unit_id": Kwarg(lambda t: t.unit.pk, owned=True),
    "project_id": Kwarg(lambda t: t.project.pk, owned=True),
    "report_id": Kwarg(lambda t: t.report.pk, owned=True),
    "problem_id": Kwarg(lambda t: t.problem.pk, owned=True),
    "photo_id": Kwarg(lambda t: t.photo.pk, owned=True),
    "submission_id": Kwarg(lambda t: t.submission.pk, owned=True),
    "figure_id": Kwarg(lambda t: t.figure.pk, owned=True),
    "forecast_id": Kwarg(lambda t: t.forecast.pk, owned=True),
    "target_id": Kwarg(lambda t: t.target.pk, owned=True),
    "escalation_id": Kwarg(lambda t: t.escalation.pk, owned=True),
    "export_id": Kwarg(lambda t: t.export.pk, owned=True, owners=("minghu_reporter",)),
    "table_id": Kwarg(lambda t: t.table.pk, owned=False),
    "plan_year_id": Kwarg(lambda t: t.plan_year.pk, owned=False),
    "year": Kwarg(lambda t: YEAR, owned=False),
    "month": Kwarg(lambda t: MONTH, owned=False),
    # An account whose roles the 安全管理员 assigns: no unit's data.
    "account_id": Kwarg(lambda t: t.own_users[0].pk, owned=False),
    "code": Kwarg(lambda t: t.project.code, owned=True),
    "kind": Kwarg(lambda t: "workbook", owned=False),
    "token_id": Kwarg(lambda t: t.token.pk, owned=False),
    # A notice belongs to one person: only its receiver may open it.
    "notification_id": Kwarg(lambda t: t.notification.pk, owned=True, owners=("minghu_reporter",)),
}


def is_api(route: Route) -> bool:
    return route.route.startswith("api/")


def write_methods(route: Route) -> list[str]:
    """The methods that change something: POST for a page; for an API endpoint, each it accepts."""
    view_class = getattr(route.view, "cls", None)
    if not is_api(route) or view_class is None:
        return ["post"]
    return [method for method in ("post", "put", "patch") if hasattr(view_class, method)] or ["post"]


def write(client, route: Route, url: str, method: str):
    if is_api(route):
        return getattr(client, method)(url, {"reason": "测试"}, content_type="application/json")
    return client.post(url, {"reason": "测试"})


@dataclass(frozen=True)
class Route:
    name: str | None
    route: str
    view: Callable
    kwargs: tuple[str, ...]


def walk(
    patterns=None, *, namespace: str = "", route: str = "", kwargs: tuple[str, ...] = ()
) -> Iterator[Route]:
    """Every URL pattern below ``patterns`` with its full name, route and kwarg names."""
    for pattern in get_resolver().url_patterns if patterns is None else patterns:
        names = tuple(getattr(pattern.pattern, "converters", {})) or tuple(pattern.pattern.regex.groupindex)
        full_route = route + str(pattern.pattern)
        if isinstance(pattern, URLResolver):
            if full_route.startswith("admin/"):
                continue
            inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            yield from walk(pattern.url_patterns, namespace=inner, route=full_route, kwargs=kwargs + names)
        elif isinstance(pattern, URLPattern):
            name = f"{namespace}{pattern.name}" if pattern.name else None
            yield Route(name, full_route, pattern.callback, kwargs + names)


def admits(policy: str, user: User) -> bool:
    """Whether a view's declared policy lets ``user`` in at all (before any unit check)."""
    if policy in ("public", "authenticated"):
        return True
    if policy == "unit-scoped":
        return has_any_role(user, BUSINESS_ROLES)
    roles = policy.removeprefix("roles:").split(",")
    return has_any_role(user, [Role(role) for role in roles])


def changes_so_far() -> int:
    """Rows inserted, updated or deleted so far on this connection (inside the test's transaction),
    not counting the security audit log, which records every refusal by design."""
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("SELECT total_changes()")
        elif connection.vendor == "postgresql":
            cursor.execute(
                "SELECT coalesce(sum(n_tup_ins + n_tup_upd + n_tup_del), 0) FROM pg_stat_xact_user_tables"
            )
        else:
            raise AssertionError(f"teach changes_so_far() to count changes on {connection.vendor}")
        return cursor.fetchone()[0] - AuditEvent.objects.count()


# Sessions in signed cookies, so that a request writes nothing to the database by itself and any
# change the counter sees is the view's.
@override_settings(SESSION_ENGINE="django.contrib.sessions.backends.signed_cookies")
class UrlPermissionTests(DemoTestCase):
    @classmethod
    def setUpClass(cls) -> None:
        super().setUpClass()
        # Every user opens the published 通报's PDF: LibreOffice prints the same Word file each time,
        # so it does so once for the class and the later requests get its PDF (the view runs in full).
        printed: dict[bytes, bytes] = {}

        def docx_to_pdf_once(data: bytes) -> bytes:
            if data not in printed:
                printed[data] = docx_to_pdf(data)
            return printed[data]

        patcher = mock.patch("reporting.views.bulletins.docx_to_pdf", docx_to_pdf_once)
        patcher.start()
        cls.addClassCleanup(patcher.stop)

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.unit = Unit.objects.get(name=OWN_UNIT)
        other = Unit.objects.get(name=OTHER_UNIT)
        cls.own_users = [User.objects.get(username=name) for name in ("minghu_reporter", "minghu_head")]
        other_head, created = User.objects.get_or_create(username="chaohe_head", defaults={"unit": other})
        if created:
            other_head.groups.add(Group.objects.get(name=Role.UNIT_HEAD))
        cls.other_users = [User.objects.get(username="chaohe_reporter"), other_head]
        cls.readers = [
            User.objects.get(username=name) for name in ("admin", "reviewer", "leader", "jianshe_reporter")
        ]
        cls.project = (
            Project.objects.filter(reporting_unit=cls.unit, stage=Stage.UNDER_CONSTRUCTION)
            .exclude(steward__unit=other)
            .order_by("pk")
            .first()
        )
        cls.report = ProjectReport.objects.filter(project=cls.project).order_by("pk").first()
        cls.problem = Problem.objects.create(
            project=cls.project,
            category=ProblemCategory.LAND,
            description="用地指标未落实",
            owner_unit=cls.project.responsible_unit,
            deadline="2022-12-31",
        )
        cls.photo = photo_add(
            project=cls.project, data=images.jpeg(position=(34.7, 113.6)), actor=cls.own_users[0]
        )
        cls.submission = Submission.objects.get(unit=cls.unit, year=YEAR, month=MONTH)
        cls.figure = OfficialFigure.objects.get(unit=cls.unit, year=YEAR, month=MONTH)
        cls.forecast = Forecast.objects.create(
            unit=cls.unit, year=YEAR, month=MONTH + 1, expected_investment=1
        )
        cls.plan_year = PlanYear.objects.get(year=YEAR)
        cls.target = Target.objects.filter(unit=cls.unit, table__plan_year=cls.plan_year).first()
        cls.table = cls.target.table
        cls.escalation = Escalation.objects.create(
            scheme=RankingScheme.objects.filter(group__units=cls.unit).first(),
            unit=cls.unit,
            year=YEAR,
            month=MONTH,
            level=1,
            consecutive_bottom=1,
            action="通报批评",
        )
        cls.export = Export.objects.create(kind=ExportKind.PROJECT_LEDGER, requested_by=cls.own_users[0])
        cls.notification = Notification.objects.create(
            user=cls.own_users[0],
            unit=cls.unit,
            key="url-walk",
            title="明湖办事处2022年9月报送已审核",
            link=reverse("reporting:month", args=[cls.unit.pk, YEAR, MONTH]),
        )
        cls.tokens = {
            user.pk: api_token_create(user=user, actor=None).secret
            for user in [*cls.own_users, *cls.other_users, *cls.readers]
        }
        cls.token = ApiToken.objects.get(key_hash=token_hash(cls.tokens[cls.own_users[0].pk]))

    def log_in(self, user: User) -> None:
        """A session for the pages and the user's own token for the API."""
        self.client.force_login(user)
        self.client.defaults["HTTP_AUTHORIZATION"] = f"Bearer {self.tokens[user.pk]}"

    @staticmethod
    def served_to(route: Route, user: User) -> bool:
        """Whether 明湖's ``user`` must be served this URL: their role may use it, and it is theirs."""
        owners = [KWARGS[name].owners for name in route.kwargs if KWARGS[name].owners is not None]
        return admits(route.view.access_policy, user) and all(user.username in names for names in owners)

    def routes(self) -> list[tuple[Route, str, bool]]:
        """(route, its URL filled with 明湖's objects, whether it names 明湖's data)."""
        unknown = sorted({(r.route, k) for r in walk() for k in r.kwargs if k not in KWARGS})
        assert not unknown, (
            "The URL walker does not know these URL kwargs: "
            + "; ".join(f"{kwarg} in {route}" for route, kwarg in unknown)
            + ". Add each to KWARGS in tests/test_url_permissions.py: how to get a demo object of "
            "明湖办事处 for it, and whether it is 明湖's own data."
        )
        unnamed = [r.route for r in walk() if r.name is None]
        assert not unnamed, f"Give these URLs a name so the walker can build them: {unnamed}"
        built = []
        for route in walk():
            kwargs = {name: KWARGS[name].value(self) for name in route.kwargs}
            owned = any(KWARGS[name].owned for name in route.kwargs)
            built.append((route, reverse(route.name, kwargs=kwargs), owned))
        return built

    def test_the_walker_reaches_the_urls_of_every_app(self):
        names = {route.name for route, _url, _owned in self.routes()}
        for expected in (
            "home",
            "login",
            "reporting:month",
            "reporting:month_rows",
            "reporting:import_reports",
            "reporting:project_history",
            "api:month_reports",
            "api:project",
            "projects:photo_master",
            "stewards:home",
            "stewards:record_month",
            "reporting:notification_open",
        ):
            assert expected in names
        assert {name.split(":")[0] for name in names if ":" in name} >= {"reporting"}
        assert not any(url.startswith("/admin/") for _route, url, _owned in self.routes())

    def test_every_view_declares_who_may_use_it(self):
        missing = [
            route.name for route, _url, _owned in self.routes() if not hasattr(route.view, "access_policy")
        ]
        assert not missing, (
            f"These views have no access policy: {missing}. Wrap each in a decorator of "
            "accounts.permissions (roles_required, unit_member_view, authenticated_view, public_view)."
        )

    def test_an_anonymous_visitor_is_sent_to_log_in(self):
        problems = []
        for route, url, _owned in self.routes():
            if route.view.access_policy == "public":
                continue
            for method in ("get", *write_methods(route)):
                response = getattr(self.client, method)(url)
                if response.status_code == NOT_ALLOWED and method == "get":
                    continue
                if is_api(route) and response.status_code == 401:
                    continue
                if response.status_code != 302 or not response.url.startswith(reverse("login")):
                    problems.append(f"{method.upper()} {url} ({route.name}): {response.status_code}")
        assert not problems, "Anonymous visitors reached these URLs:\n" + "\n".join(problems)

    def test_another_units_users_get_403_or_404_for_every_url_of_its_data_and_change_nothing(self):
        routes = self.routes()
        assert any(owned for _route, _url, owned in routes), "the walker found no URL naming a unit's data"
        problems = []
        for user in self.other_users:
            self.log_in(user)
            for route, url, owned in routes:
                where = f"{url} ({route.name}) as {user.username}"
                status = self.client.get(url).status_code
                if not owned:
                    if status >= 500:
                        problems.append(f"GET {where}: server error {status}")
                    continue
                if status not in (403, 404, NOT_ALLOWED):
                    problems.append(f"GET {where}: {status}, expected 403 or 404")
                for method in write_methods(route):
                    before = changes_so_far()
                    status = write(self.client, route, url, method).status_code
                    # An API endpoint with no write method at all answers a POST 405: it changes nothing.
                    unwritable = is_api(route) and not hasattr(getattr(route.view, "cls", None), method)
                    refused = (403, 404, NOT_ALLOWED) if unwritable else (403, 404)
                    if status not in refused:
                        problems.append(f"{method.upper()} {where}: {status}, expected 403 or 404")
                    if changes_so_far() != before:
                        problems.append(f"{method.upper()} {where} changed the database")
        assert not problems, f"{OTHER_UNIT}'s users reached {OWN_UNIT}'s data:\n" + "\n".join(problems)

    def test_the_units_own_users_and_the_other_roles_are_served_without_refusal_or_error(self):
        problems = []
        for user in [*self.own_users, *self.readers]:
            self.log_in(user)
            for route, url, owned in self.routes():
                status = self.client.get(url).status_code
                where = f"GET {url} ({route.name}) as {user.username}"
                if status >= 500:
                    problems.append(f"{where}: server error {status}")
                elif status == 403 and owned and user in self.own_users and self.served_to(route, user):
                    problems.append(f"{where}: refused to the unit's own user")
        assert not problems, "\n".join(problems)

    def test_the_change_counter_sees_a_write(self):
        before = changes_so_far()
        Forecast.objects.filter(pk=self.forecast.pk).update(note="核对")
        assert changes_so_far() == before + 1
