"""`rank` on the demo: numbers checkable by hand, the seed 001 ladder followed, the same output twice."""

import json
from decimal import ROUND_HALF_UP, Decimal
from io import StringIO
from unittest import mock

from django.core.management import CommandError, call_command

from common.periods import Period
from reporting.models import OfficialFigure
from reporting.selectors.readiness import period_readiness
from reporting.services.rankings import active_schemes, period_is_published
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


class Keyboard:
    """stdin as a terminal (or not) where the admin types ``answer``; no answer: any question asked
    fails the test."""

    def __init__(self, answer: str | None, terminal: bool):
        self.answer, self.terminal = answer, terminal

    def isatty(self) -> bool:
        return self.terminal

    def readline(self) -> str:
        if self.answer is None:
            raise AssertionError("asked unexpectedly")
        return self.answer + "\n"


def publish(*args: str, answer: str | None = None, terminal: bool = False) -> tuple[str, str]:
    """``rank --period 2022-10 --publish``: its stdout and stderr."""
    out, err = StringIO(), StringIO()
    with mock.patch("sys.stdin", Keyboard(answer, terminal)):
        call_command(
            "rank", "--period", "2022-10", "--publish", "--format", "json", *args, stdout=out, stderr=err
        )
    return out.getvalue(), err.getvalue()


class RankPublishReadinessTests(DemoTestCase):
    """The demo's 1-10月 is not published: 明湖, 前程, 物流园区 … have not submitted, 潮河's is
    approved by its head, 九龙's verified."""

    def published(self) -> bool:
        return period_is_published(Period(2022, 10))

    def test_publishing_first_prints_every_unit_s_readiness_and_what_publishing_means_for_it(self):
        _, err = publish("--noinput")
        assert err.startswith("2022年1-10月报送就绪情况（19个单位：")
        lines = err.splitlines()
        qiancheng = next(line for line in lines if line.startswith("！前程办事处"))
        assert qiancheng.split() == ["！前程办事处", "未报送", "排名按统计局数据"]
        jiulong = next(line for line in lines if "九龙办事处" in line)
        assert not jiulong.startswith("！") and jiulong.split() == [
            "九龙办事处",
            "已审核",
            "排名按统计局数据",
        ]
        assert "  前程办事处：未报送，排名按统计局数据" in lines
        assert "  潮河办事处：负责人已审批，排名按统计局数据" in lines
        assert "  九龙办事处：已审核，排名按统计局数据" not in lines
        assert self.published()

    def test_the_readiness_rows_are_the_publish_page_s(self):
        readiness = period_readiness(period=Period(2022, 10), schemes=list(active_schemes()))
        _, err = publish("--noinput")
        for row in readiness.attention:
            assert f"  {row.summary}" in err.splitlines()
        assert f"须确认的单位（{len(readiness.attention)}个）：" in err

    def test_at_a_terminal_publishing_waits_for_the_admin_to_confirm_the_units_named(self):
        with self.assertRaisesMessage(CommandError, "未确认，2022年1-10月未发布。") as refused:
            publish(answer="n", terminal=True)
        assert refused.exception.returncode != 0
        assert not self.published()
        out, err = publish(answer="yes", terminal=True)
        assert "个单位尚未审核：" in err and "前程办事处" in err.split("个单位尚未审核：")[1]
        assert "请输入 yes 确认：" in err
        assert "请输入" not in out and json.loads(out), "stdout holds the rows alone"
        assert self.published()

    def test_noinput_publishes_at_a_terminal_without_asking(self):
        publish("--noinput", terminal=True)
        assert self.published()

    def test_a_published_period_asks_nothing_and_prints_the_same_rows(self):
        first, _ = publish("--noinput")
        again, err = publish(terminal=True)
        assert again == first
        assert "报送就绪情况" not in err

    def test_a_refusal_is_said_in_chinese_and_exits_non_zero(self):
        with self.assertRaisesMessage(CommandError, "2030") as refused:
            call_command("rank", "--period", "2030-10", "--publish", "--noinput", stderr=StringIO())
        assert refused.exception.returncode != 0
        assert any("\u4e00" <= char <= "\u9fff" for char in str(refused.exception))
