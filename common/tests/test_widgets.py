"""QuickSelect writes the same choices as Django's Select, in Python."""

import pytest
from django import forms

from common.widgets import QuickSelect, quicken_selects
from targets.models import Unit
from tests.factories import UnitFactory


class UnitForm(forms.Form):
    unit = forms.ModelChoiceField(queryset=Unit.objects.order_by("sort_order", "name"), empty_label="全部")
    kind = forms.ChoiceField(choices=[("a", "甲"), ("b", "乙<b>")], widget=forms.Select(attrs={"class": "x"}))


@pytest.mark.django_db
def test_a_quick_select_offers_the_same_options_and_keeps_the_choice():
    first, second = UnitFactory(name="明湖办事处", sort_order=1), UnitFactory(name="潮河办事处", sort_order=2)
    form = UnitForm(data={"unit": second.pk, "kind": "b"})
    stock = str(form["unit"])
    quicken_selects(form)
    quick = str(form["unit"])

    assert isinstance(form.fields["unit"].widget, QuickSelect)
    assert f'<option value="{second.pk}" selected>潮河办事处</option>' in quick
    assert f'<option value="{first.pk}">明湖办事处</option>' in quick
    assert '<option value="">全部</option>' in quick
    assert 'name="unit"' in quick and 'id="id_unit"' in quick and "required" in quick
    for option in ("明湖办事处", "潮河办事处", "全部"):
        assert option in stock


def test_a_quick_select_escapes_labels_and_keeps_attributes():
    form = UnitForm(data={"kind": "a"})
    form.fields.pop("unit")
    quicken_selects(form)
    html = str(form["kind"])
    assert "乙&lt;b&gt;" in html
    assert 'class="x"' in html
    assert '<option value="a" selected>甲</option>' in html


def test_a_date_input_carries_its_initial_value_in_iso_whatever_the_language():
    from datetime import date

    from django.utils import translation

    from reporting.forms_rankings import CloseForm

    with translation.override("zh-hans"):
        html = str(CloseForm(prefix="close", initial={"closed_on": date(2026, 12, 2)})["closed_on"])
    assert 'type="date"' in html and 'value="2026-12-02"' in html
