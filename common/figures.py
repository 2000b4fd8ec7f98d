"""How every figure is written: on pages, in charts, in workbooks and in the 通报's Word text.

One module, so a leader who holds the Word text beside the cockpit reads the same digits in both:
万元 with separators, 亿元 for headlines, percentages to one decimal, and the distance between two
percentages in 个百分点 with its direction in words (「落后时序进度 2.8 个百分点」), never a signed
percentage («落后 -2.8%»). A distance is taken between the two figures as they are shown, so a
reader can check it by hand from the two numbers printed beside it.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

EMPTY = "—"
PCT_PLACES = 1


def to_decimal(value) -> Decimal | None:
    if value is None or value == "":
        return None
    try:
        number = Decimal(str(value))
    except InvalidOperation:
        return None
    return number if number.is_finite() else None


def rounded(value, places: int) -> Decimal | None:
    number = to_decimal(value)
    if number is None:
        return None
    return number.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)


def format_wan(value, places: int = 0, *, decimals_if_any: bool = False) -> str:
    """An amount in 万元 with thousands separators, rounded half up to ``places``: 1450000 → 1,450,000;
    2795.89 → 2,796.

    With ``decimals_if_any`` a whole amount is written without its decimals and any other with all
    ``places`` of them (1,450,000 and 1,234.50 at two places): what a message about a sum or a grid
    being edited shows, so that a difference is never rounded away.
    """
    number = rounded(value, places)
    if number is None:
        return EMPTY
    if decimals_if_any and number == number.to_integral_value():
        places = 0
    return f"{number:,.{places}f}"


def format_yi(value, places: int = 2) -> str:
    """An amount given in 万元, written in 亿元 for headlines: 5370000 → 537.00."""
    number = to_decimal(value)
    if number is None:
        return EMPTY
    return format_wan(number / 10000, places)


def format_pct(value, places: int = PCT_PLACES) -> str:
    """A percentage already in percent, to one decimal: 11 → 11.0%."""
    number = rounded(value, places)
    if number is None:
        return EMPTY
    return f"{format_wan(number, places)}%"


def format_number(value, places: int = 0) -> str:
    """A plain figure as a table shows it (a percentage without its sign, a count, an amount)."""
    return format_wan(value, places)


def shown_pct(value) -> Decimal | None:
    """A percentage as it is shown: rounded half up to one decimal."""
    return rounded(value, PCT_PLACES)


def points_between(value, reference) -> Decimal | None:
    """``value`` minus ``reference`` in 个百分点, between the two percentages as they are shown."""
    shown, against = shown_pct(value), shown_pct(reference)
    if shown is None or against is None:
        return None
    return shown - against


def gap_phrase(value, reference, *, reference_name: str, ahead: str = "超过", behind: str = "落后") -> str:
    """「落后时序进度 2.8 个百分点」, 「超过时序进度 1.0 个百分点」 or 「与时序进度持平」."""
    gap = points_between(value, reference)
    if gap is None:
        return EMPTY
    if gap == 0:
        return f"与{reference_name}持平"
    side = ahead if gap > 0 else behind
    return f"{side}{reference_name} {format_wan(abs(gap), PCT_PLACES)} 个百分点"


def time_progress_phrase(completion_pct, time_progress_pct) -> str:
    return gap_phrase(completion_pct, time_progress_pct, reference_name="时序进度")


def growth_target_phrase(growth_pct, target_pct) -> str:
    return gap_phrase(growth_pct, target_pct, reference_name="增长目标", ahead="高于", behind="低于")


def change_phrase(growth_pct) -> str:
    """同比增长 11.9% / 同比下降 3.2%: the sign of a growth rate said in words."""
    number = shown_pct(growth_pct)
    if number is None:
        return EMPTY
    direction = "增长" if number >= 0 else "下降"
    return f"同比{direction}{format_pct(abs(number))}"
