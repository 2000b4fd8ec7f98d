import io
import re
import zipfile
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

import pytest
from openpyxl import Workbook, load_workbook

from common.spreadsheets import (
    CellError,
    Column,
    OutColumn,
    SpreadsheetError,
    StreamedWorkbook,
    Table,
    display_width,
    filled_sheet_names,
    read_table,
    safe_cell_value,
    stream_table,
    streamed_sheet,
    workbook_response_bytes,
    write_table,
)

# Seed 000: 各局办年度固定资产投资任务一览表 (万元).
BUREAU_TARGETS = [
    ("综合保税区", 150000),
    ("物流园区", 480000),
    ("建设局", 2230000),
    ("工信局", 750000),
    ("自然资源和规划分局", 500000),
    ("投资促进局", 400000),
    ("科技人才局", 200000),
    ("滨河新城指挥部", 200000),
    ("综合执法局", 150000),
    ("开放办", 110000),
    ("教文体局", 80000),
    ("社会事业局", 80000),
    ("政务服务局", 40000),
]

TARGET_COLUMNS = [
    Column("seq", "序号", kind="int", required=False, allow_blank=True),
    Column("unit", "单位", aliases=("责任单位", "所属办事处")),
    Column("target", "投资目标(万元)", aliases=("投资目标",), kind="decimal", min_value=0, summed=True),
]


def xlsx(*rows: list[object]) -> io.BytesIO:
    wb = Workbook()
    for row in rows:
        wb.active.append(row)
    return io.BytesIO(workbook_response_bytes(wb))


def zip_bytes(members: dict[str, bytes]) -> io.BytesIO:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    buffer.seek(0)
    return buffer


def valid_xlsx_members() -> dict[str, bytes]:
    with zipfile.ZipFile(xlsx(["单位", "投资目标"], ["建设局", 1])) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def read_targets(source: io.BytesIO | Path, **kwargs: object) -> Table:
    return read_table(source, columns=TARGET_COLUMNS, **kwargs)


def test_the_seed_allocation_table_survives_a_round_trip() -> None:
    wb = Workbook()
    columns = [
        OutColumn("序号", "seq", kind="int"),
        OutColumn("责任单位", "unit"),
        OutColumn("投资目标", "target", kind="money"),
    ]
    rows = [
        {"seq": number, "unit": unit, "target": Decimal(target)}
        for number, (unit, target) in enumerate(BUREAU_TARGETS, start=1)
    ]
    header_row = write_table(
        wb.active,
        title="各局办年度固定资产投资任务一览表",
        unit_line="单位：万元",
        columns=columns,
        rows=rows,
        total_row={"seq": "合计", "target": Decimal(5370000)},
    )

    table = read_targets(io.BytesIO(workbook_response_bytes(wb)))

    assert header_row == 3
    assert table.ok, [str(error) for error in table.errors]
    assert table.header_row == 3
    assert [(row.values["unit"], row.values["target"]) for row in table.rows] == [
        (unit, Decimal(target)) for unit, target in BUREAU_TARGETS
    ]
    assert [row.values["seq"] for row in table.rows] == list(range(1, 14))
    assert [row.number for row in table.rows] == list(range(5, 18))
    assert table.total_row is not None
    assert table.total_row.number == 4
    assert table.total_row.values["target"] == Decimal(5370000)


def test_it_finds_the_header_below_title_lines_with_odd_spacing_and_brackets() -> None:
    source = xlsx(
        ["各办事处年度固定资产投资任务一览表"],
        [],
        [None, None, "单位：万元"],
        ["序  号", "所属\n办事处", "投资目标（万元）", "备注"],
        ["1", "明湖办事处", 1450000, "x"],
    )

    table = read_targets(source)

    assert table.ok
    assert table.header_row == 4
    assert table.rows[0].number == 5
    assert table.rows[0].values == {"seq": 1, "unit": "明湖办事处", "target": Decimal(1450000)}


