"""Ranking, bottom, escalation and warning rules (DESIGN.md rules 1–3 and 7) as pure functions.

Money is in 万元 and rates in percent, both ``Decimal``. Nothing here reads or writes the database:
callers load figures, call these functions and store what they return. The shipped ladders, tiers,
weights and award rules are data in ``reporting.presets``.

Each DESIGN.md rule is one function, and the tests named ``test_rule_<n>_…`` exercise it:

1. ranking — ``rank_units`` (its input per unit: ``metric_entry``)
2. bottom — ``bottom_units``
3. escalation ladder — ``escalation_step`` over ``consecutive_bottom_count``
4. quarterly assessment — ``reporting.assessment_rules.quarterly_reward``
5. annual evaluation — ``reporting.assessment_rules.award_places``
6. reserve ratio — ``projects.rules.reserve_ratio``
7. warnings — ``warning_colour``
8. 应入未入 — ``projects.rules.missing_registration``
9. published once, never changed — ``reporting.freeze.publish_once`` (and ``period_is_published``)
10. the year's own targets — ``reporting.selectors.unit_figures.year_target_table``
11. a scheme with no figures — ``reporting.selectors.rankings.scheme_without_figures``
12. balanced tables — ``targets.rules.balanced_table_refusal``
"""

from __future__ import annotations

from collections.abc import Collection, Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum
from itertools import pairwise, takewhile
from operator import attrgetter
from typing import NamedTuple

UnitKey = Hashable
HUNDRED = Decimal(100)
ZERO = Decimal(0)


class _Choices:
    """``SomeChoice.choices``: the (value, label) pairs a Django field takes, as TextChoices has."""

    def __get__(self, instance, owner) -> list[tuple[str, str]]:
        return [(member.value, member.label) for member in owner]


class LabelledChoice(StrEnum):
    """A str enum whose members carry a Chinese label, shaped like Django's TextChoices.

    The rules stay free of Django; a model field takes its choices from ``SomeChoice.choices``.
    """

    label: str
    choices = _Choices()

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


# --- Ranking and bottom (rules 1 and 2) -----------------------------------------------------------


class EntryStatus(LabelledChoice):
    """A unit's standing in a period's ranking, stored on its RankingRow: the one status enum."""

    REPORTED = "reported", "已报送"
    MISSING = "missing", "未报送"
    UNDEFINED = "undefined", "—"


# Each status's stored text, read without going through the enum's ``value`` descriptor per row.
STATUS_TEXT: Mapping[EntryStatus, str] = {status: status.value for status in EntryStatus}


class _RankEntryFields(NamedTuple):
    key: UnitKey
    value: Decimal | None
    status: EntryStatus


class RankEntry(_RankEntryFields):
    """One unit's metric for a period. ``status`` may be given as a plain string.

    A tuple, checked as it is made: a province ranks thousands at a time."""

    __slots__ = ()

    def __new__(cls, key: UnitKey, value: Decimal | None, status: str = EntryStatus.REPORTED) -> RankEntry:
        if status.__class__ is not EntryStatus:
            status = EntryStatus(status)
        if (value is None) == (status is EntryStatus.REPORTED):
            raise ValueError(f"{key!r}: a reported entry needs a value and only a reported entry has one")
        return tuple.__new__(cls, (key, value, status))


class RankedEntry(NamedTuple):
    """A unit's place as rules 1 and 2 decide it. A tuple: a province ranks thousands at a time."""

    key: UnitKey
    value: Decimal | None
    status: EntryStatus
    rank: int | None
    bottom: bool


def metric_entry(key: UnitKey, value: Decimal | None, *, has_figure: bool) -> RankEntry:
    """A unit's place in the ranking's input: 未报送 without a figure, "—" when its metric is
    undefined (growth over a baseline of 0, no target), otherwise reported with its value."""
    # Consistent by construction, so made as the tuple it is, without ``RankEntry``'s check: a
    # province makes thousands.
    if not has_figure:
        return _entry(RankEntry, (key, None, EntryStatus.MISSING))
    if value is None:
        return _entry(RankEntry, (key, None, EntryStatus.UNDEFINED))
    return _entry(RankEntry, (key, value, EntryStatus.REPORTED))


_entry = tuple.__new__  # makes a named tuple from its fields without a call per field


def rank_units(entries: Iterable[RankEntry], *, higher_is_better: bool = True) -> list[RankedEntry]:
    """DESIGN.md rule 1, ranking: one group's units for one period (competition ranking: 1, 2, 2, 4).

    Values are compared exactly as given; the caller rounds first if a bulletin's displayed
    precision should decide ties. 未报送 units share the rank below every reporter; undefined units
    (growth over a baseline of 0) get no rank. Which units are bottom is rule 2, ``bottom_units``.
    Output: by rank, then undefined units; within a rank, in input order.
    """
    entries = list(entries)
    if len({entry.key for entry in entries}) != len(entries):
        seen: set[UnitKey] = set()
        for entry in entries:
            check_new_key(entry.key, seen)
            seen.add(entry.key)
    reported_status, missing_status = EntryStatus.REPORTED, EntryStatus.MISSING
    reported, missing, undefined = [], [], []
    for entry in entries:
        status = entry.status
        if status is reported_status:
            reported.append(entry)
        elif status is missing_status:
            missing.append(entry)
        else:
            undefined.append(entry)
    reported.sort(key=attrgetter("value"), reverse=higher_is_better)
    ranks: dict[UnitKey, int | None] = {}
    previous, rank = None, None
    for position, entry in enumerate(reported, start=1):
        if position == 1 or entry.value != previous:
            rank, previous = position, entry.value
        ranks[entry.key] = rank
    missing_rank = len(reported) + 1
    for entry in missing:
        ranks[entry.key] = missing_rank
    for entry in undefined:
        ranks[entry.key] = None
    bottom = bottom_units(ranks)
    return [
        _entry(RankedEntry, (key, value, status, ranks[key], key in bottom))
        for key, value, status in (*reported, *missing, *undefined)
    ]


def bottom_units(ranks: Mapping[UnitKey, int | None]) -> set[UnitKey]:
    """DESIGN.md rule 2, bottom: every unit holding the last rank, ties sharing it.

    A 未报送 unit holds the last rank (rule 1 ranks it below every reporter), so it is bottom: not
    reporting never escapes the ladder. A unit without a rank ("—") is never bottom.
    """
    last = max((rank for rank in ranks.values() if rank is not None), default=None)
    return {key for key, rank in ranks.items() if rank is not None and rank == last}


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


def score_entries(scores: Mapping[UnitKey, Decimal | None]) -> list[RankEntry]:
    return [
        RankEntry(key, score, EntryStatus.UNDEFINED if score is None else EntryStatus.REPORTED)
        for key, score in scores.items()
    ]


def check_new_key(key: UnitKey, seen: Collection[UnitKey]) -> None:
    if key in seen:
        raise ValueError(f"{key!r} appears more than once")
