"""Ranking, escalation and assessment rules (DESIGN.md rules 1–5 and 7) as pure functions.

Money is in 万元 and rates in percent, both ``Decimal``. Nothing here reads or writes the database:
callers load figures, call these functions and store what they return. The shipped ladders, tiers,
weights and award rules are data in ``reporting.presets``.
"""

from __future__ import annotations

from collections.abc import Collection, Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from decimal import Decimal
from enum import StrEnum
from itertools import pairwise, takewhile

UnitKey = Hashable
HUNDRED = Decimal(100)
ZERO = Decimal(0)


class LabelledChoice(StrEnum):
    """A str enum whose members carry a Chinese label, shaped like Django's TextChoices.

    The rules stay free of Django; a model field can take its choices from
    ``[(member.value, member.label) for member in SomeChoice]``.
    """

    label: str

    def __new__(cls, value: str, label: str) -> LabelledChoice:
        member = str.__new__(cls, value)
        member._value_ = value
        member.label = label
        return member


# --- Figures -------------------------------------------------------------------------------------


def growth_pct(ytd: Decimal, baseline: Decimal | None) -> Decimal | None:
    """增速: (ytd / baseline − 1) × 100; None when there is no baseline or it is 0."""
    if not baseline:
        return None
    return (ytd - baseline) * HUNDRED / baseline


def completion_rate_pct(ytd: Decimal, target: Decimal | None) -> Decimal | None:
    """完成率: ytd / target × 100; None when there is no target or it is 0."""
    if not target:
        return None
    return ytd * HUNDRED / target


# --- Ranking (rules 1 and 2) ---------------------------------------------------------------------


class EntryStatus(LabelledChoice):
    REPORTED = "reported", "已报送"
    MISSING = "missing", "未报送"
    UNDEFINED = "undefined", "—"


@dataclass(frozen=True)
class RankEntry:
    """One unit's metric for a period. ``status`` may be given as a plain string."""

    key: UnitKey
    value: Decimal | None
    status: EntryStatus = EntryStatus.REPORTED

    def __post_init__(self) -> None:
        object.__setattr__(self, "status", EntryStatus(self.status))
        if (self.value is None) == (self.status is EntryStatus.REPORTED):
            raise ValueError(
                f"{self.key!r}: a reported entry needs a value and only a reported entry has one"
            )


@dataclass(frozen=True)
class RankedEntry:
    key: UnitKey
    value: Decimal | None
    status: EntryStatus
    rank: int | None
    bottom: bool


def rank_units(entries: Iterable[RankEntry], *, higher_is_better: bool = True) -> list[RankedEntry]:
    """Rank one group's units for one period (competition ranking: 1, 2, 2, 4).

    Values are compared exactly as given; the caller rounds first if a bulletin's displayed
    precision should decide ties. 未报送 units share the rank below every reporter, so they are
    bottom; undefined units (growth over a baseline of 0) get no rank and are never bottom.
    Bottom is every unit holding the largest rank. Output: by rank, then undefined units; within a
    rank, in input order.
    """
    entries = list(entries)
    seen: set[UnitKey] = set()
    for entry in entries:
        _check_new_key(entry.key, seen)
        seen.add(entry.key)
    reported = sorted(
        (entry for entry in entries if entry.status is EntryStatus.REPORTED),
        key=lambda entry: entry.value,
        reverse=higher_is_better,
    )
    ranked: list[tuple[RankEntry, int]] = []
    for position, entry in enumerate(reported, start=1):
        rank = ranked[-1][1] if ranked and entry.value == ranked[-1][0].value else position
        ranked.append((entry, rank))
    missing_rank = len(reported) + 1
    ranked += [(entry, missing_rank) for entry in entries if entry.status is EntryStatus.MISSING]
    last_rank = max((rank for _, rank in ranked), default=None)
    return [
        RankedEntry(entry.key, entry.value, entry.status, rank, rank == last_rank) for entry, rank in ranked
    ] + [
        RankedEntry(entry.key, entry.value, entry.status, None, False)
        for entry in entries
        if entry.status is EntryStatus.UNDEFINED
    ]


# --- Escalation (rule 3) -------------------------------------------------------------------------


def consecutive_bottom_count(*, bottom_now: bool, previous_bottoms: Sequence[bool]) -> int:
    """How many periods running a unit has been bottom, this one included.

    ``previous_bottoms`` are the immediately preceding published periods of the same scheme in the
    same year, most recent first.
    """
    if not bottom_now:
        return 0
    return 1 + sum(1 for _ in takewhile(bool, previous_bottoms))


@dataclass(frozen=True)
class LadderStep:
    """One rung of an escalation ladder, worded as its seed words it.

    ``interviewer``/``interviewee`` are set for a 约谈; ``venue`` for an action taken at a meeting.
    ``on_half_year_bottom`` lets bottom place in the half-year assessment reach this step (seed 003).
    ``needs_meeting``: a 约谈 waits for its record; a step without one (通报批评, 表态发言) is done
    when the 通报 that names it is published.
    """

    level: int
    min_consecutive: int
    action: str
    interviewer: str = ""
    interviewee: str = ""
    venue: str = ""
    on_half_year_bottom: bool = False
    needs_meeting: bool = False
    source: str = ""

    @property
    def title(self) -> str:
        if self.interviewer:
            return f"{self.interviewer}{self.action}{self.interviewee}"
        if self.venue:
            return f"在{self.venue}上{self.action}"
        return self.action


