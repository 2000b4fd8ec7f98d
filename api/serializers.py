"""The API's JSON: what each resource shows and what a write accepts. No logic beyond parsing."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.urls import reverse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from projects.choices import Field, Level
from projects.codes import project_code_region
from projects.models import Project
from reporting.choices import SubmissionStatus
from targets.models import AllocationTable, PlanYear, RankingGroup, Target, Unit

MONEY = {"max_digits": 14, "decimal_places": 2}


class StrictSerializer(serializers.Serializer):
    """Refuses fields it does not know, instead of silently dropping them."""

    def to_internal_value(self, data):
        if isinstance(data, dict):
            unknown = sorted(set(data) - {name for name, field in self.fields.items() if not field.read_only})
            if unknown:
                raise serializers.ValidationError({name: ["未知字段，请删除。"] for name in unknown})
        return super().to_internal_value(data)


# --- 单位、排名组、年度计划 ---------------------------------------------------------------------------


class UnitSerializer(serializers.ModelSerializer):
    class Meta:
        model = Unit
        fields = ["id", "name", "short_name", "code", "kind", "parent", "is_active", "sort_order"]


class RankingGroupSerializer(serializers.ModelSerializer):
    units = serializers.PrimaryKeyRelatedField(many=True, read_only=True, help_text="成员单位的 id")

    class Meta:
        model = RankingGroup
        fields = ["id", "name", "description", "units", "sort_order"]


class TargetSerializer(serializers.ModelSerializer):
    unit_name = serializers.CharField(source="unit.name", read_only=True)

    class Meta:
        model = Target
        fields = ["unit", "unit_name", "value", "note"]


class AllocationTableSerializer(serializers.ModelSerializer):
    indicator = serializers.CharField(source="indicator.code", read_only=True)
    targets = TargetSerializer(many=True, read_only=True)

    class Meta:
        model = AllocationTable
        fields = ["id", "name", "indicator", "ranking_group", "targets"]


class PlanYearSerializer(serializers.ModelSerializer):
    class Meta:
        model = PlanYear
        fields = [
            "year",
            "title",
            "fai_target",
            "growth_target_pct",
            "intake_project_target",
            "intake_investment_target",
            "intake_large_project_target",
            "report_deadline_day",
        ]


class PlanYearDetailSerializer(PlanYearSerializer):
    allocation_tables = AllocationTableSerializer(source="tables", many=True, read_only=True)

    class Meta(PlanYearSerializer.Meta):
        fields = [*PlanYearSerializer.Meta.fields, "allocation_tables"]


# --- 项目 ---------------------------------------------------------------------------------------


class ProjectSerializer(serializers.ModelSerializer):
    reporting_unit = serializers.PrimaryKeyRelatedField(read_only=True)
    responsible_unit = serializers.PrimaryKeyRelatedField(read_only=True)
    annual_plan = serializers.DecimalField(
        max_digits=20, decimal_places=2, read_only=True, allow_null=True, help_text="本年度计划投资(万元)"
    )
    code_region = serializers.SerializerMethodField(
        help_text="current：本区划赋码；legacy：旧区划代码；null：不符合全国项目代码格式的历史代码"
    )

    class Meta:
        model = Project
        fields = [
            "code",
            "name",
            "reporting_unit",
            "responsible_unit",
            "level",
            "field",
            "total_investment",
            "annual_plan",
            "stage",
            "planned_start",
            "actual_start",
            "planned_completion",
            "actual_completion",
            "is_registered",
            "registered_on",
            "company",
            "contact_person",
            "contact_phone",
            "leader_in_charge",
            "code_region",
            "updated_at",
        ]
        read_only_fields = fields

    def get_code_region(self, project) -> str | None:
        region = project_code_region(project.code, deployment_region=settings.PROJECT_CODE_REGION)
        return region.value if region else None


def _unit_field(label: str, *, required: bool) -> serializers.PrimaryKeyRelatedField:
    return serializers.PrimaryKeyRelatedField(
        label=label, queryset=Unit.objects.all(), required=required, help_text=f"{label}的 id"
    )


class ProjectWriteSerializer(StrictSerializer):
    """A project as created or changed; only the fields given are changed."""

    name = serializers.CharField(label="项目名称", max_length=200, required=False)
    reporting_unit = _unit_field("属地单位", required=False)
    responsible_unit = _unit_field("责任局办", required=False)
    level = serializers.ChoiceField(label="项目级别", choices=Level.choices, required=False)
    field = serializers.ChoiceField(label="项目领域", choices=Field.choices, required=False)
    total_investment = serializers.DecimalField(
        label="总投资(万元)", **MONEY, min_value=Decimal(0), required=False
    )
    annual_plan = serializers.DecimalField(
        label="年度计划投资(万元)", **MONEY, min_value=Decimal(0), required=False
    )
    company = serializers.CharField(label="建设单位", max_length=200, required=False, allow_blank=True)
    contact_person = serializers.CharField(label="联系人", max_length=30, required=False, allow_blank=True)
    contact_phone = serializers.CharField(label="联系电话", max_length=30, required=False, allow_blank=True)
    leader_in_charge = serializers.CharField(
        label="分包领导", max_length=50, required=False, allow_blank=True
    )


class ProjectCreateSerializer(ProjectWriteSerializer):
    code = serializers.CharField(label="项目代码", max_length=40, help_text="YYYY-RRRRRR-DD-TT-NNNNNN")
    name = serializers.CharField(label="项目名称", max_length=200)
    reporting_unit = _unit_field("属地单位", required=True)
    responsible_unit = _unit_field("责任局办", required=True)
    field = serializers.ChoiceField(label="项目领域", choices=Field.choices)
    total_investment = serializers.DecimalField(label="总投资(万元)", **MONEY, min_value=Decimal(0))


# --- 月报 ---------------------------------------------------------------------------------------


class ReportLineSerializer(serializers.Serializer):
    project_code = serializers.CharField()
    project_name = serializers.CharField()
    amount = serializers.DecimalField(**MONEY, allow_null=True, help_text="本月完成投资(万元)，未填为 null")
    progress = serializers.CharField(help_text="形象进度")
    problems = serializers.CharField(help_text="存在问题")
    ytd = serializers.DecimalField(**MONEY, help_text="本年累计完成(万元)，由各月相加，不单独填报")
    version = serializers.IntegerField(allow_null=True, help_text="该项目本月月报的版本，未填报为 null")


class SubmissionSerializer(serializers.Serializer):
    unit = serializers.IntegerField(source="unit_id")
    year = serializers.IntegerField()
    month = serializers.IntegerField()
    status = serializers.ChoiceField(choices=SubmissionStatus.choices)
    status_display = serializers.CharField(source="get_status_display")
    version = serializers.IntegerField()
    submitted_at = serializers.DateTimeField(allow_null=True)
    is_late = serializers.BooleanField()


class MonthReportsSerializer(serializers.Serializer):
    unit = serializers.IntegerField()
    year = serializers.IntegerField()
    month = serializers.IntegerField()
    submission = SubmissionSerializer(allow_null=True)
    submission_version = serializers.IntegerField(
        allow_null=True, help_text="保存时原样带回；尚无报送记录时为 null"
    )
    lines = ReportLineSerializer(many=True)


class EntrySerializer(StrictSerializer):
    project_code = serializers.CharField(label="项目代码", max_length=40)
    amount = serializers.DecimalField(
        label="本月完成投资(万元)", max_digits=15, decimal_places=2, allow_null=True
    )
    progress = serializers.CharField(
        label="形象进度", required=False, allow_blank=True, default="", max_length=2000
    )
    problems = serializers.CharField(
        label="存在问题", required=False, allow_blank=True, default="", max_length=2000
    )
    version = serializers.IntegerField(
        label="版本",
        allow_null=True,
        required=False,
        default=None,
        min_value=1,
        help_text="读取时该行的 version",
    )
    confirm = serializers.BooleanField(
        label="确认",
        required=False,
        default=False,
        help_text="数额异常（超过月均3倍或年度计划）时确认照此保存",
    )


class MonthReportsWriteSerializer(StrictSerializer):
    submission_version = serializers.IntegerField(
        label="报送版本", allow_null=True, min_value=1, help_text="读取本月月报时的 submission_version"
    )
    entries = EntrySerializer(label="月报", many=True, allow_empty=False, max_length=20000)
    submit = serializers.BooleanField(label="同时报送", required=False, default=False)


class MonthSavedSerializer(serializers.Serializer):
    changed = serializers.IntegerField(help_text="本次修改的项目数；重复提交相同数据时为 0")
    submission = SubmissionSerializer()


class ReasonSerializer(StrictSerializer):
    reason = serializers.CharField(label="原因", max_length=300)


# --- 统计数 -------------------------------------------------------------------------------------


class FigureSerializer(serializers.Serializer):
    unit = serializers.IntegerField()
    unit_name = serializers.CharField()
    ytd_completed = serializers.DecimalField(**MONEY, allow_null=True)
    baseline = serializers.DecimalField(**MONEY, allow_null=True)


class FigureWriteSerializer(StrictSerializer):
    unit = serializers.PrimaryKeyRelatedField(label="单位", queryset=Unit.objects.filter(is_active=True))
    ytd_completed = serializers.DecimalField(label="本年累计完成(万元)", **MONEY, min_value=Decimal(0))
    baseline = serializers.DecimalField(
        label="上年同期累计(万元)", **MONEY, min_value=Decimal(0), allow_null=True
    )


class FiguresWriteSerializer(StrictSerializer):
    figures = FigureWriteSerializer(label="单位统计数", many=True, allow_empty=False, max_length=20000)


class FiguresSavedSerializer(serializers.Serializer):
    created = serializers.IntegerField()
    updated = serializers.IntegerField()


# --- 排名、约谈、考评、通报 ------------------------------------------------------------------------


class RankingRowSerializer(serializers.Serializer):
    unit = serializers.IntegerField(source="unit_id")
    unit_name = serializers.CharField(source="unit.name")
    ytd_completed = serializers.DecimalField(**MONEY, allow_null=True)
    baseline = serializers.DecimalField(**MONEY, allow_null=True)
    target = serializers.DecimalField(**MONEY, allow_null=True)
    value = serializers.DecimalField(
        max_digits=20, decimal_places=2, allow_null=True, help_text="增速、完成率为百分数"
    )
    status = serializers.CharField()
    rank = serializers.IntegerField(allow_null=True)
    is_bottom = serializers.BooleanField()
    escalation_level = serializers.IntegerField()
    note = serializers.CharField()


class RankingRunSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    scheme = serializers.CharField(source="scheme.name")
    group = serializers.CharField(source="scheme.group.name")
    metric = serializers.CharField(source="scheme.metric")
    year = serializers.IntegerField()
    month = serializers.IntegerField()
    published_at = serializers.DateTimeField(allow_null=True)
    rows = RankingRowSerializer(many=True)


class EscalationSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    unit = serializers.IntegerField(source="unit_id")
    unit_name = serializers.CharField(source="unit.name")
    scheme = serializers.CharField(source="scheme.name")
    year = serializers.IntegerField()
    month = serializers.IntegerField()
    level = serializers.IntegerField()
    consecutive_bottom = serializers.IntegerField()
    action = serializers.CharField()
    status = serializers.CharField()
    meeting_date = serializers.DateField(allow_null=True)
    closed_on = serializers.DateField(allow_null=True)


class AssessmentRowSerializer(serializers.Serializer):
    unit = serializers.IntegerField(source="unit_id")
    unit_name = serializers.CharField(source="unit.name")
    score = serializers.DecimalField(max_digits=20, decimal_places=2, allow_null=True)
    rank = serializers.IntegerField(allow_null=True)
    is_bottom = serializers.BooleanField()
    reward = serializers.DecimalField(max_digits=20, decimal_places=2)


class AssessmentSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    kind = serializers.CharField()
    year = serializers.IntegerField()
    number = serializers.IntegerField(allow_null=True)
    group = serializers.CharField(source="group.name")
    published_at = serializers.DateTimeField(allow_null=True)
    rows = AssessmentRowSerializer(many=True)


class BulletinSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    year = serializers.IntegerField()
    month = serializers.IntegerField()
    published_at = serializers.DateTimeField(allow_null=True)
    workbook = serializers.SerializerMethodField(help_text="通报表格下载地址（需同样带令牌）")
    document = serializers.SerializerMethodField(help_text="通报文稿下载地址（需同样带令牌）")

    @extend_schema_field(OpenApiTypes.URI)
    def get_workbook(self, bulletin) -> str | None:
        return self._url(bulletin, "workbook")

    @extend_schema_field(OpenApiTypes.URI)
    def get_document(self, bulletin) -> str | None:
        return self._url(bulletin, "document")

    def _url(self, bulletin, kind: str) -> str | None:
        if not getattr(bulletin, kind):
            return None
        path = reverse(
            "api:bulletin_file", kwargs={"year": bulletin.year, "month": bulletin.month, "kind": kind}
        )
        return self.context["request"].build_absolute_uri(path)
