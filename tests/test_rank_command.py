"""`rank` on the demo: numbers checkable by hand, the seed 001 ladder followed, the same output twice."""

import json
from decimal import ROUND_HALF_UP, Decimal
from io import StringIO

from django.core.management import call_command

from reporting.models import OfficialFigure
from tests.base import DemoTestCase


def rank(*args: str) -> list[dict]:
    out = StringIO()
    call_command("rank", *args, "--format", "json", stdout=out)
    return json.loads(out.getvalue())


def subdistricts(rows: list[dict]) -> dict[str, dict]:
    return {row["unit"]: row for row in rows if row["group"] == "办事处"}


class RankCommandTests(DemoTestCase):
    def test_json_rows_carry_the_stable_fields(self):
        rows = rank("--period", "2022-05")
        assert len(rows) == 19
        assert set(rows[0]) >= {"group", "unit", "value", "rank", "bottom", "escalation_level"}

    def test_growth_is_computed_from_the_official_figures(self):
        row = subdistricts(rank("--period", "2022-05"))["九龙办事处"]
        figure = OfficialFigure.objects.get(unit__name="九龙办事处", year=2022, month=5)
        by_hand = ((figure.ytd_completed / figure.baseline - 1) * 100).quantize(Decimal("0.1"), ROUND_HALF_UP)
        assert Decimal(str(row["value"])) == by_hand

    def test_published_periods_follow_the_seed_001_ladder(self):
        levels = []
        for month in range(2, 11):
            rows = subdistricts(rank("--period", f"2022-{month:02d}", "--publish"))
            bottom = [name for name, row in rows.items() if row["bottom"]]
            levels.append((bottom, [rows[name]["escalation_level"] for name in bottom]))
        assert levels == [
            (["前程办事处"], [1]),
            (["前程办事处"], [2]),
            (["前程办事处"], [3]),
            (["京航办事处"], [1]),
            (["京航办事处"], [2]),
            (["祥云办事处"], [1]),
            (["祥云办事处"], [2]),
            (["前程办事处"], [1]),
            (["祥云办事处"], [1]),
        ]

    def test_running_it_twice_gives_the_same_output(self):
        assert rank("--period", "2022-06") == rank("--period", "2022-06")
        assert rank("--period", "2022-06", "--publish") == rank("--period", "2022-06", "--publish")

    def test_completion_rate_ranks_the_bureaus(self):
        rows = [row for row in rank("--period", "2022-05") if row["group"] == "局办"]
        assert len(rows) == 13
        values = [row["value"] for row in rows if row["rank"] is not None]
        assert values == sorted(values, reverse=True)
