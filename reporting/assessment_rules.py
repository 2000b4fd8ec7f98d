"""Assessment rules (DESIGN.md rules 4 and 5) as pure functions: 季考评 and its rewards, 年总评 and
its awards.

Scores are ranked by ``rules.rank_units``, the one ranking rule; money is in 万元, ``Decimal``.
Nothing here reads or writes the database. The shipped tiers, weights and award rules are data in
``reporting.presets``.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from decimal import Decimal

from .rules import ZERO, EntryStatus, UnitKey, check_new_key, rank_units, score_entries

# --- Quarterly assessment and rewards (rule 4) ---------------------------------------------------


@dataclass(frozen=True)
class RewardTier:
    first_rank: int
    last_rank: int
    amount_wan: Decimal

    def __post_init__(self) -> None:
        if not 1 <= self.first_rank <= self.last_rank:
            raise ValueError(f"bad rank range {self.first_rank}–{self.last_rank}")


def reward_for_rank(rank: int | None, tiers: Iterable[RewardTier]) -> Decimal:
    """The reward in 万元 for a place; tied units share a rank and each get its tier's amount."""
    if rank is None:
        return ZERO
    return next((tier.amount_wan for tier in tiers if tier.first_rank <= rank <= tier.last_rank), ZERO)


@dataclass(frozen=True)
class RankScale:
    """名次赋分: first place earns ``top`` points and each place below it ``step`` fewer, never below 0."""

    top: Decimal
    step: Decimal


def rank_points(rank: int | None, *, scale: RankScale) -> Decimal | None:
    if rank is None:
        return None
    return max(scale.top - (rank - 1) * scale.step, ZERO)


@dataclass(frozen=True)
class QuarterlyInput:
    """A unit's quarter: its rank in the quarter-end month and the admin-entered points.

    ``observation`` scores the quarter's 观摩讲评; ``review`` carries 区主要领导点评 and any other
    奖罚 points (negative for a deduction).
    """

    key: UnitKey
    quarter_end_rank: int | None
    observation: Decimal = ZERO
    review: Decimal = ZERO
    quarter_end_status: EntryStatus = EntryStatus.REPORTED
    quarter_end_bottom: bool = False

    def __post_init__(self) -> None:
        object.__setattr__(self, "quarter_end_status", EntryStatus(self.quarter_end_status))


@dataclass(frozen=True)
class QuarterlyResult:
    key: UnitKey
    rank_points: Decimal | None
    observation: Decimal
    review: Decimal
    score: Decimal | None
    rank: int | None
    bottom: bool
    reward_wan: Decimal
    reward_note: str = ""


@dataclass(frozen=True)
class QuarterlyReward:
    amount_wan: Decimal
    withheld_because: str = ""


def quarterly_reward(
    place: int | None,
    *,
    quarter_end_status: EntryStatus,
    quarter_end_bottom: bool,
    tiers: Iterable[RewardTier],
) -> QuarterlyReward:
    """Rule 4: the reward for a place in the quarter's assessment, unless the quarter-end period
    bars the unit from any.

    A unit that was 未报送, unranked (growth undefined, "—") or bottom in the quarter-end month gets
    nothing: seed 002 rewards 成绩优秀, seed 004 rates no unit that reports late or not at all as
    先进. It keeps its place and nobody moves up into it: the tier for that place is simply not paid.
    ``withheld_because`` says why, in the words a bulletin would use.
    """
    status = EntryStatus(quarter_end_status)
    amount = reward_for_rank(place, tiers)
    if status is EntryStatus.MISSING:
        reason = "季末未报送"
    elif status is EntryStatus.UNDEFINED:
        reason = "季末增速无法计算、未参与排名"
    elif quarter_end_bottom:
        reason = "季末排名倒数第一"
    else:
        return QuarterlyReward(amount)
    return QuarterlyReward(ZERO, f"{reason}，不予奖励" if amount else "")


def quarterly_assessment(
    units: Iterable[QuarterlyInput], *, scale: RankScale, tiers: Iterable[RewardTier] = ()
) -> list[QuarterlyResult]:
    """季考核: score = rank points of the quarter-end rank + observation + review, ranked high first.

    A unit unranked in the quarter-end month (undefined growth) gets no score and no place, as in
    the monthly ranking. The final place earns the reward of ``tiers`` (seed 002's per-quarter prizes)
    as rule 4 (``quarterly_reward``) allows.
    """
    tiers = tuple(tiers)
    inputs = {}
    results = {}
    for unit in units:
        check_new_key(unit.key, results)
        inputs[unit.key] = unit
        points = rank_points(unit.quarter_end_rank, scale=scale)
        score = None if points is None else points + unit.observation + unit.review
        results[unit.key] = QuarterlyResult(
            unit.key, points, unit.observation, unit.review, score, rank=None, bottom=False, reward_wan=ZERO
        )
    ranked = []
    for entry in rank_units(score_entries({key: result.score for key, result in results.items()})):
        reward = quarterly_reward(
            entry.rank,
            quarter_end_status=inputs[entry.key].quarter_end_status,
            quarter_end_bottom=inputs[entry.key].quarter_end_bottom,
            tiers=tiers,
        )
        ranked.append(
            replace(
                results[entry.key],
                rank=entry.rank,
                bottom=entry.bottom,
                reward_wan=reward.amount_wan,
                reward_note=reward.withheld_because,
            )
        )
    return ranked


# --- Annual evaluation (rule 5) ------------------------------------------------------------------


