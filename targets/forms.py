import unicodedata
from decimal import Decimal

from django import forms

from .choices import UnitKind
from .models import MONEY
from .selectors import GridRow
from .services.allocations import REASON_MAX_LENGTH


class AmountField(forms.DecimalField):
    """An amount in 万元 typed the way people type it: 1,450,000, full-width digits, spaces."""

    def __init__(self, **kwargs) -> None:
        kwargs.setdefault(
            "widget",
            forms.TextInput(
                attrs={
                    "inputmode": "decimal",
                    "class": "form-control form-control-sm text-end",
                    "data-amount": "",
                }
            ),
        )
        super().__init__(min_value=Decimal(0), **MONEY, **kwargs)

    def to_python(self, value):
        if isinstance(value, str):
            value = "".join(unicodedata.normalize("NFKC", value).split()).replace(",", "")
        return super().to_python(value)


def plain_amount(value: Decimal) -> str:
    """1450000.00 → "1450000": what the grid's inputs start with."""
    return f"{value.normalize():f}"


class ReasonField(forms.CharField):
    def __init__(self, **kwargs) -> None:
        super().__init__(
            label="变更原因",
            max_length=REASON_MAX_LENGTH,
            required=False,
            widget=forms.TextInput(attrs={"class": "form-control", "placeholder": "如：经管委会研究调整"}),
            **kwargs,
        )


class AllocationGridForm(forms.Form):
    """One amount per unit of the table; the units of its ranking group not in it yet may be left blank."""

    reason = ReasonField(help_text="分解表已有数据时，修改必须填写，记入变更历史。")
    table_version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args, rows: list[GridRow], table_version: int, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["table_version"].initial = table_version
        self.rows = rows
        for row in rows:
            self.fields[self.field_name(row)] = AmountField(
                label=row.unit.name,
                required=row.target is not None,
                initial=plain_amount(row.target.value) if row.target else None,
            )

    @staticmethod
    def field_name(row: GridRow) -> str:
        return f"unit_{row.unit.pk}"

    def grid(self) -> list[tuple[GridRow, forms.BoundField]]:
        return [(row, self[self.field_name(row)]) for row in self.rows]

    def values(self) -> dict[int, Decimal]:
        """unit id → the amount entered; blank optional rows are left out."""
        return {
            row.unit.pk: self.cleaned_data[self.field_name(row)]
            for row in self.rows
            if self.cleaned_data.get(self.field_name(row)) is not None
        }


class TargetImportForm(forms.Form):
    file = forms.FileField(
        label="分解表文件",
        help_text="Excel（.xlsx）文件，版式同空白模板；一个工作表一张表。",
        widget=forms.ClearableFileInput(attrs={"class": "form-control", "accept": ".xlsx"}),
    )
    year = forms.IntegerField(
        label="年度",
        min_value=2000,
        max_value=2100,
        widget=forms.NumberInput(attrs={"class": "form-control"}),
        help_text="该年度计划不存在时自动新建，投资目标取合计行（无合计行时取各行之和）。",
    )
    table_name = forms.CharField(
        label="分解表名称",
        max_length=100,
        required=False,
        widget=forms.TextInput(attrs={"class": "form-control"}),
        help_text="留空时取表格的标题行；文件有多个工作表时，按名称选出其中一张。",
    )
    reason = ReasonField(help_text="导入会修改已有数据时必填，记入变更历史。")
    create_units = forms.BooleanField(
        label="自动新增系统中没有的单位",
        required=False,
        help_text=(
            f"名称以办事处、街道、镇结尾的记为{UnitKind.SUBDISTRICT.label}，"
            f"以园区、开发区、保税区结尾的记为{UnitKind.PARK.label}，其余记为{UnitKind.BUREAU.label}。"
            "不勾选时，系统中没有的单位会作为错误列出。"
        ),
    )


class PlanTotalForm(forms.Form):
    """A plan year's FAI total; its allocation tables must then be balanced against it (rule 12)."""

    fai_target = AmountField(label="新的投资目标（万元）")
    reason = forms.CharField(
        label="修改原因",
        max_length=REASON_MAX_LENGTH,
        widget=forms.TextInput(attrs={"class": "form-control", "placeholder": "如：经管委会研究调整"}),
        help_text="必填，记入年度计划的变更历史和审计日志。",
        error_messages={"required": "请填写修改原因。"},
    )
