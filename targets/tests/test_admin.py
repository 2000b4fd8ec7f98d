"""Rule 12 in the admin: its forms save only balanced tables and leave the plan total to its page."""

from decimal import Decimal

import pytest
from django.urls import reverse

from accounts.roles import Role
from targets.models import PlanYear, Target
from tests.factories import AllocationTableFactory, PlanYearFactory, TargetFactory, UnitFactory, UserFactory

pytestmark = pytest.mark.django_db

REFUSAL = "2022年「局办表」各行合计 250 万元，比2022年度计划总量 300 万元少 50 万元，未保存。"


@pytest.fixture
def table():
    table = AllocationTableFactory(plan_year=PlanYearFactory(fai_target=Decimal(300)), name="局办表")
    TargetFactory(table=table, value=Decimal(100), sort_order=1)
    TargetFactory(table=table, value=Decimal(200), sort_order=2)
    return table


@pytest.fixture
def admin_client(client):
    client.force_login(UserFactory(role=Role.ADMIN, is_staff=True, is_superuser=True))
    return client


def inline_data(table, values: list[int]) -> dict[str, str]:
    targets = list(table.targets.order_by("sort_order"))
    data = {
        "plan_year": str(table.plan_year_id),
        "name": table.name,
        "indicator": str(table.indicator_id),
        "ranking_group": "",
        "sort_order": "0",
        "targets-TOTAL_FORMS": str(len(targets)),
        "targets-INITIAL_FORMS": str(len(targets)),
        "targets-MIN_NUM_FORMS": "0",
        "targets-MAX_NUM_FORMS": "1000",
    }
    for index, (target, value) in enumerate(zip(targets, values, strict=True)):
        data |= {
            f"targets-{index}-id": str(target.pk),
            f"targets-{index}-table": str(table.pk),
            f"targets-{index}-sort_order": str(target.sort_order),
            f"targets-{index}-unit": str(target.unit_id),
            f"targets-{index}-value": str(value),
            f"targets-{index}-note": "",
        }
    return data


def test_rule_12_the_table_admin_refuses_rows_that_do_not_add_up(admin_client, table):
    url = reverse("admin:targets_allocationtable_change", args=[table.pk])

    refused = admin_client.post(url, inline_data(table, [100, 150]))

    assert refused.status_code == 200
    assert REFUSAL in refused.content.decode()
    assert sorted(table.targets.values_list("value", flat=True)) == [100, 200]

    assert admin_client.post(url, inline_data(table, [120, 180])).status_code == 302
    assert sorted(table.targets.values_list("value", flat=True)) == [120, 180]


def test_rule_12_the_target_admin_refuses_a_value_that_unbalances_its_table(admin_client, table):
    target = table.targets.get(sort_order=2)
    url = reverse("admin:targets_target_change", args=[target.pk])
    data = {"table": table.pk, "unit": target.unit_id, "value": "150", "note": "", "sort_order": "2"}

    response = admin_client.post(url, data)

    assert REFUSAL in response.content.decode()
    assert Target.objects.get(pk=target.pk).value == Decimal(200)
    added = admin_client.post(
        reverse("admin:targets_target_add"),
        {"table": table.pk, "unit": UnitFactory().pk, "value": "1", "note": "", "sort_order": "3"},
    )
    assert "比2022年度计划总量 300 万元多 1 万元" in added.content.decode()
    assert table.targets.count() == 2


def test_the_plan_years_total_is_read_only_in_the_admin_once_it_exists(admin_client, table):
    plan = table.plan_year
    html = admin_client.get(reverse("admin:targets_planyear_change", args=[plan.pk])).content.decode()

    assert 'name="fai_target"' not in html
    assert 'name="fai_target"' in admin_client.get(reverse("admin:targets_planyear_add")).content.decode()
    assert PlanYear.objects.get(pk=plan.pk).fai_target == Decimal(300)
