"""A second year, driven through the management commands as a lead office would run it.

1. the demo year (郑州经开区 2022, 1-2月 … 1-9月 published);
2. ``rollover --year 2022``;
3. 2023's two allocation tables imported, and an unbalanced one refused (rule 12);
4. 2023-02 with only the 办事处 reporting: they rank, the 局办 are skipped (rule 11);
5. 2023-03 with both groups: the 局办 rank against 2023's own table (rule 10), the ladders climb;
6. the first quarter's assessment (rule 4) and the 通报.

Every figure below is chosen by hand so the expected ranks, ladders and rewards can be read off the
comments; 2022 must come out of it exactly as it was published.
"""

import hashlib
import json
import tempfile
from datetime import date
from decimal import Decimal
from io import StringIO
from pathlib import Path

from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from accounts.models import User
from common.clock import clock_set
from reporting.models import Bulletin, Escalation, RankingRow
from targets.models import AllocationTable, PlanYear, Target, Unit
from targets.tests.seed_000 import BUREAUS, SUBDISTRICTS
from tests.base import DemoTestCase

# 2023's plan: every 2022 target × 1.2, so both tables sum to 5,370,000 × 1.2 = 6,444,000.
GROWTH_FACTOR = Decimal("1.2")
PLAN_2023 = Decimal(6444000)
BUREAU_TARGETS_2023 = {name: Decimal(target) * GROWTH_FACTOR for name, target in BUREAUS}
SUBDISTRICT_TARGETS_2023 = {name: Decimal(target) * GROWTH_FACTOR for name, target, _ in SUBDISTRICTS}

# 1-2月 and 1-3月 growth of the sub-districts (baseline 1,000 and 2,000): 祥云 is last both times.
SUBDISTRICT_GROWTH = {
    "明湖办事处": 20,
    "潮河办事处": 15,
    "前程办事处": 10,
    "京航办事处": 5,
    "九龙办事处": 0,
    "祥云办事处": -5,
}
# 1-3月 completion rates of the bureaus against 2023's targets, in percent: all different, 开放办 last.
BUREAU_RATES = {
    "建设局": 30,
    "工信局": 29,
    "物流园区": 28,
    "综合保税区": 27,
    "自然资源和规划分局": 26,
    "投资促进局": 25,
    "科技人才局": 24,
    "滨河新城指挥部": 23,
    "综合执法局": 22,
    "教文体局": 21,
    "社会事业局": 20,
    "政务服务局": 19,
    "开放办": 18,
}


