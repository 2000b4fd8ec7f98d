"""The year and month fields every monthly record carries, declared once.

A calendar month (项目月报, 报送, 预估) runs 1-12; a statistics period (统计期, 1月至该月) starts at
FIRST_PERIOD_MONTH, because January's figures are published with February's.
"""

from __future__ import annotations

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models

from .periods import FIRST_PERIOD_MONTH

PERIOD_HELP_TEXT = "统计期为1月至该月"


def year_field() -> models.PositiveIntegerField:
    return models.PositiveIntegerField("年度")


def calendar_month_field() -> models.PositiveSmallIntegerField:
    return models.PositiveSmallIntegerField("月份", validators=[MinValueValidator(1), MaxValueValidator(12)])


def period_month_field(help_text: str = PERIOD_HELP_TEXT) -> models.PositiveSmallIntegerField:
    """The month a 1月至该月 statistics period ends with."""
    return models.PositiveSmallIntegerField(
        "截至月份",
        validators=[MinValueValidator(FIRST_PERIOD_MONTH), MaxValueValidator(12)],
        help_text=help_text,
    )
