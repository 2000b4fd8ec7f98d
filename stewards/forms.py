"""The steward's phone forms. They only parse input; the rules live in the services."""

from __future__ import annotations

from django import forms

from projects.forms import BootstrapForm


class MonthRecordForm(BootstrapForm):
    """本月形象进度: the month it is for and the report version the page showed travel with it, so a
    record queued offline is written for that month, and never over someone else's later save."""

    year = forms.IntegerField(widget=forms.HiddenInput, min_value=2000, max_value=2100)
    month = forms.IntegerField(widget=forms.HiddenInput, min_value=1, max_value=12)
    version = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=1)
    amount = forms.DecimalField(
        label="本月完成投资(万元)",
        required=False,
        min_value=0,
        max_digits=14,
        decimal_places=2,
        widget=forms.NumberInput(attrs={"step": "0.01", "inputmode": "decimal"}),
        help_text="本月无投资请填 0",
    )
    progress = forms.CharField(label="形象进度", required=False, widget=forms.Textarea(attrs={"rows": 3}))
    problems = forms.CharField(label="存在问题", required=False, widget=forms.Textarea(attrs={"rows": 2}))
    confirm_amount = forms.BooleanField(
        label="金额明显偏大，已核实无误", required=False, help_text="系统提示金额异常时勾选后重新发送"
    )
