"""预报: a unit's forecast for a month, and every readable unit's forecast against its actual."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse

from accounts.permissions import can_edit_unit, readable_units, unit_for_edit, unit_for_read, unit_member_view
from audit.models import AuditAction
from audit.services import audited
from common import clock
from common.lists import ShortListPage, query_without_placing

from ..filtersets import ForecastFilterSet
from ..forms import ForecastForm
from ..models import Forecast
from ..selectors.forecasts import ForecastRow, forecast_rows
from ..services.forecasts import forecast_save
from ..services.submissions import SubmissionError
from ..tables import ForecastTable
from .monthly import _month_or_404, board_month


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


class ForecastList(ShortListPage):
    """预报与实际 for a month (``?month=YYYY-MM``, else the month being reported now): what each
    readable unit expected against what its projects reported; exported as seen."""

    template_name = "reporting/forecasts.html"
    filterset_class = ForecastFilterSet
    table_class = ForecastTable

    def queryset(self, request):
        return readable_units(request.user).filter(is_active=True)

    def filterset(self, request):
        month = board_month(request)
        return self.filterset_class(
            request.GET,
            queryset=self.queryset(request),
            request=request,
            year=month.year,
            month=month.month,
        )

    def rows(self, request, filterset) -> list[ForecastRow]:
        # A row per unit, its figures summed by a few queries for all the units at once: a list,
        # which the pager counts without a query of its own.
        month = board_month(request)
        return forecast_rows(units=filterset.qs, year=month.year, months=[month.month])

    def table_kwargs(self, request) -> dict[str, object]:
        return {"month": board_month(request)}

    def extra_context(self, request, filterset, table) -> dict:
        month = board_month(request)
        # The file is of the month the page shows, also once the month being reported has moved on.
        query = query_without_placing(request.GET)
        query["month"] = month.param
        return {
            "month": month,
            "rows": table.data.data,
            "today": clock.today(),
            "keep": [("month", month.param)],
            "export_query": query.urlencode(),
        }

    def export_title(self, request) -> str:
        return f"{board_month(request).label}预报与实际"


FORECAST_LIST = ForecastList()


@unit_member_view
def forecasts(request: HttpRequest) -> HttpResponse:
    """预报与实际 for a month: what each unit expected against what its projects reported."""
    return FORECAST_LIST.page(request)


@unit_member_view
@audited(AuditAction.EXPORT)
def forecasts_export(request: HttpRequest) -> HttpResponse:
    return FORECAST_LIST.export(request)