@dataclass(frozen=True)
class Ladder:
    """Steps numbered 1, 2, … whose ``min_consecutive`` rises strictly from at least 1."""

    name: str
    steps: tuple[LadderStep, ...]
    source: str = ""

    def __post_init__(self) -> None:
        levels = [step.level for step in self.steps]
        thresholds = [step.min_consecutive for step in self.steps]
        if (
            not self.steps
            or levels != list(range(1, len(self.steps) + 1))
            or thresholds[0] < 1
            or any(later <= earlier for earlier, later in pairwise(thresholds))
        ):
            raise ValueError(f"{self.name}: steps must be levels 1, 2, … with rising min_consecutive ≥ 1")


def escalation_step(*, consecutive: int, ladder: Ladder, half_year_bottom: bool = False) -> LadderStep | None:
    """The highest step the unit has reached; None when it reached none.

    A run of ``consecutive`` bottom periods reaches every step whose ``min_consecutive`` it meets,
    so a run past the top step stays there. Bottom place in the half-year assessment reaches the
    steps marked ``on_half_year_bottom`` whatever this month's place: seed 003 lists it beside
    "连续两个月排名倒数第一" as a trigger of its own.
    """
    reached = [
        step
        for step in ladder.steps
        if step.min_consecutive <= consecutive or (half_year_bottom and step.on_half_year_bottom)
    ]
    return reached[-1] if reached else None


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
        _check_new_key(unit.key, results)
        inputs[unit.key] = unit
        points = rank_points(unit.quarter_end_rank, scale=scale)
        score = None if points is None else points + unit.observation + unit.review
        results[unit.key] = QuarterlyResult(
            unit.key, points, unit.observation, unit.review, score, rank=None, bottom=False, reward_wan=ZERO
        )
    ranked = []
    for entry in rank_units(_score_entries({key: result.score for key, result in results.items()})):
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
        _check_new_key(unit.key, results)
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
        for entry in rank_units(_score_entries({key: result.total for key, result in results.items()}))
    ]


# --- Seed 004: weighted scoring and awards -------------------------------------------------------


def composite_score(
    values: Mapping[str, Decimal | None], weights: Mapping[str, Decimal], *, cap_pct: Decimal = HUNDRED
) -> Decimal:
    """加权打分 (seed 004), as a percentage of the full marks the unit can earn.

    ``values`` maps an indicator code to the unit's completion rate of its own target, in percent.
    ``weights`` maps each indicator the unit carries (承担) to its points; leave out an indicator the
    unit does not carry, so units with different task sets share one 0–100 scale. An indicator earns
    weight × min(rate, cap_pct) / 100, so over-completion of one indicator cannot make up beyond the
    cap for another; an indicator carried but without a rate earns 0.
    """
    if not weights or any(weight <= 0 for weight in weights.values()):
        raise ValueError("composite scoring needs at least one indicator and positive weights")
    earned = sum(
        (
            weight * min(rate, cap_pct) / HUNDRED
            for code, weight in weights.items()
            if (rate := values.get(code)) is not None
        ),
        ZERO,
    )
    return earned * HUNDRED / sum(weights.values(), ZERO)


@dataclass(frozen=True)
class ProjectWeightTier:
    min_investment_wan: Decimal
    weight: Decimal


def weighted_project_count(
    investments_wan: Iterable[Decimal], *, tiers: Iterable[ProjectWeightTier]
) -> Decimal:
    """Seed 004's 递增权重 for large new starts: each project counts the weight of the highest tier
    its total investment reaches ("以上" includes the threshold), and 0 below the lowest tier.
    """
    tiers = sorted(tiers, key=lambda tier: tier.min_investment_wan)
    total = ZERO
    for investment in investments_wan:
        reached = [tier for tier in tiers if investment >= tier.min_investment_wan]
        total += reached[-1].weight if reached else ZERO
    return total


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
        for entry in rank_units(_score_entries(eligible))
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


# --- Warnings (rule 7) ---------------------------------------------------------------------------


class WarningColour(LabelledChoice):
    GREEN = "green", "绿"
    YELLOW = "yellow", "黄"
    RED = "red", "红"


def warning_colour(
    *, completion_rate: Decimal | None, time_progress: Decimal, yellow_gap: Decimal
) -> WarningColour | None:
    """红黄绿: green at or above time progress, yellow when behind by at most ``yellow_gap``
    percentage points, red when further behind; None when the completion rate is undefined.
    """
    if completion_rate is None:
        return None
    if completion_rate >= time_progress:
        return WarningColour.GREEN
    if time_progress - completion_rate <= yellow_gap:
        return WarningColour.YELLOW
    return WarningColour.RED


# --- Helpers -------------------------------------------------------------------------------------


def _score_entries(scores: Mapping[UnitKey, Decimal | None]) -> list[RankEntry]:
    return [
        RankEntry(key, score, EntryStatus.UNDEFINED if score is None else EntryStatus.REPORTED)
        for key, score in scores.items()
    ]


def _check_new_key(key: UnitKey, seen: Collection[UnitKey]) -> None:
    if key in seen:
        raise ValueError(f"{key!r} appears more than once")


def _mean(values: Iterable[Decimal]) -> Decimal | None:
    values = list(values)
    return sum(values, ZERO) / len(values) if values else None


def _or_zero(value: Decimal | None) -> Decimal:
    return ZERO if value is None else value
