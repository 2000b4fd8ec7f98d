"""Factories of the lifecycle's own models; the shared ones are in ``tests.factories``."""

from datetime import date
from decimal import Decimal

import factory

from projects.choices import MilestoneKind, ProblemCategory
from projects.models import Milestone, Problem, ProjectYearPlan
from targets.models import MonthlyIntakeTarget
from tests.factories import PlanYearFactory, ProjectFactory, UnitFactory


class MilestoneFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Milestone

    project = factory.SubFactory(ProjectFactory)
    kind = MilestoneKind.SIGNING
    planned_on = date(2022, 3, 1)


class ProblemFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Problem

    project = factory.SubFactory(ProjectFactory)
    category = ProblemCategory.LAND
    description = "部分用地指标未落实"
    owner_unit = factory.SubFactory(UnitFactory)
    registered_on = date(2022, 3, 1)
    deadline = date(2022, 6, 30)


class ProjectYearPlanFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ProjectYearPlan

    project = factory.SubFactory(ProjectFactory)
    year = 2022
    planned_investment = Decimal("1000")


class MonthlyIntakeTargetFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = MonthlyIntakeTarget

    plan_year = factory.SubFactory(PlanYearFactory)
    unit = factory.SubFactory(UnitFactory)
    min_projects = 10
    min_investment = Decimal("50000")
