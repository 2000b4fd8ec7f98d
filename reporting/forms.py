"""Forms of the monthly reporting pages: they parse and check input; the services decide the rest."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from html import escape

from django import forms
from django.utils.safestring import mark_safe

from common.periods import FIRST_PERIOD_MONTH, parse_year_month
from common.spreadsheets import MIB

from .models import Forecast
from .services.monthly import EntryInput

MAX_UPLOAD_BYTES = 10 * MIB
AMOUNT_ERRORS = {
    "invalid": "请输入数字（单位：万元）",
    "min_value": "不能为负数",
    "max_decimal_places": "最多保留两位小数",
    "max_digits": "数额过大，请核实（单位：万元）",
    "max_whole_digits": "数额过大，请核实（单位：万元）",
}


def parse_month(text: str | None, *, first: int = 1) -> tuple[int, int] | None:
    """``2022-10`` → (2022, 10); anything else (or a month before ``first``) → None."""
    parsed = parse_year_month(text)
    if parsed is None:
        return None
    year, month = parsed
    return (year, month) if first <= month <= 12 else None


def amount_field(
    label: str,
    *,
    required: bool = False,
    initial: Decimal | None = None,
    min_value: Decimal | None = Decimal(0),
    widget: forms.Widget | None = None,
) -> forms.DecimalField:
    return forms.DecimalField(
        label=label,
        required=required,
        initial=initial,
        max_digits=14,
        decimal_places=2,
        min_value=min_value,
        error_messages=AMOUNT_ERRORS,
        widget=widget
        or forms.NumberInput(attrs={"step": "0.01", "min": "0", "class": "form-control form-control-sm"}),
    )


def _tag_attrs(attrs: dict) -> str:
    # Django's attrs.html: a True attribute is written bare, a False or None one left out.
    return "".join(
        f" {name}" if value is True else f' {name}="{escape(str(value))}"'
        for name, value in attrs.items()
        if value is not False and value is not None
    )


class _GridInput(forms.widgets.Input):
    """An <input> written in Python rather than rendered from Django's widget template: the same
    markup, and a province unit's grid carries some two hundred of them (the template was most of
    the page's time)."""

    def render(self, name, value, attrs=None, renderer=None):
        widget = self.get_context(name, value, attrs)["widget"]
        shown = "" if widget["value"] is None else f' value="{escape(str(widget["value"]))}"'
        return mark_safe(
            f'<input type="{self.input_type}" name="{escape(name)}"{shown}{_tag_attrs(widget["attrs"])}>'
        )


class GridNumberInput(_GridInput, forms.NumberInput):
    pass


class GridHiddenInput(_GridInput, forms.HiddenInput):
    pass


class GridTextarea(forms.Textarea):
    """A <textarea> written in Python, as ``_GridInput``."""

    def render(self, name, value, attrs=None, renderer=None):
        widget = self.get_context(name, value, attrs)["widget"]
        text = escape(str(widget["value"])) if widget["value"] else ""
        return mark_safe(f'<textarea name="{escape(name)}"{_tag_attrs(widget["attrs"])}>\n{text}</textarea>')


_GRID_TEXT = {"class": "form-control form-control-sm", "rows": 1}
# Each project's fields, shared by every grid's form: a province unit's grid has some four hundred
# of them, and nothing in a field changes once built.
_GRID_FIELDS = {
    # The sign is the service's rule, so a negative amount is reported with the other rules.
    "amount": amount_field(
        "本月完成投资(万元)",
        min_value=None,
        widget=GridNumberInput(attrs={"step": "0.01", "min": "0", "class": "form-control form-control-sm"}),
    ),
    "progress": forms.CharField(label="形象进度", required=False, widget=GridTextarea(attrs=_GRID_TEXT)),
    "problems": forms.CharField(label="存在问题", required=False, widget=GridTextarea(attrs=_GRID_TEXT)),
    "version": forms.IntegerField(required=False, widget=GridHiddenInput),
    # A checkbox shown only next to a warning (see the template); it carries the amount
    # confirmed, so changing the amount afterwards asks again.
    "confirm": forms.DecimalField(required=False),
}


