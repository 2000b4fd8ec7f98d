"""allocation_table_save and the history it leaves for the grid page."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from targets.models import Target
from targets.selectors import allocation_table_history
from targets.services.allocations import allocation_table_save
from tests.factories import AllocationTableFactory, PlanYearFactory, TargetFactory, UnitFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def table():
    return AllocationTableFactory(plan_year=PlanYearFactory(fai_target=Decimal(300)))


def test_the_first_values_of_an_empty_table_need_no_reason(table):
    units = UnitFactory.create_batch(2)

    saved = allocation_table_save(
        table=table, values={units[0].pk: Decimal(100), units[1].pk: Decimal(200)}, reason=""
    )

    assert saved.changed == 2
    assert saved.balance.row_sum == Decimal(300) and saved.balance.is_balanced
    assert list(table.targets.values_list("sort_order", flat=True)) == [1, 2]


def test_changing_a_table_that_has_values_needs_a_reason(table):
    target = TargetFactory(table=table, value=Decimal(100))

    with pytest.raises(ValidationError) as raised:
        allocation_table_save(table=table, values={target.unit_id: Decimal(120)}, reason="  ")

    assert raised.value.message_dict == {"reason": ["该分解表已有数据，修改前请填写变更原因"]}
    target.refresh_from_db()
    assert target.value == Decimal(100)


def test_rule_12_a_grid_save_that_leaves_the_table_unbalanced_is_refused_and_saves_nothing(table):
    first, second = (
        TargetFactory(table=table, value=Decimal(100)),
        TargetFactory(table=table, value=Decimal(200)),
    )
    newcomer = UnitFactory()

    with pytest.raises(ValidationError) as raised:
        allocation_table_save(
            table=table,
            values={first.unit_id: Decimal(150), second.unit_id: Decimal(200), newcomer.pk: Decimal(0)},
            reason="暂存",
        )

    # 150 + 200 + 0 = 350 against the plan's 300: 50 too many.
    assert raised.value.messages == [
        f"2022年「{table.name}」各行合计 350 万元，比2022年度计划总量 300 万元多 50 万元，未保存。"
        "分解表各行之和须等于年度计划总量；确需调整总量的，请由管理员先修改年度计划总量。"
    ]
    assert dict(table.targets.values_list("unit_id", "value")) == {first.unit_id: 100, second.unit_id: 200}
    assert Target.history.count() == 2, "only the two rows the test made"


def test_a_change_that_keeps_the_total_is_saved_and_reports_the_balance(table):
    first, second = (
        TargetFactory(table=table, value=Decimal(100)),
        TargetFactory(table=table, value=Decimal(200)),
    )

    saved = allocation_table_save(
        table=table,
        values={first.unit_id: Decimal("120.50"), second.unit_id: Decimal("179.50")},
        reason="调整",
    )

    assert saved.changed == 2
    assert (saved.balance.row_sum, saved.balance.difference) == (Decimal(300), Decimal(0))


def test_unchanged_values_write_no_history(table):
    target = TargetFactory(table=table, value=Decimal(100))

    saved = allocation_table_save(table=table, values={target.unit_id: Decimal("100.00")}, reason="")

    assert saved.changed == 0
    assert Target.history.count() == 1


def test_a_change_keeps_the_old_version_with_who_when_and_why(table):
    user = UserFactory(last_name="经发局", first_name="张三")
    first, second, untouched = (TargetFactory(table=table, value=Decimal(100)) for _ in range(3))

    allocation_table_save(
        table=table,
        values={first.unit_id: Decimal(150), second.unit_id: Decimal(50), untouched.unit_id: Decimal(100)},
        reason="经管委会研究调整",
        actor=user,
    )

    records = Target.history.filter(history_type="~")
    assert {(r.unit_id, r.value) for r in records} == {(first.unit_id, 150), (second.unit_id, 50)}
    assert {(r.history_change_reason, r.history_user_id) for r in records} == {("经管委会研究调整", user.pk)}
    assert len({r.history_date for r in records}) == 1, "one save, one date"


def test_the_history_lists_each_version_newest_first_with_old_and_new_values(table):
    user = UserFactory(last_name="经发局", first_name="张三")
    first, second = (
        TargetFactory(table=table, value=Decimal(100)),
        TargetFactory(table=table, value=Decimal(200)),
    )
    allocation_table_save(
        table=table,
        values={first.unit_id: Decimal(150), second.unit_id: Decimal(150)},
        reason="一调",
        actor=user,
    )
    allocation_table_save(
        table=table,
        values={first.unit_id: Decimal(120), second.unit_id: Decimal(180)},
        reason="二调",
        actor=user,
    )

    history = allocation_table_history(table)

    assert [(v.reason, v.user) for v in history] == [
        ("二调", "经发局张三"),
        ("一调", "经发局张三"),
        ("", "系统"),
    ]
    assert [(c.unit_name, c.old, c.new) for c in history[0].changes] == [
        (first.unit.name, Decimal(150), Decimal(120)),
        (second.unit.name, Decimal(150), Decimal(180)),
    ]
    assert [(c.old, c.new) for c in history[2].changes] == [(None, Decimal(100)), (None, Decimal(200))]


def test_a_unit_removed_from_the_table_shows_as_leaving_it(table):
    target = TargetFactory(table=table, value=Decimal(100))
    target._change_reason = "撤销该单位"
    target.delete()

    removed = allocation_table_history(table)[0]

    assert removed.reason == "撤销该单位"
    assert [(c.old, c.new) for c in removed.changes] == [(Decimal(100), None)]
