"""Rules of the targets app that take plain values; nothing here reads or writes the database."""

from __future__ import annotations

from decimal import Decimal

from common.figures import format_wan


def balanced_table_refusal(
    *, year: int, table_name: str, row_sum: Decimal, plan_total: Decimal | None
) -> str | None:
    """Rule 12 (DESIGN.md), balanced tables: an allocation table's rows must add up to the plan
    total. Returns why a table summing to ``row_sum`` may not be saved, or None when it may.

    A table of an indicator the plan sets no total for (``plan_total`` None) has nothing to match.
    """
    if plan_total is None or row_sum == plan_total:
        return None
    difference = row_sum - plan_total
    side = "多" if difference > 0 else "少"
    rows, plan, gap = (
        format_wan(amount, 2, decimals_if_any=True) for amount in (row_sum, plan_total, abs(difference))
    )
    return (
        f"{year}年「{table_name}」各行合计 {rows} 万元，"
        f"比{year}年度计划总量 {plan} 万元{side} {gap} 万元，"
        "未保存。分解表各行之和须等于年度计划总量；确需调整总量的，请由管理员先修改年度计划总量。"
    )
