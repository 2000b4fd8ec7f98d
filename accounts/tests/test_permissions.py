"""The unit checks every view builds on."""

import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.test import RequestFactory

from accounts.context_processors import navigation
from accounts.permissions import can_approve_unit, can_read_project, unit_for_edit, unit_for_read
from accounts.roles import Role
from tests.factories import ProjectFactory, UnitFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_only_the_units_own_head_or_a_superuser_approves_its_return():
    unit, other = UnitFactory(), UnitFactory()
    assert can_approve_unit(UserFactory(unit=unit, role=Role.UNIT_HEAD), unit)
    assert not can_approve_unit(UserFactory(unit=other, role=Role.UNIT_HEAD), unit)
    assert not can_approve_unit(UserFactory(unit=unit, role=Role.REPORTER), unit)
    assert not can_approve_unit(UserFactory(role=Role.ADMIN), unit)
    assert can_approve_unit(UserFactory(is_superuser=True), unit.pk)


def test_a_unit_in_a_url_is_read_by_its_own_users_and_the_all_unit_readers_only():
    unit, other = UnitFactory(), UnitFactory()
    assert unit_for_read(UserFactory(unit=unit, role=Role.REPORTER), unit.pk) == unit
    assert unit_for_read(UserFactory(role=Role.LEADER), unit.pk) == unit
    with pytest.raises(PermissionDenied):
        unit_for_read(UserFactory(unit=other, role=Role.REPORTER), unit.pk)
    with pytest.raises(Http404):
        unit_for_read(UserFactory(role=Role.LEADER), 999999)


def test_a_unit_in_a_url_is_changed_by_its_own_users_and_the_admin_only():
    unit = UnitFactory()
    assert unit_for_edit(UserFactory(unit=unit, role=Role.UNIT_HEAD), unit.pk) == unit
    assert unit_for_edit(UserFactory(role=Role.ADMIN), unit.pk) == unit
    for reader in (Role.LEADER, Role.REVIEWER):
        with pytest.raises(PermissionDenied):
            unit_for_edit(UserFactory(role=reader), unit.pk)


def test_a_project_is_read_by_its_reporting_and_its_responsible_units():
    project = ProjectFactory()
    assert can_read_project(UserFactory(unit=project.reporting_unit, role=Role.REPORTER), project)
    assert can_read_project(UserFactory(unit=project.responsible_unit, role=Role.REPORTER), project)
    assert not can_read_project(UserFactory(unit=UnitFactory(), role=Role.REPORTER), project)


def test_the_navigation_offers_each_role_its_links_only():
    request = RequestFactory().get("/")
    request.user = UserFactory(unit=UnitFactory(), role=Role.REPORTER)
    assert navigation(request)["nav"] == {
        "unit_user": True,
        "imports_reports": True,
        "imports_figures": False,
    }
    request.user = UserFactory(role=Role.REVIEWER)
    assert navigation(request)["nav"] == {
        "unit_user": False,
        "imports_reports": False,
        "imports_figures": True,
    }
