"""DESIGN.md rules 1–3 when ``period_rank`` ranks a period's schemes together: each scheme keeps its
own rows and its own escalations, and the queries do not grow with the units.

Two schemes over the same sub-districts, both on the seed-001 ladder (level 1 at the first bottom
period): growth (增速) and the year-to-date amount (累计完成额). Every figure has a baseline of 1000,
so the unit with the lowest growth also has the lowest amount and is bottom in both. Expected values
are worked out by hand.
"""

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from common.periods import Period
from reporting.choices import EscalationStatus, Metric
from reporting.models import Escalation, Ladder, OfficialFigure, RankingRow, RankingScheme
from reporting.presets import LADDER_SEED_001
from reporting.services.rankings import period_rank
from targets.models import Unit
from tests.factories import OfficialFigureFactory, PlanYearFactory, RankingGroupFactory, UnitFactory

pytestmark = pytest.mark.django_db

FEB = Period(2022, 2)
PROPOSED, WITHDRAWN = EscalationStatus.PROPOSED, EscalationStatus.WITHDRAWN


def two_schemes(names: list[str]) -> tuple[RankingScheme, RankingScheme]:
    group = RankingGroupFactory(name="办事处")
    group.units.add(*[UnitFactory(name=f"{name}办事处", short_name=name) for name in names])
    PlanYearFactory(year=2022)
    ladder = Ladder.objects.get(name=LADDER_SEED_001.name)
    growth = RankingScheme.objects.create(
        name="增速排名", group=group, metric=Metric.GROWTH, ladder=ladder, sort_order=1
    )
    amount = RankingScheme.objects.create(
        name="累计完成额排名", group=group, metric=Metric.AMOUNT, ladder=ladder, sort_order=2
    )
    return growth, amount


def figures(ytd_by_unit: dict[str, str]) -> None:
    for name, ytd in ytd_by_unit.items():
        OfficialFigureFactory(
            unit=Unit.objects.get(short_name=name),
            year=FEB.year,
            month=FEB.month,
            ytd_completed=Decimal(ytd),
            baseline=1000,
        )


def places(scheme: RankingScheme) -> dict[str, tuple[int, bool, int]]:
    return {
        row.unit.short_name: (row.rank, row.is_bottom, row.escalation_level)
        for row in RankingRow.objects.filter(run__scheme=scheme).select_related("unit")
    }


def escalations() -> list[tuple[str, str, str]]:
    return sorted(Escalation.objects.values_list("scheme__name", "unit__short_name", "status"))


def test_rule_1_schemes_ranked_together_each_keep_their_own_rows():
    growth, amount = two_schemes(list("甲乙丙丁"))
    # Growth 10%, 5%, 8%, 1%; amounts 1100, 1050, 1080, 1010: the same order in both.
    figures({"甲": "1100", "乙": "1050", "丙": "1080", "丁": "1010"})

    ranking = period_rank(period=FEB)

    assert [run.scheme for run in ranking.runs] == [growth, amount]
    expected = {"甲": (1, False, 0), "丙": (2, False, 0), "乙": (3, False, 0), "丁": (4, True, 1)}
    assert places(growth) == expected
    assert places(amount) == expected
    assert RankingRow.objects.count() == 8


def test_rule_3_a_unit_bottom_in_two_schemes_is_proposed_in_each_and_a_recompute_keeps_both():
    two_schemes(list("甲乙丙丁"))
    figures({"甲": "1100", "乙": "1050", "丙": "1080", "丁": "1010"})
    period_rank(period=FEB)
    proposed = escalations()
    assert proposed == [("增速排名", "丁", PROPOSED), ("累计完成额排名", "丁", PROPOSED)]
    pks = set(Escalation.objects.values_list("pk", flat=True))

    period_rank(period=FEB)  # nothing changed: the same two proposals, the same rows
    assert escalations() == proposed
    assert set(Escalation.objects.values_list("pk", flat=True)) == pks

    # 丁 climbs to 20% (1200), 乙 (5%) is now bottom in both: 丁's two are withdrawn, 乙 gets two.
    OfficialFigure.objects.filter(unit__short_name="丁").update(ytd_completed=Decimal("1200"))
    period_rank(period=FEB)
    assert escalations() == [
        ("增速排名", "丁", WITHDRAWN),
        ("增速排名", "乙", PROPOSED),
        ("累计完成额排名", "丁", WITHDRAWN),
        ("累计完成额排名", "乙", PROPOSED),
    ]


def test_period_rank_runs_as_many_queries_for_forty_units_as_for_four():
    growth, _ = two_schemes(list("甲乙丙丁"))
    figures({"甲": "1100", "乙": "1050", "丙": "1080", "丁": "1010"})
    period_rank(period=FEB)
    with CaptureQueriesContext(connection) as four:
        period_rank(period=FEB)

    # 36 more units, all above 丁 (1,020–1,055 against its 1,010): 丁 stays the one bottom unit.
    more = [UnitFactory(name=f"{n:02d}办事处", short_name=f"{n:02d}") for n in range(36)]
    growth.group.units.add(*more)
    figures({unit.short_name: str(1020 + n) for n, unit in enumerate(more)})
    period_rank(period=FEB)
    with CaptureQueriesContext(connection) as forty:
        period_rank(period=FEB)

    assert RankingRow.objects.count() == 80
    assert len(forty) == len(four)


def test_ranking_again_updates_each_unit_s_row_in_place_adds_a_new_unit_s_and_drops_a_departed_unit_s():
    growth, amount = two_schemes(list("甲乙丙丁"))
    figures({"甲": "1100", "乙": "1050", "丙": "1080", "丁": "1010"})
    period_rank(period=FEB)
    ids = dict(RankingRow.objects.filter(run__scheme=growth).values_list("unit__short_name", "pk"))

    # 丁 climbs to 20% (1200) and 乙 (5%) is now bottom; 戊 joins at 3% (1030) and 甲 leaves the group.
    OfficialFigure.objects.filter(unit__short_name="丁").update(ytd_completed=Decimal("1200"))
    growth.group.units.add(UnitFactory(name="戊办事处", short_name="戊"))
    figures({"戊": "1030"})
    growth.group.units.remove(Unit.objects.get(short_name="甲"))
    period_rank(period=FEB)

    # Growth 20%, 8%, 5%, 3%: 丁, 丙, 乙, 戊; 戊 is bottom (level 1 at its first bottom period).
    expected = {"丁": (1, False, 0), "丙": (2, False, 0), "乙": (3, False, 0), "戊": (4, True, 1)}
    assert places(growth) == expected
    assert places(amount) == expected
    kept = dict(RankingRow.objects.filter(run__scheme=growth).values_list("unit__short_name", "pk"))
    assert {name: kept[name] for name in "乙丙丁"} == {name: ids[name] for name in "乙丙丁"}
    assert kept["戊"] not in ids.values()
    assert RankingRow.objects.count() == 8
