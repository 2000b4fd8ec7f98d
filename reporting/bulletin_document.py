"""The bulletin as an official document (GB/T 9704-2012, 党政机关公文格式).

版头: the 发文机关标志 in red 小标宋, the 发文字号, the red separating line; 主体: the title in 2号小标宋,
the body in 3号仿宋 with two characters' indent, 22 lines of 28 characters on an A4 page with the
standard's margins (天头 37mm, 订口 28mm, 版心 156×225mm), the 附表 list (a long name wraps under its
first character), then the 落款 of a document without seal: the 发文机关署名 two characters from the
right, the 成文日期 under it starting two characters further right (7.3.5.2); the ranking tables follow
on A4 landscape pages, each 附表 on a page of its own, their header row repeated on every page. Page
numbers 「— 1 —」 in 4号宋体 at the foot.

The narrative reads the same ``BulletinContent`` as the workbook, so every number in the text is one a
reader finds in the tables, written by ``common.figures`` as the cockpit writes it.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from itertools import groupby

from docx import Document
from docx.enum.section import WD_ORIENT, WD_SECTION
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt, RGBColor

from common.figures import change_phrase, format_pct, format_wan, format_yi, time_progress_phrase
from common.spreadsheets import OutColumn

from .bulletin_content import BulletinContent, EscalationLine, GroupTable, Line, Placing
from .bulletin_workbook import UNIT_LINE, group_columns, line_values
from .choices import Metric, RowStatus

# The standard's font roles. Word and LibreOffice substitute an installed face when one is missing;
# the README names what each falls back to.
BODY_FONT = "仿宋"  # 正文 3号仿宋
HEADING_FONT = "黑体"  # 一级标题、表题 黑体
TITLE_FONT = "方正小标宋简体"  # 发文机关标志、标题 小标宋
TABLE_FONT = "宋体"
PAGE_NUMBER_FONT = "宋体"
RED = RGBColor(0xFF, 0x00, 0x00)
PPR_AFTER_BORDER = (
    "w:shd",
    "w:tabs",
    "w:suppressAutoHyphens",
    "w:kinsoku",
    "w:wordWrap",
    "w:overflowPunct",
    "w:topLinePunct",
    "w:autoSpaceDE",
    "w:autoSpaceDN",
    "w:bidi",
    "w:adjustRightInd",
    "w:snapToGrid",
    "w:spacing",
    "w:ind",
    "w:contextualSpacing",
    "w:mirrorIndents",
    "w:suppressOverlap",
    "w:jc",
    "w:textDirection",
    "w:textAlignment",
    "w:textboxTightWrap",
    "w:outlineLvl",
    "w:divId",
    "w:cnfStyle",
    "w:rPr",
    "w:sectPr",
    "w:pPrChange",
)
BODY_SIZE = 16  # 3号
TITLE_SIZE = 22  # 2号
AUTHORITY_SIZE = 26  # 发文机关标志: larger than the title, within the standard's 22mm height
LINE_PITCH = Pt(28.95)  # 225mm of 版心 over 22 lines
# Portrait 版心 156×225mm on A4 (GB/T 9704-2012 5.2.1-5.2.2); landscape pages turn it a quarter.
PORTRAIT_MARGINS_MM = {"top": 37, "bottom": 35, "left": 28, "right": 26}
LANDSCAPE_MARGINS_MM = {"top": 28, "bottom": 26, "left": 37, "right": 35}
# Figures get the width their formatted values need (a bold 5,370,000 on one line in 5号), 单位 the
# width of 自然资源和规划分局; the other text column (备注) takes the rest.
COLUMN_WIDTH_MM = {"int": 12, "money": 23, "pct": 16}
UNIT_COLUMN_MM = 38
SMALL_SIZE = 10.5  # 5号: tables, 单位 line and notes
TABLE_LINE_PITCH = Pt(15)
LANGUAGE = "zh-CN"  # picks the Simplified Chinese forms of a substituted CJK font


def document_write(content: BulletinContent) -> bytes:
    document = Document()
    _set_fonts(document)
    _set_a4(document.sections[0], landscape=False)
    _page_numbers(document.sections[0])

    letterhead = content.letterhead
    if letterhead is not None:
        _paragraph(
            document,
            letterhead.issuing_authority,
            size=AUTHORITY_SIZE,
            font=TITLE_FONT,
            centred=True,
            colour=RED,
        )
        _paragraph(document, "")
        number = _paragraph(document, letterhead.number, centred=True)
        _red_rule(number)
        _paragraph(document, "")
    _title(document, content.title)
    _paragraph(document, "")
    for text in narrative(content):
        _paragraph(document, text, indent=True)
    if content.groups:
        _paragraph(document, "")
        for number, group in enumerate(content.groups, start=1):
            label = "附表：" if number == 1 else "　　　"
            _attachment_line(document, f"{label}{number}．", _caption(content, group))
    if letterhead is not None:
        _paragraph(document, "")
        _signature(document, letterhead.signatory, letterhead.date_line)

    if content.groups:
        tables = document.add_section(WD_SECTION.NEW_PAGE)
        _set_a4(tables, landscape=True)
        for number, group in enumerate(content.groups, start=1):
            heading = _paragraph(document, f"附表{number}", font=HEADING_FONT)
            heading.paragraph_format.page_break_before = number > 1
            caption = _paragraph(
                document, _caption(content, group), size=TITLE_SIZE - 4, font=TITLE_FONT, centred=True
            )
            unit_line = _paragraph(document, UNIT_LINE, size=SMALL_SIZE, right=True)
            for paragraph in (heading, caption, unit_line):
                paragraph.paragraph_format.keep_with_next = True
            _ranking_table(document, group)
            if explanation := content.total_explanation(group):
                _paragraph(document, f"注：{explanation}", size=SMALL_SIZE)

    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def _title(document, title: str) -> None:
    """The 标题 in 2号小标宋, the period on a line of its own so that 「2022年1-10月」 never breaks."""
    name, bracket, rest = title.partition("（")
    paragraph = _paragraph(document, name, size=TITLE_SIZE, font=TITLE_FONT, centred=True)
    if bracket:
        paragraph.runs[0].add_break()
        _run(paragraph, bracket + rest, size=TITLE_SIZE, font=TITLE_FONT)


def _attachment_line(document, label: str, name: str) -> None:
    """附件说明 (7.3.4): two characters in, and a name that wraps is aligned with its first character.
    A hanging indent with a tab at the name's start does both in Word and in LibreOffice."""
    start = Pt(BODY_SIZE * (2 + _width_in_chars(label)))
    paragraph = _paragraph(document, f"{label}\t{name}")
    paragraph.paragraph_format.left_indent = start
    paragraph.paragraph_format.first_line_indent = Pt(2 * BODY_SIZE) - start
    paragraph.paragraph_format.tab_stops.add_tab_stop(start)


