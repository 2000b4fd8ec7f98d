"""The project lifecycle's rules: library moves (seed 003 四(二)), rule 6 储备比例 and rule 8 应入未入.

Nothing here reads or writes the database. The rules that select rows are ``Q`` expressions, so a
list page, its export, a count on a board and a flag on one project all ask the one definition.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.db.models import Q

from .choices import EvidenceKind, ExitReason, ProblemStatus, Stage
from .models import LARGE_PROJECT_THRESHOLD

RESERVE_MULTIPLE = 3  # seed 001: 储备个数和总投资要达到在建项目纳入统计库个数和总投资的3倍以上

# The only forward path through the libraries; 退库 is reached by an approved exit instead.
NEXT_STAGE: dict[str, str] = {
    Stage.RESERVE: Stage.TO_START,
    Stage.TO_START: Stage.UNDER_CONSTRUCTION,
    Stage.UNDER_CONSTRUCTION: Stage.COMPLETED,
}

# Exits that free the land for 再次招商 (seed 003: 「项目退出后，同步启动招商引资程序，对该项目地块进行
# 再次招商」); a project that reached output keeps its land in production.
REINVESTMENT_REASONS = frozenset(ExitReason) - {ExitReason.REACHED_OUTPUT}


def stage_move_refusal(
    *,
    from_stage: str,
    to_stage: str,
    procedures: Mapping[str, date | None],
    actual_start: date | None,
    actual_completion: date | None,
    today: date,
) -> str | None:
    """Why a project may not move ``from_stage`` → ``to_stage`` now, or None when it may.

    ``procedures`` maps each procedure's label (立项、用地 …) to the date it was completed.
    """
    if to_stage == Stage.EXITED:
        return "退库须选择退库原因提出申请，并经管理员批准。"
    if NEXT_STAGE.get(from_stage) != to_stage:
        return (
            f"不能从{Stage(from_stage).label}库转入{Stage(to_stage).label}库："
            "项目只能按 储备→开工→在建→竣工 依次转入下一库。"
        )
    if to_stage == Stage.TO_START:
        missing = [label for label, done_on in procedures.items() if done_on is None]
        if missing:
            return (
                f"前期手续未完备，缺少{'、'.join(missing)}手续的办结日期："
                "储备库项目手续完备后方可转入开工库。"
            )
    if to_stage == Stage.UNDER_CONSTRUCTION:
        if actual_start is None:
            return "须填写实际开工日期，方可转入在建库。"
        if actual_start > today:
            return "实际开工日期不能晚于今天。"
    if to_stage == Stage.COMPLETED:
        if actual_completion is None:
            return "须填写实际竣工日期，方可转入竣工库。"
        if actual_completion > today:
            return "实际竣工日期不能晚于今天。"
        if actual_start is not None and actual_completion < actual_start:
            return "实际竣工日期不能早于实际开工日期。"
    return None


def exit_refusal(*, stage: str, reason: str, output_reached_on: date | None) -> str | None:
    """Why a project may not leave the libraries for ``reason``, or None when it may (seed 003 四(二)3)."""
    if stage == Stage.EXITED:
        return "项目已退库。"
    if reason not in ExitReason.values:
        return "退库原因须为实施方案规定的原因之一。"
    if reason == ExitReason.REACHED_OUTPUT:
        if stage != Stage.COMPLETED:
            return "只有竣工库项目可以因竣工达效退库。"
        if output_reached_on is None:
            return "须先在建设节点中填写达效的实际日期，方可因竣工达效退库。"
    return None


def stage_change_date_refusal(*, changed_on: date, previous_on: date | None, today: date) -> str | None:
    """Why a library move may not be dated ``changed_on``: not after today, nor before the project's
    previous move (``previous_on``), so its stage log reads in the order things happened."""
    if changed_on > today:
        return f"变更日期（{changed_on:%Y-%m-%d}）不能晚于今天。"
    if previous_on is not None and changed_on < previous_on:
        return f"变更日期（{changed_on:%Y-%m-%d}）不能早于该项目上一次阶段变更（{previous_on:%Y-%m-%d}）。"
    return None


def problem_deadline_refusal(*, deadline: date, registered_on: date) -> str | None:
    """Why a problem registered on ``registered_on`` may not be given ``deadline`` (办结时限)."""
    if deadline < registered_on:
        return f"办结时限（{deadline:%Y-%m-%d}）不能早于问题的登记日期（{registered_on:%Y-%m-%d}）。"
    return None


def problem_close_date_refusal(*, closed_on: date, registered_on: date) -> str | None:
    """Why a problem registered on ``registered_on`` may not be closed (销号) on ``closed_on``."""
    if closed_on < registered_on:
        return f"销号日期（{closed_on:%Y-%m-%d}）不能早于问题的登记日期（{registered_on:%Y-%m-%d}）。"
    return None


def stewardship_missing(*, total_investment: Decimal, has_steward: bool, leader_in_charge: str) -> list[str]:
    """What a 亿元以上 project lacks of 项目管家 and 分包领导 (seed 003 四(一)1 and 四(三)5)."""
    if total_investment < LARGE_PROJECT_THRESHOLD:
        return []
    missing = []
    if not has_steward:
        missing.append("项目管家")
    if not leader_in_charge.strip():
        missing.append("分包领导")
    return missing


def missing_registration() -> Q:
    """Rule 8 应入未入: started (在建, or an actual start date) but not 入库纳统.

    A project that has left the libraries is no longer followed up, so 退库 projects are not flagged.
    """
    started = Q(stage=Stage.UNDER_CONSTRUCTION) | Q(actual_start__isnull=False)
    return started & Q(is_registered=False) & ~Q(stage=Stage.EXITED)


def overdue_milestone(*, on: date, prefix: str = "") -> Q:
    """A milestone planned before ``on`` and not reached, of a project still in the libraries."""
    return Q(
        **{
            f"{prefix}planned_on__lt": on,
            f"{prefix}actual_on__isnull": True,
        }
    ) & ~Q(**{f"{prefix}project__stage": Stage.EXITED})


def overdue_problem(*, on: date, prefix: str = "") -> Q:
    """An open problem whose deadline (办结时限) passed before ``on``."""
    return Q(**{f"{prefix}deadline__lt": on}) & ~Q(**{f"{prefix}status": ProblemStatus.CLOSED})


@dataclass(frozen=True)
class ReserveRatio:
    """Rule 6's verdict: the reserve against ``RESERVE_MULTIPLE`` × the registered in-construction."""

    reserve_count: int
    reserve_investment: Decimal
    construction_count: int
    construction_investment: Decimal

    @property
    def required_count(self) -> int:
        return RESERVE_MULTIPLE * self.construction_count

    @property
    def required_investment(self) -> Decimal:
        return RESERVE_MULTIPLE * self.construction_investment

    @property
    def count_multiple(self) -> Decimal | None:
        if not self.construction_count:
            return None
        return Decimal(self.reserve_count) / self.construction_count

    @property
    def investment_multiple(self) -> Decimal | None:
        if not self.construction_investment:
            return None
        return self.reserve_investment / self.construction_investment

    @property
    def count_short(self) -> bool:
        return self.reserve_count < self.required_count

    @property
    def investment_short(self) -> bool:
        return self.reserve_investment < self.required_investment

    @property
    def is_short(self) -> bool:
        return self.count_short or self.investment_short


