from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from openpyxl import load_workbook

from tests.factories import AllocationTableFactory, PlanYearFactory, TargetFactory

pytestmark = pytest.mark.django_db


def test_it_exports_only_the_named_table(tmp_path):
    table = AllocationTableFactory(name="局办表")
    TargetFactory(table=AllocationTableFactory(plan_year=table.plan_year, name="办事处表"))
    TargetFactory(table=table)
    output = tmp_path / "局办.xlsx"
    out = StringIO()

    call_command("export_targets", "--year", "2022", "--table", "局办表", "--output", str(output), stdout=out)

    assert load_workbook(output).sheetnames == ["局办表"]
    assert f"已导出 1 张分解表：{output}" in out.getvalue()


def test_a_year_or_table_without_tables_is_an_error(tmp_path):
    AllocationTableFactory(name="局办表")
    PlanYearFactory(year=2023)

    with pytest.raises(CommandError, match="2023年度没有分解表"):
        call_command("export_targets", "--year", "2023", "--output", str(tmp_path / "x.xlsx"))
    with pytest.raises(CommandError, match="2022年度没有名为「办事处表」的分解表"):
        call_command(
            "export_targets", "--year", "2022", "--table", "办事处表", "--output", str(tmp_path / "x.xlsx")
        )


def test_a_year_that_does_not_exist_is_named_as_such(tmp_path):
    AllocationTableFactory(name="局办表")
    output = tmp_path / "x.xlsx"

    with pytest.raises(CommandError) as raised:
        call_command("export_targets", "--year", "2031", "--output", str(output))

    assert str(raised.value) == "2031年度计划不存在：尚未导入该年度的分解表，没有可导出的内容"
    assert not output.exists()
