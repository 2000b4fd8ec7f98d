"""预报: a unit's forecast for a month, and every readable unit's forecast against its actual."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse

from accounts.permissions import can_edit_unit, readable_units, unit_for_edit, unit_for_read, unit_member_view
from common import clock

from ..forms import ForecastForm
from ..models import Forecast
from ..selectors.forecasts import forecast_rows
from ..services.forecasts import forecast_save
from ..services.submissions import SubmissionError
from .monthly import _month_or_404, chosen_month


@unit_member_view
def forecast_edit(request: HttpRequest, unit_id: int, year: int, month: int) -> HttpResponse:
    reporting = _month_or_404(year, month)
    unit = (
        unit_for_edit(request.user, unit_id)
        if request.method == "POST"
        else unit_for_read(request.user, unit_id)
    )
    forecast = Forecast.objects.filter(unit=unit, year=year, month=month).first()
    form = ForecastForm(request.POST or None, instance=forecast)
    if request.method == "POST" and form.is_valid():
        try:
            forecast_save(unit=unit, year=year, month=month, actor=request.user, **form.cleaned_data)
        except SubmissionError as error:
            messages.error(request, str(error))
        else:
            messages.success(request, f"{reporting.label}预报已保存。")
            return redirect(f"{_my_unit_url(unit, request.user)}?month={reporting.param}")
    return render(
        request,
        "reporting/forecast_form.html",
        {"unit": unit, "month": reporting, "form": form, "editable": can_edit_unit(request.user, unit)},
    )


def _my_unit_url(unit, user) -> str:
    return reverse("reporting:my_unit") if user.unit_id == unit.pk else reverse("reporting:forecasts")


@unit_member_view
def forecasts(request: HttpRequest) -> HttpResponse:
    """预报与实际 for a month: what each unit expected against what its projects reported."""
    month = chosen_month(request)
    rows = forecast_rows(
        units=readable_units(request.user).filter(is_active=True), year=month.year, months=[month.month]
    )
    return render(
        request,
        "reporting/forecasts.html",
        {"month": month, "rows": rows, "today": clock.today()},
    )
