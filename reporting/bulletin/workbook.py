"""The bulletin's workbook: a sheet per ranking group, a sheet of escalations, a sheet of key projects.

Every sheet is laid out by ``common.spreadsheets.stream_table`` in a streamed workbook, so it carries
the title, the unit line, the borders, the number formats and the A4-landscape print set-up of every
report the product writes, while a province's thousands of units and key projects go straight to disk.
A ranking sheet's columns fit its first thousand units, read once for fitting and again for writing,
so no sheet's lines are held; the key projects, read from the database as they are written, fit the
first thousand, held back until then.
"""

from __future__ import annotations

from dataclasses import fields
from operator import attrgetter

from common.spreadsheets import (
    OutColumn,
    StreamedSheet,
    StreamedWorkbook,
    sheet_name,
    stream_table,
    streamed_sheet,
)

from ..choices import Metric
from .content import BulletinContent, GroupTable, Line, QuietGroup

UNIT_LINE = "单位：万元、%"
ESCALATION_SHEET = "末位约谈"
AWARD_SHEET = "年度奖项"
KEY_PROJECT_SHEET = "重点项目"
KEY_PROJECT_FIT_ROWS = 1000
GROUP_FIT_ROWS = 1000  # a ranking sheet's columns fit its first thousand units

GROUP_COLUMNS = (
    OutColumn("序号", "serial", "int", width=6),
    OutColumn("单位", "unit"),
    OutColumn("年度目标", "target", "money"),
    OutColumn("累计完成", "ytd_completed", "money"),
    OutColumn("完成率", "completion_pct", "pct"),
    OutColumn("时序进度", "time_progress_pct", "pct"),
    OutColumn("超(低)时序进度(个百分点)", "progress_gap_pct", "pct"),
    OutColumn("上年同期", "baseline", "money"),
    OutColumn("增速", "growth_pct", "pct"),
    OutColumn("排名", "rank", "int", width=6),
    OutColumn("备注", "note"),
)
SCORE_COLUMN = OutColumn("综合得分", "score", "pct")

ESCALATION_COLUMNS = (
    OutColumn("序号", "serial", "int", width=6),
    OutColumn("排名组", "group"),
    OutColumn("单位", "unit"),
    OutColumn("连续倒数第一期数", "consecutive_bottom", "int"),
    OutColumn("约谈级别", "level"),
    OutColumn("处理方式", "action"),
    OutColumn("约谈人", "interviewer"),
    OutColumn("被约谈人", "interviewee"),
    OutColumn("依据", "ladder"),
)

AWARD_COLUMNS = (
    OutColumn("序号", "serial", "int", width=6),
    OutColumn("奖项", "award"),
    OutColumn("排名组/指标", "scope"),
    OutColumn("名次", "place", "int", width=6),
    OutColumn("获奖单位", "unit"),
    OutColumn("奖金", "prize", "money"),
)

KEY_PROJECT_COLUMNS = (
    OutColumn("序号", "serial", "int", width=6),
    OutColumn("项目名称", "name", width=36),
    OutColumn("项目代码", "code"),
    OutColumn("属地单位", "reporting_unit"),
    OutColumn("责任局办", "responsible_unit"),
    OutColumn("项目级别", "level"),
    OutColumn("所在库", "stage"),
    OutColumn("总投资", "total_investment", "money"),
    OutColumn("年度计划投资", "annual_plan", "money"),
    OutColumn("累计完成", "ytd_completed", "money"),
    OutColumn("完成率", "completion_pct", "pct"),
    OutColumn("形象进度", "progress", width=30),
    OutColumn("最新现场照片", "latest_photo", width=22),
)


def workbook_write(content: BulletinContent) -> StreamedWorkbook:
    """The bulletin as a streamed workbook: save it once (``workbook_response_bytes``)."""
    workbook = StreamedWorkbook()
    used = {ESCALATION_SHEET, AWARD_SHEET, KEY_PROJECT_SHEET}
    for group in content.groups:
        sheet = streamed_sheet(workbook, _sheet_name(group.group, group.scheme, used))
        _write_group(sheet, content, group)
    for quiet in content.quiet_groups:
        sheet = streamed_sheet(workbook, _sheet_name(quiet.group, quiet.scheme, used))
        _write_quiet_group(sheet, content, quiet)
    _write_escalations(streamed_sheet(workbook, ESCALATION_SHEET), content)
    if content.awards:
        _write_awards(streamed_sheet(workbook, AWARD_SHEET), content)
    _write_key_projects(streamed_sheet(workbook, KEY_PROJECT_SHEET), content)
    # Printed pages are handed round one by one: each names its sheet and, before publication, says 草稿.
    page_header = "&L&A&R草稿" if content.is_draft else "&L&A"
    for sheet in workbook.worksheets:
        sheet.set_header(page_header, {"margin": 0.3})
    return workbook


