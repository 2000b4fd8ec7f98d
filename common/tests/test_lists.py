"""What every declared list shares: an empty table says so in grey; header groups stand over their
columns in a row of their own; the file's sheet is named after the title, which may hold any text."""

from io import BytesIO

import django_tables2 as tables
from django.test import RequestFactory
from openpyxl import load_workbook

from common.lists import BaseTable, HeaderGroup, WanColumn, xlsx_write
from common.spreadsheets import OutColumn


def test_a_title_with_characters_excel_refuses_in_a_sheet_name_still_names_the_sheet_and_heads_the_file():
    target = BytesIO()
    title = "1#/2#楼[改造]:扩建?*项目\\修改记录"
    count = xlsx_write(
        target, title=title, columns=[OutColumn("内容", "subject")], rows=[{"subject": "月报"}]
    )
    book = load_workbook(BytesIO(target.getvalue()))
    assert count == 1
    assert book.sheetnames == ["1#2#楼改造扩建项目修改记录"]
    assert book.active["A1"].value == title


def test_a_sheet_name_is_cut_at_excels_limit_of_31_characters():
    target = BytesIO()
    title = "某某区" * 12 + "修改记录"
    xlsx_write(target, title=title, columns=[OutColumn("内容", "subject")], rows=[])
    assert load_workbook(BytesIO(target.getvalue())).sheetnames == ["某某区" * 10 + "某"]


def test_a_list_with_no_rows_says_so_in_grey_across_every_column():
    class Plain(BaseTable):
        name = tables.Column(verbose_name="名称")
        amount = WanColumn("金额(万元)")

        class Meta(BaseTable.Meta):
            pass

    html = Plain([]).as_html(RequestFactory().get("/"))
    assert '<td colspan="2" class="text-muted">没有符合条件的记录。</td>' in html


def test_header_groups_stand_over_their_columns_and_a_column_in_no_group_spans_both_header_rows():
    class Grouped(BaseTable):
        unit = tables.Column(verbose_name="单位")
        this_year = WanColumn("本年")
        last_year = WanColumn("上年")
        note = tables.Column(verbose_name="备注")
        header_groups = (HeaderGroup("官方数据(万元)", ("this_year", "last_year"), "table-primary"),)

        class Meta(BaseTable.Meta):
            pass

    html = Grouped([{"unit": "明湖", "this_year": 1200, "last_year": 1000, "note": ""}]).as_html(
        RequestFactory().get("/")
    )
    head = html[html.index("<thead") : html.index("</thead>")]
    first, second = head.split("</tr>")[:2]
    assert '<th class="orderable" rowspan="2" scope="col"><a href="?sort=unit">单位</a></th>' in first
    assert '<a href="?sort=note">备注</a>' in first
    assert '<th colspan="2" class="text-center table-primary" scope="colgroup">官方数据(万元)</th>' in first
    assert "本年" not in first and "单位" not in second
    assert second.index(">本年</a></th>") < second.index(">上年</a></th>")
    assert "1,200" in html


def test_a_table_without_header_groups_keeps_one_header_row():
    class Plain(BaseTable):
        name = tables.Column(verbose_name="名称")

        class Meta(BaseTable.Meta):
            pass

    html = Plain([{"name": "月报"}]).as_html(RequestFactory().get("/"))
    assert html[html.index("<thead") : html.index("</thead>")].count("<tr") == 1
