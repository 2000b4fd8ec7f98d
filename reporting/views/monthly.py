"""The monthly return: a unit's home page, its month grid, the moves of its return, the board."""

from __future__ import annotations

import json

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from accounts.permissions import (
    UNIT_EDITORS,
    can_approve_unit,
    can_edit_unit,
    has_any_role,
    readable_units,
    roles_required,
    unit_for_edit,
    unit_for_read,
    unit_member_view,
)
from accounts.roles import Role
from audit.models import AuditAction
from audit.services import audited
from common import clock
from common.figures import format_wan
from common.lists import ListPage, query_without_placing
from targets.models import Unit

from ..choices import SubmissionStatus
from ..filtersets import SubmissionBoardFilterSet
from ..forms import MonthEntriesForm, MonthRowsForm, ReasonForm, parse_month
from ..grid_rows import month_grid_rows_html
from ..models import Submission
from ..selectors.forecasts import forecast_rows
from ..selectors.monthly import (
    MonthLine,
    month_grid_rows,
    month_lines,
    month_totals,
    submission_board,
    unit_submission,
)
from ..selectors.periods import ReportingMonth, open_reporting_month, reporting_month
from ..services.monthly import EntriesInvalid, EntryInput, MonthSaved, month_entries_save
from ..services.submissions import (
    StaleEditError,
    SubmissionError,
    submission_approve,
    submission_lock,
    submission_return,
    submission_unlock,
    submission_verify,
)
from ..tables import SubmissionBoardTable, SubmissionEventTable
from ..tables_unit import MonthProjectTable, YearForecastTable


def chosen_month(request: HttpRequest, *, unit: Unit | None = None) -> ReportingMonth:
    """The month named by ``?month=YYYY-MM``, else the month being reported now."""
    parsed = parse_month(request.GET.get("month"))
    if parsed is None:
        return open_reporting_month(today=clock.today(), unit=unit)
    return reporting_month(year=parsed[0], month=parsed[1])


def _month_or_404(year: int, month: int) -> ReportingMonth:
    if not 1 <= month <= 12 or not 2000 <= year <= 2100:
        raise Http404("没有这个月份")
    return reporting_month(year=year, month=month)


@unit_member_view
def my_unit(request: HttpRequest) -> HttpResponse:
    """The reporter's home: the open month, its deadline, the projects still to report, the state."""
    user = request.user
    if user.unit_id is None or not has_any_role(user, UNIT_EDITORS):
        return redirect("reporting:submissions")
    unit = user.unit
    month = chosen_month(request, unit=unit)
    rows = month_grid_rows(unit=unit, year=month.year, month=month.month, missing_first=True)
    year_forecasts = forecast_rows(units=[unit], year=month.year, months=range(1, month.month + 1))
    submission = unit_submission(unit=unit, year=month.year, month=month.month)
    # Days are counted only while the return is owed; a sent return shows when it went and if late.
    owed = submission is None or submission.status == SubmissionStatus.DRAFT
    days_left = month.days_left(clock.today()) if owed else None
    return render(
        request,
        "reporting/my_unit.html",
        {
            "unit": unit,
            "month": month,
            "days_left": days_left,
            "days_overdue": -days_left if owed else None,
            "rows": rows,
            "missing": sum(1 for row in rows if row.report is None),
            "submission": submission,
            "events": SubmissionEventTable(submission.events.all()) if submission else None,
            "rows_table": MonthProjectTable(rows),
            "forecasts_table": YearForecastTable(year_forecasts, month=month.month),
        },
    )


