import pytest
from django.db import IntegrityError, transaction

from common.periods import Period
from tests.factories import OfficialFigureFactory

pytestmark = pytest.mark.django_db


def test_a_unit_has_one_official_figure_per_period():
    figure = OfficialFigureFactory(month=5)
    with pytest.raises(IntegrityError), transaction.atomic():
        OfficialFigureFactory(unit=figure.unit, month=5)
    assert figure.period == Period(2022, 5)


def test_january_alone_is_not_a_statistical_period():
    with pytest.raises(IntegrityError), transaction.atomic():
        OfficialFigureFactory(month=1)


def test_an_official_figure_may_have_no_baseline():
    assert OfficialFigureFactory(baseline=None).baseline is None
