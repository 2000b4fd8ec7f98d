"""The demo jurisdiction: 郑州经开区 2022 as seed 000 gives it, plus generated projects and figures.

Units, targets, the plan year and the monthly 入库 targets come verbatim from
``fixtures/zhengzhou_jingkai_2022.json``. Projects, monthly reports, official figures and
baselines are generated from a fixed random seed, so every run produces the same rows and a second
run finds them all present and changes nothing.
"""

from __future__ import annotations

import json
import random
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from django.contrib.auth.models import Group
from django.db import transaction

from accounts.models import User
from accounts.roles import Role
from common.clock import clock_set
from projects.models import Project, ProjectReport
from reporting.models import OfficialFigure
from targets.models import (
    AllocationTable,
    Indicator,
    MonthlyIntakeTarget,
    PlanYear,
    RankingGroup,
    Target,
    Unit,
)

from .constants import DEMO_FILE, DEMO_PASSWORD, DEMO_TODAY, DEMO_USERS, RANDOM_SEED, DemoUser
from .cycle import load_letterhead, load_official_figures, load_rankings, load_schemes, load_submissions
from .lifecycle import load_lifecycle, load_site_photos
from .projects import load_projects


@dataclass
class DemoSummary:
    units: int
    projects: int
    reports: int
    figures: int
    created_users: list[DemoUser]


def demo_load() -> DemoSummary:
    """Load the demo jurisdiction. Idempotent: rows are keyed by their natural keys."""
    data = json.loads(Path(DEMO_FILE).read_text(encoding="utf-8"))
    with transaction.atomic():
        clock_set(on=DEMO_TODAY, reason="演示数据所在日期")
        units = _load_units(data)
        plan_year = _load_plan(data, units)
        created_users = _load_users(units)
        # One generator per part, so what one part draws never shifts the next part's values.
        load_projects(random.Random(RANDOM_SEED), units, plan_year)
        load_official_figures(random.Random(RANDOM_SEED + 1), units, plan_year)
        load_lifecycle(random.Random(RANDOM_SEED + 2), units)
        load_letterhead()
        load_schemes(plan_year)
        load_submissions(units, plan_year)
        load_rankings()
        load_site_photos()
    return DemoSummary(
        units=Unit.objects.count(),
        projects=Project.objects.count(),
        reports=ProjectReport.objects.count(),
        figures=OfficialFigure.objects.count(),
        created_users=created_users,
    )


def _load_units(data: dict) -> dict[str, Unit]:
    units = {}
    for order, row in enumerate(data["units"], start=1):
        units[row["name"]], _ = Unit.objects.get_or_create(
            name=row["name"],
            defaults={
                "short_name": row["short_name"],
                "code": row["code"],
                "kind": row["kind"],
                "sort_order": order,
            },
        )
    for order, row in enumerate(data["ranking_groups"], start=1):
        group, _ = RankingGroup.objects.get_or_create(
            name=row["name"], defaults={"description": row["description"], "sort_order": order}
        )
        group.units.add(*(units[name] for name in row["units"]))
    return units


def _load_plan(data: dict, units: dict[str, Unit]) -> PlanYear:
    plan = data["plan_year"]
    plan_year, _ = PlanYear.objects.get_or_create(
        year=plan["year"],
        defaults={
            "title": plan["title"],
            "fai_target": Decimal(plan["fai_target"]),
            "growth_target_pct": Decimal(plan["growth_target_pct"]),
            "intake_project_target": plan["intake_project_target"],
            "intake_investment_target": Decimal(plan["intake_investment_target"]),
            "intake_large_project_target": plan["intake_large_project_target"],
        },
    )
    for order, table_data in enumerate(data["allocation_tables"], start=1):
        table, _ = AllocationTable.objects.get_or_create(
            plan_year=plan_year,
            name=table_data["name"],
            defaults={
                "indicator": Indicator.objects.get(code=table_data["indicator"]),
                "ranking_group": RankingGroup.objects.get(name=table_data["ranking_group"]),
                "sort_order": order,
            },
        )
        for row_order, (unit_name, value) in enumerate(table_data["rows"], start=1):
            Target.objects.get_or_create(
                table=table,
                unit=units[unit_name],
                defaults={"value": Decimal(value), "sort_order": row_order},
            )
    for unit_name, min_projects, min_investment in data["monthly_intake_targets"]:
        MonthlyIntakeTarget.objects.get_or_create(
            plan_year=plan_year,
            unit=units[unit_name],
            defaults={"min_projects": min_projects, "min_investment": Decimal(min_investment)},
        )
    return plan_year


def _load_users(units: dict[str, Unit]) -> list[DemoUser]:
    created = []
    for demo_user in DEMO_USERS:
        user, was_created = User.objects.get_or_create(
            username=demo_user.username,
            defaults={
                "last_name": demo_user.full_name,
                "unit": units[demo_user.unit] if demo_user.unit else None,
                "is_staff": demo_user.role == Role.ADMIN,
                "is_superuser": demo_user.role == Role.ADMIN,
            },
        )
        if was_created:
            user.set_password(DEMO_PASSWORD)
            user.save(update_fields=["password"])
            user.groups.add(Group.objects.get(name=demo_user.role))
            created.append(demo_user)
    return created
