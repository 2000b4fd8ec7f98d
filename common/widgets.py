"""Shared widgets: selects that stay fast for a province's thousands of units, and the date input."""

from __future__ import annotations

from html import escape

from django import forms
from django.forms.utils import flatatt
from django.utils.safestring import mark_safe


class QuickSelect(forms.Select):
    """Django's ``Select`` as HTML, its options written in Python rather than one template each.

    The stock widget renders a template per option: with 2,000 units in three filters that is
    most of a list page's time. No option groups, which a list of units has none of.
    """

    def render(self, name, value, attrs=None, renderer=None):
        final_attrs = self.build_attrs(self.attrs, {**(attrs or {}), "name": name})
        chosen = {str(item) for item in self.format_value(value)}
        options = []
        for option_value, label in self.choices:
            option = str(option_value)
            selected = " selected" if option in chosen else ""
            options.append(f'<option value="{escape(option)}"{selected}>{escape(str(label))}</option>')
        return mark_safe(f"<select{flatatt(final_attrs)}>{''.join(options)}</select>")


def quicken_selects(form: forms.BaseForm) -> None:
    """Give every plain single-choice ``Select`` of the form the quick widget (attributes kept)."""
    for field in form.fields.values():
        widget = field.widget
        if type(widget) is forms.Select and isinstance(field, forms.ChoiceField):
            quick = QuickSelect(attrs=widget.attrs)
            quick.choices = field.choices
            quick.is_required = widget.is_required
            field.widget = quick


class DateInput(forms.DateInput):
    """``<input type=date>``, whose value must be ISO (2026-12-02) whatever the language's date
    format: a localized 2026/12/02 is rejected by the browser and the field shows blank."""

    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs=attrs, format="%Y-%m-%d")


def style_fields(form: forms.BaseForm) -> None:
    for field in form.fields.values():
        widget = field.widget
        if isinstance(widget, forms.CheckboxInput | forms.CheckboxSelectMultiple):
            css = "form-check-input"
        elif isinstance(widget, forms.Select):
            css = "form-select"
        else:
            css = "form-control"
        widget.attrs.setdefault("class", css)