def _grid_context(
    unit: Unit,
    month: ReportingMonth,
    user,
    *,
    lines: list[MonthLine] | None = None,
    form: MonthEntriesForm | None = None,
    errors: dict[int, list[str]] | None = None,
    confirmations: dict[int, list[str]] | None = None,
) -> dict:
    """The grid page; ``form`` is a posted form sent back with ``errors`` (it shows what was typed)."""
    submission = unit_submission(unit=unit, year=month.year, month=month.month)
    if lines is None:
        lines = month_lines(unit=unit, year=month.year, month=month.month)
    if form is None:
        form = MonthEntriesForm(rows=lines, submission_version=submission.version if submission else None)
    editable = can_edit_unit(user, unit) and (
        submission is None or submission.status == SubmissionStatus.DRAFT
    )
    return {
        "unit": unit,
        "month": month,
        "submission": submission,
        "events": SubmissionEventTable(submission.events.all()) if submission else None,
        "form": form,
        "lines": lines,
        "grid_rows": month_grid_rows_html(
            lines,
            editable=editable,
            typed=form.data if form.is_bound else None,
            errors=errors,
            warnings=confirmations,
        ),
        "confirmations": confirmations or {},
        "confirmed_rows": [line for line in lines if line.confirmed_at],
        "editable": editable,
        "total_amount": sum((line.amount or 0) for line in lines),
        "total_ytd": sum(line.ytd for line in lines),
        "can_approve": can_approve_unit(user, unit),
        "is_reviewer": has_any_role(user, (Role.REVIEWER,)),
        "is_admin": has_any_role(user, (Role.ADMIN,)),
        "today": clock.today(),
    }


@unit_member_view
def month_grid(request: HttpRequest, unit_id: int, year: int, month: int) -> HttpResponse:
    """One page for the unit's whole month: every project's figures, saved as a draft or submitted.

    Without JavaScript (or to submit) the whole grid is posted and the page comes back by a
    redirect; the grid's script saves a draft through ``month_rows_save`` instead.
    """
    reporting = _month_or_404(year, month)
    if request.method != "POST":
        unit = unit_for_read(request.user, unit_id)
        return render(request, "reporting/month_grid.html", _grid_context(unit, reporting, request.user))
    unit = unit_for_edit(request.user, unit_id)
    lines = month_lines(unit=unit, year=year, month=month)
    form = MonthEntriesForm(request.POST, rows=lines)
    context_extra: dict = {}
    errors: dict = {}
    confirmations: dict = {}
    status = 200
    if form.is_valid():
        submit = request.POST.get("action") == "submit"
        try:
            saved = month_entries_save(
                unit=unit,
                year=year,
                month=month,
                entries=form.entries(),
                submission_version=form.cleaned_data["submission_version"],
                actor=request.user,
                confirmed=form.confirmed(),
                submit=submit,
            )
        except StaleEditError as error:
            # Show the fresh figures; what the user typed is listed so nothing is lost silently.
            messages.error(request, str(error))
            context_extra["unsaved"] = [
                (line, entry)
                for line, entry in zip(lines, form.entries(), strict=True)
                if _typed(entry, line)
            ]
            form, lines, status = None, None, 409
        except EntriesInvalid as invalid:
            errors = invalid.issues.errors
            confirmations = invalid.issues.confirmations
            messages.error(request, "部分数据需要修改或确认，尚未保存。")
        except SubmissionError as error:
            messages.error(request, str(error))
            status = 409
        else:
            messages.success(request, _saved_message(saved, submit=submit))
            return redirect("reporting:month", unit_id=unit.pk, year=year, month=month)
    else:
        errors = form.row_errors()
        messages.error(request, "部分数据格式有误，尚未保存。")
    context = _grid_context(
        unit, reporting, request.user, lines=lines, form=form, errors=errors, confirmations=confirmations
    )
    return render(request, "reporting/month_grid.html", context | context_extra, status=status)


def _saved_message(saved: MonthSaved, *, submit: bool) -> str:
    done = "已保存并报送" if submit else "草稿已保存"
    late = "（逾期报送）" if submit and saved.submission.is_late else ""
    return f"{done}{late}：共修改 {saved.changed} 个项目。"


def _typed(entry: EntryInput, line: MonthLine) -> bool:
    if line.version is None:
        return entry.amount is not None or bool(entry.progress or entry.problems)
    return (entry.amount, entry.progress, entry.problems) != (line.amount, line.progress, line.problems)


