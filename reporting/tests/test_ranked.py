"""The database computes the ranking's inputs for the statistics bureau's figures; the rules rank them.

The official figures' metric is summed and rounded by one query (``reporting.selectors.ranked``);
composite scores and project sums are computed in Python. Either way ``rules.rank_units`` decides,
so ``ranking_compute`` must give every unit the value, status, rank and bottom flag that the rules
give the values computed in Python.
"""

import random
from decimal import Decimal

import pytest

from common.periods import Period
from reporting import rules
from reporting.choices import Metric
from reporting.models import RankingScheme
from reporting.selectors.ranked import metric_value
from reporting.selectors.unit_figures import UnitFigure
from reporting.services.rankings import ranking_compute
from tests.factories import (
    AllocationTableFactory,
    OfficialFigureFactory,
    PlanYearFactory,
    RankingGroupFactory,
    TargetFactory,
    UnitFactory,
)

pytestmark = pytest.mark.django_db
PERIOD = Period(2022, 5)
# Growth rates (percent) that tie exactly, tie once printed to one decimal (10.04 ≈ 9.96), and
# are negative; None: no figure (未报送); "zero": a baseline of 0 (增速 undefined).
GROWTHS = ["12.5", "10.04", "9.96", "10", "10", "-3.2", "0", "7.77", None, "zero", "25", "-3.2"]


def _figures(rng: random.Random, metric: str):
    group = RankingGroupFactory()
    units = [UnitFactory(sort_order=n) for n in range(len(GROWTHS))]
    group.units.add(*units)
    plan_year = PlanYearFactory(year=PERIOD.year)
    table = AllocationTableFactory(plan_year=plan_year, ranking_group=group)
    figures, targets = {}, {}
    for unit, growth in zip(units, rng.sample(GROWTHS, len(GROWTHS)), strict=True):
        target = Decimal(rng.choice([0, 800, 1000, 1250, 2000]))
        TargetFactory(table=table, unit=unit, value=target)
        targets[unit.pk] = target
        if growth is None:
            continue
        baseline = Decimal(0) if growth == "zero" else Decimal(1000)
        ytd = Decimal(1000) if growth == "zero" else Decimal(1000) * (1 + Decimal(growth) / 100)
        OfficialFigureFactory(
            unit=unit, year=PERIOD.year, month=PERIOD.month, ytd_completed=ytd, baseline=baseline
        )
        figures[unit.pk] = UnitFigure(ytd.quantize(Decimal("0.01")), baseline)
    scheme = RankingScheme.objects.create(name=f"{metric}排名", group=group, metric=metric)
    return scheme, units, figures, targets


@pytest.mark.parametrize("metric", [Metric.GROWTH, Metric.COMPLETION_RATE, Metric.AMOUNT])
@pytest.mark.parametrize("seed", [1, 2, 3])
def test_the_database_ranks_official_figures_as_rule_1_and_2_do(metric, seed):
    scheme, units, figures, targets = _figures(random.Random(seed), metric)
    expected = {}
    entries = []
    for unit in units:
        figure = figures.get(unit.pk)
        if figure is None:
            entries.append(rules.RankEntry(unit.pk, None, rules.EntryStatus.MISSING))
            continue
        value = metric_value(metric, figure, targets[unit.pk], None)
        status = rules.EntryStatus.REPORTED if value is not None else rules.EntryStatus.UNDEFINED
        entries.append(rules.RankEntry(unit.pk, value, status))
    for entry in rules.rank_units(entries):
        expected[entry.key] = (entry.value, entry.status.value, entry.rank, entry.bottom)

    run = ranking_compute(scheme=scheme, period=PERIOD)

    stored = {row.unit_id: (row.value, row.status, row.rank, row.is_bottom) for row in run.rows.all()}
    assert stored == expected