def allocation_file(title: str, unit_header: str, targets: dict[str, Decimal], total: Decimal) -> Path:
    """Seed 000's layout: a title, 单位：万元, the header, the 合计 row, then one row per unit."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.append([title])
    sheet.append([None, None, "单位：万元"])
    sheet.append(["序号", unit_header, "投资目标"])
    sheet.append(["合计", None, total])
    for number, (unit, target) in enumerate(targets.items(), start=1):
        sheet.append([number, unit, target])
    return save(workbook)


def figures_file(rows: dict[str, tuple[Decimal, Decimal]]) -> Path:
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["各单位固定资产投资完成情况"])
    sheet.append(["单位", "本年累计完成(万元)", "上年同期累计(万元)"])
    for unit, (ytd, baseline) in rows.items():
        sheet.append([unit, ytd, baseline])
    return save(workbook)


def save(workbook: Workbook) -> Path:
    handle = tempfile.NamedTemporaryFile(suffix=".xlsx", delete=False)  # noqa: SIM115
    workbook.save(handle.name)
    return Path(handle.name)


def subdistrict_figures(baseline: int) -> dict[str, tuple[Decimal, Decimal]]:
    return {
        unit: (Decimal(baseline) * (100 + growth) / 100, Decimal(baseline))
        for unit, growth in SUBDISTRICT_GROWTH.items()
    }


def bureau_figures() -> dict[str, tuple[Decimal, Decimal]]:
    return {
        unit: (BUREAU_TARGETS_2023[unit] * rate / 100, Decimal(1000)) for unit, rate in BUREAU_RATES.items()
    }


def run(*args) -> tuple[str, str]:
    out, err = StringIO(), StringIO()
    call_command(*args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def rank_json(period: str) -> tuple[list[dict], str]:
    out, err = run("rank", "--period", period, "--publish", "--format", "json")
    return json.loads(out), err


def by_unit(rows: list[dict], group: str) -> dict[str, dict]:
    return {row["unit"]: row for row in rows if row["group"] == group}


def year_fingerprint(year: int) -> tuple:
    rows = list(
        RankingRow.objects.filter(run__year=year)
        .order_by("run__month", "run__scheme_id", "unit_id")
        .values_list("run__month", "unit_id", "value", "rank", "is_bottom", "escalation_level", "note")
    )
    escalations = list(
        Escalation.objects.filter(year=year)
        .order_by("pk")
        .values_list("pk", "unit_id", "month", "level", "status")
    )
    files = []
    for bulletin in Bulletin.objects.filter(year=year).order_by("month"):
        with bulletin.workbook.open("rb") as handle:
            files.append(hashlib.sha256(handle.read()).hexdigest())
    return rows, escalations, files


class SecondYearTests(DemoTestCase):
    def test_a_lead_office_runs_january_to_march_of_a_second_year_through_the_commands(self):
        published_2022 = year_fingerprint(2022)

        # 2. Close 2022's libraries.
        out, _ = run("rollover", "--year", "2022")
        assert "2022年度已结转" in out

        # 3. 2023's tables: the sub-districts' creates the plan year from its 合计 (6,444,000).
        run(
            "import_targets",
            str(allocation_file("各办事处任务", "所属办事处", SUBDISTRICT_TARGETS_2023, PLAN_2023)),
            "--year",
            "2023",
            "--table",
            "2023年办事处目标",
        )
        assert PlanYear.objects.get(year=2023).fai_target == PLAN_2023
        # A bureau table whose 合计 matches its own rows but falls 200,000 short of the plan: refused.
        short = dict(BUREAU_TARGETS_2023, 建设局=BUREAU_TARGETS_2023["建设局"] - 200000)
        errors = StringIO()
        with self.assertRaises(CommandError):
            call_command(
                "import_targets",
                str(allocation_file("各局办任务", "责任单位", short, PLAN_2023 - 200000)),
                "--year",
                "2023",
                "--table",
                "2023年局办目标（有误）",
                stdout=StringIO(),
                stderr=errors,
            )
        assert "2023年「2023年局办目标（有误）」" in errors.getvalue()
        assert "少 200,000 万元" in errors.getvalue()
        assert not AllocationTable.objects.filter(name="2023年局办目标（有误）").exists()
        run(
            "import_targets",
            str(allocation_file("各局办任务", "责任单位", BUREAU_TARGETS_2023, PLAN_2023)),
            "--year",
            "2023",
            "--table",
            "2023年局办目标",
        )
        assert Target.objects.filter(table__plan_year__year=2023).count() == 19

        # 4. 2023-02: only the sub-districts' figures are in. Growth as chosen; 祥云 last → level 1.
        run("clock", "--set", "2023-03-12")
        run("import_figures", str(figures_file(subdistrict_figures(1000))), "--period", "2023-02")
        rows, notice = rank_json("2023-02")
        assert "「局办」尚无任何单位的数据" in notice
        assert not by_unit(rows, "局办")
        february = by_unit(rows, "办事处")
        assert {unit: (row["value"], row["rank"]) for unit, row in february.items()} == {
            "明湖办事处": (20.0, 1),
            "潮河办事处": (15.0, 2),
            "前程办事处": (10.0, 3),
            "京航办事处": (5.0, 4),
            "九龙办事处": (0.0, 5),
            "祥云办事处": (-5.0, 6),
        }
        assert [unit for unit, row in february.items() if row["bottom"]] == ["祥云办事处"]
        assert february["祥云办事处"]["escalation_level"] == 1  # 通报批评, seed 001

        # 5. 2023-03: both groups. The bureaus rank against 2023's table: 30% … 18% exactly (against
        # 2022's they would read 1.2 times as much). 祥云 is last twice running → level 2; 开放办 is
        # last for the first time (1-2月 had no bureau ranking) → seed 003's level 1, 表态发言.
        run("clock", "--set", "2023-04-12")
        march_figures = subdistrict_figures(2000) | bureau_figures()
        run("import_figures", str(figures_file(march_figures)), "--period", "2023-03")
        rows, notice = rank_json("2023-03")
        # stderr holds the readiness printed before publishing, and no scheme skipped (rule 11).
        assert notice.startswith("2023年1-3月报送就绪情况（19个单位：")
        assert "尚无任何单位的数据" not in notice
        bureaus = by_unit(rows, "局办")
        assert {unit: row["value"] for unit, row in bureaus.items()} == {
            unit: float(rate) for unit, rate in BUREAU_RATES.items()
        }
        assert [unit for unit, row in sorted(bureaus.items(), key=lambda item: item[1]["rank"])] == list(
            BUREAU_RATES
        )
        assert bureaus["开放办"]["bottom"] and bureaus["开放办"]["escalation_level"] == 1
        march = by_unit(rows, "办事处")
        assert march["祥云办事处"]["bottom"] and march["祥云办事处"]["escalation_level"] == 2
        assert Escalation.objects.get(year=2023, month=3, unit__name="祥云办事处").action == (
            "区分管领导约谈相关负责同志"
        )

        # 6. The first quarter: March's places with seed 002's tiers — 1st 150万, 2nd–3rd 100万,
        # 4th–6th 50万 — except the bottom unit, who gets nothing and whose place nobody inherits (rule 4).
        out, _ = run("assess", "--year", "2023", "--quarter", "1", "--format", "json")
        quarter = {row["unit"]: row for row in json.loads(out) if row["kind"] == "quarter"}
        assert {unit: quarter[unit]["reward"] for unit in SUBDISTRICT_GROWTH} == {
            "明湖办事处": 150,
            "潮河办事处": 100,
            "前程办事处": 100,
            "京航办事处": 50,
            "九龙办事处": 50,
            "祥云办事处": 0,
        }
        assert {unit: quarter[unit]["reward"] for unit in BUREAU_RATES} == {
            unit: reward
            for unit, reward in zip(
                BUREAU_RATES, [150, 100, 100, 50, 50, 50, 0, 0, 0, 0, 0, 0, 0], strict=True
            )
        }

        with tempfile.TemporaryDirectory() as folder:
            path = Path(folder) / "2023-03.xlsx"
            out, _ = run("export_bulletin", "--period", "2023-03", "--output", str(path))
            assert "已发布" in out
            workbook = load_workbook(path)
        # 序号, 排名组, 单位, 连续倒数第一期数, 约谈级别, 处理方式, 约谈人, 被约谈人: the level named as
        # the ladder names it; a 表态发言 has no interviewer.
        escalations = [
            [cell.value for cell in row][2:8]
            for row in workbook["末位约谈"].iter_rows(min_row=3)
            if isinstance(row[0].value, int)
        ]
        assert sorted(escalations) == sorted(
            [
                [
                    "祥云办事处",
                    2,
                    "二级：区分管领导约谈相关负责同志",
                    "区分管领导约谈相关负责同志",
                    "区分管领导",
                    "相关负责同志",
                ],
                [
                    "开放办",
                    1,
                    "一级：在全区重点项目推进会议上表态发言",
                    "在全区重点项目推进会议上表态发言",
                    "—",
                    "—",
                ],
            ]
        )
        bureau_sheet = workbook["局办"]
        shown = {row[1].value: row[4].value for row in bureau_sheet.iter_rows(min_row=5) if row[0].value}
        assert shown["建设局"] == 30 and shown["开放办"] == 18

        # The old year stays exactly as it was published.
        assert year_fingerprint(2022) == published_2022


def every_unit_confirmed() -> dict:
    """The admin ticks every unit the readiness table lists (none of 2023's returns is verified)."""
    return {"confirm_unit": list(Unit.objects.filter(is_active=True).values_list("pk", flat=True))}


class SecondYearPagesTests(DemoTestCase):
    """The same second year through the web pages: the lead office and the statistics bureau click
    where the commands were typed. (The library rollover has its own page and tests.)"""

    def login(self, username: str) -> None:
        self.client.force_login(User.objects.get(username=username))

    def upload(self, url: str, path: Path, **fields):
        with path.open("rb") as handle:
            return self.client.post(url, {"file": handle, **fields}, follow=True)

    def test_a_lead_office_runs_the_first_months_of_a_second_year_from_the_pages(self):
        published_2022 = year_fingerprint(2022)
        clock_set(on=date(2023, 3, 12))
        self.login("admin")
        table_import = reverse("targets:table_import")
        self.upload(
            table_import,
            allocation_file("各办事处任务", "所属办事处", SUBDISTRICT_TARGETS_2023, PLAN_2023),
            year=2023,
            table_name="2023年办事处目标",
            reason="2023年度目标",
        )
        short = dict(BUREAU_TARGETS_2023, 建设局=BUREAU_TARGETS_2023["建设局"] - 200000)
        html = self.upload(
            table_import,
            allocation_file("各局办任务", "责任单位", short, PLAN_2023 - 200000),
            year=2023,
            table_name="2023年局办目标（有误）",
            reason="2023年度目标",
        ).content.decode()
        assert "少 200,000 万元" in html
        self.upload(
            table_import,
            allocation_file("各局办任务", "责任单位", BUREAU_TARGETS_2023, PLAN_2023),
            year=2023,
            table_name="2023年局办目标",
            reason="2023年度目标",
        )
        assert AllocationTable.objects.filter(plan_year__year=2023).count() == 2

        # 1-2月: the statistics bureau uploads the sub-districts; the lead office drafts and publishes.
        self.login("reviewer")
        self.upload(
            reverse("reporting:import_figures"), figures_file(subdistrict_figures(1000)), period="2023-02"
        )
        self.login("admin")
        html = self.client.post(reverse("reporting:ranking_compute"), {"period": "2023-02"}, follow=True)
        assert "「局办」尚无任何单位的数据" in html.content.decode()
        with self.captureOnCommitCallbacks(execute=True):
            self.client.post(
                reverse("reporting:ranking_publish"), {"period": "2023-02", **every_unit_confirmed()}
            )
        assert Bulletin.objects.get(year=2023, month=2).status == "published"

        # 1-3月: both groups; the bureaus against 2023's table.
        clock_set(on=date(2023, 4, 12))
        self.login("reviewer")
        march_figures = subdistrict_figures(2000) | bureau_figures()
        self.upload(reverse("reporting:import_figures"), figures_file(march_figures), period="2023-03")
        self.login("admin")
        with self.captureOnCommitCallbacks(execute=True):
            self.client.post(
                reverse("reporting:ranking_publish"), {"period": "2023-03", **every_unit_confirmed()}
            )
        self.login("leader")
        html = self.client.get(reverse("reporting:rankings"), {"period": "2023-03"}).content.decode()
        assert "已发布" in html and "开放办" in html
        rows = RankingRow.objects.filter(run__year=2023, run__month=3, run__scheme__group__name="局办")
        assert {row.unit.name: row.value for row in rows.select_related("unit")} == {
            unit: Decimal(rate) for unit, rate in BUREAU_RATES.items()
        }
        html = self.client.get(reverse("reporting:assessments"), {"year": 2023}).content.decode()
        assert "2023年第1季度考评：办事处" in html and "2023年第1季度考评：局办" in html
        assert "季末排名倒数第一，不予奖励" in html  # 祥云 and 开放办 (rule 4)
        response = self.client.get(reverse("reporting:bulletin_workbook", args=[2023, 3]))
        assert response.status_code == 200
        assert year_fingerprint(2022) == published_2022
