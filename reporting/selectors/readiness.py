"""A period's readiness before it is published: every ranked unit's return and what publishing
now means for it, as the scheme's figures really work.

Rankings use the figures of ``figure_source_for`` (the statistics bureau's, or the sum of project
reports): a unit whose return is missing may still have an official figure and rank normally,
while a unit with no figure holds the last rank (rules 1 and 2).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from django.db.models import F

from common.periods import Period
from targets.models import Unit

from ..choices import FigureSource, SubmissionStatus
from ..models import RankingScheme, Submission
from .unit_figures import figure_source_for, unit_figures

SOURCE_WORDS = {FigureSource.OFFICIAL: "统计局数据", FigureSource.PROJECT_SUM: "项目月报之和"}
RETURNED = "已退回"
MISSING = "未报送"


@dataclass
class ReadinessRow:
    unit: Unit
    state: str
    needs_attention: bool
    # What publishing now means for its ranking: 排名按统计局数据, or 视同倒数第一.
    consequence: str

    @property
    def summary(self) -> str:
        """「前程办事处：未报送，排名按统计局数据」 as the publish confirmation names it."""
        return f"{self.unit.name}：{self.state}，{self.consequence}"


@dataclass(frozen=True)
class PeriodReadiness:
    period: Period
    rows: list[ReadinessRow]

    @property
    def attention(self) -> list[ReadinessRow]:
        return [row for row in self.rows if row.needs_attention]

    def count(self, state: str) -> int:
        return sum(1 for row in self.rows if row.state == state)


def return_state(submission: Submission | None) -> str:
    """The return's state in the readiness table's words: a draft once submitted was sent back."""
    if submission is None:
        return MISSING
    if submission.status == SubmissionStatus.DRAFT:
        return MISSING if submission.submitted_at is None else RETURNED
    return submission.get_status_display()


def consequence(*, has_figure: bool, source: FigureSource) -> str:
    if has_figure:
        return f"排名按{SOURCE_WORDS[source]}"
    return "无数据，视同倒数第一"


def period_readiness(*, period: Period, schemes: list[RankingScheme]) -> PeriodReadiness:
    """Every active unit of the schemes' groups, in the groups' order: a fixed number of queries
    whatever the number of schemes, units and returns."""
    source = figure_source_for(period.year)
    members = defaultdict(list)
    for unit in (
        Unit.objects.filter(is_active=True, ranking_groups__in={scheme.group_id for scheme in schemes})
        .annotate(member_of=F("ranking_groups"))
        .order_by("sort_order", "name")
    ):
        members[unit.member_of].append(unit)
    units = {unit.pk: unit for scheme in schemes for unit in members[scheme.group_id]}
    figures = unit_figures(units=list(units.values()), period=period, source=source)
    returns = Submission.objects.filter(unit__in=list(units), year=period.year, month=period.month)
    submissions = {submission.unit_id: submission for submission in returns}
    rows = []
    for unit in units.values():
        submission = submissions.get(unit.pk)
        verified = submission is not None and submission.status in (
            SubmissionStatus.VERIFIED,
            SubmissionStatus.LOCKED,
        )
        rows.append(
            ReadinessRow(
                unit=unit,
                state=return_state(submission),
                needs_attention=not verified,
                consequence=consequence(has_figure=unit.pk in figures, source=source),
            )
        )
    return PeriodReadiness(period=period, rows=rows)


def unconfirmed(readiness: PeriodReadiness, confirmed_unit_ids: set[int]) -> list[ReadinessRow]:
    """The units needing attention that the admin has not confirmed by name."""
    return [row for row in readiness.attention if row.unit.pk not in confirmed_unit_ids]