@unit_member_view
@require_POST
def month_rows_save(request: HttpRequest, unit_id: int, year: int, month: int) -> JsonResponse:
    """保存草稿 from the grid's script: only the changed lines are sent, and only what they change
    comes back — each line's new version and 本年累计, the unit's totals, the return's version.

    The same checks and service as the whole grid's post (``month_grid``). Refusals come back by
    line and the page keeps what was typed: 422 for a figure to correct or confirm (``errors``,
    ``warnings``), 409 when someone saved in between (``conflicts``: what they saved) or the month
    is no longer a draft.
    """
    _month_or_404(year, month)
    unit = unit_for_edit(request.user, unit_id)
    try:
        form = MonthRowsForm(json.loads(request.body))
    except ValueError as error:  # not JSON, or not the rows' shape
        return JsonResponse({"message": f"请求格式有误：{error}"}, status=400)
    if not form.is_valid():
        return JsonResponse(
            {"message": "部分数据格式有误，尚未保存。", "errors": form.row_errors(), "warnings": {}},
            status=422,
        )
    entries = form.entries()
    try:
        saved = month_entries_save(
            unit=unit,
            year=year,
            month=month,
            entries=entries,
            submission_version=form.cleaned_data["submission_version"],
            actor=request.user,
            confirmed=form.confirmed(),
        )
    except StaleEditError as error:
        return JsonResponse(_conflicts(unit, year, month, entries, message=str(error)), status=409)
    except EntriesInvalid as invalid:
        return JsonResponse(
            {
                "message": "部分数据需要修改或确认，尚未保存。",
                "errors": invalid.issues.errors,
                "warnings": invalid.issues.confirmations,
            },
            status=422,
        )
    except SubmissionError as error:
        return JsonResponse({"message": str(error)}, status=409)
    totals = month_totals(unit=unit, year=year, month=month)
    return JsonResponse(
        {
            "message": _saved_message(saved, submit=False),
            "submission_version": saved.submission.version,
            "rows": {
                pid: {
                    "version": saved.rows[pid].version,
                    "amount": _plain(saved.rows[pid].amount),
                    "ytd": format_wan(saved.rows[pid].ytd, 2),
                }
                for pid in form.project_ids
                if pid in saved.rows
            },
            "totals": {
                "amount": format_wan(totals.amount, 2),
                "ytd": format_wan(totals.ytd, 2),
                "missing": totals.missing,
            },
            "warnings": {},
        }
    )


def _conflicts(unit: Unit, year: int, month: int, entries: list[EntryInput], *, message: str) -> dict:
    """What stands now for each sent line that someone else saved after the page was read, and
    the return's version to save over it once the user has looked (the page keeps what was typed)."""
    lines = {line.project_id: line for line in month_lines(unit=unit, year=year, month=month)}
    submission = unit_submission(unit=unit, year=year, month=month)
    conflicts = {}
    for entry in entries:
        line = lines.get(entry.project_id)
        if line is None or line.version == entry.version:
            continue
        conflicts[entry.project_id] = {
            "version": line.version,
            "amount": _plain(line.amount),
            "progress": line.progress,
            "problems": line.problems,
            "ytd": format_wan(line.ytd, 2),
            "message": f"他人已保存本月完成投资 {format_wan(line.amount, 2)} 万元；"
            "您填写的内容尚未保存，核对后再次保存将以您填写的为准。",
        }
    return {
        "message": message,
        "submission_version": submission.version if submission else None,
        "conflicts": conflicts,
    }


def _plain(amount) -> str | None:
    """An amount as the grid's input holds it (two decimals, no separators)."""
    return None if amount is None else f"{amount:.2f}"


def _submission(unit: Unit, year: int, month: int) -> Submission:
    _month_or_404(year, month)
    return get_object_or_404(Submission.objects.select_related("unit"), unit=unit, year=year, month=month)


def _back(request: HttpRequest, submission: Submission) -> HttpResponse:
    """Back to the page the action was taken on (the board or the grid)."""
    target = request.POST.get("next", "")
    if target.startswith("/") and not target.startswith("//"):
        return redirect(target)
    return redirect(
        "reporting:month", unit_id=submission.unit_id, year=submission.year, month=submission.month
    )


def _move(request: HttpRequest, submission: Submission, action, done: str, **kwargs) -> HttpResponse:
    if request.method != "POST":
        return _back(request, submission)
    try:
        action(submission=submission, actor=request.user, **kwargs)
    except SubmissionError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, f"{submission.unit.name}{submission.year}年{submission.month}月{done}。")
    return _back(request, submission)


