"""预报: at the start of a month a unit says what it expects to report and to register (seed 000:
「预测当月投资上报及入库情况」)."""

from __future__ import annotations

from decimal import Decimal

from django.db import transaction

from accounts.models import User
from targets.models import Unit

from ..choices import SubmissionStatus
from ..models import Forecast, Submission
from .submissions import SubmissionError


@transaction.atomic
def forecast_save(
    *,
    unit: Unit,
    year: int,
    month: int,
    actor: User,
    expected_investment: Decimal,
    expected_intake_count: int,
    expected_intake_amount: Decimal,
    note: str = "",
) -> Forecast:
    """Enter or change the month's forecast while the month's return is still a draft."""
    status = (
        Submission.objects.filter(unit=unit, year=year, month=month).values_list("status", flat=True).first()
    )
    if status not in (None, SubmissionStatus.DRAFT):
        raise SubmissionError(f"{year}年{month}月已报送，预报不能再修改。")
    forecast = Forecast.objects.select_for_update().filter(unit=unit, year=year, month=month).first()
    forecast = forecast or Forecast(unit=unit, year=year, month=month)
    forecast.expected_investment = expected_investment
    forecast.expected_intake_count = expected_intake_count
    forecast.expected_intake_amount = expected_intake_amount
    forecast.note = note
    forecast.entered_by = actor
    forecast._history_user = actor  # the request's user is not at hand in commands and tasks
    forecast.full_clean()
    forecast.save()
    return forecast
