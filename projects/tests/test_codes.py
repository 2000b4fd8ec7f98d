"""项目代码: the national format, the deployment's own 区划, and older regions listed as such."""

import pytest
from django.forms import modelform_factory

from projects.admin import ProjectAdminForm
from projects.codes import CodeRegion, project_code_problem, project_code_region, region_inside
from projects.models import Project
from tests.base import DemoTestCase

ZONE = "410171"  # 郑州经济技术开发区
LEGACY = ("410104", "410122")


def problem(code: str, region: str = ZONE) -> str | None:
    return project_code_problem(code, deployment_region=region, legacy_regions=LEGACY, this_year=2022)


def test_a_well_formed_code_of_the_zone_is_accepted():
    assert problem("2022-410171-36-01-000123") is None


@pytest.mark.parametrize(
    ("code", "says"),
    [
        ("", "格式不正确"),
        ("2022-X", "格式不正确"),
        ("2022-410171-36-01-00012", "格式不正确"),
        ("2022410171360100012 3", "格式不正确"),
        ("1999-410171-36-01-000123", "赋码年份"),
        ("2023-410171-36-01-000123", "赋码年份"),
        ("2022-410171-00-01-000123", "行业代码"),
        ("2022-410171-36-04-000123", "项目类型"),
        ("2022-410171-36-01-000000", "流水号"),
        ("2022-410102-36-01-000123", "不属于本辖区"),
    ],
)
def test_a_code_breaking_the_format_or_outside_the_region_is_refused_with_its_reason(code, says):
    assert says in problem(code)


def test_a_code_given_under_an_older_region_is_accepted_and_listed_as_legacy():
    assert problem("2016-410104-36-03-000321") is None
    assert project_code_region("2016-410104-36-03-000321", deployment_region=ZONE) == CodeRegion.LEGACY
    assert project_code_region("2022-410171-36-01-000123", deployment_region=ZONE) == CodeRegion.CURRENT
    assert project_code_region("甲-1", deployment_region=ZONE) is None


def test_a_city_takes_the_codes_of_every_district_below_it():
    assert region_inside("410171", "410100") and region_inside("410102", "410100")
    assert not region_inside("410201", "410100")
    assert problem("2022-410102-36-01-000123", region="410100") is None


@pytest.mark.django_db
def test_the_admin_refuses_a_new_project_whose_code_breaks_the_rule():
    form_class = modelform_factory(Project, form=ProjectAdminForm, fields=["code"])
    assert "格式不正确" in form_class(data={"code": "2022-X"}).errors["code"][0]
    assert "code" not in form_class(data={"code": "2022-410171-36-01-000123"}).errors


class DemoCodeTests(DemoTestCase):
    def test_every_project_of_the_demo_has_a_valid_code_of_the_zone(self):
        codes = list(Project.objects.values_list("code", flat=True))
        assert len(codes) >= 300
        assert [code for code in codes if problem(code)] == []