class MonthEntriesForm(forms.Form):
    """The whole unit's month: per project 本月完成投资, 形象进度, 存在问题 and the version shown.

    ``rows`` are the month's lines as the server knows them (``MonthLine`` or ``GridRow``: their
    project id and this month's figures), so a posted project that is not the unit's is never read.
    """

    submission_version = forms.IntegerField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, rows: Sequence, submission_version: int | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["submission_version"].initial = submission_version
        self.project_ids = [row.project_id for row in rows]
        for row in rows:
            self._add_project(
                row.project_id,
                amount=row.amount,
                progress=row.progress,
                problems=row.problems,
                version=row.version,
                confirm=None,
            )

    def _add_project(self, project_id: int, **initial) -> None:
        # The fields are shared, not copied: nothing in them changes per form, and what a line
        # shows lives in the form's own ``initial``.
        for kind, field in _GRID_FIELDS.items():
            self.fields[f"{kind}_{project_id}"] = field
            self.initial[f"{kind}_{project_id}"] = initial.get(kind)

    def entries(self) -> list[EntryInput]:
        data = self.cleaned_data
        return [
            EntryInput(
                project_id=pid,
                amount=data[f"amount_{pid}"],
                progress=data[f"progress_{pid}"].strip(),
                problems=data[f"problems_{pid}"].strip(),
                version=data[f"version_{pid}"],
            )
            for pid in self.project_ids
        ]

    def confirmed(self) -> dict[int, Decimal]:
        data = self.cleaned_data
        return {
            pid: data[f"confirm_{pid}"] for pid in self.project_ids if data.get(f"confirm_{pid}") is not None
        }

    def row_errors(self) -> dict[int, list[str]]:
        """The fields' own errors (a figure that is not a number …), by project id."""
        errors: dict[int, list[str]] = {}
        for pid in self.project_ids:
            for kind in _GRID_FIELDS:
                errors.setdefault(pid, []).extend(self.errors.get(f"{kind}_{pid}", []))
        return {pid: problems for pid, problems in errors.items() if problems}


class MonthRowsForm(MonthEntriesForm):
    """The changed lines only, as the grid's script sends them (JSON): the same fields and checks
    as the whole grid's form, for the projects named in the request.

    ``{"submission_version": 3, "rows": [{"project": 12, "amount": "1.50", "progress": "…",
    "problems": "…", "version": 2, "confirm": null}]}``; a project the unit does not report is
    refused by the service, like any other line.
    """

    def __init__(self, payload: object):
        rows = payload.get("rows") if isinstance(payload, dict) else None
        if not isinstance(rows, list) or not all(isinstance(row, dict) for row in rows):
            raise ValueError("rows 须为对象列表")
        data = {"submission_version": _posted(payload.get("submission_version"))}
        project_ids = []
        for row in rows:
            pid = row.get("project")
            if not isinstance(pid, int) or isinstance(pid, bool) or pid in project_ids:
                raise ValueError("每行须有不重复的整数 project")
            project_ids.append(pid)
            for kind in _GRID_FIELDS:
                data[f"{kind}_{pid}"] = _posted(row.get(kind))
        super().__init__(data, rows=[])
        self.project_ids = project_ids
        for pid in project_ids:
            self._add_project(pid)


def _posted(value: object) -> str:
    """A JSON value as a browser would post it in a form field."""
    return "" if value is None else str(value)


class ReasonForm(forms.Form):
    reason = forms.CharField(
        label="原因",
        max_length=300,
        error_messages={"required": "请填写原因", "max_length": "原因最多300字"},
        widget=forms.Textarea(attrs={"rows": 3, "class": "form-control"}),
    )