@pytest.mark.parametrize("unit_header", ["单位", "责任单位", "所属办事处"])
def test_it_accepts_every_alias_of_the_unit_column(unit_header: str) -> None:
    table = read_targets(xlsx([unit_header, "投资目标"], ["建设局", 10]))

    assert table.ok
    assert table.rows[0].values["unit"] == "建设局"


def test_it_keeps_the_title_and_unit_lines_above_the_header() -> None:
    source = xlsx(
        [" 各局办年度固定资产投资任务一览表 "],
        [],
        [None, None, "单位：万元"],
        ["序号", "责任单位", "投资目标"],
        ["合计", None, 150000],
        [1, "综合保税区", 150000],
    )

    table = read_targets(source)

    assert table.ok
    assert table.preamble == [(1, "各局办年度固定资产投资任务一览表"), (3, "单位：万元")]


def test_a_header_in_the_first_row_has_no_preamble() -> None:
    assert read_targets(xlsx(["单位", "投资目标"], ["建设局", 1])).preamble == []


def test_it_lists_the_sheets_that_hold_something() -> None:
    wb = Workbook()
    wb.active.title = "局办"
    wb.active.append(["单位", "投资目标"])
    wb.create_sheet("空白")
    wb.create_sheet("空格").append([None, "  "])
    wb.create_sheet("办事处").append([None, None, "单位：万元"])

    assert filled_sheet_names(io.BytesIO(workbook_response_bytes(wb))) == ["局办", "办事处"]


def test_listing_the_sheets_checks_the_file_like_reading_it() -> None:
    with pytest.raises(SpreadsheetError, match=r"不支持旧版 \.xls 格式"):
        filled_sheet_names(ole("Root Entry", "Workbook"))


def test_it_names_the_missing_columns_when_no_header_is_found() -> None:
    columns = [Column("code", "项目代码"), Column("month", "本月完成投资(万元)", kind="decimal")]

    with pytest.raises(SpreadsheetError) as raised:
        read_table(xlsx(["标题"], ["项目代码", "本年累计完成(万元)"], ["A1", 3]), columns=columns)

    assert str(raised.value) == "未找到表头：缺少列「本月完成投资(万元)」"


def test_it_only_looks_for_the_header_within_the_first_rows() -> None:
    source = xlsx(*([["说明"]] * 3), ["单位", "投资目标"], ["建设局", 1])

    with pytest.raises(SpreadsheetError, match="未找到表头"):
        read_targets(source, max_header_scan=3)


def test_it_reports_a_total_that_does_not_match_the_rows() -> None:
    source = xlsx(
        ["表"],
        ["序号", "责任单位", "投资目标"],
        [" 合 计 ", None, 5370000],
        [1, "建设局", 2230000],
        [2, "工信局", 3130000],
    )

    table = read_targets(source)

    assert [str(error) for error in table.errors] == [
        "第3行 C列「投资目标(万元)」：合计 5,370,000 与各行之和 5,360,000 不符"
    ]
    assert len(table.rows) == 2


def test_a_total_in_the_unit_column_at_the_bottom_is_recognised() -> None:
    table = read_targets(
        xlsx(["单位", "投资目标"], ["建设局", "1,000.50"], ["工信局", 0.1], [None, None], ["总计", 1000.6])
    )

    assert table.ok
    assert table.total_row is not None and table.total_row.number == 5
    assert len(table.rows) == 2


def test_a_column_with_bad_cells_is_not_also_blamed_on_the_total() -> None:
    table = read_targets(xlsx(["单位", "投资目标"], ["合计", 3], ["建设局", 1], ["工信局", "二"]))

    assert [str(error) for error in table.errors] == ["第4行 B列「投资目标(万元)」：「二」不是有效的数字"]


def test_a_second_total_row_is_an_error() -> None:
    table = read_targets(xlsx(["单位", "投资目标"], ["建设局", 1], ["合计", 1], ["合计", 1]))

    assert [str(error) for error in table.errors] == ["第4行：重复的合计行（第3行已有合计）"]


def test_the_total_check_can_be_switched_off() -> None:
    table = read_targets(xlsx(["单位", "投资目标"], ["建设局", 1], ["合计", 2]), total_check=False)

    assert table.ok
    assert table.total_row is not None and table.total_row.values["target"] == Decimal(2)


