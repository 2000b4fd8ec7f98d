"""Reads behind the monthly bulletin (通报): its runs, its escalations and the key projects."""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal

from django.db.models import (
    Case,
    DecimalField,
    Exists,
    F,
    IntegerField,
    OuterRef,
    QuerySet,
    Subquery,
    Sum,
    When,
)
from django.db.models.functions import Coalesce

from common.periods import Period
from projects.choices import LIBRARY_STAGES, Level
from projects.models import Project, ProjectReport, ProjectYearPlan
from projects.selectors.photos import latest_photo

from ..choices import EscalationStatus, RunStatus
from ..models import Bulletin, Escalation, RankingRow, RankingRun, Submission

# 省重点, 市重点, 区重点 in the order a bulletin lists them.
KEY_LEVELS = (Level.PROVINCIAL, Level.MUNICIPAL, Level.DISTRICT)


def bulletin_runs(*, period: Period) -> list[RankingRun]:
    """Every active scheme's run for the period; ``bulletin_rows`` reads each one's rows."""
    return list(
        RankingRun.objects.filter(year=period.year, month=period.month, scheme__is_active=True)
        .select_related("scheme", "scheme__group", "scheme__ladder")
        .order_by("scheme__sort_order", "scheme__name")
    )


BULLETIN_ROW_FIELDS = (
    "unit__name",
    "unit__kind",
    "target",
    "ytd_completed",
    "baseline",
    "value",
    "rank",
    "note",
    "is_bottom",
    "status",
    "returned",
)


def bulletin_rows(run: RankingRun):
    """The run's rows as tuples of ``BULLETIN_ROW_FIELDS``, in the order ``rank`` prints them: plain
    values, since a province's 2,000 rows as model instances weighed more than the whole workbook."""
    sent = Submission.objects.filter(
        unit=OuterRef("unit"), year=run.year, month=run.month, submitted_at__isnull=False
    )
    return (
        RankingRow.objects.filter(run=run)
        # Whether the unit sent its own return for the month: the 通报 says how a unit that did not
        # was ranked (on the statistics bureau's figure, or last for want of any).
        .annotate(returned=Exists(sent))
        .order_by(F("rank").asc(nulls_last=True), "unit__sort_order")
        .values_list(*BULLETIN_ROW_FIELDS)
    )


def bulletin_escalations(*, period: Period) -> QuerySet[Escalation]:
    return (
        Escalation.objects.filter(year=period.year, month=period.month, scheme__is_active=True)
        .exclude(status=EscalationStatus.WITHDRAWN)
        .select_related("unit", "scheme", "scheme__group", "scheme__ladder")
        .order_by("scheme__sort_order", "-level", "unit__sort_order")
    )


def key_projects(*, period: Period) -> QuerySet[Project]:
    """The key projects still in the libraries, each with its figures for the period.

    ``ytd_completed`` sums the reports of months 1..period.month, ``annual_plan`` is the year's plan and
    ``latest_progress`` the newest 形象进度 reported up to the period, ``latest_photo_at`` the date of the
    newest site photo (a published bulletin's file is stored, so it keeps the photo of its day):
    subqueries, so the number of queries does not grow with the number of projects.
    """
    reports = ProjectReport.objects.filter(
        project=OuterRef("pk"), year=period.year, month__lte=period.month
    ).order_by()
    ytd = reports.values("project").annotate(total=Sum("amount")).values("total")
    plan = (
        ProjectYearPlan.objects.filter(project=OuterRef("pk"), year=period.year)
        .order_by()
        .values("planned_investment")
    )
    progress = reports.exclude(progress="").order_by("-month").values("progress")[:1]
    money = DecimalField(max_digits=14, decimal_places=2)
    return (
        Project.objects.filter(level__in=KEY_LEVELS, stage__in=LIBRARY_STAGES)
        .select_related("reporting_unit", "responsible_unit")
        .annotate(
            ytd_completed=Coalesce(Subquery(ytd, output_field=money), Decimal(0), output_field=money),
            annual_plan=Subquery(plan[:1], output_field=money),
            latest_progress=Subquery(progress),
            **latest_photo(),
            level_order=Case(
                *(When(level=level, then=index) for index, level in enumerate(KEY_LEVELS)),
                output_field=IntegerField(),
            ),
        )
        .order_by("level_order", "reporting_unit__sort_order", "name")
    )


def published_bulletins() -> QuerySet[Bulletin]:
    """Every published bulletin, newest period first, with who published it."""
    return Bulletin.objects.filter(status=RunStatus.PUBLISHED).select_related("published_by")


def published_periods() -> list[Period]:
    """The periods whose bulletin is published, newest first: one read, which the 通报 page shares
    between the years its filter offers and the drafts it leaves out."""
    return [Period(year, month) for year, month in published_bulletins().values_list("year", "month")]


def draft_periods(*, published: Iterable[Period] | None = None) -> list[Period]:
    """Periods ranked but whose bulletin is not published yet, newest first. ``published`` spares the
    read of the published periods where the caller has them already (``published_periods``)."""
    done = set(published_periods() if published is None else published)
    ranked = (
        RankingRun.objects.filter(scheme__is_active=True)
        .values_list("year", "month")
        .distinct()
        .order_by("-year", "-month")
    )
    periods = (Period(year, month) for year, month in ranked)
    return [period for period in periods if period not in done]
