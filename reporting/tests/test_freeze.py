"""Rule 9 in its one place, ``reporting.freeze``: a draft is published once, and a published period
is known as such to every job."""

import pytest

from common.periods import Period
from reporting.choices import RunStatus
from reporting.freeze import frozen_reason, period_is_published, publish_once
from reporting.models import Bulletin

pytestmark = pytest.mark.django_db


def test_rule_9_publish_once_publishes_a_draft_and_a_second_call_changes_nothing():
    bulletin = Bulletin.objects.create(year=2022, month=5)

    assert publish_once(Bulletin, bulletin.pk) is True
    bulletin.refresh_from_db()
    published_at = bulletin.published_at
    assert bulletin.status == RunStatus.PUBLISHED
    assert published_at is not None

    assert publish_once(Bulletin, bulletin.pk) is False
    bulletin.refresh_from_db()
    assert bulletin.published_at == published_at


def test_rule_9_period_is_published_only_once_its_bulletin_is_and_then_the_bulletin_is_frozen():
    bulletin = Bulletin.objects.create(year=2022, month=5)
    assert not period_is_published(Period(2022, 5))
    assert frozen_reason(bulletin) is None

    publish_once(Bulletin, bulletin.pk)
    bulletin.refresh_from_db()

    assert period_is_published(Period(2022, 5))
    assert not period_is_published(Period(2022, 6))
    assert frozen_reason(bulletin) == "已发布，不能修改或删除"
