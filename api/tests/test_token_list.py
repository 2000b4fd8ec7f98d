"""接口令牌 as a declared list: the state and user filters, and a page that reads the same number of
queries however many tokens there are."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts.roles import Role
from api.services import api_token_create, api_token_revoke
from tests.factories import UnitFactory, UserFactory

pytestmark = pytest.mark.django_db


def page_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def listed(client: Client, **query) -> list[str]:
    table = client.get(reverse("api:tokens"), query).context["table"]
    return [row.record.prefix for row in table.rows]


def test_the_state_filter_tells_live_expired_and_revoked_tokens_apart():
    security = UserFactory(role=Role.SECURITY_ADMIN)
    holder = UserFactory(role=Role.REPORTER, unit=UnitFactory(), username="tianbao")
    live = api_token_create(user=holder, actor=None).token
    expired = api_token_create(
        user=holder, actor=None, expires_days=1, now=timezone.now() - timedelta(days=2)
    ).token
    revoked = api_token_create(user=UserFactory(role=Role.REPORTER, unit=UnitFactory()), actor=None).token
    api_token_revoke(token=revoked, actor=security)
    client = page_for(security)
    assert listed(client, state="valid") == [live.prefix]
    assert listed(client, state="expired") == [expired.prefix]
    assert listed(client, state="revoked") == [revoked.prefix]
    assert sorted(listed(client, q="tianbao")) == sorted([live.prefix, expired.prefix])
    html = client.get(reverse("api:tokens"), {"state": "revoked"}).content.decode()
    assert "已吊销（" in html and security.username in html
    assert reverse("api:token_revoke", args=[revoked.pk]) not in html


def test_the_page_reads_the_same_number_of_queries_however_many_tokens(django_assert_num_queries):
    security = UserFactory(role=Role.SECURITY_ADMIN)
    client = page_for(security)
    api_token_create(user=UserFactory(role=Role.REPORTER, unit=UnitFactory()), actor=None)
    client.get(reverse("api:tokens"))
    # session, user, roles, the tokens' count (the paginator), the clock, the unread notices, the
    # tokens with their use; the session's save (3)
    with django_assert_num_queries(10):
        client.get(reverse("api:tokens"))
    for _ in range(4):
        api_token_create(user=UserFactory(role=Role.REPORTER, unit=UnitFactory()), actor=None)
    with django_assert_num_queries(10):
        client.get(reverse("api:tokens"))