def _signature(document, signatory: str, date_line: str) -> None:
    """加盖印章以外的落款 (7.3.5.2): the 署名 ends two characters from the right edge of the 版心; the
    成文日期 on the next line starts two characters to the right of the 署名's first character."""
    signatory_width, date_width = _width_in_chars(signatory), _width_in_chars(date_line)
    if date_width <= signatory_width - 2:
        _paragraph(document, signatory, right_indent_chars=2, right=True)
        _paragraph(document, date_line, right_indent_chars=signatory_width - 2 - date_width, right=True)
    else:  # a date longer than the 署名 keeps two characters on the right, the 署名 moves left
        _paragraph(document, signatory, right_indent_chars=4 + date_width - signatory_width, right=True)
        _paragraph(document, date_line, right_indent_chars=2, right=True)


def _width_in_chars(text: str) -> float:
    """How many 3号 characters a line takes: a Chinese character one, a digit or Latin letter half."""
    return sum(0.5 if character.isascii() else 1 for character in text)


def _caption(content: BulletinContent, group: GroupTable) -> str:
    return f"{group.scheme}（{content.period.label}）"


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
    text += f"，倒数第一的是{_placings(group.last, group.metric)}。{group.ranking_notes}"
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
    usable = section.page_width.mm - section.left_margin.mm - section.right_margin.mm
    fixed = {
        index: UNIT_COLUMN_MM if column.key == "unit" else COLUMN_WIDTH_MM[column.kind]
        for index, column in enumerate(columns)
        if column.key == "unit" or column.kind in COLUMN_WIDTH_MM
    }
    share = (usable - sum(fixed.values())) / max(len(columns) - len(fixed), 1)
    return [Mm(fixed.get(index, share)) for index in range(len(columns))]


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
    normal.font.size = Pt(BODY_SIZE)
    # Word picks the font of Chinese text from the East Asian slot, which python-docx does not set.
    properties = normal.element.get_or_add_rPr()
    properties.get_or_add_rFonts().set(qn("w:eastAsia"), BODY_FONT)
    language = OxmlElement("w:lang")
    # Only the Chinese text's language: as the Latin one it would let a line break inside 2.7.
    language.set(qn("w:eastAsia"), LANGUAGE)
    properties.append(language)
    spacing = normal.paragraph_format
    spacing.space_before = spacing.space_after = Pt(0)
    spacing.line_spacing_rule = WD_LINE_SPACING.EXACTLY
    spacing.line_spacing = LINE_PITCH


