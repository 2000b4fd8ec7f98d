"""The 分解表 layout: 入库目标 text both ways, the blank template, the export's safety and sheet names."""

import io
from decimal import Decimal

import pytest
from openpyxl import load_workbook

from common.spreadsheets import workbook_response_bytes
from targets.choices import UnitKind
from targets.models import AllocationTable, MonthlyIntakeTarget
from targets.services.imports import targets_import
from targets.workbooks import (
    IntakeGoal,
    allocation_template_workbook,
    allocation_workbook,
    intake_goal_parse,
    intake_goal_text,
    unit_header_for,
)
from tests.factories import AllocationTableFactory, PlanYearFactory, TargetFactory, UnitFactory


@pytest.mark.parametrize(
    ("text", "goal"),
    [
        ("单月新增不少于10个，总投资不低于5亿元", IntakeGoal(10, Decimal(50000))),
        ("单月新增不少于5个，总投资不低于2.5亿元", IntakeGoal(5, Decimal(25000))),
        ("每月新增不少于３项，总投资不低于8000万元", IntakeGoal(3, Decimal(8000))),
        ("单月新增不少于10个", IntakeGoal(10, Decimal(0))),
        ("总投资不低于 1.25 亿元", IntakeGoal(0, Decimal(12500))),
    ],
)
def test_an_intake_target_is_read_from_the_words_people_write(text, goal):
    assert intake_goal_parse(text) == goal


def test_an_intake_target_without_numbers_is_not_read():
    assert intake_goal_parse("尽快入库") is None


@pytest.mark.parametrize(
    "text", ["单月新增不少于10个，总投资不低于5亿元", "单月新增不少于5个，总投资不低于2.5亿元"]
)
def test_seed_000s_intake_targets_are_written_back_word_for_word(text):
    assert intake_goal_text(intake_goal_parse(text)) == text


def test_only_a_table_of_sub_districts_is_headed_by_their_name():
    assert unit_header_for([UnitKind.SUBDISTRICT] * 6) == "所属办事处"
    assert unit_header_for([UnitKind.PARK, UnitKind.BUREAU]) == "责任单位"
    assert unit_header_for([UnitKind.SUBDISTRICT, UnitKind.BUREAU]) == "责任单位"
    assert unit_header_for([]) == "责任单位"


def test_the_blank_template_has_seed_000s_layout():
    ws = load_workbook(io.BytesIO(workbook_response_bytes(allocation_template_workbook()))).active

    assert ws["A1"].value == "各单位年度固定资产投资任务一览表"
    assert {str(cell_range) for cell_range in ws.merged_cells.ranges} == {"A1:D1", "A2:D2"}
    assert ws["A2"].value == "单位：万元"
    assert [cell.value for cell in ws[3]] == ["序号", "责任单位", "投资目标", "入库目标"]
    assert [cell.value for cell in ws[4]] == ["合计", None, None, None]
    assert [ws.cell(row, 1).value for row in range(5, 25)] == list(range(1, 21))
    assert ws.print_title_rows == "$1:$3"


@pytest.mark.django_db
def test_the_filled_in_template_imports(tmp_path):
    UnitFactory(name="建设局")
    workbook = allocation_template_workbook()
    ws = workbook.active
    ws["A1"] = "2023年局办分解表"
    ws["B5"], ws["C5"] = "建设局", 1000
    ws["C4"] = 1000

    targets_import(source=io.BytesIO(workbook_response_bytes(workbook)), source_name="模板.xlsx", year=2023)

    assert AllocationTable.objects.get().name == "2023年局办分解表"


@pytest.mark.django_db
def test_text_from_users_is_written_as_text_never_as_a_formula():
    table = AllocationTableFactory(name='=HYPERLINK("http://x","点我")')
    unit = UnitFactory(name="+1+1局", kind=UnitKind.BUREAU)
    TargetFactory(table=table, unit=unit, value=Decimal(5))
    MonthlyIntakeTarget.objects.create(plan_year=table.plan_year, unit=unit, min_projects=1, min_investment=1)
    UnitFactory(name="@SUM(A1)")

    workbook = allocation_workbook(tables=AllocationTable.objects.all())
    ws = load_workbook(io.BytesIO(workbook_response_bytes(workbook))).active

    for cell in (ws["A1"], ws["B5"]):
        assert cell.data_type == "s"
        assert cell.quotePrefix
    assert ws["A1"].value == table.name
    assert ws["B5"].value == "+1+1局"


@pytest.mark.django_db
def test_sheet_names_are_ones_excel_accepts():
    plan = PlanYearFactory()
    long_name = "经开区2022年度各局办固定资产投资任务分解一览表（第二次调整稿）"
    for order, name in enumerate((long_name, long_name + "乙", "局办/办事处[汇总]")):
        TargetFactory(table=AllocationTableFactory(plan_year=plan, name=name, sort_order=order))

    workbook = allocation_workbook(tables=AllocationTable.objects.all())

    titles = [ws.title for ws in workbook.worksheets]
    assert titles == [long_name[:31], long_name[:28] + "(2)", "局办_办事处_汇总_"]
    assert [ws["A1"].value for ws in workbook.worksheets] == [
        long_name,
        long_name + "乙",
        "局办/办事处[汇总]",
    ]


@pytest.mark.django_db
def test_the_total_row_is_the_sum_of_the_rows_even_when_the_table_is_unbalanced():
    table = AllocationTableFactory(plan_year=PlanYearFactory(fai_target=Decimal(1000)))
    TargetFactory(table=table, value=Decimal("100.5"))
    TargetFactory(table=table, value=Decimal(200))

    ws = allocation_workbook(tables=AllocationTable.objects.all()).active

    assert ws["C4"].value == Decimal("300.5")
    assert [ws.cell(row, 3).value for row in (5, 6)] == [Decimal("100.5"), Decimal(200)]
