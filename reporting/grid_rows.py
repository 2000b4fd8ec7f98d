"""The month grid's table rows, written in Python in one pass over the lines' values.

The markup is the template's and the form widgets' own (``templates/reporting/month_grid.html``
before, ``MonthEntriesForm``'s fields): a province unit's grid has some eighty lines and four
hundred inputs, and rendering them as bound fields through the template language was most of the
page's time. The inputs' names are the form's, so the page posts what ``MonthEntriesForm`` reads.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from html import escape

from django.urls import reverse
from django.utils.safestring import SafeString, mark_safe
from django.utils.timezone import localtime

from common.figures import format_wan
from projects.choices import Stage

from .selectors.monthly import MonthLine

_STAGES = dict(Stage.choices)
_NO_LINES = (
    '<tr><td colspan="10" class="text-muted">本单位本月没有需要填报的项目'
    "（储备库项目、尚未开工或此前已竣工的项目不填报）。</td></tr>"
)
_PID = 2147483647  # a placeholder id: the history URL is reversed once and filled in per line


def _value(value: object) -> str:
    """``value="…"`` as Django's widgets write it: left out when there is no value."""
    return "" if value is None or value == "" else f' value="{escape(str(value))}"'


def _typed_or(typed: Mapping[str, str] | None, name: str, saved: object) -> object:
    return saved if typed is None else typed.get(name)


def month_grid_rows_html(
    lines: Sequence[MonthLine],
    *,
    editable: bool,
    typed: Mapping[str, str] | None = None,
    errors: Mapping[int, Sequence[str]] | None = None,
    warnings: Mapping[int, Sequence[str]] | None = None,
) -> SafeString:
    """Each line's <tr>: its figures, and its inputs when the month is ``editable``.

    ``typed`` is what the user posted (a page sent back with errors shows it, as a bound form
    does); ``errors`` and ``warnings`` are by project id, the warnings with their 我已核实 box.
    """
    if not lines:
        return mark_safe(_NO_LINES)
    errors, warnings = errors or {}, warnings or {}
    history = reverse("reporting:project_history", args=[_PID])
    out = []
    for serial, line in enumerate(lines, start=1):
        pid = line.project_id
        row_errors, row_warnings = errors.get(pid, ()), warnings.get(pid, ())
        css = (
            ' class="table-danger"'
            if row_errors
            else ("" if line.version is not None else ' class="table-warning"')
        )
        version = _typed_or(typed, f"version_{pid}", line.version)
        amount = _typed_or(typed, f"amount_{pid}", line.amount)
        if editable:
            invalid = f' aria-invalid="true" aria-describedby="id_amount_{pid}_error"' if row_errors else ""
            amount_cell = (
                f'<input type="number" name="amount_{pid}"{_value(amount)} step="0.01" min="0" '
                f'class="form-control form-control-sm"{invalid} id="id_amount_{pid}">'
            )
            progress = _typed_or(typed, f"progress_{pid}", line.progress)
            problems = _typed_or(typed, f"problems_{pid}", line.problems)
            progress_cell = _textarea(f"progress_{pid}", progress)
            problems_cell = _textarea(f"problems_{pid}", problems)
        else:
            amount_cell = f'<div class="text-end">{format_wan(line.amount, 2)}</div>'
            progress_cell, problems_cell = escape(line.progress), escape(line.problems)
        notes = "".join(
            f'<div class="text-danger small" id="id_amount_{pid}_error">{escape(error)}</div>'
            for error in row_errors
        )
        if line.confirmed_at:
            notes += (
                f'<div class="small confirmed-mark"><span class="badge bg-warning text-dark" '
                f'title="{escape(line.confirmed_reason)}">已核实</span> {escape(line.confirmed_by)} '
                f"{localtime(line.confirmed_at):%m-%d %H:%M}</div>"
            )
        if row_warnings:
            notes += "".join(
                f'<div class="text-warning-emphasis small">{escape(warning)}</div>'
                for warning in row_warnings
            )
            notes += (
                f'<label class="small"><input type="checkbox" name="confirm_{pid}" '
                f'value="{escape(str(amount))}"> 我已核实</label>'
            )
        out.append(
            f'<tr data-before="{line.ytd_before}" data-project="{pid}"{css}>'
            f'<td class="grid-serial" data-label="序号">{serial}</td>'
            f'<td class="grid-project" data-label="项目"><a href="{history.replace(str(_PID), str(pid))}" '
            f'title="查看修改记录" tabindex="-1">{escape(line.name)}</a>'
            f'<div class="small text-muted">{escape(line.code)}</div></td>'
            f'<td class="text-nowrap" data-label="所在库">{escape(_STAGES.get(line.stage, line.stage))}</td>'
            f'<td class="text-end" data-label="总投资">{format_wan(line.total_investment)}</td>'
            f'<td class="text-end" data-label="年度计划">{format_wan(line.annual_plan)}</td>'
            f'<td class="text-end" data-label="此前累计">{format_wan(line.ytd_before, 2)}</td>'
            f'<td class="grid-amount" data-label="本月完成投资(万元)">'
            f'<input type="hidden" name="version_{pid}"{_value(version)} id="id_version_{pid}">'
            f"{amount_cell}{notes}</td>"
            f'<td class="text-end ytd" data-label="本年累计">{format_wan(line.ytd, 2)}</td>'
            f'<td data-label="形象进度">{progress_cell}</td>'
            f'<td data-label="存在问题">{problems_cell}</td>'
            "</tr>"
        )
    return mark_safe("\n".join(out))


def _textarea(name: str, text: object) -> str:
    # Django's Textarea: a newline after the opening tag, so a leading newline in the text is kept.
    body = escape(str(text)) if text else ""
    return (
        f'<textarea name="{name}" cols="40" rows="1" class="form-control form-control-sm" '
        f'id="id_{name}">\n{body}</textarea>'
    )