def reserve_ratio(
    *,
    reserve_count: int,
    reserve_investment: Decimal | None,
    construction_count: int,
    construction_investment: Decimal | None,
) -> ReserveRatio:
    """Rule 6 储备比例: reserve count and total investment must each reach 3× the in-construction
    projects registered in the statistics database (seed 001 第9条); short on either is a warning."""
    return ReserveRatio(
        reserve_count=reserve_count,
        reserve_investment=reserve_investment or Decimal(0),
        construction_count=construction_count,
        construction_investment=construction_investment or Decimal(0),
    )


def site_evidence_refusal(*, has_time: bool, has_position: bool) -> str | None:
    """A 现场照片 counts as 入库纳统 evidence only if it shows when and where it was taken."""
    if has_time and has_position:
        return None
    missing = "、".join(
        label for label, present in (("拍摄时间", has_time), ("拍摄位置", has_position)) if not present
    )
    return f"该照片没有{missing}信息，不能作为入库纳统的现场照片佐证；请用手机相机拍摄并开启定位。"


def registration_evidence_missing(*, present: Collection[str]) -> list[str]:
    """入库纳统 checklist: the evidence (批复文件、施工合同、现场照片) a started project still lacks."""
    return [kind.label for kind in EvidenceKind if kind not in present]


def plan_completion_pct(ytd: Decimal | None, annual_plan: Decimal | None) -> Decimal | None:
    """A project's 完成率: the year's 累计完成 over its 年度计划投资, in percent; None without a plan."""
    if ytd is None or not annual_plan:
        return None
    return ytd * 100 / annual_plan
