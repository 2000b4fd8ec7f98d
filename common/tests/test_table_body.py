"""A declared table's rows, written by ``common.table_body``, are the rows django-tables2's own template
draws: the same cells, attributes and classes, for every way a column may show a value."""

import re
from datetime import date
from decimal import Decimal

import django_tables2 as tables
from django.test import RequestFactory
from django.utils.html import format_html

from common.lists import BaseTable, DayColumn, WanColumn, YesNoColumn
from projects.choices import Stage
from projects.models import Project
from targets.models import Unit

STOCK = "django_tables2/bootstrap5.html"


def body(html: str) -> str:
    """The ``<tbody>`` of a rendered table, whitespace between tags dropped."""
    rows = html[html.index("<tbody") : html.index("</tbody>")]
    return re.sub(r">\s+<", "><", rows[rows.index(">") + 1 :]).strip()


def _large(record) -> str:
    return "text-end text-danger" if record.total_investment > 1000 else "text-end"


class EveryKindOfCell(BaseTable):
    name = tables.Column(verbose_name="项目", linkify=lambda record: f"/projects/{record.code}/")
    stage = tables.Column(verbose_name="所在库")  # a field with choices: its label
    unit = tables.Column(verbose_name="属地单位", accessor="reporting_unit__name")
    total_investment = WanColumn("总投资", attrs={"td": {"class": _large}})
    planned_start = DayColumn("计划开工")  # None on one row: the default
    is_registered = YesNoColumn(verbose_name="入库", yesno="已入库,未入库")
    missing = tables.Column(verbose_name="无此字段", accessor="no_such_field")
    note = tables.Column(verbose_name="说明", empty_values=())
    everything = tables.Column(verbose_name="全部参数", accessor="code")
    count = tables.Column(verbose_name="个数", accessor="star_rating")  # a number, localized
    plain = tables.Column(verbose_name="原样", accessor="planned_start", localize=False)

    def render_note(self, record, value) -> str:
        return format_html("<b>{}</b> & {}", record.code, value)

    def render_everything(self, **cell) -> str:
        return f"{cell['value']}/{cell['bound_row'].record.name}/{cell['table'].__class__.__name__}"

    class Meta(BaseTable.Meta):
        pass


def projects() -> list[Project]:
    minghu = Unit(pk=1, name="明湖办事处")
    return [
        Project(
            code="P1",
            name="滨河<路>改造",
            stage=Stage.UNDER_CONSTRUCTION,
            reporting_unit=minghu,
            total_investment=Decimal("12345.6"),
            planned_start=date(2022, 3, 1),
            is_registered=True,
            star_rating=12345,
        ),
        Project(
            code="P2",
            name="潮河学校",
            stage=Stage.RESERVE,
            reporting_unit=minghu,
            total_investment=Decimal("800"),
            planned_start=None,
            is_registered=False,
            star_rating=0,
        ),
    ]


def test_every_kind_of_cell_is_written_as_django_tables2_s_own_template_writes_it():
    request = RequestFactory().get("/")
    ours = EveryKindOfCell(projects())
    ours.row_attrs = {"class": lambda record: "table-danger" if record.code == "P1" else "", "data-code": "x"}
    stock = EveryKindOfCell(projects(), template_name=STOCK)
    stock.row_attrs = ours.row_attrs
    written = body(ours.as_html(request))
    assert written == body(stock.as_html(request))
    # What the comparison covers, written out: the choice's label, the link, the computed class.
    assert (
        Stage.UNDER_CONSTRUCTION.label in written
        and '<a href="/projects/P1/">滨河&lt;路&gt;改造</a>' in written
    )
    assert 'class="table-danger even" data-code="x"' in written
    assert "text-danger" in written


def test_an_empty_table_writes_its_empty_line_not_rows():
    html = EveryKindOfCell([]).as_html(RequestFactory().get("/"))
    assert "<td " not in body(html).replace('<td colspan="11" class="text-muted">', "")
    assert '<td colspan="11" class="text-muted">没有符合条件的记录。</td>' in html
