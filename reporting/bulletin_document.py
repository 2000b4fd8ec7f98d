"""The bulletin as a Word document: the usual narrative on A4 portrait, the ranking tables on A4 landscape.

The narrative reads the same ``BulletinContent`` as the workbook, so every number in the text is one a
reader finds in the tables.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from itertools import groupby

from docx import Document
from docx.enum.section import WD_ORIENT, WD_SECTION
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt

from common.figures import change_phrase, format_pct, format_wan, format_yi, time_progress_phrase
from common.spreadsheets import OutColumn

from .bulletin_content import BulletinContent, EscalationLine, GroupTable, Line, Placing
from .bulletin_workbook import UNIT_LINE, group_columns, line_values
from .choices import Metric, RowStatus

BODY_FONT = "仿宋"
HEADING_FONT = "黑体"
TABLE_FONT = "宋体"
PAGE_MARGIN_MM = 20
# Figures get the width their formatted values need; the text columns (单位, 备注) share the rest.
COLUMN_WIDTH_MM = {"int": 13, "money": 26, "pct": 17}


def document_write(content: BulletinContent) -> bytes:
    document = Document()
    _set_fonts(document)
    _set_a4(document.sections[0], landscape=False)

    _paragraph(document, content.title, size=16, bold=True, font=HEADING_FONT, centred=True)
    for text in narrative(content):
        _paragraph(document, text, indent=True)

    tables = document.add_section(WD_SECTION.NEW_PAGE)
    _set_a4(tables, landscape=True)
    for number, group in enumerate(content.groups, start=1):
        caption = f"表{number}  {group.scheme}（{content.period.label}）"
        _paragraph(document, caption, size=14, bold=True, font=HEADING_FONT, centred=True)
        _paragraph(document, UNIT_LINE, size=10, right=True)
        _ranking_table(document, group)

    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def narrative(content: BulletinContent) -> list[str]:
    """截至…，全区…；then, per ranking group, who came first and last and what follows for the last."""
    month = content.period.month
    paragraphs = []
    jurisdiction = content.jurisdiction
    if jurisdiction is not None:
        text = (
            f"截至{content.period.year}年{month}月，"
            f"全区固定资产投资累计完成{format_yi(jurisdiction.ytd_completed)}亿元"
        )
        if jurisdiction.completion_pct is not None:
            text += (
                f"，占年度目标的{format_pct(jurisdiction.completion_pct)}，"
                f"时序进度{format_pct(jurisdiction.time_progress_pct)}，"
                + time_progress_phrase(jurisdiction.completion_pct, jurisdiction.time_progress_pct)
            )
        if jurisdiction.growth_pct is not None:
            text += f"，{change_phrase(jurisdiction.growth_pct)}"
        paragraphs.append(text + "。")
    for group in content.groups:
        paragraphs.append(_group_sentence(content, group))
    for quiet in content.quiet_groups:
        paragraphs.append(quiet.sentence)
    if content.awards:
        paragraphs.append(_awards_sentence(content))
    paragraphs.append("各单位完成情况及排名见附表。")
    return paragraphs


def _awards_sentence(content: BulletinContent) -> str:
    """经年度总评，综合奖（办事处）：第1名明湖办事处、…；单项奖（固定资产投资）：…。"""
    parts = []
    for (award, scope), lines in groupby(content.awards, key=lambda line: (line.award, line.scope)):
        winners = "、".join(f"第{line.place}名{line.unit}" for line in lines)
        parts.append(f"{award}（{scope}）：{winners}")
    return f"经{content.period.year}年度总评，" + "；".join(parts) + "。"


def _group_sentence(content: BulletinContent, group: GroupTable) -> str:
    text = f"{group.group}中，{group.metric_label}第一的是{_placings(group.first, group.metric)}"
    text += f"，倒数第一的是{_placings(group.last, group.metric)}。"
    for escalation in content.escalations:
        if escalation.scheme == group.scheme:
            text += _escalation_sentence(escalation, draft=content.is_draft)
    return text


def _placings(placings: Sequence[Placing], metric: str) -> str:
    if not placings:
        return "（暂无）"
    return "、".join(f"{placing.unit}（{_shown_value(placing, metric)}）" for placing in placings)


def _shown_value(placing: Placing, metric: str) -> str:
    if placing.status == RowStatus.MISSING:
        return "未报送"
    if metric == Metric.AMOUNT:
        return f"{format_wan(placing.value)}万元"
    if metric == Metric.COMPOSITE:
        return f"{format_wan(placing.value, 1)}分"
    return format_pct(placing.value)


def _escalation_sentence(escalation: EscalationLine, *, draft: bool) -> str:
    times = "本期" if escalation.consecutive_bottom <= 1 else f"连续{escalation.consecutive_bottom}期"
    if escalation.interviewer:
        follows = f"由{escalation.action}"
    elif escalation.action.startswith("在"):
        follows = f"须{escalation.action}"
    else:
        follows = f"予以{escalation.action}"
    # Before publication the ladder's outcome is only proposed.
    follows = ("拟" if draft else "") + follows
    basis = f"按照{escalation.ladder}，" if escalation.ladder else ""
    return f"{basis}{escalation.unit}{times}排名倒数第一，{follows}（{escalation.level}级）。"


def _ranking_table(document, group: GroupTable) -> None:
    columns = group_columns(group)
    lines: list[Line] = [group.total, *group.lines]
    table = document.add_table(rows=1 + len(lines), cols=len(columns))
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False
    widths = _column_widths(columns, document.sections[-1])
    # LibreOffice reads the table grid, Word the cells: set both.
    for table_column, width in zip(table.columns, widths, strict=True):
        table_column.width = width
    # Row by row: python-docx rebuilds the whole grid on every table.cell() call.
    for cell, column, width in zip(table.rows[0].cells, columns, widths, strict=True):
        cell.width = width
        _cell(cell, column.label, bold=True, centred=True)
    for row, line in zip(table.rows[1:], lines, strict=True):
        values = line_values(line)
        for cell, column, width in zip(row.cells, columns, widths, strict=True):
            cell.width = width
            text = _shown(column, values.get(column.key))
            _cell(cell, text, bold=line is group.total, right=column.kind != "text")
    # Keep each header on every printed page of a long table.
    table.rows[0]._tr.get_or_add_trPr().append(OxmlElement("w:tblHeader"))


def _column_widths(columns: Sequence[OutColumn], section) -> list[Mm]:
    """Word shares a table's width equally unless told otherwise, which wraps 5,370,000 in two."""
    usable = section.page_width.mm - 2 * PAGE_MARGIN_MM
    fixed = sum(COLUMN_WIDTH_MM.get(column.kind, 0) for column in columns)
    text_columns = sum(1 for column in columns if column.kind not in COLUMN_WIDTH_MM)
    share = (usable - fixed) / max(text_columns, 1)
    return [Mm(COLUMN_WIDTH_MM.get(column.kind, share)) for column in columns]


