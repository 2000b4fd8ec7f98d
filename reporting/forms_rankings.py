from django import forms

from common.periods import Period
from common.widgets import DateInput


class PeriodField(forms.CharField):
    def to_python(self, value):
        value = super().to_python(value)
        if not value:
            return None
        try:
            return Period.parse(value)
        except ValueError as error:
            raise forms.ValidationError(str(error)) from error


class PeriodForm(forms.Form):
    period = PeriodField(label="统计期", help_text="如 2022-05 表示 2022年1-5月")


class MeetingForm(forms.Form):
    meeting_date = forms.DateField(label="约谈日期", widget=DateInput())
    interviewer = forms.CharField(label="约谈领导", max_length=100)
    minutes = forms.CharField(label="约谈纪要", widget=forms.Textarea(attrs={"rows": 4}))


class MeasuresForm(forms.Form):
    measures = forms.CharField(label="整改措施", widget=forms.Textarea(attrs={"rows": 5}))


class CloseForm(forms.Form):
    closed_on = forms.DateField(label="销号日期", widget=DateInput())
