"""Reads behind the assessment page, the ``assess`` command and the year-end 通报."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from itertools import groupby
from typing import NamedTuple

from django.db.models import Case, F, IntegerField, Prefetch, QuerySet, Value, When

from accounts.models import User

from ..choices import AssessmentKind, AwardKind, RunStatus
from ..models import Assessment, AssessmentRow, Award
from .rankings import can_see_drafts


def chronology(prefix: str = "") -> Case:
    """Q1, Q2, the half-year, Q3, Q4, the year: the order in which a year's assessments come about
    (``prefix`` names the assessment from a related model, e.g. ``assessment__``)."""
    return Case(
        When(**{f"{prefix}kind": AssessmentKind.QUARTER}, then=F(f"{prefix}number") * 10),
        When(**{f"{prefix}kind": AssessmentKind.HALF_YEAR}, then=Value(25)),
        default=Value(100),
        output_field=IntegerField(),
    )


CHRONOLOGY = chronology()


@dataclass(frozen=True)
class AssessmentLine:
    """One unit's row of an assessment, with the awards it won when the assessment is the year's."""

    assessment: Assessment
    row: AssessmentRow
    awards: tuple[Award, ...]


@dataclass(frozen=True)
class AwardTable:
    """One award's winners: 综合奖 of a group, or 单项奖 of an indicator."""

    title: str
    awards: tuple[Award, ...]


class AwardPlace(NamedTuple):
    """One winner's line of the year's awards; the award is named on its first winner's line only."""

    award: str
    place: int
    unit: str
    prize: Decimal


def award_places(tables: Iterable[AwardTable]) -> list[AwardPlace]:
    """The award tables as one list, a line per winner in the order ``award_tables`` gives."""
    return [
        AwardPlace(table.title if index == 0 else "", award.place, award.unit.name, award.prize)
        for table in tables
        for index, award in enumerate(table.awards)
    ]


def _with_rows(assessments: QuerySet[Assessment]) -> QuerySet[Assessment]:
    rows = AssessmentRow.objects.select_related("unit").order_by(
        F("rank").asc(nulls_last=True), "unit__sort_order"
    )
    return assessments.select_related("group").prefetch_related(Prefetch("rows", queryset=rows))


def year_awards(*, year: int) -> list[Award]:
    return list(Award.objects.filter(year=year).select_related("group", "indicator", "unit"))


def assessment_lines(*, assessments: Iterable[int]) -> list[AssessmentLine]:
    """The rows of the given assessments in the order they came about, each annual row with its
    unit's 综合奖 (in that group) and 单项奖."""
    fetched = list(
        _with_rows(Assessment.objects.filter(pk__in=list(assessments))).order_by(
            "year", CHRONOLOGY, "group__sort_order", "group__name"
        )
    )
    won: dict[tuple[int, int | None, int], list[Award]] = defaultdict(list)
    for year in {assessment.year for assessment in fetched if assessment.kind == AssessmentKind.ANNUAL}:
        for award in year_awards(year=year):
            won[(year, award.group_id, award.unit_id)].append(award)
    lines = []
    for assessment in fetched:
        for row in assessment.rows.all():
            awards = ()
            if assessment.kind == AssessmentKind.ANNUAL:
                awards = tuple(
                    won[(assessment.year, assessment.group_id, row.unit_id)]
                    + won[(assessment.year, None, row.unit_id)]
                )
            lines.append(AssessmentLine(assessment, row, awards))
    return lines


@dataclass(frozen=True)
class YearAssessments:
    assessments: list[Assessment]
    award_tables: list[AwardTable]
    awards_published: bool


def visible_year_assessments(*, year: int, actor: User) -> YearAssessments:
    """The year's assessments (without their rows), latest first, and its awards, as ``actor`` may
    see them.

    Unit roles see published assessments only, as they see published rankings only: the 综合奖 of a
    group once its 年总评 is published, the 单项奖 once every group's is. Two queries whatever the
    year holds; the rows are ``visible_assessment_rows``.
    """
    assessments = list(
        Assessment.objects.filter(year=year)
        .select_related("group")
        .order_by(CHRONOLOGY.desc(), "group__sort_order", "group__name")
    )
    awards = year_awards(year=year)
    annual = [assessment for assessment in assessments if assessment.kind == AssessmentKind.ANNUAL]
    published_groups = {assessment.group_id for assessment in annual if assessment.is_published}
    every_group_published = bool(annual) and len(published_groups) == len(annual)
    if not can_see_drafts(actor):
        awards = [
            award
            for award in awards
            if award.group_id in published_groups
            or (award.kind == AwardKind.SINGLE_ITEM and every_group_published)
        ]
        assessments = [assessment for assessment in assessments if assessment.is_published]
    return YearAssessments(
        assessments=assessments, award_tables=award_tables(awards), awards_published=every_group_published
    )


def visible_assessment_rows(*, year: int, actor: User) -> QuerySet[AssessmentRow]:
    """Every row of the year's assessments ``actor`` may see (drafts only for the lead office's
    readers), as the assessments come about, latest first, each by rank."""
    rows = AssessmentRow.objects.filter(assessment__year=year)
    if not can_see_drafts(actor):
        rows = rows.filter(assessment__status=RunStatus.PUBLISHED)
    return rows.select_related("assessment", "assessment__group", "unit").order_by(
        chronology("assessment__").desc(),
        "assessment__group__sort_order",
        "assessment__group__name",
        "assessment_id",
        F("rank").asc(nulls_last=True),
        "unit__sort_order",
    )


def _award_scope(award: Award) -> tuple:
    return (
        award.kind != AwardKind.COMPREHENSIVE,
        award.group.sort_order if award.group else 0,
        award.indicator.sort_order if award.indicator else 0,
        award.group_id or 0,
        award.indicator_id or 0,
    )


def award_tables(awards: Iterable[Award]) -> list[AwardTable]:
    """Awards as the page and the 通报 list them: 综合奖 per group, then 单项奖 per indicator."""
    ordered = sorted(awards, key=lambda award: (_award_scope(award), award.place, award.unit.sort_order))
    tables = []
    for _, grouped in groupby(ordered, key=_award_scope):
        grouped = tuple(grouped)
        first = grouped[0]
        scope = first.group.name if first.group_id else first.indicator.name
        tables.append(AwardTable(title=f"{first.get_kind_display()}（{scope}）", awards=grouped))
    return tables
