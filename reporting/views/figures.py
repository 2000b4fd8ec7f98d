"""Official unit figures: every readable unit's figure for a period, and the reviewer's entry grid."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from accounts.permissions import has_any_role, readable_units, roles_required, unit_member_view
from accounts.roles import Role
from common import clock
from common.periods import FIRST_PERIOD_MONTH, Period
from targets.models import Unit

from ..forms import FiguresForm
from ..forms_rankings import PeriodForm
from ..selectors.figures import figures_page
from ..selectors.periods import open_reporting_month
from ..services.figures import FigureInput, official_figures_save
from ..services.submissions import SubmissionError
from ..tables import UnitFiguresTable

FIGURE_EDITORS = (Role.REVIEWER, Role.ADMIN)


def _period_or_404(year: int, month: int) -> Period:
    try:
        return Period(year, month)
    except ValueError as error:
        raise Http404(str(error)) from error


@unit_member_view
def figures_latest(request: HttpRequest) -> HttpResponse:
    """The period that ends with the month being reported now."""
    month = open_reporting_month(today=clock.today())
    return redirect("reporting:figures", year=month.year, month=max(month.month, FIRST_PERIOD_MONTH))


@unit_member_view
def figures(request: HttpRequest, year: int, month: int) -> HttpResponse:
    picked = PeriodForm(request.GET) if "period" in request.GET else None
    if picked is not None and picked.is_valid():  # the period picker asks by ?period=YYYY-MM
        chosen = picked.cleaned_data["period"]
        return redirect("reporting:figures", year=chosen.year, month=chosen.month)
    period = _period_or_404(year, month)
    page = figures_page(period=period, units=readable_units(request.user).filter(is_active=True))
    return render(
        request,
        "reporting/figures.html",
        {
            "page": page,
            "table": UnitFiguresTable(page),
            "period": period,
            "can_edit": has_any_role(request.user, FIGURE_EDITORS),
        },
    )


@roles_required(*FIGURE_EDITORS)
def figures_edit(request: HttpRequest, year: int, month: int) -> HttpResponse:
    period = _period_or_404(year, month)
    page = figures_page(period=period, units=Unit.objects.filter(is_active=True))
    form = FiguresForm(request.POST or None, rows=page.rows)
    if request.method == "POST" and form.is_valid():
        entries = [FigureInput(unit, ytd, baseline) for unit, ytd, baseline in form.figures()]
        try:
            saved = official_figures_save(
                period=period, figures=entries, actor=request.user, reason="页面录入"
            )
        except SubmissionError as error:
            messages.error(request, str(error))
        else:
            messages.success(
                request, f"{period.label}单位统计数已保存：新增 {saved.created} 个，修改 {saved.updated} 个。"
            )
            return redirect("reporting:figures", year=year, month=month)
    return render(request, "reporting/figures_edit.html", {"page": page, "period": period, "form": form})
