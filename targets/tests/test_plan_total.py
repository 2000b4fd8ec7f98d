"""plan_year_total_change: rule 12's separate, audited way of changing a year's total."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from audit.models import AuditAction, AuditEvent, AuditResult
from targets.models import PlanYear
from targets.services.allocations import plan_year_total_change
from tests.factories import AllocationTableFactory, PlanYearFactory, TargetFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def plan():
    plan = PlanYearFactory(year=2023, fai_target=Decimal(300))
    TargetFactory.create_batch(
        3, table=AllocationTableFactory(plan_year=plan, name="局办表", sort_order=1), value=Decimal(100)
    )
    TargetFactory(
        table=AllocationTableFactory(plan_year=plan, name="办事处表", sort_order=2), value=Decimal(300)
    )
    return plan


def test_a_new_total_is_saved_with_its_reason_audited_and_the_unbalanced_tables_named(plan):
    admin = UserFactory(last_name="经发局", first_name="李四")

    changed = plan_year_total_change(plan_year=plan, fai_target=Decimal(360), reason="年中调增", actor=admin)

    assert changed.old_total == Decimal(300)
    assert PlanYear.objects.get(pk=plan.pk).fai_target == Decimal(360)
    # Both tables still add up to 300: 60 short of the new total, and left as they were.
    assert [(line.table.name, line.balance.difference) for line in changed.unbalanced] == [
        ("局办表", Decimal(-60)),
        ("办事处表", Decimal(-60)),
    ]
    event = AuditEvent.objects.get(action=AuditAction.PLAN_CHANGE)
    assert (event.user, event.result, event.object_repr) == (admin, AuditResult.SUCCESS, "2023年度计划")
    assert event.detail == {"field": "fai_target", "old": "300.00", "new": "360", "reason": "年中调增"}
    record = PlanYear.history.filter(year=2023).latest("history_date")
    assert (record.fai_target, record.history_change_reason, record.history_user) == (
        Decimal(360),
        "年中调增",
        admin,
    )


def test_a_change_needs_a_reason_and_a_different_total(plan):
    with pytest.raises(ValidationError) as no_reason:
        plan_year_total_change(plan_year=plan, fai_target=Decimal(360), reason="  ")
    with pytest.raises(ValidationError) as unchanged:
        plan_year_total_change(plan_year=plan, fai_target=Decimal("300.00"), reason="核对")

    assert no_reason.value.message_dict == {"reason": ["修改年度计划总量须填写原因"]}
    assert unchanged.value.message_dict == {"fai_target": ["与2023年度当前的投资目标 300 万元相同，未作修改"]}
    assert PlanYear.objects.get(pk=plan.pk).fai_target == Decimal(300)
    assert not AuditEvent.objects.filter(action=AuditAction.PLAN_CHANGE).exists()
