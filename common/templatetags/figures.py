"""How figures are written on every page: 万元 with separators, 亿元 for headlines, % to one decimal."""

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django import template

register = template.Library()

EMPTY = "—"


def _decimal(value) -> Decimal | None:
    if value is None or value == "":
        return None
    try:
        return Decimal(str(value))
    except InvalidOperation:
        return None


def format_wan(value, places: int = 0) -> str:
    number = _decimal(value)
    if number is None:
        return EMPTY
    quantum = Decimal(1).scaleb(-places)
    return f"{number.quantize(quantum, rounding=ROUND_HALF_UP):,.{places}f}"


@register.filter
def wan(value, places: int = 0) -> str:
    """An amount in 万元 with thousands separators: 1450000 → 1,450,000."""
    return format_wan(value, int(places))


@register.filter
def yi(value, places: int = 2) -> str:
    """An amount given in 万元, written in 亿元 for headlines: 5370000 → 537.00."""
    number = _decimal(value)
    if number is None:
        return EMPTY
    return format_wan(number / 10000, int(places))


@register.filter
def pct(value, places: int = 1) -> str:
    """A percentage already in percent, to one decimal: 11 → 11.0%."""
    number = _decimal(value)
    if number is None:
        return EMPTY
    return f"{format_wan(number, int(places))}%"


WARNING_BADGES = {
    "green": '<span class="badge bg-success">绿</span>',
    "yellow": '<span class="badge bg-warning text-dark">黄</span>',
    "red": '<span class="badge bg-danger">红</span>',
}


@register.filter
def warning_badge(colour) -> str:
    """红黄绿 as a badge; a dash when there is no colour (no target or no figure)."""
    from django.utils.safestring import mark_safe

    return mark_safe(WARNING_BADGES.get(str(colour) if colour else "", '<span class="text-muted">—</span>'))
