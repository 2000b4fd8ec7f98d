"""季考评, 半年考核, 年总评 and the year's awards (DESIGN.md rules 4 and 5).

Each assessment reads the published monthly rankings of its group's scheme, adds the
admin-entered points (AssessmentAdjustment) and is stored as a draft until published; a published
assessment is never recomputed. Publishing a quarter-end period computes that quarter's drafts
(``assessments_after_publish``), the half-year's at 1-6月 and the year's with its awards at 1-12月.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from common.periods import Period
from targets.models import Indicator, RankingGroup

from .. import assessment_rules, presets, rules
from ..choices import AssessmentKind, AwardKind, RunStatus
from ..freeze import publish_once
from ..models import (
    Assessment,
    AssessmentAdjustment,
    AssessmentRow,
    Award,
    RankingRow,
    RankingRun,
    RankingScheme,
    RewardTier,
)
from ..selectors.indicators import indicator_completion_rates
from ..selectors.unit_figures import figure_source_for

QUARTERLY_REWARD_TIERS = "季度考评奖励"
SINGLE_ITEM_INDICATORS = ["fai", "intake_count", "intake_amount", "new_starts", "completions"]
QUARTER_END_MONTHS = (3, 6, 9, 12)

logger = logging.getLogger(__name__)


class AssessmentError(ValueError):
    pass


class GroupNotRanked(AssessmentError):
    """The period is published but the group has no ranking in it (rule 11: it had no figures)."""


def group_scheme(group: RankingGroup) -> RankingScheme:
    """The scheme whose monthly ranks a group's assessments build on: its first active one."""
    scheme = group.schemes.filter(is_active=True).order_by("sort_order", "name").first()
    if scheme is None:
        raise AssessmentError(f"排名组「{group}」没有启用的排名方案。")
    return scheme


def published_ranks(*, scheme: RankingScheme, year: int, months: range) -> dict[int, dict[int, int | None]]:
    """month → unit id → rank, from the scheme's published runs only."""
    ranks: dict[int, dict[int, int | None]] = defaultdict(dict)
    rows = RankingRow.objects.filter(
        run__scheme=scheme, run__year=year, run__month__in=list(months), run__status=RunStatus.PUBLISHED
    ).values_list("run__month", "unit_id", "rank")
    for month, unit_id, rank in rows:
        ranks[month][unit_id] = rank
    return ranks


def _adjustments(kind: AssessmentKind, year: int, number: int) -> dict[int, AssessmentAdjustment]:
    return {
        adjustment.unit_id: adjustment
        for adjustment in AssessmentAdjustment.objects.filter(kind=kind, year=year, number=number)
    }


def _mean_rank_points(ranks: list[int | None]) -> Decimal | None:
    points = [assessment_rules.rank_points(rank, scale=presets.DEFAULT_RANK_SCALE) for rank in ranks]
    points = [p for p in points if p is not None]
    return sum(points, Decimal(0)) / len(points) if points else None


def half_year_results(*, scheme: RankingScheme, year: int, june_ranks: dict[int, int | None] | None = None):
    """半年考核 (seed 003): the mean rank points of 1-2月 … 1-6月, plus the half-year adjustments.

    ``june_ranks`` lets June's own draft ranking take part before it is published.
    """
    ranks = published_ranks(scheme=scheme, year=year, months=range(2, 7))
    if june_ranks is not None:
        ranks[6] = june_ranks
    adjustments = _adjustments(AssessmentKind.HALF_YEAR, year, 1)
    unit_ids = {unit_id for month_ranks in ranks.values() for unit_id in month_ranks}
    scores = {}
    for unit_id in unit_ids:
        mean = _mean_rank_points([ranks[month].get(unit_id) for month in sorted(ranks)])
        adjustment = adjustments.get(unit_id)
        extra = adjustment.observation_score + adjustment.review_score if adjustment else Decimal(0)
        scores[unit_id] = None if mean is None else mean + extra
    return rules.rank_units(rules.score_entries(scores))


