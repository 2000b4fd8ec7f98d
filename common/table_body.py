"""A declared table's rows written in Python, each column's way of writing a cell worked out once.

django-tables2 works every cell out from scratch: it inspects the render method's signature, looks
the field up for a ``get_FOO_display``, computes the ``td`` attributes, and its template then
draws the cell through a template node. A cockpit of a province (2,000 units in two rankings,
13,000 cells) spent most of its time there. ``body_rows`` gives the same HTML for the same table:
per column it decides once what django-tables2 decides per cell (which arguments the render method
takes, whether the field shows its choice's label, whether the ``td`` attributes depend on the
row), and per cell does only the cell's own work. A column it cannot treat so (a many-to-many
column, a link column with fixed text) is left to django-tables2 cell by cell.
"""

from __future__ import annotations

import html
import inspect
from collections.abc import Callable

import django_tables2 as tables
from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.utils import formats
from django.utils.functional import Promise
from django.utils.safestring import SafeString, mark_safe
from django.utils.timezone import template_localtime
from django_tables2.columns import BoundColumn, ManyToManyColumn
from django_tables2.columns.linkcolumn import BaseLinkColumn
from django_tables2.rows import BoundRow
from django_tables2.utils import Accessor, AttributeDict


def body_rows(table: tables.Table) -> SafeString:
    """The rows of ``table``'s page as django-tables2's template draws them, ``<tr>`` by ``<tr>``;
    empty when there are none."""
    writers = [ColumnWriter(table, column) for column in table.columns]
    tr = RowAttrs(table)
    lines = []
    for row in table.paginated_rows:
        cells = "".join(writer.td(row) for writer in writers)
        lines.append(f"<tr {tr.html(row)}>{cells}</tr>")
    return mark_safe("\n".join(lines))


class RowAttrs:
    """A table's ``row_attrs`` for each row, as ``BoundRow.attrs`` computes them (a callable value is
    called with the arguments it asks for among ``table`` and ``record``; the class ends with
    even/odd), its callables' signatures read once."""

    def __init__(self, table: tables.Table):
        self.table = table
        self.attrs = [
            (name, value, _wanted(value) if callable(value) else ())
            for name, value in table.row_attrs.items()
        ]
        # Rows alike in their attributes (even, odd, marked) share the HTML.
        self.written: dict[tuple, str] = {}
        # Nested attributes (a dict whose values are computed in turn) are left to django-tables2.
        self.by_library = any(isinstance(value, dict) for value in table.row_attrs.values())

    def html(self, row: BoundRow) -> str:
        if self.by_library:
            return row.attrs.as_html()
        offered = {"table": self.table, "record": row.record}
        attrs = {
            name: _call(value, wanted, offered) if callable(value) else value
            for name, value, wanted in self.attrs
        }
        parity = row.get_even_odd_css_class()
        attrs["class"] = f"{attrs['class']} {parity}" if attrs.get("class") else parity
        try:
            key = tuple(attrs.items())
            return self.written.get(key) or self.written.setdefault(key, AttributeDict(attrs).as_html())
        except TypeError:  # a value that cannot be a key: written every time
            return AttributeDict(attrs).as_html()


def _wanted(function: Callable) -> tuple[str, ...] | None:
    """The cell arguments ``function`` takes (None: all of them, through ``**kwargs``), as
    django-tables2's ``call_with_appropriate`` reads its signature."""
    names = []
    for parameter in inspect.signature(function).parameters.values():
        if parameter.kind == parameter.VAR_KEYWORD:
            return None
        if parameter.kind != parameter.VAR_POSITIONAL:
            names.append(parameter.name)
    return tuple(names)


def _call(function: Callable, wanted: tuple[str, ...] | None, offered: dict) -> object:
    """``function`` called as django-tables2's ``call_with_appropriate`` calls it: with the arguments it
    asks for (``wanted``, from ``_wanted``) among ``offered``, all of them where it takes ``**kwargs``,
    and not at all (None) where it asks for one not offered."""
    if wanted is None:
        return function(**offered)
    if any(name not in offered for name in wanted):
        return None
    return function(**{name: offered[name] for name in wanted})


def _fixed_td(table: tables.Table, column: BoundColumn) -> str | None:
    """A column's ``td`` attributes as HTML when they are the same on every row (none is computed
    from the row), else None."""
    attrs = {**table.attrs, **column.column.attrs}
    if any(callable(value) for value in attrs.get("td", attrs.get("cell", {})).values()):
        return None
    return column.attrs["td"].as_html()