def _set_a4(section, *, landscape: bool) -> None:
    long_side, short_side = Mm(297), Mm(210)
    section.orientation = WD_ORIENT.LANDSCAPE if landscape else WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = (
        (long_side, short_side) if landscape else (short_side, long_side)
    )
    margins = LANDSCAPE_MARGINS_MM if landscape else PORTRAIT_MARGINS_MM
    section.top_margin, section.bottom_margin = Mm(margins["top"]), Mm(margins["bottom"])
    section.left_margin, section.right_margin = Mm(margins["left"]), Mm(margins["right"])
    section.footer_distance = Mm(margins["bottom"] - 7)  # 页码 7mm below the 版心's last line


def _page_numbers(section) -> None:
    """「— 1 —」 centred in 4号宋体 (the standard places odd pages right and even left; one side
    suffices for a 通报 printed on one side)."""
    paragraph = section.footer.paragraphs[0]
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _run(paragraph, "— ", size=14, font=PAGE_NUMBER_FONT)
    run = _run(paragraph, "", size=14, font=PAGE_NUMBER_FONT)
    field = OxmlElement("w:fldSimple")
    field.set(qn("w:instr"), "PAGE")
    field.append(run._r)
    paragraph._p.append(field)
    _run(paragraph, " —", size=14, font=PAGE_NUMBER_FONT)


def _red_rule(paragraph) -> None:
    """The 版头's red separating line, as wide as the 版心, under the 发文字号."""
    borders = OxmlElement("w:pBdr")
    bottom = OxmlElement("w:bottom")
    for name, value in (("w:val", "single"), ("w:sz", "12"), ("w:space", "11"), ("w:color", "FF0000")):
        bottom.set(qn(name), value)
    borders.append(bottom)
    # The schema fixes the order of a paragraph's properties: the border comes before its alignment.
    paragraph._p.get_or_add_pPr().insert_element_before(borders, *PPR_AFTER_BORDER)


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
    right_indent_chars: float = 0,
    colour: RGBColor | None = None,
):
    paragraph = document.add_paragraph()
    if centred:
        paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    elif right:
        paragraph.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    if indent:
        paragraph.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
        paragraph.paragraph_format.first_line_indent = Pt(2 * BODY_SIZE)  # two characters
    if right_indent_chars:
        paragraph.paragraph_format.right_indent = Pt(right_indent_chars * BODY_SIZE)
    if size and size != BODY_SIZE:
        # The exact line pitch is the body's: it would clip taller characters and space small ones
        # (the tables' notes) as if they were 3号.
        paragraph.paragraph_format.line_spacing_rule = WD_LINE_SPACING.SINGLE
    if text:
        run = _run(paragraph, text, size=size, bold=bold, font=font)
        if colour is not None:
            run.font.color.rgb = colour
    return paragraph


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
    # A fixed pitch: the CJK fonts' own line height would push a 13-unit table onto a second page.
    paragraph.paragraph_format.line_spacing_rule = WD_LINE_SPACING.EXACTLY
    paragraph.paragraph_format.line_spacing = TABLE_LINE_PITCH
    if centred:
        paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    elif right:
        paragraph.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    _run(paragraph, text, size=SMALL_SIZE, bold=bold, font=TABLE_FONT)