def _reward_tiers() -> tuple[assessment_rules.RewardTier, ...]:
    return tuple(
        assessment_rules.RewardTier(
            first_rank=tier.first_place, last_rank=tier.last_place, amount_wan=tier.amount
        )
        for tier in RewardTier.objects.filter(name=QUARTERLY_REWARD_TIERS)
    )


@transaction.atomic
def assessment_compute(*, kind: AssessmentKind, year: int, number: int, group: RankingGroup) -> Assessment:
    """Compute (or recompute) one assessment of one group; a published one is returned unchanged."""
    assessment = (
        Assessment.objects.select_for_update()
        .filter(kind=kind, year=year, number=number, group=group)
        .first()
    )
    if assessment is not None and assessment.status == RunStatus.PUBLISHED:
        return assessment
    scheme = group_scheme(group)
    rows = {
        AssessmentKind.QUARTER: _quarter_rows,
        AssessmentKind.HALF_YEAR: _half_year_rows,
        AssessmentKind.ANNUAL: _annual_rows,
    }[kind](scheme=scheme, year=year, number=number)
    if assessment is None:
        assessment = Assessment.objects.create(
            kind=kind, year=year, number=number, group=group, computed_at=timezone.now()
        )
    else:
        assessment.computed_at = timezone.now()
        assessment.save(update_fields=["computed_at"])
        assessment.rows.all().delete()
    for row in rows:
        row.assessment = assessment
    AssessmentRow.objects.bulk_create(rows)
    return assessment


def _require_published(*, scheme: RankingScheme, year: int, month: int, what: str) -> None:
    """Refuse unless the scheme's ranking of 1-``month``月 is published, saying which case it is."""
    runs = RankingRun.objects.filter(year=year, month=month, status=RunStatus.PUBLISHED)
    if runs.filter(scheme=scheme).exists():
        return
    label = Period(year, month).label
    if runs.exists() and not RankingRun.objects.filter(scheme=scheme, year=year, month=month).exists():
        raise GroupNotRanked(f"{label}「{scheme.group}」无数据、未排名，不进行{what}。")
    raise AssessmentError(f"{label}「{scheme.group}」排名尚未发布，无法进行{what}。")


def _quarter_rows(*, scheme: RankingScheme, year: int, number: int) -> list[AssessmentRow]:
    """季考评: the quarter-end month's rank points plus 观摩 and other points; seed 002's tiers paid
    as rule 4 allows (nothing for a unit 未报送, unranked or bottom at quarter end)."""
    month = 3 * number
    _require_published(scheme=scheme, year=year, month=month, what=f"{year}年第{number}季度考评")
    quarter_end = RankingRow.objects.filter(
        run__scheme=scheme, run__year=year, run__month=month, run__status=RunStatus.PUBLISHED
    ).values_list("unit_id", "rank", "status", "is_bottom")
    adjustments = _adjustments(AssessmentKind.QUARTER, year, number)
    inputs = [
        assessment_rules.QuarterlyInput(
            key=unit_id,
            quarter_end_rank=rank,
            observation=adjustments[unit_id].observation_score if unit_id in adjustments else Decimal(0),
            review=adjustments[unit_id].review_score if unit_id in adjustments else Decimal(0),
            quarter_end_status=status,
            quarter_end_bottom=is_bottom,
        )
        for unit_id, rank, status, is_bottom in quarter_end
    ]
    results = assessment_rules.quarterly_assessment(
        inputs, scale=presets.DEFAULT_RANK_SCALE, tiers=_reward_tiers()
    )
    return [
        AssessmentRow(
            unit_id=result.key,
            rank_points=result.rank_points,
            observation_score=result.observation,
            review_score=result.review,
            score=result.score,
            rank=result.rank,
            is_bottom=result.bottom,
            reward=result.reward_wan,
            reward_note=result.reward_note,
        )
        for result in results
    ]


def _half_year_rows(*, scheme: RankingScheme, year: int, number: int) -> list[AssessmentRow]:
    _require_published(scheme=scheme, year=year, month=6, what=f"{year}年半年考核")
    adjustments = _adjustments(AssessmentKind.HALF_YEAR, year, 1)
    rows = []
    for entry in half_year_results(scheme=scheme, year=year):
        adjustment = adjustments.get(entry.key)
        rows.append(
            AssessmentRow(
                unit_id=entry.key,
                observation_score=adjustment.observation_score if adjustment else Decimal(0),
                review_score=adjustment.review_score if adjustment else Decimal(0),
                score=entry.value,
                rank=entry.rank,
                is_bottom=entry.bottom,
            )
        )
    return rows


