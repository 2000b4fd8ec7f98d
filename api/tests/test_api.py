"""The open API as a unit's own system uses it: its month, its projects, its return, and every kind
of bad input answered 4xx in one JSON shape with nothing saved."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.cache import cache
from django.core.management import call_command
from django.test import Client
from django.utils import timezone

from accounts.roles import Role
from api import limits
from api.models import ApiToken
from api.services import api_token_create, api_token_revoke
from audit.models import AuditAction, AuditEvent, AuditResult
from projects.models import Project, ProjectReport
from reporting.choices import SubmissionStatus
from reporting.models import Submission
from reporting.tests.monthly_setup import MonthlyUnit
from tests.factories import UnitFactory, UserFactory

pytestmark = pytest.mark.django_db

NEW_CODE = "2022-410171-36-01-900123"


@pytest.fixture(autouse=True)
def _fresh_throttle():
    cache.clear()


def client_for(user, **token) -> Client:
    secret = api_token_create(user=user, actor=None, **token).secret
    return Client(HTTP_AUTHORIZATION=f"Bearer {secret}")


def month_url(unit, month: int = 10) -> str:
    return f"/api/v1/units/{unit.pk}/months/2022/{month}/reports/"


def put_month(client: Client, unit, body: dict, month: int = 10):
    return client.put(month_url(unit, month), body, content_type="application/json")


def month_body(client: Client, unit, *, amount: str = "800", submit: bool = False) -> dict:
    month = client.get(month_url(unit)).json()
    entries = [
        {
            "project_code": line["project_code"],
            "amount": amount,
            "progress": "主体施工",
            "version": line["version"],
        }
        for line in month["lines"]
    ]
    return {"submission_version": month["submission_version"], "entries": entries, "submit": submit}


def error_of(response) -> dict:
    body = response.json()
    assert set(body) == {"error"}, body
    assert set(body["error"]) == {"status", "code", "message", "errors"}
    return body["error"]


class TestTheMonth:
    def test_a_unit_sends_its_whole_month_and_sees_it_with_the_derived_ytd(self):
        unit = MonthlyUnit(projects=2)
        client = client_for(unit.reporter)
        response = put_month(client, unit.unit, month_body(client, unit.unit, submit=True))
        assert response.status_code == 200, response.json()
        assert response.json()["changed"] == 2
        assert response.json()["submission"]["status"] == SubmissionStatus.SUBMITTED
        lines = client.get(month_url(unit.unit)).json()["lines"]
        assert [(line["amount"], line["ytd"], line["version"]) for line in lines] == [
            ("800.00", "9800.00", 1)
        ] * 2
        assert ProjectReport.objects.filter(month=10, updated_by=unit.reporter).count() == 2

    def test_sending_the_same_month_again_changes_nothing_and_answers_the_same(self):
        unit = MonthlyUnit(projects=2)
        client = client_for(unit.reporter)
        body = month_body(client, unit.unit, submit=True)
        first = put_month(client, unit.unit, body)
        again = put_month(client, unit.unit, body)
        assert (first.status_code, again.status_code) == (200, 200)
        assert again.json()["changed"] == 0
        assert again.json()["submission"] == first.json()["submission"]
        assert ProjectReport.history.filter(month=10).count() == 2

    def test_the_grids_rules_refuse_the_whole_month_naming_row_and_field(self):
        unit = MonthlyUnit(projects=2)
        client = client_for(unit.reporter)
        body = month_body(client, unit.unit)
        body["entries"][1]["amount"] = "-5"
        response = put_month(client, unit.unit, body)
        assert response.status_code == 400
        error = error_of(response)
        assert error["errors"][0]["row"] == 2 and error["errors"][0]["field"] == "amount"
        assert "第2行" in error["errors"][0]["message"] and "不能为负数" in error["errors"][0]["message"]
        assert not ProjectReport.objects.filter(month=10).exists()

    def test_an_unusual_amount_waits_for_its_confirmation(self):
        unit = MonthlyUnit(projects=1)
        client = client_for(unit.reporter)
        body = month_body(client, unit.unit, amount="9000")
        refused = put_month(client, unit.unit, body)
        assert refused.status_code == 400 and "confirm" in error_of(refused)["errors"][0]["message"]
        body["entries"][0]["confirm"] = True
        assert put_month(client, unit.unit, body).status_code == 200

    def test_a_stale_version_is_a_conflict_and_saves_nothing(self):
        unit = MonthlyUnit(projects=1)
        client = client_for(unit.reporter)
        body = month_body(client, unit.unit)
        assert put_month(client, unit.unit, body).status_code == 200
        body["entries"][0]["amount"] = "700"
        response = put_month(client, unit.unit, body)
        assert response.status_code == 409 and error_of(response)["code"] == "stale_version"
        assert ProjectReport.objects.get(month=10).amount == Decimal("800")

    def test_a_locked_period_is_refused(self):
        unit = MonthlyUnit(projects=1)
        Submission.objects.create(unit=unit.unit, year=2022, month=10, status=SubmissionStatus.LOCKED)
        client = client_for(unit.reporter)
        response = put_month(client, unit.unit, month_body(client, unit.unit))
        assert response.status_code == 409
        assert "已锁定" in error_of(response)["message"]
        assert not ProjectReport.objects.filter(month=10).exists()

    @pytest.mark.parametrize(
        ("change", "field"),
        [
            ({"colour": "red"}, "colour"),
            ({"submission_version": "abc"}, "submission_version"),
            ({"entries": "not a list"}, "entries"),
        ],
    )
    def test_an_unknown_field_or_a_wrong_type_is_refused(self, change, field):
        unit = MonthlyUnit(projects=1)
        client = client_for(unit.reporter)
        response = put_month(client, unit.unit, month_body(client, unit.unit) | change)
        assert response.status_code == 400
        assert error_of(response)["errors"][0]["field"] == field
        assert not ProjectReport.objects.filter(month=10).exists()

    def test_a_wrong_type_in_a_line_names_its_row(self):
        unit = MonthlyUnit(projects=2)
        client = client_for(unit.reporter)
        body = month_body(client, unit.unit)
        body["entries"][1]["amount"] = "一百"
        error = error_of(put_month(client, unit.unit, body))
        assert (error["errors"][0]["row"], error["errors"][0]["field"]) == (2, "entries.amount")
        assert error["errors"][0]["message"].startswith("第2行「本月完成投资(万元)」")

    def test_another_units_project_code_is_refused(self):
        unit, other = MonthlyUnit(projects=1), MonthlyUnit(projects=1)
        client = client_for(unit.reporter)
        body = month_body(client, unit.unit)
        body["entries"][0]["project_code"] = other.projects[0].code
        response = put_month(client, unit.unit, body)
        assert response.status_code == 400
        assert "不是" in error_of(response)["errors"][0]["message"]
        assert not ProjectReport.objects.filter(month=10).exists()

    def test_another_units_month_is_refused(self):
        unit, other = MonthlyUnit(projects=1), MonthlyUnit(projects=1)
        client = client_for(unit.reporter)
        assert client.get(month_url(other.unit)).status_code == 403
        response = put_month(client, other.unit, month_body(client_for(other.reporter), other.unit))
        assert response.status_code == 403
        assert not ProjectReport.objects.filter(month=10).exists()

    def test_a_body_over_the_import_size_limit_is_refused(self, monkeypatch):
        unit = MonthlyUnit(projects=1)
        client = client_for(unit.reporter)
        body = month_body(client, unit.unit)
        monkeypatch.setattr(limits, "MAX_BODY_BYTES", 100)
        response = put_month(client, unit.unit, body)
        assert response.status_code == 413 and "上限" in error_of(response)["message"]
        assert not ProjectReport.objects.filter(month=10).exists()


class TestTheReturn:
    def test_the_return_moves_through_submit_approve_verify_and_back_with_a_reason(self):
        unit = MonthlyUnit(projects=1)
        reviewer = UserFactory(role=Role.REVIEWER)
        reporter, head, review = client_for(unit.reporter), client_for(unit.head), client_for(reviewer)
        assert put_month(reporter, unit.unit, month_body(reporter, unit.unit)).status_code == 200
        base = f"/api/v1/units/{unit.unit.pk}/months/2022/10/submission/"
        assert reporter.post(base + "submit/").json()["status"] == SubmissionStatus.SUBMITTED
        assert reporter.post(base + "approve/").status_code == 403
        assert head.post(base + "approve/").json()["status"] == SubmissionStatus.APPROVED
        assert review.post(base + "verify/").json()["status"] == SubmissionStatus.VERIFIED
        no_reason = review.post(base + "return/", {}, content_type="application/json")
        assert no_reason.status_code == 400 and error_of(no_reason)["errors"][0]["field"] == "reason"
        returned = review.post(base + "return/", {"reason": "数据有误"}, content_type="application/json")
        assert returned.json()["status"] == SubmissionStatus.DRAFT
        assert Submission.objects.get().events.latest("created_at").reason == "数据有误"

    def test_a_move_the_state_does_not_allow_is_a_conflict(self):
        unit = MonthlyUnit(projects=1)
        reviewer = client_for(UserFactory(role=Role.REVIEWER))
        reporter = client_for(unit.reporter)
        put_month(reporter, unit.unit, month_body(reporter, unit.unit))
        response = reviewer.post(f"/api/v1/units/{unit.unit.pk}/months/2022/10/submission/verify/")
        assert response.status_code == 409 and "不能审核" in error_of(response)["message"]


class TestProjects:
    def payload(self, unit, bureau, **changes) -> dict:
        return {
            "code": NEW_CODE,
            "name": "新建智能装备项目",
            "reporting_unit": unit.pk,
            "responsible_unit": bureau.pk,
            "field": "industry",
            "total_investment": "120000",
            "annual_plan": "30000",
        } | changes

    def test_a_unit_registers_its_project_by_its_code_and_changes_it(self):
        unit = MonthlyUnit(projects=0)
        bureau = UnitFactory(name="建设局")
        client = client_for(unit.reporter)
        created = client.post(
            "/api/v1/projects/", self.payload(unit.unit, bureau), content_type="application/json"
        )
        assert created.status_code == 201, created.json()
        assert created.json()["stage"] == "reserve" and created.json()["code_region"] == "current"
        changed = client.patch(
            f"/api/v1/projects/{NEW_CODE}/", {"company": "郑州某公司"}, content_type="application/json"
        )
        assert changed.json()["company"] == "郑州某公司"
        assert Project.objects.get(code=NEW_CODE).history.latest().history_change_reason == "接口"

    @pytest.mark.parametrize(
        ("code", "says"),
        [
            ("2022-X", "格式不正确"),
            ("2022-410102-36-01-000001", "不属于本辖区"),
            ("2022-410171-36-07-000001", "项目类型"),
        ],
    )
    def test_a_code_in_the_wrong_format_or_of_another_region_is_refused(self, code, says):
        unit = MonthlyUnit(projects=0)
        client = client_for(unit.reporter)
        payload = self.payload(unit.unit, UnitFactory(), code=code)
        response = client.post("/api/v1/projects/", payload, content_type="application/json")
        assert response.status_code == 400 and says in error_of(response)["message"]
        assert not Project.objects.filter(code=code).exists()

    def test_an_older_regions_code_is_accepted_and_listed_as_legacy(self):
        unit = MonthlyUnit(projects=0)
        client = client_for(unit.reporter)
        payload = self.payload(unit.unit, UnitFactory(), code="2016-410104-36-03-000321")
        assert client.post("/api/v1/projects/", payload, content_type="application/json").status_code == 201
        assert client.get("/api/v1/projects/2016-410104-36-03-000321/").json()["code_region"] == "legacy"

    def test_a_project_of_another_unit_cannot_be_created_read_or_changed(self):
        unit, other = MonthlyUnit(projects=0), MonthlyUnit(projects=1)
        client = client_for(unit.reporter)
        payload = self.payload(other.unit, UnitFactory())
        assert client.post("/api/v1/projects/", payload, content_type="application/json").status_code == 403
        code = other.projects[0].code
        assert client.get(f"/api/v1/projects/{code}/").status_code == 403
        patch = client.patch(f"/api/v1/projects/{code}/", {"name": "改名"}, content_type="application/json")
        assert patch.status_code == 403
        assert not Project.objects.filter(name="改名").exists()
        assert client.get("/api/v1/projects/").json()["results"] == []

    def test_an_existing_code_is_a_conflict(self):
        unit = MonthlyUnit(projects=1)
        client = client_for(unit.reporter)
        payload = self.payload(unit.unit, UnitFactory(), code=unit.projects[0].code)
        assert client.post("/api/v1/projects/", payload, content_type="application/json").status_code == 409

    def test_the_list_takes_the_project_list_pages_filters(self):
        unit = MonthlyUnit(projects=2)
        client = client_for(unit.reporter)
        codes = {
            p["code"] for p in client.get("/api/v1/projects/", {"stage": "construction"}).json()["results"]
        }
        assert codes == {project.code for project in unit.projects}
        assert client.get("/api/v1/projects/", {"stage": "reserve"}).json()["results"] == []
        assert (
            error_of(client.get("/api/v1/projects/", {"stage": "nonsense"}))["errors"][0]["field"] == "stage"
        )


class TestTokens:
    def test_the_command_prints_a_token_that_is_stored_only_as_a_hash(self, capsys):
        user = UserFactory(username="minghu_system", role=Role.REPORTER, unit=UnitFactory())
        call_command("create_api_token", "minghu_system", "--expires-days", "30")
        secret = capsys.readouterr().out.strip()
        token = ApiToken.objects.get(user=user)
        assert secret.startswith(token.prefix) and secret not in token.key_hash
        assert timedelta(days=29) < token.expires_at - timezone.now() <= timedelta(days=30)
        assert Client(HTTP_AUTHORIZATION=f"Bearer {secret}").get("/api/v1/units/").status_code == 200

    def test_an_expired_or_revoked_token_is_refused(self):
        user = UserFactory(role=Role.REPORTER, unit=UnitFactory())
        issued = api_token_create(
            user=user, actor=None, expires_days=1, now=timezone.now() - timedelta(days=2)
        )
        expired = Client(HTTP_AUTHORIZATION=f"Bearer {issued.secret}").get("/api/v1/units/")
        assert expired.status_code == 401 and "过期" in error_of(expired)["message"]
        live = api_token_create(user=user, actor=None)
        api_token_revoke(token=live.token, actor=UserFactory(role=Role.SECURITY_ADMIN))
        revoked = Client(HTTP_AUTHORIZATION=f"Bearer {live.secret}").get("/api/v1/units/")
        assert revoked.status_code == 401 and "吊销" in error_of(revoked)["message"]

    def test_each_use_is_audited_with_its_source_address(self):
        user = UserFactory(role=Role.REPORTER, unit=UnitFactory())
        client = client_for(user)
        client.get("/api/v1/units/", REMOTE_ADDR="10.1.2.3")
        event = AuditEvent.objects.get(action=AuditAction.API_CALL)
        assert (event.user, event.source_ip, event.result) == (user, "10.1.2.3", AuditResult.SUCCESS)
        assert event.object_type == "api.ApiToken" and event.detail["path"] == "/api/v1/units/"

    def test_a_security_role_holds_no_business_data_through_a_token(self):
        client = client_for(UserFactory(role=Role.SECURITY_ADMIN))
        assert client.get("/api/v1/projects/").status_code == 403

    def test_the_security_admin_lists_and_revokes_tokens_on_a_page(self):
        security = UserFactory(role=Role.SECURITY_ADMIN)
        issued = api_token_create(user=UserFactory(role=Role.REPORTER, unit=UnitFactory()), actor=None)
        page = Client()
        page.force_login(security)
        assert issued.token.prefix in page.get("/api/tokens/").content.decode()
        assert page.post(f"/api/tokens/{issued.token.pk}/revoke/").status_code == 302
        issued.token.refresh_from_db()
        assert issued.token.revoked_by == security
        assert AuditEvent.objects.filter(action=AuditAction.API_TOKEN_REVOKE).exists()

    def test_calls_beyond_the_tokens_rate_are_throttled(self, monkeypatch):
        monkeypatch.setattr(limits.TokenRateThrottle, "THROTTLE_RATES", {"token": "3/min"})
        user = UserFactory(role=Role.REPORTER, unit=UnitFactory())
        client, other = client_for(user), client_for(user)
        statuses = [client.get("/api/v1/units/").status_code for _ in range(4)]
        assert statuses == [200, 200, 200, 429]
        assert other.get("/api/v1/units/").status_code == 200


def test_the_contract_and_its_docs_are_served_by_the_product_itself():
    user = UserFactory(role=Role.REPORTER, unit=UnitFactory())
    client = client_for(user)
    schema = client.get("/api/schema/", {"format": "json"})
    assert schema.status_code == 200 and schema.json()["openapi"].startswith("3.")
    assert "/api/v1/units/{unit_id}/months/{year}/{month}/reports/" in schema.json()["paths"]
    page = Client()
    page.force_login(user)
    docs = page.get("/api/docs/").content.decode()
    assert "drf_spectacular_sidecar" in docs and "//cdn" not in docs and "unpkg" not in docs


# Each write endpoint and the roles that may use it on 明湖's data (the month grid's and the pages' rules).
WRITES = {
    "create a project": ({Role.REPORTER, Role.UNIT_HEAD, Role.ADMIN}, "post", "/api/v1/projects/"),
    "change a project": ({Role.REPORTER, Role.UNIT_HEAD, Role.ADMIN}, "patch", "/api/v1/projects/{code}/"),
    "save the month": ({Role.REPORTER, Role.UNIT_HEAD, Role.ADMIN}, "put", "{month}reports/"),
    "submit": ({Role.REPORTER, Role.UNIT_HEAD, Role.ADMIN}, "post", "{month}submission/submit/"),
    "approve": ({Role.UNIT_HEAD}, "post", "{month}submission/approve/"),
    "verify": ({Role.REVIEWER}, "post", "{month}submission/verify/"),
    "return": ({Role.UNIT_HEAD, Role.REVIEWER}, "post", "{month}submission/return/"),
    "enter figures": ({Role.REVIEWER, Role.ADMIN}, "put", "/api/v1/figures/2022/10/"),
}


@pytest.mark.parametrize("action", list(WRITES))
@pytest.mark.parametrize(
    "role",
    [
        Role.REPORTER,
        Role.UNIT_HEAD,
        Role.REVIEWER,
        Role.ADMIN,
        Role.LEADER,
        Role.SECURITY_ADMIN,
        Role.AUDIT_ADMIN,
    ],
)
def test_each_write_is_refused_to_the_roles_the_pages_refuse(action, role):
    """A refused role gets 403 before its body is even read; an allowed one gets past the role check
    (its empty body then fails validation or the state's rules, never with 403)."""
    unit = MonthlyUnit(projects=1)
    Submission.objects.create(unit=unit.unit, year=2022, month=10)
    allowed, method, path = WRITES[action]
    user = UserFactory(role=role, unit=unit.unit if role in (Role.REPORTER, Role.UNIT_HEAD) else None)
    url = path.format(code=unit.projects[0].code, month=f"/api/v1/units/{unit.unit.pk}/months/2022/10/")
    status = getattr(client_for(user), method)(url, {}, content_type="application/json").status_code
    assert (status != 403) == (role in allowed), status
