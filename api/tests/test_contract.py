"""The contract: Schemathesis generates calls from the live /api/schema/ and sends them to the product
as a 填报员, a 统计审核 and a 管理员 of the demo jurisdiction.

No call may answer a server error or a response the schema does not describe (status, content
type, body), and no call of 明湖办事处's 填报员 may show another unit's data. Path parameters are
drawn from real objects as well as generated ones (明湖's and 潮河's units, projects and months), so the
calls reach data rather than only 404s. The examples per operation are bounded to keep the run short.
"""

from __future__ import annotations

import schemathesis
from django.core.cache import cache
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from accounts.models import User
from api.services import api_token_create
from projects.models import Project
from targets.models import Unit
from tests.base import DemoTestCase

EXAMPLES_PER_OPERATION = 6
# Published rankings, assessments and 通报 go to every unit, and a ranking group lists its members:
# these may name other units to anyone.
PUBLISHED_TO_EVERY_UNIT = ("/api/v1/rankings/", "/api/v1/assessments/", "/api/v1/ranking-groups/")
UNIT_KEYS = ("unit", "reporting_unit")


def unit_ids_in(data) -> set[int]:
    """Every unit id a JSON answer names under a key that means "whose data this is"."""
    found: set[int] = set()
    if isinstance(data, dict):
        for key, value in data.items():
            if key in UNIT_KEYS and isinstance(value, int):
                found.add(value)
            else:
                found |= unit_ids_in(value)
    elif isinstance(data, list):
        for item in data:
            found |= unit_ids_in(item)
    return found


class ContractTests(DemoTestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.own = Unit.objects.get(name="明湖办事处")
        cls.other = Unit.objects.get(name="潮河办事处")
        cls.tokens = {
            name: api_token_create(user=User.objects.get(username=name), actor=None).secret
            for name in ("minghu_reporter", "reviewer", "admin")
        }
        cls.codes = [
            Project.objects.filter(reporting_unit=unit).order_by("pk").values_list("code", flat=True).first()
            for unit in (cls.own, cls.other)
        ]

    def setUp(self) -> None:
        # The WSGI calls run in this test's transaction: Django's own test client does the same.
        request_started.disconnect(close_old_connections)
        request_finished.disconnect(close_old_connections)
        self.addCleanup(request_started.connect, close_old_connections)
        self.addCleanup(request_finished.connect, close_old_connections)
        cache.clear()

    def schema(self):
        from investtrack.wsgi import application

        headers = {"Authorization": f"Bearer {self.tokens['admin']}"}
        return schemathesis.openapi.from_wsgi("/api/schema/?format=json", application, headers=headers)

    def real_parameters(self):
        return st.fixed_dictionaries(
            {
                "unit_id": st.sampled_from([self.own.pk, self.other.pk]),
                "code": st.sampled_from(self.codes),
                "year": st.just(2022),
                "month": st.sampled_from([9, 10]),
                "kind": st.sampled_from(["workbook", "document"]),
            }
        )

    def run_operation(self, operation, username: str, problems: list[str]) -> None:
        token = self.tokens[username]
        names = {parameter.name for parameter in operation.path_parameters}

        @settings(
            max_examples=EXAMPLES_PER_OPERATION,
            deadline=None,
            database=None,
            suppress_health_check=list(HealthCheck),
        )
        @given(case=operation.as_strategy(), real=self.real_parameters(), use_real=st.booleans())
        def check(case, real, use_real):
            if use_real and names:
                case.path_parameters = {**(case.path_parameters or {}), **{k: real[k] for k in names}}
            response = case.call_and_validate(
                headers={"Authorization": f"Bearer {token}"},
                checks=[
                    not_a_server_error,
                    status_code_conformance,
                    content_type_conformance,
                    response_schema_conformance,
                ],
            )
            if username == "minghu_reporter" and response.status_code < 300:
                self.check_own_unit_only(operation.path, case, response, problems)

        check()

    def check_own_unit_only(self, path: str, case, response, problems: list[str]) -> None:
        content_type = response.headers.get("content-type") or response.headers.get("Content-Type") or ""
        if path.startswith(PUBLISHED_TO_EVERY_UNIT) or "json" not in str(content_type):
            return
        named = unit_ids_in(response.json()) | (
            {case.path_parameters["unit_id"]} if "unit_id" in (case.path_parameters or {}) else set()
        )
        if named - {self.own.pk}:
            problems.append(
                f"{case.method} {case.formatted_path} showed units {sorted(named)} to 明湖's 填报员"
            )

    def test_the_live_schema_holds_for_a_reporter_a_reviewer_and_an_admin(self):
        schema = self.schema()
        operations = [result.ok() for result in schema.get_all_operations()]
        assert len(operations) >= 20
        problems: list[str] = []
        for username in self.tokens:
            for operation in operations:
                self.run_operation(operation, username, problems)
        assert not problems, "\n".join(problems)
