"""Template filters over ``common.figures``: every page writes its figures with the one module."""

from django import template
from django.utils.safestring import mark_safe

from common import figures

register = template.Library()

EMPTY = figures.EMPTY


@register.filter
def wan(value, places: int = 0) -> str:
    """An amount in 万元 with thousands separators: 1450000 → 1,450,000."""
    return figures.format_wan(value, int(places))


@register.filter
def yi(value, places: int = 2) -> str:
    """An amount given in 万元, written in 亿元 for headlines: 5370000 → 537.00."""
    return figures.format_yi(value, int(places))


@register.filter
def pct(value, places: int = 1) -> str:
    """A percentage already in percent, to one decimal: 11 → 11.0%."""
    return figures.format_pct(value, int(places))


@register.filter
def behind_time_progress(completion_pct, time_progress_pct) -> str:
    """「落后时序进度 2.8 个百分点」: the completion rate against time progress."""
    return figures.time_progress_phrase(completion_pct, time_progress_pct)


@register.filter
def against_growth_target(growth_pct, target_pct) -> str:
    """「低于增长目标 0.9 个百分点」: the growth rate against the year's growth target."""
    return figures.growth_target_phrase(growth_pct, target_pct)


WARNING_BADGES = {
    "green": '<span class="badge bg-success">绿</span>',
    "yellow": '<span class="badge bg-warning text-dark">黄</span>',
    "red": '<span class="badge bg-danger">红</span>',
}


@register.filter
def warning_badge(colour) -> str:
    """红黄绿 as a badge; a dash when there is no colour (no target or no figure)."""
    return mark_safe(WARNING_BADGES.get(str(colour) if colour else "", '<span class="text-muted">—</span>'))