def _annual_rows(*, scheme: RankingScheme, year: int, number: int) -> list[AssessmentRow]:
    """年总评 (rule 5): monthly rank points and the four quarterly scores, weighted, plus the year's
    adjustments. Only once 1-12月 is published; a quarter not yet assessed is assessed first, so
    its half of the score is never counted as 0. A quarter in which the group had no ranking at all
    (rule 11) is left out of the mean, as an undefined month is."""
    what = f"{year}年度总评"
    try:
        _require_published(scheme=scheme, year=year, month=12, what=what)
    except GroupNotRanked as error:
        raise AssessmentError(str(error)) from error
    ranks = published_ranks(scheme=scheme, year=year, months=range(2, 13))
    quarterly: dict[int, list[Decimal | None]] = defaultdict(list)
    for quarter in range(1, 5):
        try:
            assessment = assessment_compute(
                kind=AssessmentKind.QUARTER, year=year, number=quarter, group=scheme.group
            )
        except GroupNotRanked:
            continue
        except AssessmentError as error:
            raise AssessmentError(f"{error}（{what}须先完成全部四个季度的考评）") from error
        for unit_id, score in assessment.rows.values_list("unit_id", "score"):
            quarterly[unit_id].append(score)
    adjustments = _adjustments(AssessmentKind.ANNUAL, year, 1)
    unit_ids = {unit_id for month_ranks in ranks.values() for unit_id in month_ranks}
    inputs = [
        assessment_rules.AnnualInput(
            key=unit_id,
            monthly_ranks=[ranks[month].get(unit_id) for month in sorted(ranks)],
            quarterly_scores=quarterly.get(unit_id, []),
            adjustment=(
                adjustments[unit_id].observation_score + adjustments[unit_id].review_score
                if unit_id in adjustments
                else Decimal(0)
            ),
        )
        for unit_id in unit_ids
    ]
    results = assessment_rules.annual_evaluation(
        inputs, scale=presets.DEFAULT_RANK_SCALE, weights=presets.DEFAULT_ANNUAL_WEIGHTS
    )
    return [
        AssessmentRow(
            unit_id=result.key,
            rank_points=result.monthly_points,
            review_score=result.adjustment,
            score=result.total,
            rank=result.rank,
            is_bottom=result.bottom,
        )
        for result in results
    ]


@transaction.atomic
def annual_awards_compute(*, year: int) -> list[Award]:
    """综合奖 for the top five of each group's 年总评 and 单项奖 per indicator (seed 004), placed as
    rule 5 says: by the evaluation's ranks, ties sharing a place.

    The awards of a group whose 年总评 is published stay as they are; the 单项奖 stay once every
    group's is published.
    """
    annual = list(Assessment.objects.filter(kind=AssessmentKind.ANNUAL, year=year).select_related("group"))
    if not annual:
        raise AssessmentError(f"请先完成{year}年度总评，再评定奖项。")
    comprehensive = presets.COMPREHENSIVE_AWARD_SEED_004
    awards = []
    for assessment in annual:
        if assessment.status == RunStatus.PUBLISHED:
            continue
        Award.objects.filter(year=year, kind=AwardKind.COMPREHENSIVE, group=assessment.group).delete()
        scores = dict(assessment.rows.values_list("unit_id", "score"))
        awards += [
            Award(
                year=year,
                kind=AwardKind.COMPREHENSIVE,
                group=assessment.group,
                unit_id=winner.key,
                place=winner.place,
                prize=comprehensive.prize_wan,
            )
            for winner in assessment_rules.award_places(scores, places=comprehensive.max_places)
        ]
    if any(assessment.status != RunStatus.PUBLISHED for assessment in annual):
        Award.objects.filter(year=year, kind=AwardKind.SINGLE_ITEM).delete()
        awards += _single_item_awards(year)
    Award.objects.bulk_create(awards)
    return list(Award.objects.filter(year=year))


