"""`assess`: its JSON rows as DESIGN.md's stable interface describes them, and what --publish says.

Eight units grow 80%, 70%, … 10% in every month of 2022 (see reporting/tests/test_assessments.py):
unit 第一区 is first everywhere with 100 rank points, each place below it 5 points fewer.
"""

import json
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from reporting.choices import RunStatus
from reporting.tests.assessment_setup import ranked_group

pytestmark = pytest.mark.django_db


@pytest.fixture
def eight_units():
    return ranked_group("区县", [80, 70, 60, 50, 40, 30, 20, 10])


def assess(*args: str) -> str:
    out = StringIO()
    call_command("assess", "--year", "2022", *args, stdout=out, stderr=StringIO())
    return out.getvalue()


def assess_json(*args: str) -> list[dict]:
    return json.loads(assess(*args, "--format", "json"))


def test_a_quarter_s_json_rows_carry_the_stable_fields(eight_units):
    rows = assess_json("--quarter", "1")
    assert len(rows) == 8
    assert rows[0] == {
        "kind": "quarter",
        "quarter": 1,
        "group": "区县",
        "unit": "区县第一区",
        "score": 100.0,
        "rank": 1,
        "reward": 150.0,
        "published": False,
    }
    # 第八区: 100 − 7 × 5 = 65 points, 8th, bottom in 1-3月: no reward (rule 4).
    assert rows[-1] == {
        "kind": "quarter",
        "quarter": 1,
        "group": "区县",
        "unit": "区县第八区",
        "score": 65.0,
        "rank": 8,
        "reward": 0,
        "published": False,
    }
    assert isinstance(rows[-1]["reward"], float)


def test_the_half_year_has_no_quarter(eight_units):
    rows = assess_json("--half")
    # The half-year's score is the mean rank points of 1-2月 … 1-6月: 100 for 第一区 every month.
    assert (rows[0]["kind"], rows[0]["quarter"], rows[0]["score"], rows[0]["rank"]) == (
        "half",
        None,
        100.0,
        1,
    )
    assert "awards" not in rows[0]


def test_annual_rows_list_each_unit_s_awards(eight_units):
    rows = {row["unit"]: row for row in assess_json("--annual")}
    first = rows["区县第一区"]
    assert (first["kind"], first["quarter"], first["score"], first["rank"], first["reward"]) == (
        "annual",
        None,
        100.0,
        1,
        0.0,
    )
    assert {"award": "综合奖", "indicator": None, "place": 1} in first["awards"]
    assert {"award": "综合奖", "indicator": None, "place": 5} in rows["区县第五区"]["awards"]
    assert all(award["award"] != "综合奖" for award in rows["区县第六区"]["awards"])


def test_the_annual_evaluation_before_1_12_is_published_is_refused_naming_the_year(eight_units):
    scheme, _ = eight_units
    scheme.runs.filter(month=12).update(status=RunStatus.DRAFT)
    with pytest.raises(CommandError, match="无法进行2022年度总评"):
        assess("--annual")


def test_publish_prints_the_published_result_not_a_draft(eight_units):
    output = assess("--quarter", "1", "--publish")
    assert "2022年第1季度考评：区县（已发布）" in output
    assert "草稿" not in output
    assert all(row["published"] for row in assess_json("--quarter", "1"))
