"""Seed 000's two allocation tables (郑经管政〔2022〕2号), typed into a spreadsheet as printed there."""

import io
from decimal import Decimal

from openpyxl import Workbook
from openpyxl.styles import Alignment

from common.spreadsheets import workbook_response_bytes

BUREAU_TITLE = "各局办年度固定资产投资任务一览表"
SUBDISTRICT_TITLE = "各办事处年度固定资产投资任务一览表"
TOTAL = 5370000
TEN_A_MONTH = "单月新增不少于10个，总投资不低于5亿元"

BUREAUS = [
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
SUBDISTRICTS = [
    ("明湖办事处", 1450000, TEN_A_MONTH),
    ("潮河办事处", 1300000, TEN_A_MONTH),
    ("前程办事处", 680000, TEN_A_MONTH),
    ("京航办事处", 870000, TEN_A_MONTH),
    ("九龙办事处", 880000, TEN_A_MONTH),
    ("祥云办事处", 190000, "单月新增不少于5个，总投资不低于2.5亿元"),
]
# What the 入库目标 column means in MonthlyIntakeTarget terms: projects a month, 万元.
INTAKE = {name: (10, Decimal(50000)) for name, _, _ in SUBDISTRICTS} | {"祥云办事处": (5, Decimal(25000))}


def type_bureau_table(ws) -> None:
    """Title (merged, as people centre it), "单位：万元" in the last column, header, 合计 first."""
    ws.append([BUREAU_TITLE])
    ws.merge_cells("A1:C1")
    ws.append([None, None, "单位：万元"])
    ws["C2"].alignment = Alignment(horizontal="right")
    ws.append(["序号", "责任单位", "投资目标"])
    ws.append(["合计", None, TOTAL])
    for number, (unit, target) in enumerate(BUREAUS, start=1):
        ws.append([number, unit, target])


def type_subdistrict_table(ws) -> None:
    ws.append([SUBDISTRICT_TITLE])
    ws.merge_cells("A1:D1")
    ws.append([None, None, None, "单位：万元"])
    ws.append(["序号", "所属办事处", "投资目标", "入库目标"])
    ws.append(["合计", None, TOTAL, None])
    for number, (unit, target, intake) in enumerate(SUBDISTRICTS, start=1):
        ws.append([number, unit, target, intake])


def workbook_bytes(*typists) -> bytes:
    """A workbook with one sheet per table, each typed by one of ``typists``."""
    workbook = Workbook()
    for index, typist in enumerate(typists):
        ws = workbook.active if index == 0 else workbook.create_sheet()
        ws.title = f"Sheet{index + 1}"
        typist(ws)
    return workbook_response_bytes(workbook)


def seed_file(tmp_path, name: str, *typists) -> str:
    path = tmp_path / name
    path.write_bytes(workbook_bytes(*typists))
    return str(path)


def rows_file(tmp_path, *rows, name: str = "表.xlsx") -> str:
    """A one-sheet workbook holding ``rows`` as typed."""
    workbook = Workbook()
    for row in rows:
        workbook.active.append(list(row))
    path = tmp_path / name
    path.write_bytes(workbook_response_bytes(workbook))
    return str(path)


def as_upload(data: bytes) -> io.BytesIO:
    return io.BytesIO(data)