def _sheet_name(group: str, scheme: str, used: set[str]) -> str:
    """The group's name, or the scheme's when two active schemes rank the same group."""
    name = sheet_name(group)
    if not name or name in used:
        name = sheet_name(scheme)
    used.add(name)
    return name


def group_columns(group: GroupTable) -> list[OutColumn]:
    return group_columns_for_metric(group.metric)


def group_columns_for_metric(metric: str | None) -> list[OutColumn]:
    """The bulletin's columns, with the score a composite scheme ranks on before 排名."""
    columns = list(GROUP_COLUMNS)
    if metric == Metric.COMPOSITE:
        columns.insert(-2, SCORE_COLUMN)
    return columns


LINE_FIELDS = tuple(field.name for field in fields(Line))
_line_fields = attrgetter(*LINE_FIELDS)


def line_values(line: Line) -> dict[str, object]:
    """The line's fields by name. Lines are slotted (a province ranks 2,000 units), so each sheet row
    gets its dict as it is written and lets it go."""
    values = dict(zip(LINE_FIELDS, _line_fields(line), strict=True))
    # A unit whose growth is undefined has no place: the ranking shows it as "—".
    if line.serial is not None and line.rank is None:
        values["rank"] = "—"
    return values


def _write_group(sheet: StreamedSheet, content: BulletinContent, group: GroupTable) -> None:
    note = f"注：{group.ranking_notes}时序进度为{content.period.label}占全年的比例。"
    note += content.total_explanation(group)
    stream_table(
        sheet,
        title=content.title,
        columns=group_columns(group),
        rows=(line_values(line) for line in group.lines),
        fit_rows=min(len(group.lines), GROUP_FIT_ROWS),
        # The lines can be read twice: fitted on a first reading rather than held back.
        fit_on=(line_values(line) for line in group.lines),
        unit_line=UNIT_LINE,
        total_row=line_values(group.total),
        note=note,
    )


def _write_quiet_group(sheet: StreamedSheet, content: BulletinContent, quiet: QuietGroup) -> None:
    """A group the period has no ranking for keeps its sheet, which says why (rule 11)."""
    stream_table(
        sheet,
        title=content.title,
        columns=group_columns_for_metric(None),
        rows=[],
        fit_rows=0,
        unit_line=UNIT_LINE,
        note=f"注：{quiet.scheme}：{quiet.group}{content.period.label}{quiet.note}，本期不排名。",
    )


def _write_escalations(sheet: StreamedSheet, content: BulletinContent) -> None:
    note = "注：约谈级别、约谈人、被约谈人取自约谈办法的对应级别；通报批评、表态发言等级别不约谈，记为「—」。"
    _write_numbered(
        sheet,
        content,
        lines=content.escalations,
        values=attrgetter("sheet_values"),
        columns=ESCALATION_COLUMNS,
        unit_line=None,
        note=note if content.escalations else f"{content.period.label}无倒数第一需约谈的单位。",
    )


def _write_awards(sheet: StreamedSheet, content: BulletinContent) -> None:
    _write_numbered(
        sheet,
        content,
        lines=content.awards,
        columns=AWARD_COLUMNS,
        unit_line=UNIT_LINE,
        note=f"注：{content.period.year}年度总评综合奖、单项奖；并列的单位名次相同。",
    )


def _write_numbered(sheet, content: BulletinContent, *, lines, columns, unit_line, note, values=vars) -> None:
    """A short sheet of lines, numbered 序号 1, 2, …; ``values`` gives a line's cells by field name."""
    rows = [{"serial": serial, **values(line)} for serial, line in enumerate(lines, start=1)]
    stream_table(
        sheet,
        title=content.title,
        columns=columns,
        rows=rows,
        fit_rows=len(rows),
        unit_line=unit_line,
        note=note,
    )


def _write_key_projects(sheet: StreamedSheet, content: BulletinContent) -> None:
    rows = ({"serial": serial, **vars(line)} for serial, line in enumerate(content.key_projects, start=1))
    stream_table(
        sheet,
        title=content.title,
        columns=KEY_PROJECT_COLUMNS,
        rows=rows,
        fit_rows=KEY_PROJECT_FIT_ROWS,
        unit_line=UNIT_LINE,
        note=f"注：省、市、区重点项目；累计完成为{content.period.label}各月完成投资之和，完成率为累计完成占年度计划投资的比例。",
    )