@roles_required(Role.UNIT_HEAD)
def approve(request: HttpRequest, unit_id: int, year: int, month: int) -> HttpResponse:
    unit = unit_for_read(request.user, unit_id)
    if not can_approve_unit(request.user, unit):
        raise PermissionDenied("只有本单位负责人可以审批本单位的报送。")
    return _move(request, _submission(unit, year, month), submission_approve, "已审批")


@roles_required(Role.REVIEWER)
def verify(request: HttpRequest, unit_id: int, year: int, month: int) -> HttpResponse:
    unit = unit_for_read(request.user, unit_id)
    return _move(request, _submission(unit, year, month), submission_verify, "已审核")


@roles_required(Role.ADMIN)
def lock(request: HttpRequest, unit_id: int, year: int, month: int) -> HttpResponse:
    unit = unit_for_read(request.user, unit_id)
    return _move(request, _submission(unit, year, month), submission_lock, "已锁定")


def _with_reason(
    request, unit: Unit, year: int, month: int, *, action, done: str, title: str
) -> HttpResponse:
    submission = _submission(unit, year, month)
    form = ReasonForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        return _move(request, submission, action, done, reason=form.cleaned_data["reason"])
    return render(
        request,
        "reporting/reason_form.html",
        {
            "submission": submission,
            "form": form,
            "title": title,
            "month": reporting_month(year=year, month=month),
        },
    )


@roles_required(Role.UNIT_HEAD, Role.REVIEWER)
def send_back(request: HttpRequest, unit_id: int, year: int, month: int) -> HttpResponse:
    unit = unit_for_read(request.user, unit_id)
    if not (has_any_role(request.user, (Role.REVIEWER,)) or can_approve_unit(request.user, unit)):
        raise PermissionDenied("只有本单位负责人或统计审核人员可以退回报送。")
    return _with_reason(request, unit, year, month, action=submission_return, done="已退回", title="退回报送")


@roles_required(Role.ADMIN)
def unlock(request: HttpRequest, unit_id: int, year: int, month: int) -> HttpResponse:
    unit = unit_for_read(request.user, unit_id)
    return _with_reason(request, unit, year, month, action=submission_unlock, done="已解锁", title="解锁报送")


def board_month(request) -> ReportingMonth:
    """``chosen_month``, read once however many parts of the board (queryset, table, context) ask."""
    if not hasattr(request, "board_month"):
        request.board_month = chosen_month(request)
    return request.board_month


class SubmissionBoard(ListPage):
    """报送情况: every readable unit's return for a month (``?month=YYYY-MM``, else the month being
    reported now), late ones marked, with the next move; exported as seen."""

    template_name = "reporting/submissions.html"
    filterset_class = SubmissionBoardFilterSet
    table_class = SubmissionBoardTable

    def queryset(self, request):
        month = board_month(request)
        return submission_board(units=readable_units(request.user), year=month.year, month=month.month)

    def table_kwargs(self, request) -> dict[str, object]:
        month = board_month(request)
        return {
            "month": month,
            "overdue": clock.today() > month.deadline,
            "is_reviewer": has_any_role(request.user, (Role.REVIEWER,)),
            "is_admin": has_any_role(request.user, (Role.ADMIN,)),
        }

    def extra_context(self, request, filterset, table) -> dict:
        month = board_month(request)
        # The file is of the month the page shows, also once the month being reported has moved on.
        query = query_without_placing(request.GET)
        query["month"] = month.param
        return {"month": month, "keep": [("month", month.param)], "export_query": query.urlencode()}

    def export_title(self, request) -> str:
        return f"{board_month(request).label}报送情况"


SUBMISSION_BOARD = SubmissionBoard()


@unit_member_view
def submissions(request: HttpRequest) -> HttpResponse:
    return SUBMISSION_BOARD.page(request)


@unit_member_view
@audited(AuditAction.EXPORT)
def submissions_export(request: HttpRequest) -> HttpResponse:
    return SUBMISSION_BOARD.export(request)
