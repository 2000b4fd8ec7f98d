"""The grid's lines read as one query's values and written in one pass: the same figures as the
save's own reading, and the inputs of the form's own fields."""

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from projects.models import ProjectYearPlan
from reporting.forms import MonthEntriesForm
from reporting.grid_rows import month_grid_rows_html
from reporting.selectors.monthly import month_lines
from reporting.tests.monthly_setup import MonthlyUnit
from tests.factories import ProjectFactory, ProjectReportFactory

pytestmark = pytest.mark.django_db


def test_the_lines_are_one_query_and_hold_the_figures_the_save_reads():
    unit = MonthlyUnit(projects=3)
    first, second, _third = unit.projects
    ProjectReportFactory(project=first, year=2022, month=10, amount=Decimal("12.5"), progress="主体封顶")
    ProjectYearPlan.objects.create(project=second, year=2022, planned_investment=Decimal("9000"))

    with CaptureQueriesContext(connection) as queries:
        lines = month_lines(unit=unit.unit, year=2022, month=10)

    assert len(queries) == 1
    rows = unit.rows()
    assert [line.project_id for line in lines] == [row.project.pk for row in rows]
    for line, row in zip(lines, rows, strict=True):
        assert (line.name, line.code, line.stage, line.total_investment) == (
            row.project.name,
            row.project.code,
            row.project.stage,
            row.project.total_investment,
        )
        assert (line.amount, line.progress, line.problems, line.version) == (
            row.amount,
            row.progress,
            row.problems,
            row.version,
        )
        assert (line.ytd_before, line.annual_plan, line.ytd) == (row.ytd_before, row.annual_plan, row.ytd)
    by_project = {line.project_id: line for line in lines}
    assert by_project[first.pk].amount == Decimal("12.50")
    assert by_project[first.pk].ytd == Decimal("9012.50")
    assert by_project[second.pk].annual_plan == Decimal("9000")
    assert by_project[second.pk].version is None


def test_the_rows_write_the_inputs_the_forms_own_fields_would():
    unit = MonthlyUnit(projects=2)
    ProjectReportFactory(
        project=unit.projects[0],
        year=2022,
        month=10,
        amount=Decimal("7"),
        progress="主体 <b>\"&'",
        problems="",
    )
    lines = month_lines(unit=unit.unit, year=2022, month=10)
    form = MonthEntriesForm(rows=lines)
    html = month_grid_rows_html(lines, editable=True)
    for line in lines:
        for kind in ("version", "amount", "progress", "problems"):
            assert str(form[f"{kind}_{line.project_id}"]) in html
    assert "主体 &lt;b&gt;&quot;&amp;&#x27;" in html


def test_a_name_is_escaped_and_a_month_no_longer_editable_has_no_input():
    unit = MonthlyUnit(projects=0)
    project = ProjectFactory(reporting_unit=unit.unit, name="<script>alert(1)</script>")
    ProjectReportFactory(project=project, year=2022, month=10, amount=Decimal("3"), problems="<i>拆迁</i>")
    html = month_grid_rows_html(month_lines(unit=unit.unit, year=2022, month=10), editable=False)
    assert "<script>" not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "&lt;i&gt;拆迁&lt;/i&gt;" in html
    assert 'name="amount_' not in html and "<textarea" not in html
    assert '<div class="text-end">3.00</div>' in html


def test_a_line_sent_back_shows_what_was_typed_its_error_and_its_warning_box():
    unit = MonthlyUnit(projects=1)
    (line,) = month_lines(unit=unit.unit, year=2022, month=10)
    pid = line.project_id
    html = month_grid_rows_html(
        [line],
        editable=True,
        typed={
            f"amount_{pid}": "5000",
            f"progress_{pid}": "已开工",
            f"problems_{pid}": "",
            f"version_{pid}": "",
        },
        errors={pid: ["本月完成投资不能为负数"]},
        warnings={pid: ["请核实后确认"]},
    )
    assert f'name="amount_{pid}" value="5000"' in html
    assert f'aria-invalid="true" aria-describedby="id_amount_{pid}_error"' in html
    assert f'<div class="text-danger small" id="id_amount_{pid}_error">本月完成投资不能为负数</div>' in html
    assert f'<input type="checkbox" name="confirm_{pid}" value="5000"> 我已核实' in html
    assert 'class="table-danger"' in html
    assert ">\n已开工</textarea>" in html