def _single_item_awards(year: int) -> list[Award]:
    """单项奖: per indicator, the units with the best completion of their own target."""
    latest = (
        RankingRow.objects.filter(run__year=year, run__status=RunStatus.PUBLISHED)
        .order_by("-run__month")
        .values_list("run__month", flat=True)
        .first()
    )
    if latest is None:
        return []
    rule = presets.SINGLE_ITEM_AWARD_SEED_004
    units = [unit for group in RankingGroup.objects.prefetch_related("units") for unit in group.units.all()]
    units = list({unit.pk: unit for unit in units}.values())
    rates = indicator_completion_rates(
        units=units, period=Period(year, latest), codes=SINGLE_ITEM_INDICATORS, source=figure_source_for(year)
    )
    by_indicator: dict[str, dict[int, Decimal | None]] = defaultdict(dict)
    for unit_id, unit_rates in rates.items():
        for code, rate in unit_rates.items():
            by_indicator[code][unit_id] = rate
    winners = assessment_rules.single_item_awards(
        by_indicator, rule=rule, places={code: rule.max_places for code in by_indicator}
    )
    indicators = {indicator.code: indicator for indicator in Indicator.objects.filter(code__in=list(winners))}
    return [
        Award(
            year=year,
            kind=AwardKind.SINGLE_ITEM,
            indicator=indicators[code],
            unit_id=winner.key,
            place=winner.place,
            prize=rule.prize_wan,
        )
        for code, places in winners.items()
        for winner in places
    ]


@transaction.atomic
def assessment_publish(*, assessment: Assessment) -> bool:
    """Freeze the assessment (a 年总评 with its awards, placed first). False when already published.

    A 年总评 is published only once 1-12月 is (rule 5), whenever its draft was made.
    """
    if assessment.kind == AssessmentKind.ANNUAL and assessment.status == RunStatus.DRAFT:
        what = f"{assessment.year}年度总评"
        try:
            scheme = group_scheme(assessment.group)
            _require_published(scheme=scheme, year=assessment.year, month=12, what=what)
        except GroupNotRanked as error:
            raise AssessmentError(str(error)) from error
        annual_awards_compute(year=assessment.year)
    claimed = publish_once(Assessment, assessment.pk)
    if claimed:
        assessment.refresh_from_db(fields=["status", "published_at"])
    return bool(claimed)


@dataclass
class AssessmentsDone:
    """What ``assessments_after_publish`` computed, and each assessment it skipped with its reason."""

    assessments: list[Assessment] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)


def assessments_after_publish(*, period: Period, missing_only: bool = False) -> AssessmentsDone:
    """A quarter-end period has just been published: draft its quarter's assessment for every group
    (and the half-year's at 1-6月, the year's with its awards at 1-12月).

    Safe to run any number of times: drafts are recomputed in place, published ones left alone, and
    ``missing_only`` leaves existing drafts alone too. A group that cannot be assessed (no ranking in
    the period under rule 11, or an earlier quarter unpublished for the year) is skipped with the
    reason; the other groups are assessed as usual.
    """
    done = AssessmentsDone()
    if period.month not in QUARTER_END_MONTHS:
        return done
    wanted = [(AssessmentKind.QUARTER, period.month // 3)]
    if period.month == 6:
        wanted.append((AssessmentKind.HALF_YEAR, 1))
    if period.month == 12:
        wanted.append((AssessmentKind.ANNUAL, 1))
    groups = RankingGroup.objects.filter(schemes__is_active=True).distinct().order_by("sort_order", "name")
    existing = set(Assessment.objects.filter(year=period.year).values_list("kind", "number", "group_id"))
    for kind, number in wanted:
        for group in groups:
            if missing_only and (kind, number, group.pk) in existing:
                continue
            try:
                done.assessments.append(
                    assessment_compute(kind=kind, year=period.year, number=number, group=group)
                )
            except AssessmentError as error:
                logger.info("assessment skipped: %s", error)
                done.skipped.append(str(error))
    if any(assessment.kind == AssessmentKind.ANNUAL for assessment in done.assessments):
        annual_awards_compute(year=period.year)
    return done
