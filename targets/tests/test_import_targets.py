"""import_targets and the service behind it: seed 000's layout, every error with its row and column,
all or nothing."""

import io
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from openpyxl import Workbook

from common.spreadsheets import SpreadsheetError, workbook_response_bytes
from targets.choices import UnitKind
from targets.models import AllocationTable, MonthlyIntakeTarget, PlanYear, Target, Unit
from targets.services.imports import TargetImportError, targets_import, unit_kind_guess
from tests.base import DemoTestCase
from tests.factories import (
    AllocationTableFactory,
    PlanYearFactory,
    RankingGroupFactory,
    TargetFactory,
    UnitFactory,
)

from .seed_000 import (
    BUREAU_TITLE,
    BUREAUS,
    INTAKE,
    SUBDISTRICT_TITLE,
    rows_file,
    seed_file,
    type_bureau_table,
    type_subdistrict_table,
    workbook_bytes,
)

HEADER = ("序号", "责任单位", "投资目标")


def run(*args: str) -> tuple[str, str]:
    out, err = StringIO(), StringIO()
    call_command("import_targets", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def import_rows(tmp_path, *rows, **options):
    return targets_import(source=rows_file(tmp_path, *rows), source_name="表.xlsx", year=2022, **options)


def import_errors(tmp_path, *rows, **options) -> list[str]:
    with pytest.raises(TargetImportError) as raised:
        import_rows(tmp_path, *rows, **options)
    return raised.value.errors


def values_of(table_name: str) -> dict[str, Decimal]:
    return {
        target.unit.name: target.value
        for target in Target.objects.filter(table__name=table_name).select_related("unit")
    }


class SeedTablesIntoTheDemoTests(DemoTestCase):
    """The demo already holds seed 000: its tables, typed as printed, import without edits."""

    def test_seed_000s_tables_typed_as_printed_import_without_edits_and_change_nothing(self):
        source = workbook_bytes(type_bureau_table, type_subdistrict_table)
        before = list(Target.history.values_list("history_id", flat=True))

        result = targets_import(source=io.BytesIO(source), source_name="seed.xlsx", year=2022)

        assert [(imported.table.name, imported.created) for imported in result.tables] == [
            (BUREAU_TITLE, False),
            (SUBDISTRICT_TITLE, False),
        ]
        assert all(not (t.added or t.changed or t.removed) for t in result.tables)
        assert result.intake_targets_changed == 0
        assert list(Target.history.values_list("history_id", flat=True)) == before

    def test_a_new_year_is_created_from_the_total_row_and_matches_the_demo_units(self):
        source = workbook_bytes(type_subdistrict_table)

        result = targets_import(source=io.BytesIO(source), source_name="seed.xlsx", year=2023)

        plan = PlanYear.objects.get(year=2023)
        assert result.plan_year_created and plan.fai_target == Decimal(5370000)
        assert result.created_units == []
        table = AllocationTable.objects.get(plan_year=plan)
        assert table.name == SUBDISTRICT_TITLE
        assert table.ranking_group.name == "办事处", "the group holding exactly these units"
        assert table.indicator.code == "fai"
        assert {
            i.unit.name: (i.min_projects, i.min_investment) for i in plan.monthly_intake_targets.all()
        } == INTAKE


@pytest.mark.django_db
class TestTheImportCommand:
    def test_it_imports_seed_000s_tables_into_an_empty_database_with_create_units(self, tmp_path):
        out, _ = run(seed_file(tmp_path, "局办.xlsx", type_bureau_table), "--year", "2022", "--create-units")

        assert "已新建2022年度计划，投资目标 5,370,000 万元" in out
        assert f"新建分解表「{BUREAU_TITLE}」：新增 13 个单位" in out
        assert values_of(BUREAU_TITLE) == {name: Decimal(value) for name, value in BUREAUS}
        kinds = dict(Unit.objects.values_list("name", "kind"))
        assert kinds["综合保税区"] == kinds["物流园区"] == UnitKind.PARK
        assert kinds["建设局"] == UnitKind.BUREAU
        assert list(Unit.objects.order_by("sort_order").values_list("name", flat=True)) == [
            n for n, _ in BUREAUS
        ]

    def test_without_create_units_unknown_units_are_errors_and_nothing_is_saved(self, tmp_path):
        with pytest.raises(CommandError, match="导入失败：共 13 处错误，未保存任何数据"):
            run(seed_file(tmp_path, "局办.xlsx", type_bureau_table), "--year", "2022")

        assert not PlanYear.objects.exists()
        assert not Unit.objects.exists()

    def test_it_prints_each_error_with_row_and_column_and_a_hint(self, tmp_path):
        path = rows_file(tmp_path, ["标题"], HEADER, ["合计", None, 10], [1, "某某局", 10])
        err = StringIO()
        with pytest.raises(CommandError):
            call_command("import_targets", path, "--year", "2022", stderr=err)

        assert err.getvalue().splitlines() == [
            "第4行 B列「责任单位」：系统中没有单位「某某局」（全称或简称均未找到）",
            "提示：确需新增这些单位时，加 --create-units 重新导入。",
        ]

    def test_rule_12_a_second_table_200000_short_of_the_year_the_first_created_is_refused(self, tmp_path):
        run(seed_file(tmp_path, "办事处.xlsx", type_subdistrict_table), "--year", "2023", "--create-units")
        # Seed 000's bureau table with 建设局 at 2,030,000: its 合计 of 5,170,000 matches its own rows.
        short = [["合计", None, 5170000]] + [
            [number, name, 2030000 if name == "建设局" else value]
            for number, (name, value) in enumerate(BUREAUS, start=1)
        ]
        err = StringIO()

        with pytest.raises(CommandError, match="导入失败：共 1 处错误，未保存任何数据。"):
            call_command(
                "import_targets",
                rows_file(tmp_path, [BUREAU_TITLE], HEADER, *short),
                "--year",
                "2023",
                "--create-units",
                stderr=err,
            )

        assert err.getvalue().splitlines() == [
            f"2023年「{BUREAU_TITLE}」各行合计 5,170,000 万元，"
            "比2023年度计划总量 5,370,000 万元少 200,000 万元，未保存。"
            "分解表各行之和须等于年度计划总量；确需调整总量的，请由管理员先修改年度计划总量。"
        ]
        assert list(AllocationTable.objects.values_list("name", flat=True)) == [SUBDISTRICT_TITLE]
        assert not Unit.objects.filter(name="建设局").exists(), "no unit created for the refused table"

    def test_a_new_year_without_a_total_row_takes_the_sum_of_its_first_table(self, tmp_path):
        path = rows_file(tmp_path, ["局办表"], HEADER, [1, "甲局", "1,000"], [2, "乙局", 2500])

        out, _ = run(path, "--year", "2024", "--create-units")

        assert "已新建2024年度计划，投资目标 3,500 万元" in out
        assert PlanYear.objects.get(year=2024).fai_target == Decimal(3500)

    def test_a_file_whose_second_table_does_not_match_its_first_creates_no_year(self, tmp_path):
        def short_subdistricts(ws) -> None:
            type_subdistrict_table(ws)
            ws["C4"], ws["C5"] = 5369999, 1449999  # 合计 and 明湖: one 万元 short, and consistent

        both = seed_file(tmp_path, "分解表.xlsx", type_bureau_table, short_subdistricts)

        with pytest.raises(CommandError, match="导入失败：共 1 处错误"):
            run(both, "--year", "2023", "--create-units")

        assert not PlanYear.objects.exists()
        assert not AllocationTable.objects.exists()
        assert not Unit.objects.exists()

    def test_the_table_option_names_the_table(self, tmp_path):
        run(
            seed_file(tmp_path, "局办.xlsx", type_bureau_table),
            "--year",
            "2022",
            "--table",
            "局办目标",
            "--create-units",
        )

        assert list(AllocationTable.objects.values_list("name", flat=True)) == ["局办目标"]

    def test_the_table_option_picks_one_table_of_a_workbook(self, tmp_path):
        both = seed_file(tmp_path, "分解表.xlsx", type_bureau_table, type_subdistrict_table)

        run(both, "--year", "2022", "--table", SUBDISTRICT_TITLE, "--create-units")

        assert list(AllocationTable.objects.values_list("name", flat=True)) == [SUBDISTRICT_TITLE]
        with pytest.raises(CommandError, match="文件中没有名为「局办」的表"):
            run(both, "--year", "2022", "--table", "局办")

    def test_kind_gives_every_new_unit_its_kind(self, tmp_path):
        run(
            seed_file(tmp_path, "局办.xlsx", type_bureau_table),
            "--year",
            "2022",
            "--create-units",
            "--kind",
            "county",
        )

        assert set(Unit.objects.values_list("kind", flat=True)) == {UnitKind.COUNTY}

    def test_kind_without_create_units_is_refused(self, tmp_path):
        with pytest.raises(CommandError, match="--kind 只能与 --create-units 一起使用"):
            run(seed_file(tmp_path, "局办.xlsx", type_bureau_table), "--year", "2022", "--kind", "park")

    def test_a_file_that_is_not_a_workbook_is_refused_in_chinese(self, tmp_path):
        path = tmp_path / "表.xlsx"
        path.write_text("单位,投资目标\n")

        with pytest.raises(CommandError, match=r"文件不是有效的 Excel（\.xlsx）文件"):
            run(str(path), "--year", "2022")

    def test_a_changed_table_keeps_its_old_version_with_the_reason(self, tmp_path):
        run(seed_file(tmp_path, "局办.xlsx", type_bureau_table), "--year", "2022", "--create-units")
        # 2,000,000 + 3,370,000 = 5,370,000: the year's total, now over two bureaus.
        changed = rows_file(tmp_path, [BUREAU_TITLE], HEADER, [1, "建设局", 2000000], [2, "工信局", 3370000])

        out, _ = run(changed, "--year", "2022", "--reason", "年中调整")

        assert f"更新分解表「{BUREAU_TITLE}」：新增 0 个单位，修改 2 个，移出 11 个" in out
        history = Target.history.filter(unit__name="建设局").order_by("history_date")
        assert [(h.value, h.history_change_reason) for h in history] == [
            (Decimal(2230000), "导入《局办.xlsx》"),
            (Decimal(2000000), "年中调整"),
        ]
        assert Target.history.filter(history_type="-", history_change_reason="年中调整").count() == 11


@pytest.mark.django_db
class TestImportErrors:
    @pytest.fixture(autouse=True)
    def units(self):
        UnitFactory(name="建设局", short_name="建设", kind=UnitKind.BUREAU)
        UnitFactory(name="工信局", short_name="工信", kind=UnitKind.BUREAU)

    def test_every_error_names_its_row_and_column(self, tmp_path):
        errors = import_errors(
            tmp_path,
            ["局办表"],
            ["", "", "单位：万元"],
            HEADER,
            ["合计", None, 100],
            [1, "建设局", -5],
            [2, "无此单位", 10],
            [3, "工信局", "十万"],
            [4, "建设", 1],
            [5, None, 3],
        )

        assert errors == [
            "第5行 C列「投资目标」：不能为负数",
            "第6行 B列「责任单位」：系统中没有单位「无此单位」（全称或简称均未找到）",
            "第7行 C列「投资目标」：「十万」不是有效的数字",
            "第8行 B列「责任单位」：与第5行是同一单位",
            "第9行 B列「责任单位」：必填",
        ]
        assert not PlanYear.objects.exists()

    def test_a_total_row_that_is_not_the_sum_is_an_error(self, tmp_path):
        errors = import_errors(
            tmp_path, ["局办表"], HEADER, ["合计", None, 100], [1, "建设局", 60], [2, "工信局", 30]
        )

        assert errors == ["第3行 C列「投资目标」：合计 100 与各行之和 90 不符"]

    def test_units_are_matched_by_short_name_and_spacing_does_not_matter(self, tmp_path):
        import_rows(tmp_path, ["局办表"], HEADER, [1, "建 设", "1,000"], [2, "工信局 ", 2])

        assert values_of("局办表") == {"建设局": Decimal(1000), "工信局": Decimal(2)}

    def test_a_short_name_two_units_share_must_be_written_in_full(self, tmp_path):
        UnitFactory(name="建设管理中心", short_name="建设")

        assert import_errors(tmp_path, ["局办表"], HEADER, [1, "建设", 1]) == [
            "第3行 B列「责任单位」：简称「建设」对应多个单位，请填写全称"
        ]

    def test_amounts_in_yi_yuan_are_refused(self, tmp_path):
        errors = import_errors(tmp_path, ["局办表"], [None, None, "单位：亿元"], HEADER, [1, "建设局", 1])

        assert errors == ["第2行：金额单位为「亿元」，请换算为万元后导入"]

    def test_a_table_without_a_title_needs_a_name(self, tmp_path):
        assert import_errors(tmp_path, HEADER, [1, "建设局", 1]) == [
            "第1行：表头上方没有标题行，无法确定分解表名称，请补上标题或指定表名"
        ]
        import_rows(tmp_path, HEADER, [1, "建设局", 1], table_name="局办表")
        assert values_of("局办表") == {"建设局": Decimal(1)}

    def test_an_attachment_line_above_the_title_is_not_the_name(self, tmp_path):
        import_rows(tmp_path, ["附件1"], ["局办表", None, "单位：万元"], HEADER, [1, "建设局", 1])

        assert AllocationTable.objects.get().name == "局办表"

    def test_a_header_without_rows_is_an_error(self, tmp_path):
        assert import_errors(tmp_path, ["局办表"], HEADER, ["合计", None, None], [1], [2]) == [
            "第2行：表头下面没有填写任何单位"
        ]

    def test_a_missing_header_is_reported_as_the_files_problem(self, tmp_path):
        with pytest.raises(TargetImportError) as raised:
            import_rows(tmp_path, ["局办表"], ["单位名称", "目标"], ["建设局", 1])

        assert raised.value.errors == ["未找到表头：缺少列「投资目标」"]

    def test_an_intake_target_that_cannot_be_read_is_an_error(self, tmp_path):
        errors = import_errors(
            tmp_path, ["表"], ("序号", "责任单位", "投资目标", "入库目标"), [1, "建设局", 1, "多多益善"]
        )

        assert errors == [
            "第3行 D列「入库目标」：无法识别「多多益善」，应写作“单月新增不少于10个，总投资不低于5亿元”"
        ]

    def test_errors_in_a_workbook_of_several_tables_name_the_sheet(self, tmp_path):
        workbook = Workbook()
        workbook.active.title = "局办"
        for row in (["局办表"], HEADER, [1, "建设局", "x"]):
            workbook.active.append(list(row))
        workbook.create_sheet("说明").append(["这里没有表"])
        path = tmp_path / "两表.xlsx"
        path.write_bytes(workbook_response_bytes(workbook))

        with pytest.raises(TargetImportError) as raised:
            targets_import(source=str(path), source_name="两表.xlsx", year=2022)

        assert raised.value.errors == [
            "工作表「说明」未找到表头：缺少列「责任单位」、「投资目标」",
            "工作表「局办」第3行 C列「投资目标」：「x」不是有效的数字",
        ]

    def test_an_empty_file_is_refused(self, tmp_path):
        with pytest.raises(SpreadsheetError, match="文件中没有任何内容"):
            import_rows(tmp_path)


@pytest.mark.django_db
class TestImportingIntoExistingTables:
    @pytest.fixture
    def table(self):
        plan = PlanYearFactory(year=2022, fai_target=Decimal(300))
        group = RankingGroupFactory()
        table = AllocationTableFactory(plan_year=plan, name="局办表", ranking_group=group)
        for order, (name, value) in enumerate([("建设局", 100), ("工信局", 200)], start=1):
            TargetFactory(table=table, unit=UnitFactory(name=name), value=Decimal(value), sort_order=order)
        return table

    def test_changing_existing_values_needs_a_reason_and_saves_nothing_without_one(self, tmp_path, table):
        rows = (["局办表"], HEADER, [1, "建设局", 150], [2, "工信局", 150])

        assert import_errors(tmp_path, *rows) == ["该分解表已有数据，修改前请填写变更原因"]
        assert values_of("局办表") == {"建设局": Decimal(100), "工信局": Decimal(200)}

        import_rows(tmp_path, *rows, reason="年中调整")
        assert values_of("局办表") == {"建设局": Decimal(150), "工信局": Decimal(150)}

    def test_the_same_values_need_no_reason(self, tmp_path, table):
        result = import_rows(tmp_path, ["局办表"], HEADER, [1, "建设局", 100], [2, "工信局", 200])

        assert result.summary_lines() == ["更新分解表「局办表」：目标值无变化。"]

    def test_the_file_is_the_whole_table_in_its_order(self, tmp_path, table):
        UnitFactory(name="开放办")

        import_rows(tmp_path, ["局办表"], HEADER, [1, "开放办", 100], [2, "工信局", 200], reason="调整")

        rows = (
            Target.objects.filter(table=table).order_by("sort_order").values_list("unit__name", "sort_order")
        )
        assert list(rows) == [("开放办", 1), ("工信局", 2)]

    def test_rule_12_a_table_short_of_the_plan_total_is_refused_with_the_difference_named(
        self, tmp_path, table
    ):
        # Its 合计 matches its own rows (100), but the year's plan total is 300: 200 short.
        errors = import_errors(tmp_path, ["新表"], HEADER, ["合计", None, 100], [1, "建设局", 100])

        assert errors == [
            "2022年「新表」各行合计 100 万元，比2022年度计划总量 300 万元少 200 万元，未保存。"
            "分解表各行之和须等于年度计划总量；确需调整总量的，请由管理员先修改年度计划总量。"
        ]
        assert list(AllocationTable.objects.values_list("name", flat=True)) == ["局办表"]

    def test_rule_12_changing_an_existing_table_off_the_total_is_refused_and_keeps_its_values(
        self, tmp_path, table
    ):
        errors = import_errors(
            tmp_path, ["局办表"], HEADER, [1, "建设局", 100], [2, "工信局", 250], reason="年中调整"
        )

        assert errors == [
            "2022年「局办表」各行合计 350 万元，比2022年度计划总量 300 万元多 50 万元，未保存。"
            "分解表各行之和须等于年度计划总量；确需调整总量的，请由管理员先修改年度计划总量。"
        ]
        assert values_of("局办表") == {"建设局": Decimal(100), "工信局": Decimal(200)}
        assert Target.history.filter(history_change_reason="年中调整").count() == 0

    def test_a_blank_intake_cell_keeps_the_units_monthly_target(self, tmp_path, table):
        unit = Unit.objects.get(name="建设局")
        MonthlyIntakeTarget.objects.create(
            plan_year=table.plan_year, unit=unit, min_projects=3, min_investment=1
        )
        header = ("序号", "责任单位", "投资目标", "入库目标")

        import_rows(
            tmp_path, ["局办表"], header, [1, "建设局", 100, None], [2, "工信局", 200, "每月不少于2个"]
        )

        intakes = {i.unit.name: (i.min_projects, i.min_investment) for i in MonthlyIntakeTarget.objects.all()}
        assert intakes == {"建设局": (3, Decimal(1)), "工信局": (2, Decimal(0))}

    def test_changing_a_monthly_intake_target_needs_a_reason(self, tmp_path, table):
        unit = Unit.objects.get(name="建设局")
        MonthlyIntakeTarget.objects.create(
            plan_year=table.plan_year, unit=unit, min_projects=3, min_investment=1
        )
        header = ("序号", "责任单位", "投资目标", "入库目标")

        errors = import_errors(
            tmp_path, ["局办表"], header, [1, "建设局", 100, "不少于4个"], [2, "工信局", 200]
        )

        assert errors == ["该分解表已有数据，修改前请填写变更原因"]
        assert MonthlyIntakeTarget.objects.get().min_projects == 3


@pytest.mark.parametrize(
    ("name", "kind"),
    [
        ("明湖办事处", UnitKind.SUBDISTRICT),
        ("航海东路街道", UnitKind.SUBDISTRICT),
        ("某某镇", UnitKind.SUBDISTRICT),
        ("物流园区", UnitKind.PARK),
        ("综合保税区", UnitKind.PARK),
        ("高新技术产业开发区", UnitKind.PARK),
        ("建设局", UnitKind.BUREAU),
        ("滨河新城指挥部", UnitKind.BUREAU),
    ],
)
def test_a_new_units_kind_is_read_from_how_its_name_ends(name, kind):
    assert unit_kind_guess(name) == kind
