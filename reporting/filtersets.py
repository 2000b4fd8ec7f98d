"""The FilterSets of the reporting lists; each serves its page and that page's export."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import django_filters
from django.db.models import Exists, OuterRef

from common.lists import StyledFilterSet
from common.periods import Period
from projects.models import Project
from targets.choices import UnitKind
from targets.models import Unit

from .choices import EscalationStatus, HistorySubject, SubmissionStatus
from .models import (
    Assessment,
    AssessmentRow,
    Bulletin,
    Escalation,
    Export,
    ExportKind,
    ExportStatus,
    Forecast,
)
from .selectors.rankings import can_see_drafts


class EscalationFilterSet(StyledFilterSet):
    status = django_filters.ChoiceFilter(
        label="状态", choices=EscalationStatus.choices, empty_label="全部状态"
    )

    class Meta:
        model = Escalation
        fields: list[str] = []

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # A unit's users never see proposals (drafts) or withdrawn ones: they are not offered as a filter.
        if not can_see_drafts(self.request.user):
            hidden = (EscalationStatus.PROPOSED, EscalationStatus.WITHDRAWN)
            status = self.form.fields["status"]
            status.choices = [(value, label) for value, label in status.choices if value not in hidden]


NOT_STARTED = "none"


class SubmissionBoardFilterSet(StyledFilterSet):
    """报送情况: the units of ``submission_board`` by the state of their return for the month."""

    status = django_filters.ChoiceFilter(
        label="报送状态",
        choices=[(NOT_STARTED, "未报送"), *SubmissionStatus.choices],
        empty_label="全部状态",
        method="filter_status",
    )

    class Meta:
        model = Unit
        fields: list[str] = []

    def filter_status(self, queryset, name, value):
        if value == NOT_STARTED:
            return queryset.filter(submission_status__isnull=True)
        return queryset.filter(submission_status=value)


FORECAST_GIVEN = "given"
FORECAST_MISSING = "missing"


class ForecastFilterSet(StyledFilterSet):
    """预报与实际: the readable units by kind, and by whether they forecast the page's month
    (``year`` and ``month``, the month the page shows)."""

    kind = django_filters.ChoiceFilter(label="单位类型", choices=UnitKind.choices, empty_label="全部类型")
    forecast = django_filters.ChoiceFilter(
        label="预报情况",
        choices=[(FORECAST_GIVEN, "已预报"), (FORECAST_MISSING, "未预报")],
        empty_label="全部",
        method="filter_forecast",
    )

    class Meta:
        model = Unit
        fields: list[str] = []

    def __init__(self, *args, year: int, month: int, **kwargs):
        self.year, self.month = year, month
        super().__init__(*args, **kwargs)

    def filter_forecast(self, queryset, name, value):
        given = Exists(Forecast.objects.filter(unit=OuterRef("pk"), year=self.year, month=self.month))
        return queryset.filter(given if value == FORECAST_GIVEN else ~given)


class AssessmentRowFilterSet(StyledFilterSet):
    """考评: the rows of the year's assessments; one assessment at a time if asked. The assessments
    offered are those the user may see (``assessments``), never a draft for a unit's users."""

    assessment = django_filters.ChoiceFilter(label="考评", empty_label="全部考评", method="filter_assessment")

    class Meta:
        model = AssessmentRow
        fields: list[str] = []

    def __init__(self, *args, assessments: Sequence[Assessment] = (), **kwargs):
        super().__init__(*args, **kwargs)
        self.form.fields["assessment"].choices = [
            ("", "全部考评"),
            *((str(assessment.pk), f"{assessment.title}：{assessment.group}") for assessment in assessments),
        ]

    def filter_assessment(self, queryset, name, value):
        return queryset.filter(assessment_id=value)


class ExportFilterSet(StyledFilterSet):
    """我的导出: the user's background exports by what they hold and how far they are."""

    kind = django_filters.ChoiceFilter(label="导出内容", choices=ExportKind.choices, empty_label="全部内容")
    status = django_filters.ChoiceFilter(label="状态", choices=ExportStatus.choices, empty_label="全部状态")

    class Meta:
        model = Export
        fields: list[str] = []


class BulletinFilterSet(StyledFilterSet):
    """月度通报: the published bulletins of one year. The years offered are those with a published
    bulletin (``periods``, read once a page)."""

    year = django_filters.ChoiceFilter(label="年度", empty_label="全部年度")

    class Meta:
        model = Bulletin
        fields: list[str] = []

    def __init__(self, *args, periods: Iterable[Period] = (), **kwargs):
        super().__init__(*args, **kwargs)
        years = sorted({period.year for period in periods}, reverse=True)
        self.form.fields["year"].choices = [(str(year), f"{year}年") for year in years]


class ProjectHistoryFilterSet(StyledFilterSet):
    """修改记录: a project's changes by 内容 (项目信息, 月报 or 年度计划投资). The changes are merged from
    three histories, not filtered from one queryset: the form names the history to read
    (``chosen_subject``) and ``project_history`` reads only that one, so the latest N are its own."""

    subject = django_filters.ChoiceFilter(
        label="内容", choices=HistorySubject.choices, empty_label="全部内容"
    )

    class Meta:
        model = Project
        fields: list[str] = []

    def chosen_subject(self) -> str | None:
        """The history asked for; None for all three (none asked, or one not offered)."""
        self.form.is_valid()
        return self.form.cleaned_data.get("subject") or None
