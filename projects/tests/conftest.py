from datetime import date

import pytest

from accounts.roles import Role
from projects.choices import Stage
from tests.factories import ProjectFactory, UnitFactory, UserFactory

PROCEDURES_DONE = {
    "approval_on": date(2021, 10, 1),
    "land_on": date(2021, 11, 1),
    "planning_on": date(2021, 12, 1),
    "construction_permit_on": date(2022, 1, 5),
}


@pytest.fixture
def unit():
    return UnitFactory()


@pytest.fixture
def reporter(unit):
    return UserFactory(role=Role.REPORTER, unit=unit)


@pytest.fixture
def outsider():
    """A reporter of another unit, who may not see or touch the unit's projects."""
    return UserFactory(role=Role.REPORTER, unit=UnitFactory())


@pytest.fixture
def admin():
    return UserFactory(role=Role.ADMIN)


@pytest.fixture
def reserve_project(unit):
    """A reserve project with its four procedures done: ready for the 开工库."""
    return ProjectFactory(reporting_unit=unit, stage=Stage.RESERVE, actual_start=None, **PROCEDURES_DONE)