def cell_html(value: object, localize: bool | None) -> str:
    """A cell's content as ``{{ cell }}`` writes it, in local time and localized, or as ``|localize`` or
    ``|unlocalize`` write it where the column says so; escaped unless already safe."""
    if localize is None:
        return _escaped(formats.localize(template_localtime(value)))
    return _escaped(str(formats.localize(value, use_l10n=localize)))


def _escaped(value: object) -> str:
    """``conditional_escape``, without going through the lazy-text wrapper of ``escape`` per cell."""
    if isinstance(value, Promise):
        value = str(value)
    if hasattr(value, "__html__"):
        return value.__html__()
    return html.escape(str(value))


class ColumnWriter:
    """How one column of one table writes its cells."""

    def __init__(self, table: tables.Table, bound: BoundColumn):
        column = bound.column
        self.table = table
        self.bound = bound
        self.accessor = Accessor(bound.accessor)
        self.fixed_td = _fixed_td(table, bound)
        # Left to django-tables2: a many-to-many column asks the database whether it is empty; a
        # link column with fixed text renders when its accessor fails.
        self.by_library = isinstance(column, ManyToManyColumn) or (
            isinstance(column, BaseLinkColumn) and getattr(column, "text", None) is not None
        )
        self.render = bound.render
        self.wanted = _wanted(bound.render)
        # Most render methods take the value, the record or both, and most cells have no link: those
        # are called without gathering the other arguments.
        self.plain = self.wanted is not None and set(self.wanted) <= {"value", "record"} and not bound.link
        self.empty_values = column.empty_values
        self.default = bound.default
        self.localize = bound.localize
        self.displays: dict[type, str | None] = {}  # per record type: the get_FOO_display to call

    def td(self, row: BoundRow) -> str:
        content = self.cell(row)
        attrs = self.fixed_td
        if attrs is None:
            bound = self.bound
            bound.current_value, bound.current_record = content, row.record  # what computed attrs read
            attrs = bound.attrs["td"].as_html()
        return f"<td {attrs}>{cell_html(content, self.localize)}</td>"

    def cell(self, row: BoundRow) -> object:
        """What ``row.get_cell(name)`` returns, without working the column out again."""
        if self.by_library:
            return row.get_cell(self.bound.name)
        record = row.record
        display = self._display(record)
        if display is not None:
            value = getattr(self.accessor.penultimate(record)[0], display)()
        else:
            try:
                value = self._resolve(record)
            except Exception:  # as django-tables2: a column whose accessor names no field is empty
                value = None
        if value in self.empty_values:
            return self.default
        if self.plain:
            return _call(self.render, self.wanted, {"value": value, "record": record})
        return self._render(row, value)

    def _resolve(self, record: object) -> object:
        """``Accessor.resolve``: along attributes where the objects on the way are plain objects
        (models, dataclasses) holding no method to call; anything else (a dict, a tuple, a method
        on the way) goes the library's way."""
        current = record
        for bit in self.accessor.bits:
            if hasattr(type(current), "__getitem__"):
                return self.accessor.resolve(record)
            try:
                current = getattr(current, bit)
            except AttributeError:
                return self.accessor.resolve(record)
            if callable(current):
                return self.accessor.resolve(record)
            if current is None:
                break
        return current

    def _display(self, record: object) -> str | None:
        """The ``get_FOO_display`` method that shows a choice field's label, for records of this
        type (django-tables2 uses it where the accessor ends on a field with choices)."""
        kind = type(record)
        if kind in self.displays:
            return self.displays[kind]
        penultimate, remainder = self.accessor.penultimate(record)
        if not isinstance(penultimate, models.Model):
            if penultimate is record:  # the answer holds for every record of the type
                self.displays[kind] = None
            return None  # a related object missing on this row: the next row may have one
        try:
            field = self.accessor.get_field(record)
        except FieldDoesNotExist:
            field = None
        name = f"get_{remainder}_display"
        display = name if getattr(field, "choices", ()) and hasattr(penultimate, name) else None
        self.displays[kind] = display
        return display

    def _render(self, row: BoundRow, value: object) -> object:
        bound = self.bound
        arguments = {
            "value": value,
            "record": row.record,
            "column": bound.column,
            "bound_column": bound,
            "bound_row": row,
            "table": self.table,
        }
        content = _call(self.render, self.wanted, arguments)
        return bound.link(content, **arguments) if bound.link else content