@dataclass(frozen=True)
class AnnualWeights:
    """How much the mean monthly rank points and the mean quarterly score count in 年总评."""

    monthly: Decimal
    quarterly: Decimal


@dataclass(frozen=True)
class AnnualInput:
    """A unit's year: its monthly ranks, its quarterly scores and the year's other points.

    ``adjustment`` carries the other factors seed 003 names (集中开工等重大活动、领导评价、媒体宣传
    报道及其他奖罚), already summed; negative for a deduction.
    """

    key: UnitKey
    monthly_ranks: Sequence[int | None]
    quarterly_scores: Sequence[Decimal | None]
    adjustment: Decimal = ZERO


@dataclass(frozen=True)
class AnnualResult:
    key: UnitKey
    monthly_points: Decimal | None
    quarterly_score: Decimal | None
    adjustment: Decimal
    total: Decimal | None
    rank: int | None
    bottom: bool


def annual_evaluation(
    units: Iterable[AnnualInput], *, scale: RankScale, weights: AnnualWeights
) -> list[AnnualResult]:
    """年总评: total = monthly weight × mean monthly rank points + quarterly weight × mean quarterly
    score + adjustment, ranked high first.

    Means are over the periods in which the unit was ranked or scored, so an undefined month neither
    helps nor hurts; a part with none counts 0. A unit ranked in no month and scored in no quarter
    has no total and no place.
    """
    results = {}
    for unit in units:
        check_new_key(unit.key, results)
        monthly = _mean(
            points
            for points in (rank_points(rank, scale=scale) for rank in unit.monthly_ranks)
            if points is not None
        )
        quarterly = _mean(score for score in unit.quarterly_scores if score is not None)
        total = None
        if monthly is not None or quarterly is not None:
            total = (
                weights.monthly * _or_zero(monthly)
                + weights.quarterly * _or_zero(quarterly)
                + unit.adjustment
            )
        results[unit.key] = AnnualResult(
            unit.key, monthly, quarterly, unit.adjustment, total, rank=None, bottom=False
        )
    return [
        replace(results[entry.key], rank=entry.rank, bottom=entry.bottom)
        for entry in rank_units(score_entries({key: result.total for key, result in results.items()}))
    ]


# --- Awards (rule 5, seed 004) -------------------------------------------------------------------


@dataclass(frozen=True)
class AwardRule:
    """How many places an award has (a range when the seed gives one) and its prize in 万元."""

    name: str
    min_places: int
    max_places: int
    prize_wan: Decimal
    source: str = ""

    def __post_init__(self) -> None:
        if not 1 <= self.min_places <= self.max_places:
            raise ValueError(f"{self.name}: bad place range {self.min_places}–{self.max_places}")


@dataclass(frozen=True)
class AwardPlace:
    key: UnitKey
    place: int


def award_places(
    scores: Mapping[UnitKey, Decimal | None], *, places: int, barred: Collection[UnitKey] = ()
) -> tuple[AwardPlace, ...]:
    """Rule 5: the units an award goes to and their places, highest score first.

    Places follow the evaluation's ranks: tied units share a place (1, 1, 3), and units tied on the
    last awarded place all win, so a tie can award more than ``places`` units. A unit without a
    score cannot win. Barred units are removed before ranking, so the next unit moves up (seed 004:
    a unit that 延误上报、虚报、漏报数据 "不允许评为先进单位").
    """
    eligible = {key: score for key, score in scores.items() if key not in barred}
    return tuple(
        AwardPlace(entry.key, entry.rank)
        for entry in rank_units(score_entries(eligible))
        if entry.rank is not None and entry.rank <= places
    )


def comprehensive_awards(
    scores_by_group: Mapping[str, Mapping[UnitKey, Decimal | None]],
    *,
    rule: AwardRule,
    barred: Collection[UnitKey] = (),
) -> dict[str, tuple[AwardPlace, ...]]:
    """综合奖: the top ``rule.max_places`` of each group, each group ranked on its own (seed 004:
    "分别进行测算和排名，对排名靠前的5个镇、街和5个区直部门授予优胜单位综合奖").
    """
    return {
        group: award_places(scores, places=rule.max_places, barred=barred)
        for group, scores in scores_by_group.items()
    }


def single_item_awards(
    scores_by_indicator: Mapping[str, Mapping[UnitKey, Decimal | None]],
    *,
    rule: AwardRule,
    places: Mapping[str, int],
    barred: Collection[UnitKey] = (),
) -> dict[str, tuple[AwardPlace, ...]]:
    """单项奖: per indicator, the top ``places[indicator]`` units, a number the rule's range allows
    (seed 004: 2–3). Scores are usually the indicator's completion rate ("按完成情况"); units that do
    not take part in an indicator (e.g. 区发改局、区财政局 for 争取资金) are simply left out of it.
    """
    for indicator, count in places.items():
        if not rule.min_places <= count <= rule.max_places:
            raise ValueError(
                f"{rule.name}: {indicator} may have {rule.min_places}–{rule.max_places} places, not {count}"
            )
    return {
        indicator: award_places(scores, places=places[indicator], barred=barred)
        for indicator, scores in scores_by_indicator.items()
    }


# --- Helpers --------------------------------------------------------------------------------------


def _mean(values: Iterable[Decimal]) -> Decimal | None:
    values = list(values)
    return sum(values, ZERO) / len(values) if values else None


def _or_zero(value: Decimal | None) -> Decimal:
    return ZERO if value is None else value
