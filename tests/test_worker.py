"""A real Celery worker against the real broker writes the rows the service would write.

Run by .ci/run with PostgreSQL and Redis (`pytest -m worker`); it fails, never skips, elsewhere.
"""

import os
import subprocess
import sys
import time
from decimal import Decimal

import pytest
from django.conf import settings
from django.db import connection

from reporting.choices import Metric
from reporting.models import Escalation, RankingRow, RankingRun, RankingScheme
from reporting.tasks import rank_period
from tests.factories import OfficialFigureFactory, PlanYearFactory, RankingGroupFactory, UnitFactory

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def worker():
    assert connection.vendor == "postgresql", "the worker test needs a database another process can reach"
    assert settings.CELERY_BROKER_URL.startswith("redis://"), "the worker test needs the Redis broker"
    assert not settings.CELERY_TASK_ALWAYS_EAGER, "tasks must go through the broker"
    db = connection.settings_dict
    env = {
        **os.environ,
        "DATABASE_URL": f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']}",
        "CELERY_TASK_ALWAYS_EAGER": "false",
    }
    process = subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "investtrack", "worker", "--pool=solo", "--loglevel=warning"],
        env=env,
        cwd=settings.BASE_DIR,
    )
    yield process
    process.terminate()
    process.wait(timeout=30)


def wait_for(condition, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.5)
    raise AssertionError("the worker did not write the expected rows in time")


def test_a_real_worker_ranks_a_period_and_a_second_run_duplicates_nothing(worker):
    PlanYearFactory(year=2022)
    group = RankingGroupFactory()
    units = [UnitFactory() for _ in range(3)]
    group.units.add(*units)
    from reporting.models import Ladder
    from reporting.presets import LADDER_SEED_001

    RankingScheme.objects.create(
        name="增速", group=group, metric=Metric.GROWTH, ladder=Ladder.objects.get(name=LADDER_SEED_001.name)
    )
    for unit, ytd in zip(units, [1100, 1050, 990], strict=True):
        OfficialFigureFactory(unit=unit, year=2022, month=2, ytd_completed=ytd, baseline=1000)

    first = rank_period.delay(2022, 2)
    assert first.id, "the task was sent to the broker"
    wait_for(lambda: RankingRow.objects.count() == 3)
    rows = {row.unit_id: row for row in RankingRow.objects.all()}
    assert [rows[unit.pk].rank for unit in units] == [1, 2, 3]
    assert rows[units[2].pk].value == Decimal("-1.0")
    assert rows[units[2].pk].is_bottom

    computed_at = RankingRun.objects.get().computed_at
    rank_period.delay(2022, 2)
    wait_for(lambda: RankingRun.objects.get().computed_at != computed_at)
    assert RankingRun.objects.count() == 1
    assert RankingRow.objects.count() == 3
    assert Escalation.objects.count() == 1
