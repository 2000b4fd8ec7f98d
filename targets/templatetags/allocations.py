from django import template

from accounts.permissions import ALL_UNITS_READERS, has_any_role
from common.figures import format_wan

register = template.Library()


@register.filter
def reads_allocations(user) -> bool:
    """Whether the 分解表 pages are open to ``user``: the roles their views require."""
    return has_any_role(user, ALL_UNITS_READERS)


@register.filter
def wan_exact(value) -> str:
    """万元 with separators and the cents only when there are any (1,450,000 / 1,234.50), so a grid
    being edited never hides a difference by rounding it away."""
    return format_wan(value, 2, decimals_if_any=True)
