"""Statistical periods: a cumulative span of one year, January through a month.

Chinese FAI statistics publish January together with February, so the first period of a year is
1-2月 (month 2). A period is written ``YYYY-MM`` and read out as ``2022年1-5月``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal

FIRST_PERIOD_MONTH = 2
_PERIOD_RE = re.compile(r"^(\d{4})-(\d{1,2})$")


def parse_year_month(text: str | None) -> tuple[int, int] | None:
    """``2022-10`` → (2022, 10), the one reading of a ``YYYY-MM`` text; None when it is not one.

    The month is not checked here: a period starts at 1-2月, a month of returns at 1月."""
    match = _PERIOD_RE.match((text or "").strip())
    return (int(match.group(1)), int(match.group(2))) if match else None


@dataclass(frozen=True, order=True)
class Period:
    year: int
    month: int

    def __post_init__(self) -> None:
        if not FIRST_PERIOD_MONTH <= self.month <= 12:
            raise ValueError(
                f"统计期月份应在 {FIRST_PERIOD_MONTH}–12 之间（1月数据随2月一并发布）：{self.month}"
            )

    @classmethod
    def parse(cls, text: str) -> Period:
        parsed = parse_year_month(text)
        if parsed is None:
            raise ValueError(f"统计期格式应为 YYYY-MM，例如 2022-05：{text}")
        return cls(*parsed)

    def __str__(self) -> str:
        return f"{self.year}-{self.month:02d}"

    @property
    def label(self) -> str:
        return f"{self.year}年1-{self.month}月"

    @property
    def time_progress_pct(self) -> Decimal:
        return time_progress_pct(self.month)

    @property
    def previous(self) -> Period | None:
        """The preceding period of the same year, or None for 1-2月."""
        if self.month == FIRST_PERIOD_MONTH:
            return None
        return Period(self.year, self.month - 1)

    @property
    def is_quarter_end(self) -> bool:
        return self.month % 3 == 0


def time_progress_pct(month: int) -> Decimal:
    """时序进度 at the end of 1–``month``月: month / 12 × 100 (5 → 41.666…, "时间过半、任务过半")."""
    if not 1 <= month <= 12:
        raise ValueError(f"month must be 1–12, got {month}")
    return Decimal(month) * 100 / 12


def periods_of_year(year: int, *, through: int = 12) -> list[Period]:
    return [Period(year, month) for month in range(FIRST_PERIOD_MONTH, through + 1)]
