"""Factories for every model, shared by all apps' tests."""

from datetime import date
from decimal import Decimal

import factory
from django.contrib.auth.models import Group

from accounts.models import User
from projects.choices import Field, MilestoneKind, ProblemCategory, Stage
from projects.models import Milestone, Problem, Project, ProjectReport, ProjectYearPlan
from reporting.models import OfficialFigure
from targets.choices import UnitKind
from targets.models import (
    AllocationTable,
    Indicator,
    MonthlyIntakeTarget,
    PlanYear,
    RankingGroup,
    Target,
    Unit,
)

PASSWORD = "Ceshi@2022pass"


class UnitFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Unit

    name = factory.Sequence(lambda n: f"测试{n}办事处")
    short_name = factory.Sequence(lambda n: f"测试{n}")
    code = factory.Sequence(lambda n: f"T-{n:03d}")
    kind = UnitKind.SUBDISTRICT
    sort_order = factory.Sequence(int)


class RankingGroupFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = RankingGroup

    name = factory.Sequence(lambda n: f"排名组{n}")


class PlanYearFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PlanYear
        django_get_or_create = ["year"]

    year = 2022
    fai_target = Decimal("1000000")
    growth_target_pct = Decimal("10")


class AllocationTableFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = AllocationTable

    plan_year = factory.SubFactory(PlanYearFactory)
    name = factory.Sequence(lambda n: f"分解表{n}")
    indicator = factory.LazyFunction(lambda: Indicator.objects.get(code="fai"))


class TargetFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Target

    table = factory.SubFactory(AllocationTableFactory)
    unit = factory.SubFactory(UnitFactory)
    value = Decimal("100000")


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def role(self, create, extracted, **kwargs):
        if create and extracted:
            self.groups.add(Group.objects.get(name=extracted))
            self.save()


class ProjectFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Project

    name = factory.Sequence(lambda n: f"测试产业园项目{n}")
    code = factory.Sequence(lambda n: f"2022-410171-36-01-{n:06d}")
    reporting_unit = factory.SubFactory(UnitFactory)
    responsible_unit = factory.SubFactory(UnitFactory, kind=UnitKind.BUREAU)
    field = Field.INDUSTRY
    total_investment = Decimal("50000")
    stage = Stage.UNDER_CONSTRUCTION
    actual_start = date(2022, 1, 10)


class ProjectReportFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ProjectReport

    project = factory.SubFactory(ProjectFactory)
    year = 2022
    month = 1
    amount = Decimal("1000")


class OfficialFigureFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = OfficialFigure

    unit = factory.SubFactory(UnitFactory)
    year = 2022
    month = 2
    ytd_completed = Decimal("10000")
    baseline = Decimal("9000")


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