def test_it_collects_every_error_with_its_row_and_column() -> None:
    source = xlsx(
        ["标题"],
        ["序号", "单位", "投资目标"],
        [1, "建设局", -5],
        [2, None, 10],
        [3, "工信局", "abc"],
        [4, "开放办", 7],
    )

    table = read_targets(source)

    assert not table.ok
    assert table.errors == [
        CellError(3, "C", "投资目标(万元)", "不能为负数"),
        CellError(4, "B", "单位", "必填"),
        CellError(5, "C", "投资目标(万元)", "「abc」不是有效的数字"),
    ]
    assert str(table.errors[0]) == "第3行 C列「投资目标(万元)」：不能为负数"
    assert len(table.rows) == 4


def test_rows_that_are_blank_or_only_numbered_are_skipped() -> None:
    table = read_targets(
        xlsx(["序号", "单位", "投资目标"], [1, "建设局", 5], ["　", None, " "], [2], [3, None])
    )

    assert table.ok
    assert [row.number for row in table.rows] == [2]


@pytest.mark.parametrize(
    ("cell", "expected"),
    [
        ("1,234.50", Decimal("1234.50")),
        ("1，234", Decimal(1234)),
        (" 12 ", Decimal(12)),
        ("１２", Decimal(12)),
        (12.3, Decimal("12.3")),
        (0.1, Decimal("0.1")),
        (7, Decimal(7)),
    ],
)
def test_it_parses_amounts_typed_in_the_usual_ways(cell: object, expected: Decimal) -> None:
    table = read_targets(xlsx(["单位", "投资目标"], ["建设局", cell]))

    assert table.ok
    assert table.rows[0].values["target"] == expected


@pytest.mark.parametrize("cell", ["1e5", "NaN", "1_000", "12万", "1" + "0" * 30, True])
def test_it_rejects_text_that_is_not_a_plain_number(cell: object) -> None:
    table = read_targets(xlsx(["单位", "投资目标"], ["建设局", cell]))

    assert [error.message.endswith("不是有效的数字") for error in table.errors] == [True]


def test_integer_columns_reject_fractions() -> None:
    table = read_targets(xlsx(["序号", "单位", "投资目标"], [1.5, "建设局", 1]))

    assert [str(error) for error in table.errors] == ["第2行 A列「序号」：「1.5」不是整数"]


@pytest.mark.parametrize(
    "cell", [datetime(2022, 5, 1), date(2022, 5, 1), "2022-05-01", "2022/5/1", "2022年5月1日", " 2022.5.1 "]
)
def test_it_parses_dates(cell: object) -> None:
    columns = [Column("name", "项目名称"), Column("start", "开工日期", kind="date")]

    table = read_table(xlsx(["项目名称", "开工日期"], ["某项目", cell]), columns=columns)

    assert table.ok
    assert table.rows[0].values["start"] == date(2022, 5, 1)


@pytest.mark.parametrize("cell", ["2022-13-01", "五月一日", 44682])
def test_it_rejects_what_is_not_a_date(cell: object) -> None:
    columns = [Column("name", "项目名称"), Column("start", "开工日期", kind="date")]

    table = read_table(xlsx(["项目名称", "开工日期"], ["某项目", cell]), columns=columns)

    assert [error.message for error in table.errors] == [f"「{cell}」不是有效的日期"]


def test_optional_columns_may_be_absent_and_blank_cells_allowed() -> None:
    columns = [*TARGET_COLUMNS, Column("note", "备注", required=False, allow_blank=True)]

    table = read_table(xlsx(["单位", "投资目标", "备注"], ["建设局", 1, None]), columns=columns)

    assert table.ok
    assert table.rows[0].values == {"seq": None, "unit": "建设局", "target": Decimal(1), "note": None}


def test_callers_add_domain_errors_with_the_same_addressing() -> None:
    table = read_targets(xlsx(["标题"], ["序号", "单位", "投资目标"], [1, "某某", 1]))

    table.add_error(table.rows[0], "unit", "未找到单位「某某」")
    table.add_error(3, None, "与第9行重复")

    assert not table.ok
    assert [str(error) for error in table.errors] == [
        "第3行 B列「单位」：未找到单位「某某」",
        "第3行：与第9行重复",
    ]


