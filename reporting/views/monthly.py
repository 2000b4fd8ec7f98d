"""The monthly return: a unit's home page, its month grid, the moves of its return, the board."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse

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
from common import clock
from targets.models import Unit

from ..choices import SubmissionStatus
from ..forms import MonthEntriesForm, ReasonForm, parse_month
from ..models import Submission
from ..selectors.forecasts import forecast_rows
from ..selectors.monthly import month_grid_rows, submission_board, unit_submission
from ..selectors.periods import ReportingMonth, open_reporting_month, reporting_month
from ..services.monthly import EntriesInvalid, month_entries_save
from ..services.submissions import (
    StaleEditError,
    SubmissionError,
    submission_approve,
    submission_lock,
    submission_return,
    submission_unlock,
    submission_verify,
)


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
            "year_forecasts": year_forecasts,
        },
    )


def _grid_context(unit: Unit, month: ReportingMonth, user, form=None, confirmations=None) -> dict:
    submission = unit_submission(unit=unit, year=month.year, month=month.month)
    if form is None:
        rows = month_grid_rows(unit=unit, year=month.year, month=month.month)
        form = MonthEntriesForm(rows=rows, submission_version=submission.version if submission else None)
    editable = can_edit_unit(user, unit) and (
        submission is None or submission.status == SubmissionStatus.DRAFT
    )
    lines = form.lines()
    confirmations = confirmations or {}
    return {
        "unit": unit,
        "month": month,
        "submission": submission,
        "form": form,
        "lines": [(line, confirmations.get(line.row.project.pk, [])) for line in lines],
        "confirmations": confirmations,
        "confirmed_rows": [
            line.row for line in lines if line.row.report and line.row.report.unusual_confirmed_at
        ],
        "editable": editable,
        "total_amount": sum((line.row.amount or 0) for line in lines),
        "total_ytd": sum(line.row.ytd for line in lines),
        "can_approve": can_approve_unit(user, unit),
        "is_reviewer": has_any_role(user, (Role.REVIEWER,)),
        "is_admin": has_any_role(user, (Role.ADMIN,)),
        "today": clock.today(),
    }


@unit_member_view
def month_grid(request: HttpRequest, unit_id: int, year: int, month: int) -> HttpResponse:
    """One page for the unit's whole month: every project's figures, saved as a draft or submitted."""
    reporting = _month_or_404(year, month)
    if request.method != "POST":
        unit = unit_for_read(request.user, unit_id)
        return render(request, "reporting/month_grid.html", _grid_context(unit, reporting, request.user))
    unit = unit_for_edit(request.user, unit_id)
    rows = month_grid_rows(unit=unit, year=year, month=month)
    form = MonthEntriesForm(request.POST, rows=rows)
    context_extra: dict = {}
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
                (row.project, entry)
                for row, entry in zip(rows, form.entries(), strict=True)
                if _typed(entry, row.report)
            ]
            form, status = None, 409
        except EntriesInvalid as invalid:
            for project_id, problems in invalid.issues.errors.items():
                for problem in problems:
                    form.add_error(f"amount_{project_id}", problem)
            confirmations = invalid.issues.confirmations
            messages.error(request, "部分数据需要修改或确认，尚未保存。")
        except SubmissionError as error:
            messages.error(request, str(error))
            status = 409
        else:
            done = "已保存并报送" if submit else "草稿已保存"
            late = "（逾期报送）" if submit and saved.submission.is_late else ""
            messages.success(request, f"{done}{late}：共修改 {saved.changed} 个项目。")
            return redirect("reporting:month", unit_id=unit.pk, year=year, month=month)
    else:
        messages.error(request, "部分数据格式有误，尚未保存。")
    context = _grid_context(unit, reporting, request.user, form, confirmations) | context_extra
    return render(request, "reporting/month_grid.html", context, status=status)


def _typed(entry, report) -> bool:
    if report is None:
        return entry.amount is not None or bool(entry.progress or entry.problems)
    return (entry.amount, entry.progress, entry.problems) != (report.amount, report.progress, report.problems)


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


@unit_member_view
def submissions(request: HttpRequest) -> HttpResponse:
    """报送情况: every readable unit's return for a month, late ones marked, with the next move."""
    month = chosen_month(request)
    rows = submission_board(units=readable_units(request.user), year=month.year, month=month.month)
    today = clock.today()
    return render(
        request,
        "reporting/submissions.html",
        {
            "month": month,
            "rows": rows,
            "overdue": today > month.deadline,
            "is_reviewer": has_any_role(request.user, (Role.REVIEWER,)),
            "is_admin": has_any_role(request.user, (Role.ADMIN,)),
            "board_url": f"{reverse('reporting:submissions')}?month={month.param}",
        },
    )
