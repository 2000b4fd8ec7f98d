from decimal import Decimal

from targets.rules import balanced_table_refusal

ADVICE = "分解表各行之和须等于年度计划总量；确需调整总量的，请由管理员先修改年度计划总量。"


def test_rule_12_balanced_tables_a_table_adding_up_to_the_plan_total_may_be_saved():
    assert (
        balanced_table_refusal(
            year=2022, table_name="局办表", row_sum=Decimal("5370000.00"), plan_total=Decimal(5370000)
        )
        is None
    )


def test_rule_12_balanced_tables_a_short_table_is_refused_naming_year_table_and_difference():
    refusal = balanced_table_refusal(
        year=2023,
        table_name="各局办年度固定资产投资任务一览表",
        row_sum=Decimal(5170000),
        plan_total=Decimal(5370000),
    )

    assert refusal == (
        "2023年「各局办年度固定资产投资任务一览表」各行合计 5,170,000 万元，比2023年度计划总量 5,370,000 万元"
        "少 200,000 万元，未保存。" + ADVICE
    )


def test_rule_12_balanced_tables_a_table_over_the_total_by_cents_is_refused_with_the_cents():
    refusal = balanced_table_refusal(
        year=2022, table_name="办事处表", row_sum=Decimal("300.05"), plan_total=Decimal(300)
    )

    assert (
        refusal
        == "2022年「办事处表」各行合计 300.05 万元，比2022年度计划总量 300 万元多 0.05 万元，未保存。"
        + ADVICE
    )


def test_rule_12_balanced_tables_a_table_of_an_indicator_without_a_plan_total_has_nothing_to_match():
    assert balanced_table_refusal(year=2022, table_name="招商表", row_sum=Decimal(7), plan_total=None) is None