def test_it_reads_the_named_sheet_and_refuses_an_unknown_one() -> None:
    wb = Workbook()
    wb.active.append(["无关"])
    wb.create_sheet("局办").append(["单位", "投资目标"])
    wb["局办"].append(["建设局", 3])
    source = io.BytesIO(workbook_response_bytes(wb))

    assert read_targets(source, sheet="局办").rows[0].values["target"] == Decimal(3)
    with pytest.raises(SpreadsheetError, match="未找到工作表「办事处」"):
        read_targets(source, sheet="办事处")


def test_it_reads_from_a_path(tmp_path: Path) -> None:
    path = tmp_path / "targets.xlsx"
    path.write_bytes(xlsx(["单位", "投资目标"], ["建设局", 3]).getvalue())

    assert read_targets(path).rows[0].values["unit"] == "建设局"
    with pytest.raises(SpreadsheetError, match="文件不存在或无法读取"):
        read_targets(tmp_path / "missing.xlsx")


def ole(*streams: str) -> io.BytesIO:
    directory = b"".join(name.encode("utf-16-le").ljust(64, b"\0") for name in streams)
    return io.BytesIO(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(504) + directory)


def bomb(size: int) -> io.BytesIO:
    buffer = io.BytesIO()
    chunk = bytes(1024 * 1024)
    with (
        zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive,
        archive.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as member,
    ):
        for _ in range(size // len(chunk)):
            member.write(chunk)
    buffer.seek(0)
    return buffer


class UploadedFile(io.BytesIO):
    """What Django hands a view: a binary file that knows its size."""

    def __init__(self, data: bytes, size: int) -> None:
        super().__init__(data)
        self.size = size


@pytest.mark.parametrize(
    ("source", "message"),
    [
        (io.BytesIO(b"name,target\n"), "文件不是有效的 Excel（.xlsx）文件"),
        (io.BytesIO(b""), "文件不是有效的 Excel（.xlsx）文件"),
        (ole("Root Entry", "Workbook"), "不支持旧版 .xls 格式，请另存为 .xlsx"),
        (
            ole("Root Entry", "EncryptionInfo", "EncryptedPackage"),
            "文件已加密或设置了密码，请取消密码后再上传",
        ),
        (io.BytesIO(b"PK" + bytes(10 * 1024 * 1024)), "文件过大（上限 10 MB）"),
        (UploadedFile(b"", size=11 * 1024 * 1024), "文件过大（上限 10 MB）"),
        (zip_bytes({"word/document.xml": b"<w/>"}), "文件不是有效的 Excel（.xlsx）文件"),
        (bomb(101 * 1024 * 1024), "文件解压后体积异常，已拒绝处理"),
        (bomb(4 * 1024 * 1024), "文件解压后体积异常，已拒绝处理"),
    ],
    ids=["csv", "empty", "xls", "encrypted", "too-large", "upload-too-large", "docx-like", "bomb", "ratio"],
)
def test_it_refuses_files_that_are_not_plain_xlsx(source: io.BytesIO, message: str) -> None:
    with pytest.raises(SpreadsheetError) as raised:
        read_targets(source)

    assert str(raised.value) == message


def test_it_refuses_a_workbook_carrying_a_vba_project() -> None:
    members = valid_xlsx_members() | {"xl/vbaProject.bin": b"\0" * 100}

    with pytest.raises(SpreadsheetError, match=r"不接受含宏的文件（\.xlsm）"):
        read_targets(zip_bytes(members))


def test_it_refuses_a_macro_enabled_content_type() -> None:
    members = valid_xlsx_members()
    members["[Content_Types].xml"] = members["[Content_Types].xml"].replace(
        b"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml",
        b"application/vnd.ms-excel.sheet.macroEnabled.main+xml",
    )

    with pytest.raises(SpreadsheetError, match=r"不接受含宏的文件（\.xlsm）"):
        read_targets(zip_bytes(members))


@pytest.mark.parametrize("broken_part", ["xl/workbook.xml", "xl/worksheets/sheet1.xml", "xl/styles.xml"])
def test_a_corrupt_part_is_reported_as_an_invalid_file(broken_part: str) -> None:
    members = valid_xlsx_members() | {broken_part: b"<not xml"}

    with pytest.raises(SpreadsheetError, match="文件不是有效的 Excel"):
        read_targets(zip_bytes(members))


def test_a_workbook_typed_by_a_default_content_type_is_accepted() -> None:
    members = valid_xlsx_members()
    workbook_type = b"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"
    content_types = re.sub(
        rb'<Override PartName="/xl/workbook.xml"[^>]*>', b"", members["[Content_Types].xml"]
    )
    members["[Content_Types].xml"] = content_types.replace(b'"application/xml"', b'"' + workbook_type + b'"')
    assert b'PartName="/xl/workbook.xml"' not in members["[Content_Types].xml"]

    assert read_targets(zip_bytes(members)).rows[0].values["unit"] == "建设局"


def test_a_zip_bomb_is_refused_without_decompressing_anything(monkeypatch: pytest.MonkeyPatch) -> None:
    source = bomb(101 * 1024 * 1024)

    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("the archive was opened for reading")

    monkeypatch.setattr(zipfile.ZipFile, "open", refuse)
    with pytest.raises(SpreadsheetError, match="文件解压后体积异常"):
        read_targets(source)


def test_a_missing_workbook_part_is_reported_as_an_invalid_file() -> None:
    members = valid_xlsx_members()
    del members["xl/workbook.xml"]

    with pytest.raises(SpreadsheetError, match="文件不是有效的 Excel"):
        read_targets(zip_bytes(members))


@pytest.mark.parametrize(
    "text", ["=1+1", '=HYPERLINK("http://x","点我")', "+1+1", "-1+1", "@SUM(A1)", "\t=1", "#N/A"]
)
def test_text_that_looks_like_a_formula_stays_text(text: str) -> None:
    wb = Workbook()
    write_table(wb.active, title="表", columns=[OutColumn("单位", "unit")], rows=[{"unit": text}])

    reopened = load_workbook(io.BytesIO(workbook_response_bytes(wb)))
    cell = reopened.active["A4"]

    assert cell.data_type == "s"
    assert cell.value == text
    assert cell.quotePrefix


def test_safe_cell_value_keeps_numbers_and_plain_text_as_they_are() -> None:
    ws = Workbook().active

    assert safe_cell_value(ws["A1"], Decimal("1.5")).data_type == "n"
    assert not safe_cell_value(ws["A2"], "建设局").quotePrefix
    assert safe_cell_value(ws["A3"], "含\x07控制符").value == "含控制符"


def test_the_report_is_set_up_for_printing() -> None:
    wb = Workbook()
    write_table(
        wb.active,
        title="通报",
        columns=[OutColumn("单位", "unit"), OutColumn("增速(%)", "growth", kind="pct")],
        rows=[{"unit": "建设局", "growth": Decimal("12.34")}],
        note="注：数据来源于区统计局。",
    )

    ws = load_workbook(io.BytesIO(workbook_response_bytes(wb))).active

    assert ws.page_setup.orientation == "landscape"
    assert int(ws.page_setup.paperSize) == 9
    assert int(ws.page_setup.fitToWidth) == 1
    assert int(ws.page_setup.fitToHeight) == 0
    assert ws.sheet_properties.pageSetUpPr.fitToPage
    assert ws.print_title_rows == "$1:$3"
    assert ws.print_options.horizontalCentered
    assert ws.freeze_panes == "A4"
    assert "A1:B1" in ws.merged_cells
    assert ws["A1"].font.bold
    assert ws["A2"].alignment.horizontal == "right"
    assert ws["A3"].font.bold and ws["A3"].border.bottom.style == "thin"
    assert ws["B4"].number_format == "0.0"
    assert ws["A5"].value == "注：数据来源于区统计局。"


def test_money_columns_are_grouped_and_widths_fit_chinese_text() -> None:
    wb = Workbook()
    columns = [
        OutColumn("单位", "unit"),
        OutColumn("投资目标", "target", kind="money"),
        OutColumn("完成", "done", kind="money", decimals=2),
        OutColumn("个数", "count", kind="int", width=30),
    ]
    rows = [{"unit": "自然资源和规划分局", "target": Decimal(2230000), "done": Decimal("1.5"), "count": 3}]
    header_row = write_table(wb.active, title="表", unit_line=None, columns=columns, rows=rows)
    ws = wb.active

    assert header_row == 2
    assert [ws.cell(3, index).number_format for index in (2, 3, 4)] == ["#,##0", "#,##0.00", "#,##0"]
    assert ws.column_dimensions["A"].width == display_width("自然资源和规划分局") + 2
    assert ws.column_dimensions["D"].width == 30


def test_columns_widen_so_a_long_title_is_not_clipped() -> None:
    wb = Workbook()
    title = "各局办年度固定资产投资任务一览表"
    columns = [OutColumn("序号", "seq", kind="int", width=6), OutColumn("单位", "unit")]
    write_table(wb.active, title=title, columns=columns, rows=[{"seq": 1, "unit": "建设局"}])

    widths = [wb.active.column_dimensions[letter].width for letter in "AB"]

    assert widths[0] == 6
    assert sum(widths) >= display_width(title) * 16 / 11


def test_display_width_counts_cjk_characters_twice() -> None:
    assert display_width("建设局") == 6
    assert display_width("投资目标(万元)") == 14
    assert display_width("（万元）") == 8
    assert display_width("abc 1") == 5


def test_a_streamed_table_is_laid_out_and_set_up_for_printing_like_a_report() -> None:
    wb = StreamedWorkbook()
    columns = [
        OutColumn("项目名称", "name", width=40),
        OutColumn("本月完成投资(万元)", "amount", kind="money", decimals=2),
        OutColumn("形象进度", "progress"),
    ]
    rows = (
        {"name": f"项目{n}", "amount": Decimal("12345.6"), "progress": "=cmd|' /C calc'!A0"} for n in range(3)
    )
    count = stream_table(streamed_sheet(wb, "台账"), title="项目进展台账", columns=columns, rows=rows)

    ws = load_workbook(io.BytesIO(workbook_response_bytes(wb))).active

    assert count == 3
    assert {"A1:C1", "A2:C2"} == {str(merged) for merged in ws.merged_cells.ranges}
    assert ws["A1"].value == "项目进展台账" and ws["A1"].font.bold
    assert ws["A2"].value == "单位：万元"
    assert [cell.value for cell in ws[3]] == ["项目名称", "本月完成投资(万元)", "形象进度"]
    assert ws["A3"].font.bold and ws["A3"].border.bottom.style == "thin"
    assert ws["B6"].value == 12345.6 and ws["B6"].number_format == "#,##0.00"
    assert ws["C6"].data_type == "s" and ws["C6"].quotePrefix
    assert ws.max_row == 6
    assert ws.freeze_panes == "A4"
    assert ws.print_title_rows == "$1:$3"
    assert ws.page_setup.orientation == "landscape" and int(ws.page_setup.paperSize) == 9
    # Like Excel, XlsxWriter leaves out fitToWidth="1": the attribute's default in the file format is 1.
    assert int(ws.page_setup.fitToWidth or 1) == 1 and ws.sheet_properties.pageSetUpPr.fitToPage
    assert int(ws.page_setup.fitToHeight) == 0
    assert ws.column_dimensions["A"].width == 40
    assert ws.column_dimensions["B"].width >= display_width("本月完成投资(万元)")


def test_every_row_keeps_its_own_format_and_formula_guard_when_styles_are_reused() -> None:
    wb = Workbook()
    columns = [OutColumn("单位", "unit"), OutColumn("完成", "done", kind="money")]
    rows = [
        {"unit": "建设局", "done": Decimal(1)},
        {"unit": "=1+1", "done": None},
        {"unit": "工信局", "done": 2},
    ]
    write_table(wb.active, title="表", columns=columns, rows=rows, total_row={"unit": "合计", "done": 3})

    ws = load_workbook(io.BytesIO(workbook_response_bytes(wb))).active

    assert ws["A4"].font.bold and ws["B4"].font.bold, "the 合计 row is bold"
    assert not ws["A5"].font.bold and ws["B5"].number_format == "#,##0"
    assert ws["A6"].data_type == "s" and ws["A6"].quotePrefix and ws["B6"].number_format == "General"
    assert not ws["A7"].quotePrefix and ws["B7"].number_format == "#,##0"
    assert all(ws.cell(row, 1).border.left.style == "thin" for row in range(4, 8))


def test_filled_sheet_names_leaves_out_hidden_sheets(tmp_path):
    from openpyxl import Workbook

    from common.spreadsheets import filled_sheet_names

    workbook = Workbook()
    workbook.active.title = "可见"
    workbook.active.append(["单位", "投资目标"])
    hidden = workbook.create_sheet("隐藏")
    hidden.append(["单位", "投资目标"])
    hidden.sheet_state = "hidden"
    path = tmp_path / "hidden.xlsx"
    workbook.save(path)
    assert filled_sheet_names(path) == ["可见"]


def test_a_table_is_read_from_the_first_visible_sheet(tmp_path):
    from openpyxl import Workbook

    workbook = Workbook()
    hidden = workbook.active
    hidden.title = "隐藏"
    hidden.append(["单位", "投资目标"])
    hidden.append(["隐藏单位", 1])
    hidden.sheet_state = "hidden"
    visible = workbook.create_sheet("可见")
    visible.append(["单位", "投资目标"])
    visible.append(["可见单位", 2])
    path = tmp_path / "first_hidden.xlsx"
    workbook.save(path)
    table = read_table(path, columns=[Column("unit", "单位"), Column("value", "投资目标", kind="decimal")])
    assert [row.values["unit"] for row in table.rows] == ["可见单位"]


def _layout(ws) -> dict:
    return {
        "cells": [
            [(c.value, c.number_format, c.font.bold, c.border.left.style, c.quotePrefix) for c in row]
            for row in ws.iter_rows()
        ],
        "merged": sorted(str(merged) for merged in ws.merged_cells.ranges),
        "widths": {letter: ws.column_dimensions[letter].width for letter in "ABCD"},
        "heights": {row: ws.row_dimensions[row].height for row in range(1, ws.max_row + 1)},
        "frozen": ws.freeze_panes,
        "titles": ws.print_title_rows,
    }


def test_a_streamed_table_with_its_total_and_note_looks_like_the_report_written_in_memory() -> None:
    columns = [
        OutColumn("单位", "unit"),
        OutColumn("投资目标", "target", kind="money"),
        OutColumn("增速", "growth", kind="pct"),
        OutColumn("开工日期", "start", kind="date"),
    ]
    rows = [
        {"unit": "自然资源和规划分局", "target": Decimal(2230000), "growth": 12.5, "start": date(2022, 3, 1)},
        {"unit": "=1+1", "target": None, "growth": Decimal("-3.0"), "start": None},
        {"unit": "建设局\x07", "target": 5, "growth": None, "start": "未开工"},
    ]
    total = {"unit": "合计", "target": Decimal(2230005), "start": date(2022, 12, 31)}
    note = "注：按增速排名；未报送的单位排在最后，视同倒数第一。" * 3
    written = Workbook()
    write_table(written.active, title="表", columns=columns, rows=rows, total_row=total, note=note)
    streamed = StreamedWorkbook()
    count = stream_table(
        streamed_sheet(streamed, "表"),
        title="表",
        columns=columns,
        rows=iter(rows),
        total_row=total,
        note=note,
        fit_rows=10,
    )

    expected = _layout(load_workbook(io.BytesIO(workbook_response_bytes(written))).active)
    assert count == 3
    assert _layout(load_workbook(io.BytesIO(workbook_response_bytes(streamed))).active) == expected


def test_streamed_widths_fit_only_the_rows_held_back_for_fitting() -> None:
    columns = [OutColumn("单位", "unit")]
    rows = [{"unit": "建设局"}, {"unit": "自然资源和规划分局"}]
    wb = StreamedWorkbook()
    stream_table(streamed_sheet(wb, "表"), title="表", columns=columns, rows=rows, unit_line=None, fit_rows=1)

    ws = load_workbook(io.BytesIO(workbook_response_bytes(wb))).active

    assert ws.column_dimensions["A"].width == display_width("建设局") + 2
    assert ws["A4"].value == "自然资源和规划分局"


def test_rows_read_twice_are_fitted_on_their_first_reading_and_none_is_held_back() -> None:
    columns = [OutColumn("单位", "unit")]
    rows = [{"unit": "建设局"}, {"unit": "自然资源和规划分局"}, {"unit": "政务服务局"}]
    taken = []

    def reading():
        for row in rows:
            taken.append(row["unit"])
            yield row

    wb = StreamedWorkbook()
    first = reading()
    count = stream_table(
        streamed_sheet(wb, "表"),
        title="表",
        columns=columns,
        rows=reading(),
        unit_line=None,
        fit_rows=2,
        fit_on=first,
    )

    ws = load_workbook(io.BytesIO(workbook_response_bytes(wb))).active

    assert count == 3
    assert ws.column_dimensions["A"].width == display_width("自然资源和规划分局") + 2
    assert [ws[f"A{row}"].value for row in (3, 4, 5)] == [row["unit"] for row in rows]
    # The fitting reads two rows and lets its reading go; the writing reads every row once.
    assert taken == ["建设局", "自然资源和规划分局", "建设局", "自然资源和规划分局", "政务服务局"]
    assert first.gi_frame is None


def test_a_formula_guard_in_a_streamed_column_leaves_the_other_cells_of_the_column_alone() -> None:
    columns = [OutColumn("形象进度", "progress")]
    rows = [{"progress": "正常"}, {"progress": "=1+1"}, {"progress": "完工"}]
    wb = StreamedWorkbook()
    stream_table(streamed_sheet(wb, "表"), title="表", columns=columns, rows=rows, unit_line=None)

    ws = load_workbook(io.BytesIO(workbook_response_bytes(wb))).active

    assert [ws[f"A{row}"].quotePrefix for row in (3, 4, 5)] == [False, True, False]
    assert all(ws[f"A{row}"].border.left.style == "thin" for row in (3, 4, 5))


def test_a_streamed_table_writes_years_codes_dates_and_booleans_as_the_report_written_in_memory() -> None:
    columns = [
        OutColumn("年度", "year", kind="label"),
        OutColumn("项目代码", "code"),
        OutColumn("开工日期", "start", kind="date"),
        OutColumn("总投资", "total", kind="money"),
    ]
    rows = [
        {
            "year": 2022,
            "code": "2022-410171-48-01-000001",
            "start": datetime(2022, 3, 1, 9, 30),
            "total": True,
        },
        {"year": 2023, "code": "0123", "start": date(2022, 5, 8), "total": Decimal("12.5")},
        {"year": None, "code": "#N/A", "start": "未开工", "total": None},
    ]
    written = Workbook()
    write_table(written.active, title="=标题", columns=columns, rows=rows, unit_line=None)
    streamed = StreamedWorkbook()
    stream_table(
        streamed_sheet(streamed, "表"), title="=标题", columns=columns, rows=rows, unit_line=None, fit_rows=10
    )

    ws = load_workbook(io.BytesIO(workbook_response_bytes(streamed))).active

    assert _layout(ws) == _layout(load_workbook(io.BytesIO(workbook_response_bytes(written))).active)
    assert ws["A1"].value == "=标题" and ws["A1"].data_type == "s" and ws["A1"].quotePrefix
    assert ws["A3"].value == 2022 and ws["A3"].number_format == "0"
    assert ws["B4"].value == "0123" and ws["B5"].quotePrefix
    assert ws["C3"].number_format == "yyyy-mm-dd" and ws["C3"].value == datetime(2022, 3, 1, 9, 30)
