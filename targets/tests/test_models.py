from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from targets.models import Unit
from targets.selectors import allocation_balance
from tests.factories import AllocationTableFactory, PlanYearFactory, TargetFactory, UnitFactory

pytestmark = pytest.mark.django_db


def test_a_unit_name_and_code_are_unique():
    UnitFactory(name="明湖办事处", code="B01")
    with pytest.raises(IntegrityError), transaction.atomic():
        UnitFactory(name="明湖办事处", code="B02")
    with pytest.raises(IntegrityError), transaction.atomic():
        UnitFactory(name="潮河办事处", code="B01")
    assert Unit.objects.count() == 1


def test_a_unit_has_one_target_per_table():
    target = TargetFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        TargetFactory(table=target.table, unit=target.unit)


def test_the_same_unit_may_carry_targets_in_two_tables_of_one_year():
    unit = UnitFactory()
    plan_year = PlanYearFactory()
    TargetFactory(unit=unit, table=AllocationTableFactory(plan_year=plan_year, name="各局办"))
    TargetFactory(unit=unit, table=AllocationTableFactory(plan_year=plan_year, name="各办事处"))
    assert unit.targets.count() == 2


def test_an_allocation_table_name_is_unique_within_its_year():
    table = AllocationTableFactory(name="各局办")
    with pytest.raises(IntegrityError), transaction.atomic():
        AllocationTableFactory(plan_year=table.plan_year, name="各局办")


def test_a_target_cannot_be_negative():
    with pytest.raises(IntegrityError), transaction.atomic():
        TargetFactory(value=Decimal("-1"))
    target = TargetFactory.build(value=Decimal("-1"))
    with pytest.raises(ValidationError):
        target.full_clean(exclude=["table", "unit"])


def test_allocation_table_rows_must_sum_to_plan_total():
    table = AllocationTableFactory(plan_year=PlanYearFactory(fai_target=Decimal("300000")))
    TargetFactory(table=table, value=Decimal("100000"))
    TargetFactory(table=table, value=Decimal("150000"))

    short = allocation_balance(table)
    assert short.row_sum == Decimal("250000")
    assert short.plan_total == Decimal("300000")
    assert short.difference == Decimal("-50000")
    assert not short.is_balanced

    TargetFactory(table=table, value=Decimal("50000"))
    balanced = allocation_balance(table)
    assert balanced.difference == 0
    assert balanced.is_balanced
    assert balanced.row_count == 3


def test_an_empty_allocation_table_is_short_by_the_whole_total():
    table = AllocationTableFactory(plan_year=PlanYearFactory(fai_target=Decimal("5370000")))
    assert allocation_balance(table).difference == Decimal("-5370000")
