"""Ranking groups whose every month is ranked and published, for the assessment tests."""

from decimal import Decimal

from common.periods import Period
from reporting.choices import Metric
from reporting.models import RankingScheme
from reporting.services.rankings import ranking_compute, ranking_publish
from tests.factories import OfficialFigureFactory, PlanYearFactory, RankingGroupFactory, UnitFactory

NAMES = "一二三四五六七八"
D = Decimal


def ranked_group(name, growths, *, months=range(2, 13), missing=None, sort_order=0):
    """A group whose unit 第一区, 第二区 … grows growths[0], growths[1] … % in every month, each month
    ranked and published; ``missing`` maps a month to the indexes of units with no figure in it."""
    PlanYearFactory(year=2022)
    group = RankingGroupFactory(name=name, sort_order=sort_order)
    units = [UnitFactory(name=f"{name}第{NAMES[index]}区") for index in range(len(growths))]
    group.units.add(*units)
    scheme = RankingScheme.objects.create(name=f"{name}增速", group=group, metric=Metric.GROWTH)
    for month in months:
        for index, (unit, growth) in enumerate(zip(units, growths, strict=True)):
            if index in (missing or {}).get(month, ()):
                continue
            OfficialFigureFactory(
                unit=unit, year=2022, month=month, ytd_completed=1000 + D(growth) * 10, baseline=D(1000)
            )
        ranking_publish(run=ranking_compute(scheme=scheme, period=Period(2022, month)))
    return scheme, units
