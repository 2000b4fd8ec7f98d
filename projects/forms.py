"""Forms of the lifecycle pages. They only parse input; the rules live in ``services`` and ``rules``."""

from __future__ import annotations

from django import forms

from accounts.models import User
from common import clock
from common.widgets import DateInput, style_fields
from targets.models import Unit

from .choices import EvidenceKind, ExitReason, MilestoneKind, ProblemStatus, Stage
from .models import PROCEDURES, Problem, Project


def _date(label: str, *, required: bool = False, help_text: str = "") -> forms.DateField:
    return forms.DateField(label=label, required=required, widget=DateInput(), help_text=help_text)


class BootstrapForm(forms.Form):
    """Give every widget Bootstrap's classes, so templates can render fields in a loop."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        style_fields(self)


class StageMoveForm(BootstrapForm):
    changed_on = _date("变更日期", help_text="转入新库的日期（留空为今天），不能早于该项目上一次阶段变更")
    actual_start = _date("实际开工日期")
    actual_completion = _date("实际竣工日期")
    reason = forms.CharField(label="变更说明", max_length=300, required=False)

    def __init__(self, *args, project: Project, to_stage: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["changed_on"].initial = clock.today()
        # Only the date the move needs is asked for; the service says when it is missing.
        if to_stage != Stage.UNDER_CONSTRUCTION:
            del self.fields["actual_start"]
        else:
            self.fields["actual_start"].initial = project.actual_start
        if to_stage != Stage.COMPLETED:
            del self.fields["actual_completion"]
        else:
            self.fields["actual_completion"].initial = project.actual_completion


class ExitRequestForm(BootstrapForm):
    reason = forms.ChoiceField(label="退库原因", choices=ExitReason.choices)
    note = forms.CharField(
        label="情况说明", widget=forms.Textarea(attrs={"rows": 3}), help_text="经领导小组研究同意的情况"
    )
    approve_now = forms.BooleanField(
        label="同时批准（由管理员直接退库，审批人记为本人）", required=False, initial=True
    )

    def __init__(self, *args, may_approve: bool, **kwargs):
        super().__init__(*args, **kwargs)
        if not may_approve:
            del self.fields["approve_now"]


class ExitDecisionForm(BootstrapForm):
    note = forms.CharField(label="审批意见", max_length=300, required=False)


class ProceduresForm(BootstrapForm):
    def __init__(self, *args, project: Project, **kwargs):
        super().__init__(*args, **kwargs)
        for field, label in PROCEDURES:
            self.fields[field] = _date(f"{label}办结日期")
            self.fields[field].initial = getattr(project, field)
        style_fields(self)


class StewardshipForm(BootstrapForm):
    steward = forms.ModelChoiceField(
        label="项目管家",
        queryset=User.objects.filter(is_active=True)
        .select_related("unit")
        .order_by("unit__sort_order", "pk"),
        required=False,
        help_text="原则上由项目责任单位的主要领导担任",
    )
    leader_in_charge = forms.CharField(
        label="分包领导", max_length=50, required=False, help_text="亿元以上项目的县处级分包领导"
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["steward"].label_from_instance = lambda user: (
            f"{user}（{user.unit.display_name}）" if user.unit else str(user)
        )


class MilestonesForm(BootstrapForm):
    def __init__(self, *args, current: dict[str, tuple], **kwargs):
        super().__init__(*args, **kwargs)
        for kind in MilestoneKind:
            planned, actual = current.get(kind, (None, None))
            self.fields[f"{kind}_planned"] = _date(f"{kind.label}计划日期")
            self.fields[f"{kind}_planned"].initial = planned
            self.fields[f"{kind}_actual"] = _date(f"{kind.label}实际日期")
            self.fields[f"{kind}_actual"].initial = actual
        style_fields(self)

    def rows(self):
        """(label, planned field, actual field) per milestone, for a two-column layout."""
        return [(kind.label, self[f"{kind}_planned"], self[f"{kind}_actual"]) for kind in MilestoneKind]

    def dates(self) -> dict[str, tuple]:
        data = self.cleaned_data
        return {kind: (data[f"{kind}_planned"], data[f"{kind}_actual"]) for kind in MilestoneKind}


class RegistrationForm(BootstrapForm):
    registered_on = _date("入库日期", required=True, help_text="项目纳入统计局固定资产投资统计库的日期")


def _owner_units():
    return Unit.objects.filter(is_active=True).order_by("sort_order", "name")


class ProblemForm(forms.ModelForm):
    owner_unit = forms.ModelChoiceField(
        label="责任单位", queryset=_owner_units(), help_text="负责解决问题的单位"
    )

    class Meta:
        model = Problem
        fields = ["category", "description", "owner_unit", "deadline", "status"]
        widgets = {"deadline": DateInput(), "description": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner_unit"].queryset = _owner_units()
        # Closing is 销号, with its own form and a note of how the problem was solved.
        self.fields["status"].choices = [
            choice for choice in ProblemStatus.choices if choice[0] != ProblemStatus.CLOSED
        ]
        if self.instance.pk is None:
            del self.fields["status"]
        style_fields(self)


class ProblemCloseForm(BootstrapForm):
    resolution = forms.CharField(
        label="解决情况", widget=forms.Textarea(attrs={"rows": 3}), help_text="问题如何解决，销号必填"
    )
    closed_on = _date("销号日期", required=True)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["closed_on"].initial = clock.today()


class YearPlanForm(BootstrapForm):
    planned_investment = forms.DecimalField(
        label="年度计划投资(万元)", min_value=0, max_digits=14, decimal_places=2
    )


class RolloverForm(BootstrapForm):
    return_to_reserve = forms.TypedMultipleChoiceField(
        label="退回储备库的未开工项目",
        coerce=int,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="未勾选的项目留在开工库",
    )

    def __init__(self, *args, unstarted: list[Project], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["return_to_reserve"].choices = [(project.pk, project.name) for project in unstarted]


class PhotoForm(BootstrapForm):
    """A site photo from the phone's camera or files; its content is checked by ``projects.photos``."""

    photo = forms.FileField(
        label="现场照片",
        widget=forms.ClearableFileInput(attrs={"accept": "image/jpeg,image/png,image/heic,image/heif"}),
        help_text="JPEG、PNG 或 HEIC 格式；拍摄时间和位置从照片信息中读取",
    )
    caption = forms.CharField(label="说明", max_length=200, required=False)
    evidence_kind = forms.ChoiceField(
        label="入库佐证",
        choices=[("", "不作为佐证"), *EvidenceKind.choices],
        required=False,
        help_text="作为入库纳统佐证材料时选择类别；现场照片须带有拍摄时间和位置",
    )


class PhotoEvidenceForm(BootstrapForm):
    caption = forms.CharField(label="说明", max_length=200, required=False)
    evidence_kind = forms.ChoiceField(
        label="入库佐证", choices=[("", "不作为佐证"), *EvidenceKind.choices], required=False
    )
