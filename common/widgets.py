"""Widgets that stay fast when a list of choices is a province's thousands of units."""

from __future__ import annotations

from django import forms
from django.forms.utils import flatatt
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe

SELECTED = mark_safe(" selected")


class QuickSelect(forms.Select):
    """Django's ``Select`` as HTML, its options written in Python rather than one template each.

    The stock widget renders a template per option: with 2,000 units in three filters that is
    most of a list page's time. No option groups, which a list of units has none of.
    """

    def render(self, name, value, attrs=None, renderer=None):
        final_attrs = self.build_attrs(self.attrs, {**(attrs or {}), "name": name})
        chosen = {str(item) for item in self.format_value(value)}
        options = format_html_join(
            "",
            '<option value="{}"{}>{}</option>',
            (
                (option_value, SELECTED if str(option_value) in chosen else "", label)
                for option_value, label in self.choices
            ),
        )
        return format_html("<select{}>{}</select>", flatatt(final_attrs), options)


def quicken_selects(form: forms.BaseForm) -> None:
    """Give every plain single-choice ``Select`` of the form the quick widget (attributes kept)."""
    for field in form.fields.values():
        widget = field.widget
        if type(widget) is forms.Select and isinstance(field, forms.ChoiceField):
            quick = QuickSelect(attrs=widget.attrs)
            quick.choices = field.choices
            quick.is_required = widget.is_required
            field.widget = quick
