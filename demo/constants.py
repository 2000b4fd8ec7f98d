"""The demo's fixed facts: its year and day, its users and password, the sub-districts' figures."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal

from django.conf import settings

from accounts.roles import Role

DEMO_FILE = settings.BASE_DIR / "fixtures" / "zhengzhou_jingkai_2022.json"
DEMO_YEAR = 2022
LAST_REPORTED_MONTH = 10
# The demo's data stands as on this day: October was due on 5 November, 京航 sent it late on the
# 8th, and 1-10月 is drafted. The product's clock (``common.clock``) is set to it by ``demo_load``.
DEMO_TODAY = date(DEMO_YEAR, 11, 9)
RANDOM_SEED = 20220516  # the plan's date of issue
CENT = Decimal("0.01")
# A demo problem was registered this long before its 办结时限 (and so before any 销号, made on it).
PROBLEM_TIME_TO_SOLVE = timedelta(days=60)

DEMO_PASSWORD = "Jk@2022demo"


@dataclass(frozen=True)
class DemoUser:
    username: str
    full_name: str
    role: Role
    unit: str | None = None


DEMO_USERS = (
    DemoUser("admin", "经发局管理员", Role.ADMIN),
    DemoUser("leader", "管委会领导", Role.LEADER),
    DemoUser("reviewer", "统计局审核员", Role.REVIEWER),
    DemoUser("minghu_reporter", "明湖填报员", Role.REPORTER, "明湖办事处"),
    DemoUser("minghu_head", "明湖负责人", Role.UNIT_HEAD, "明湖办事处"),
    DemoUser("chaohe_reporter", "潮河填报员", Role.REPORTER, "潮河办事处"),
    DemoUser("jianshe_reporter", "建设局填报员", Role.REPORTER, "建设局"),
)

# 增速 (%) of each sub-district for 1-2月 … 1-10月. Written out rather than drawn at random so the
# demo's ladder can be followed by hand: 前程 bottom three periods running (levels 1, 2, 3), then
# 京航 twice, 祥云 twice, 前程 once more after a gap (level 1 again), 祥云 again (level 1).
SUBDISTRICT_GROWTH_PCT = {
    "明湖办事处": ["14.2", "13.5", "12.8", "12.1", "11.6", "12.3", "12.9", "13.4", "13.8"],
    "潮河办事处": ["9.8", "10.4", "11.2", "11.9", "12.5", "12.2", "11.8", "11.5", "11.9"],
    "前程办事处": ["3.1", "2.4", "1.8", "4.5", "6.2", "7.1", "7.8", "5.8", "9.0"],
    "京航办事处": ["8.5", "8.9", "9.4", "3.9", "5.1", "8.8", "9.6", "10.2", "10.6"],
    "九龙办事处": ["16.5", "17.2", "15.8", "14.9", "15.5", "16.1", "16.8", "17.3", "17.9"],
    "祥云办事处": ["6.0", "5.5", "4.9", "5.2", "5.8", "6.5", "5.9", "6.1", "6.3"],
}

# How far ahead of (above 1) or behind time progress each unit runs; bureaus get a drawn value.
SUBDISTRICT_PACE = {
    "明湖办事处": "1.03",
    "潮河办事处": "0.97",
    "前程办事处": "0.86",
    "京航办事处": "0.92",
    "九龙办事处": "1.06",
    "祥云办事处": "0.89",
}


def money(value: float | Decimal) -> Decimal:
    return Decimal(str(value)).quantize(CENT, rounding=ROUND_HALF_UP)