class ForecastForm(forms.ModelForm):
    expected_investment = amount_field("预计本月完成投资(万元)", required=True)
    expected_intake_amount = amount_field("预计新增入库总投资(万元)", required=True, initial=Decimal(0))

    class Meta:
        model = Forecast
        fields = ["expected_investment", "expected_intake_count", "expected_intake_amount", "note"]
        widgets = {
            "expected_intake_count": forms.NumberInput(attrs={"class": "form-control", "min": "0"}),
            "note": forms.TextInput(attrs={"class": "form-control"}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["expected_intake_count"].error_messages["min_value"] = "不能为负数"


class FiguresForm(forms.Form):
    """Every unit's 本年累计完成 and 上年同期累计 for one period."""

    def __init__(self, *args, rows, **kwargs):
        super().__init__(*args, **kwargs)
        self.rows = rows
        for row in rows:
            ytd = self.fields[f"ytd_{row.unit.pk}"] = amount_field("本年累计完成(万元)")
            baseline = self.fields[f"baseline_{row.unit.pk}"] = amount_field("上年同期累计(万元)")
            if row.official is not None:
                ytd.initial, baseline.initial = row.official.ytd_completed, row.official.baseline
            if row.locked:
                ytd.disabled = baseline.disabled = True

    def clean(self):
        data = super().clean()
        for row in self.rows:
            ytd = f"ytd_{row.unit.pk}"
            if ytd in self.errors or row.locked or data.get(ytd) is not None:
                continue
            if row.official is not None:
                self.add_error(ytd, "已录入的本年累计不能清空，如有误请改为正确数值")
            elif data.get(f"baseline_{row.unit.pk}") is not None:
                self.add_error(ytd, "填写上年同期时须同时填写本年累计")
        return data

    def lines(self) -> list[tuple]:
        return [(row, self[f"ytd_{row.unit.pk}"], self[f"baseline_{row.unit.pk}"]) for row in self.rows]

    def figures(self) -> list[tuple]:
        """(unit, ytd, baseline) of the open units whose 本年累计 is filled in."""
        data = self.cleaned_data
        return [
            (row.unit, data[f"ytd_{row.unit.pk}"], data[f"baseline_{row.unit.pk}"])
            for row in self.rows
            if not row.locked and data.get(f"ytd_{row.unit.pk}") is not None
        ]


class UploadForm(forms.Form):
    file = forms.FileField(
        label="Excel 文件（.xlsx）",
        error_messages={"required": "请选择要导入的文件", "empty": "文件是空的"},
        widget=forms.ClearableFileInput(attrs={"class": "form-control", "accept": ".xlsx"}),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_UPLOAD_BYTES:
            raise forms.ValidationError(f"文件过大（上限 {MAX_UPLOAD_BYTES // MIB} MB）")
        return upload


class MonthField(forms.CharField):
    """A ``YYYY-MM`` month; ``first`` = 2 for statistical periods (1月随2月发布)."""

    def __init__(self, *, first: int = 1, **kwargs):
        self.first = first
        kwargs.setdefault(
            "widget", forms.TextInput(attrs={"class": "form-control", "placeholder": "2022-10"})
        )
        super().__init__(**kwargs)

    def clean(self, value):
        text = super().clean(value)
        parsed = parse_month(text, first=self.first)
        if parsed is None:
            hint = "（统计期从2月开始：1月数据随2月发布）" if self.first == FIRST_PERIOD_MONTH else ""
            raise forms.ValidationError(f"月份格式应为 YYYY-MM，例如 2022-10{hint}")
        return parsed


class ReportsUploadForm(UploadForm):
    month = MonthField(label="填报月份")
    confirm_unusual = forms.BooleanField(
        label="我已核实异常数据（超过月均3倍或超过年度计划的金额），确认导入", required=False
    )


class FiguresUploadForm(UploadForm):
    period = MonthField(label="统计期（截至月份）", first=FIRST_PERIOD_MONTH)


class ProjectsUploadForm(UploadForm):
    year = forms.IntegerField(
        label="年度计划投资所属年度",
        min_value=2000,
        max_value=2100,
        widget=forms.NumberInput(attrs={"class": "form-control"}),
    )
