"""储备比例 (rule 6) as a declared table: a line per unit, its multiples to two decimals, a count or
an investment short of three times the registered projects under construction in red."""

import re
from datetime import date

import pytest
from django.urls import reverse

from accounts.roles import Role
from projects.choices import Stage
from tests.factories import ProjectFactory, UnitFactory, UserFactory

pytestmark = pytest.mark.django_db


def lines(html: str) -> dict[str, tuple[list[str], list[str]]]:
    """Unit name → (its cells' text, each cell's class) in the page's table."""
    body = html.split("<tbody")[1].split("</tbody>")[0]
    found = {}
    for line in re.findall(r"<tr[^>]*>(.*?)</tr>", body, re.DOTALL):
        cells = re.findall(r'<td(?: class="([^"]*)")?\s*>(.*?)</td>', line, re.DOTALL)
        texts = [re.sub(r"<[^>]+>|\s+", "", text) for _, text in cells]
        found[texts[0]] = (texts, [classes for classes, _ in cells])
    return found


def test_each_unit_s_reserve_against_three_times_its_registered_construction(client):
    short, enough = UnitFactory(name="甲办事处"), UnitFactory(name="乙办事处")
    # 甲: 2 reserve projects of 100 against 1 registered in construction of 100, 2.00 times: short.
    # 乙: 3 reserve of 200 against 1 of 150, 3.00 times the count and 4.00 the investment: enough.
    for unit, reserve, amount, construction in ((short, 2, 100, 100), (enough, 3, 200, 150)):
        for _ in range(reserve):
            ProjectFactory(
                reporting_unit=unit, stage=Stage.RESERVE, total_investment=amount, actual_start=None
            )
        ProjectFactory(
            reporting_unit=unit,
            total_investment=construction,
            is_registered=True,
            registered_on=date(2022, 2, 1),
        )
    client.force_login(UserFactory(role=Role.LEADER))

    found = lines(client.get(reverse("projects:reserve")).content.decode())

    assert found["甲办事处"][0] == ["甲办事处", "2", "1", "2.00", "200", "100", "2.00", "储备不足"]
    assert found["乙办事处"][0] == ["乙办事处", "3", "1", "3.00", "600", "150", "4.00", "达到3倍"]
    assert "text-danger" in found["甲办事处"][1][1] and "text-danger" in found["甲办事处"][1][4]
    assert not any("text-danger" in classes for classes in found["乙办事处"][1])
