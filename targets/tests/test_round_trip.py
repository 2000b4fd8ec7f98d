"""Seed 000's two tables, typed as printed, go in with import_targets and come out unchanged."""

from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import call_command
from openpyxl import load_workbook

from targets.models import MonthlyIntakeTarget, PlanYear, Target, Unit

from .seed_000 import (
    BUREAU_TITLE,
    BUREAUS,
    INTAKE,
    SUBDISTRICT_TITLE,
    SUBDISTRICTS,
    TOTAL,
    seed_file,
    type_bureau_table,
    type_subdistrict_table,
)

pytestmark = pytest.mark.django_db


def run(*args: str) -> str:
    out = StringIO()
    call_command(*args, stdout=out, stderr=out)
    return out.getvalue()


def target_values() -> dict[tuple[str, str], Decimal]:
    return {
        (target.table.name, target.unit.name): target.value
        for target in Target.objects.select_related("table", "unit")
    }


def intake_targets() -> dict[str, tuple[int, Decimal]]:
    return {
        intake.unit.name: (intake.min_projects, intake.min_investment)
        for intake in MonthlyIntakeTarget.objects.select_related("unit")
    }


def sheet_rows(ws) -> list[list[object]]:
    return [list(row) for row in ws.iter_rows(values_only=True)]


def test_seed_000s_tables_round_trip_through_import_and_export_unchanged(tmp_path):
    bureaus = seed_file(tmp_path, "局办.xlsx", type_bureau_table)
    subdistricts = seed_file(tmp_path, "办事处.xlsx", type_subdistrict_table)

    run("import_targets", bureaus, "--year", "2022", "--create-units")
    run("import_targets", subdistricts, "--year", "2022", "--create-units")

    expected = {(BUREAU_TITLE, name): Decimal(value) for name, value in BUREAUS} | {
        (SUBDISTRICT_TITLE, name): Decimal(value) for name, value, _ in SUBDISTRICTS
    }
    assert target_values() == expected
    assert intake_targets() == INTAKE
    assert PlanYear.objects.get(year=2022).fai_target == Decimal(TOTAL)

    exported = tmp_path / "导出.xlsx"
    run("export_targets", "--year", "2022", "--output", str(exported))
    output = run("import_targets", str(exported), "--year", "2022")

    assert target_values() == expected
    assert intake_targets() == INTAKE
    assert output.count("目标值无变化") == 2
    assert Unit.objects.count() == 19

    workbook = load_workbook(exported)
    assert [ws.title for ws in workbook.worksheets] == [BUREAU_TITLE, SUBDISTRICT_TITLE]
    bureau_sheet, subdistrict_sheet = workbook.worksheets
    assert sheet_rows(bureau_sheet) == [
        [BUREAU_TITLE, None, None],
        ["单位：万元", None, None],
        ["序号", "责任单位", "投资目标"],
        ["合计", None, TOTAL],
        *[[number, name, value] for number, (name, value) in enumerate(BUREAUS, start=1)],
    ]
    assert sheet_rows(subdistrict_sheet) == [
        [SUBDISTRICT_TITLE, None, None, None],
        ["单位：万元", None, None, None],
        ["序号", "所属办事处", "投资目标", "入库目标"],
        ["合计", None, TOTAL, None],
        *[[number, *row] for number, row in enumerate(SUBDISTRICTS, start=1)],
    ]
    for ws, last in ((bureau_sheet, "C"), (subdistrict_sheet, "D")):
        assert {str(cell_range) for cell_range in ws.merged_cells.ranges} == {f"A1:{last}1", f"A2:{last}2"}
        assert ws["A1"].font.bold
        assert ws["A2"].alignment.horizontal == "right"
        assert {ws.cell(row, 3).number_format for row in range(4, ws.max_row + 1)} == {"#,##0"}
        assert ws.print_title_rows == "$1:$3"
        assert int(ws.page_setup.paperSize) == 9  # A4


def test_the_exported_workbook_builds_the_same_tables_in_an_empty_database(tmp_path):
    both = seed_file(tmp_path, "分解表.xlsx", type_bureau_table, type_subdistrict_table)
    run("import_targets", both, "--year", "2022", "--create-units")
    first = tmp_path / "第一次导出.xlsx"
    run("export_targets", "--year", "2022", "--output", str(first))
    before = (target_values(), intake_targets(), sorted(Unit.objects.values_list("name", "kind")))

    PlanYear.objects.all().delete()
    MonthlyIntakeTarget.objects.all().delete()
    Unit.objects.all().delete()
    run("import_targets", str(first), "--year", "2022", "--create-units")
    second = tmp_path / "第二次导出.xlsx"
    run("export_targets", "--year", "2022", "--output", str(second))

    assert (target_values(), intake_targets(), sorted(Unit.objects.values_list("name", "kind"))) == before
    first_sheets = [sheet_rows(ws) for ws in load_workbook(first).worksheets]
    assert [sheet_rows(ws) for ws in load_workbook(second).worksheets] == first_sheets
