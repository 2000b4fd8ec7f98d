"""The unit filters: the readable units by name, read without a model instance per unit."""

import pytest
from django.test import RequestFactory

from accounts.roles import Role
from projects.filtersets import LIST_FILTERS, ProjectFilterSet
from projects.models import Project
from tests.factories import ProjectFactory, UnitFactory, UserFactory

pytestmark = pytest.mark.django_db


def _filterset(user, data):
    request = RequestFactory().get("/", data)
    request.user = user
    return ProjectFilterSet(data, queryset=Project.objects.all(), request=request, offered=LIST_FILTERS)


def test_a_unit_filter_offers_the_readable_units_by_name_and_filters_on_the_chosen_one():
    minghu, chaohe = (
        UnitFactory(name="明湖办事处", sort_order=1),
        UnitFactory(name="潮河办事处", sort_order=2),
    )
    ours, theirs = ProjectFactory(reporting_unit=minghu), ProjectFactory(reporting_unit=chaohe)
    leader = UserFactory(role=Role.LEADER)

    filterset = _filterset(leader, {"reporting_unit": str(chaohe.pk)})
    choices = list(filterset.form.fields["reporting_unit"].choices)

    assert ("", "全部") in choices
    assert (minghu.pk, "明湖办事处") in choices and (chaohe.pk, "潮河办事处") in choices
    assert list(filterset.qs) == [theirs]
    assert ours not in filterset.qs
    html = str(filterset.form["reporting_unit"])
    assert f'<option value="{chaohe.pk}" selected>潮河办事处</option>' in html


def test_a_unit_filter_refuses_a_unit_the_user_may_not_read():
    minghu, chaohe = UnitFactory(name="明湖办事处"), UnitFactory(name="潮河办事处")
    reporter = UserFactory(unit=minghu, role=Role.REPORTER)

    filterset = _filterset(reporter, {"reporting_unit": str(chaohe.pk)})

    assert [value for value, _ in filterset.form.fields["reporting_unit"].choices if value] == [minghu.pk]
    assert not filterset.is_valid()


def test_the_list_names_the_projects_whose_code_came_from_an_older_region():
    current = ProjectFactory(code="2022-410171-36-01-000123")
    legacy = ProjectFactory(code="2016-410104-36-03-000321")
    ProjectFactory(code="经开备〔2015〕12号")
    leader = UserFactory(role=Role.LEADER)
    assert list(_filterset(leader, {"code_region": "legacy"}).qs) == [legacy]
    assert list(_filterset(leader, {"code_region": "current"}).qs) == [current]