def _shown(column: OutColumn, value: object) -> str:
    """A cell as the workbook's number format shows it."""
    if value is None:
        return ""
    if column.kind in ("money", "pct"):
        return format_wan(value, column.places)
    return str(value)


def _set_fonts(document) -> None:
    normal = document.styles["Normal"]
    normal.font.name = BODY_FONT
    normal.font.size = Pt(14)
    # Word picks the font of Chinese text from the East Asian slot, which python-docx does not set.
    normal.element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), BODY_FONT)


def _set_a4(section, *, landscape: bool) -> None:
    long_side, short_side = Mm(297), Mm(210)
    section.orientation = WD_ORIENT.LANDSCAPE if landscape else WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = (
        (long_side, short_side) if landscape else (short_side, long_side)
    )
    section.left_margin = section.right_margin = Mm(PAGE_MARGIN_MM)
    section.top_margin = section.bottom_margin = Mm(PAGE_MARGIN_MM)


def _paragraph(
    document,
    text: str,
    *,
    size: float | None = None,
    bold: bool = False,
    font: str | None = None,
    centred: bool = False,
    right: bool = False,
    indent: bool = False,
) -> None:
    paragraph = document.add_paragraph()
    if centred:
        paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    elif right:
        paragraph.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    if indent:
        paragraph.paragraph_format.first_line_indent = Pt(28)  # two characters of 14pt text
    _run(paragraph, text, size=size, bold=bold, font=font)


def _run(paragraph, text: str, *, size: float | None = None, bold: bool = False, font: str | None = None):
    run = paragraph.add_run(text)
    run.bold = bold
    if size:
        run.font.size = Pt(size)
    if font:
        run.font.name = font
        run._element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), font)
    return run


def _cell(cell, text: str, *, bold: bool = False, centred: bool = False, right: bool = False) -> None:
    paragraph = cell.paragraphs[0]
    if centred:
        paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    elif right:
        paragraph.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    _run(paragraph, text, size=10.5, bold=bold, font=TABLE_FONT)
