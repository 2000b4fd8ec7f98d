"""What a monthly bulletin (通报) says, computed once for both its workbook and its Word document.

Every figure comes from the period's RankingRows — the rows ``rank`` prints — so the bulletin and the
ranking cannot disagree. Rates are rounded to one decimal as the ranking rounds them, and the gap to
time progress is taken between the rounded figures, so a reader can check each line by hand.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.db.models import F, QuerySet
from django.utils import timezone

from common.figures import format_wan, shown_pct
from common.periods import Period
from projects.choices import Level, Stage
from targets.choices import TERRITORIAL_KINDS

from ..choices import FigureSource, Metric
from ..models import Escalation, RankingRun
from ..rules import EntryStatus, completion_rate_pct
from ..selectors.bulletins import bulletin_rows
from ..selectors.readiness import SOURCE_WORDS
from .lines import ColumnSum, GroupLines, Line, ranking_line


@dataclass(frozen=True, slots=True)
class Placing:
    unit: str
    value: Decimal | None
    status: str


@dataclass(frozen=True)
class GroupTable:
    scheme: str
    group: str
    metric: str
    metric_label: str
    ladder: str
    kinds: frozenset[str]
    lines: GroupLines
    total: Line
    first: tuple[Placing, ...]
    last: tuple[Placing, ...]
    figure_source: str = FigureSource.OFFICIAL
    # 未报送 without any figure: ranked last (rules 1 and 2).
    without_figure: tuple[str, ...] = ()
    # Sent no return of their own, yet ranked normally on the figure the scheme uses.
    ranked_unreturned: tuple[str, ...] = ()

    @property
    def is_territorial(self) -> bool:
        return bool(self.kinds) and self.kinds <= TERRITORIAL_KINDS

    @property
    def ranking_notes(self) -> str:
        """How this scheme actually ranked, for the 通报's note: where the figures come from, what
        未报送 meant for whom, and which ladder applied to the bottom."""
        source = SOURCE_WORDS[self.figure_source]
        notes = [f"排名依据{self.metric_label}，数据采用{source}"]
        if self.ranked_unreturned:
            notes.append(f"{'、'.join(self.ranked_unreturned)}未报送月报，按{source}正常排名")
        if self.without_figure:
            notes.append(f"{'、'.join(self.without_figure)}无{source}，视同倒数第一")
        if self.ladder and self.last:
            notes.append(f"倒数第一的单位按「{self.ladder}」处理")
        elif self.last:
            notes.append("本方案未设约谈阶梯，倒数第一的单位不约谈")
        return "；".join(notes) + "。"


@dataclass(frozen=True)
class EscalationLine:
    scheme: str
    group: str
    unit: str
    consecutive_bottom: int
    level: int
    action: str
    interviewer: str
    interviewee: str
    ladder: str

    @property
    def level_name(self) -> str:
        """一级：通报批评 — the level as the ladder names it, not a bare number."""
        numeral = LEVEL_NUMERALS.get(self.level, str(self.level))
        return f"{numeral}级：{self.action}"

    @property
    def sheet_values(self) -> dict[str, object]:
        """The 末位约谈 sheet's row: a step without an interview (通报批评, 表态发言) says so."""
        return {
            **{field: getattr(self, field) for field in ("scheme", "group", "unit", "consecutive_bottom")},
            "level": self.level_name,
            "action": self.action,
            "interviewer": self.interviewer or NO_INTERVIEW,
            "interviewee": self.interviewee or NO_INTERVIEW,
            "ladder": self.ladder,
        }


LEVEL_NUMERALS = {1: "一", 2: "二", 3: "三", 4: "四", 5: "五", 6: "六", 7: "七", 8: "八", 9: "九"}
NO_INTERVIEW = "—"


@dataclass(frozen=True)
class KeyProjectLine:
    name: str
    code: str
    reporting_unit: str
    responsible_unit: str
    level: str
    stage: str
    total_investment: Decimal
    annual_plan: Decimal | None
    ytd_completed: Decimal
    completion_pct: Decimal | None
    progress: str
    latest_photo: str = ""


def photo_note(taken, photo_id) -> str:
    """最新现场照片 as the annex writes it: its date and number (the photo is on the project page)."""
    return f"{timezone.localtime(taken):%Y-%m-%d}（照片{photo_id}号）" if taken else ""


@dataclass(frozen=True)
class AwardLine:
    """One winner of the year's 综合奖 (``scope`` is the group) or 单项奖 (``scope`` the indicator)."""

    award: str
    scope: str
    place: int
    unit: str
    prize: Decimal


@dataclass(frozen=True)
class Jurisdiction:
    """全区: the territorial group's 合计 against the plan year's target."""

    ytd_completed: Decimal
    target: Decimal | None
    completion_pct: Decimal | None
    time_progress_pct: Decimal
    growth_pct: Decimal | None


@dataclass(frozen=True)
class QuietGroup:
    """An active scheme the period has no ranking for: 本期无数据 (rule 11), or not yet ranked."""

    scheme: str
    group: str
    note: str

    @property
    def sentence(self) -> str:
        return f"{self.group}：{self.note}。"


@dataclass(frozen=True)
class Letterhead:
    """版头 and 落款 as GB/T 9704-2012 places them: 发文机关标志, 发文字号, 发文机关署名, 成文日期."""

    issuing_authority: str
    number: str
    signatory: str
    issued_on: date

    @property
    def date_line(self) -> str:
        return f"{self.issued_on.year}年{self.issued_on.month}月{self.issued_on.day}日"


NO_DATA = "本期无数据"
NOT_YET_RANKED = "尚未计算排名"


@dataclass(frozen=True)
class BulletinContent:
    period: Period
    deployment: str
    is_draft: bool
    groups: tuple[GroupTable, ...]
    quiet_groups: tuple[QuietGroup, ...]
    escalations: tuple[EscalationLine, ...]
    key_projects: KeyProjectLines
    plan_target: Decimal | None
    letterhead: Letterhead | None = None
    awards: tuple[AwardLine, ...] = ()  # 1-12月 only: the year's 综合奖 and 单项奖 (rule 5)

    @property
    def title(self) -> str:
        title = f"{self.deployment}固定资产投资完成情况通报（{self.period.label}）"
        return f"{title}（草稿）" if self.is_draft else title

    @property
    def time_progress_pct(self) -> Decimal:
        return shown_pct(self.period.time_progress_pct)

    def total_explanation(self, group: GroupTable) -> str:
        """Why this group's 合计 differs from another group's: seed 000 splits the one jurisdiction
        twice, by territory (办事处) and by responsibility (局办, 责任口径), and a project's investment
        counts in both, under its place and under its bureau, so the two sums need not agree."""
        others = [
            other
            for other in self.groups
            if other is not group
            and other.is_territorial != group.is_territorial
            and other.total.ytd_completed != group.total.ytd_completed
        ]
        if not others:
            return ""
        basis = "属地口径（按项目所在地）" if group.is_territorial else "责任口径（按项目责任单位）"
        compared = "；".join(
            f"{other.group}合计按{'属地口径' if other.is_territorial else '责任口径'}统计为"
            f"{format_wan(other.total.ytd_completed)}万元"
            for other in others
        )
        return (
            f"{group.group}合计按{basis}统计，累计完成{format_wan(group.total.ytd_completed)}万元；"
            f"{compared}。两种口径分别覆盖全区，合计数不同属正常。"
        )

    @property
    def jurisdiction(self) -> Jurisdiction | None:
        """The first territorial group's 合计 stands for the jurisdiction: its units cover all of it,
        while the bureaus' split counts the same investment by responsibility, not by place."""
        group = next((group for group in self.groups if group.is_territorial), None)
        if group is None:
            return None
        total = group.total
        return Jurisdiction(
            ytd_completed=total.ytd_completed or Decimal(0),
            target=self.plan_target,
            completion_pct=shown_pct(
                completion_rate_pct(total.ytd_completed or Decimal(0), self.plan_target)
            ),
            time_progress_pct=self.time_progress_pct,
            growth_pct=total.growth_pct,
        )


ROW_CHUNK = 500  # a ranking is read from the database in chunks of this many rows


def group_table(run: RankingRun, period: Period) -> GroupTable:
    scheme = run.scheme
    time_progress = shown_pct(period.time_progress_pct)
    lines = GroupLines(time_progress=time_progress, composite=scheme.metric == Metric.COMPOSITE)
    first, last, kinds = [], [], set()
    targets, ytds, baselines = ColumnSum(), ColumnSum(), ColumnSum()
    without_figure, ranked_unreturned = [], []
    for row in bulletin_rows(run).iterator(chunk_size=ROW_CHUNK):
        lines.append(row)
        name, kind, target, ytd, baseline, value, rank, _note, is_bottom, status, returned = row
        kinds.add(kind)
        targets.add(target)
        if ytd is not None:
            ytds.add(ytd)
            # Growth compares like with like: only the baselines of units that reported this period.
            baselines.add(baseline)
        if rank == 1 and status == EntryStatus.REPORTED:
            first.append(Placing(name, value, status))
        if is_bottom:
            last.append(Placing(name, value, status))
        if status == EntryStatus.MISSING:
            without_figure.append(name)
        elif not returned:
            ranked_unreturned.append(name)
    total = ranking_line(
        serial=None,
        unit="合计",
        target=targets.total,
        ytd=ytds.total,
        baseline=baselines.total,
        time_progress=time_progress,
        score=None,
        rank=None,
        note="",
    )
    return GroupTable(
        scheme=scheme.name,
        group=scheme.group.name,
        metric=scheme.metric,
        metric_label=scheme.get_metric_display(),
        ladder=scheme.ladder.name if scheme.ladder else "",
        kinds=frozenset(kinds),
        lines=lines.seal(),
        total=total,
        first=tuple(first),
        last=tuple(last),
        figure_source=run.figure_source,
        without_figure=tuple(without_figure),
        ranked_unreturned=tuple(ranked_unreturned),
    )


def escalation_lines(escalations: Sequence[Escalation]) -> tuple[EscalationLine, ...]:
    return tuple(
        EscalationLine(
            scheme=escalation.scheme.name,
            group=escalation.scheme.group.name,
            unit=escalation.unit.name,
            consecutive_bottom=escalation.consecutive_bottom,
            level=escalation.level,
            action=escalation.action,
            interviewer=escalation.interviewer_role,
            interviewee=escalation.interviewee_role,
            ladder=escalation.scheme.ladder.name if escalation.scheme.ladder else "",
        )
        for escalation in escalations
    )


KEY_PROJECT_CHUNK = 2000


class KeyProjectLines:
    """The key projects' lines, read from the database in chunks each time they are iterated: a
    province has tens of thousands, and only the workbook's sheet needs them, one by one. Plain values,
    not model instances: at that number, building instances costs more than writing the sheet."""

    def __init__(self, projects: QuerySet) -> None:
        self._projects = projects

    def __iter__(self) -> Iterator[KeyProjectLine]:
        levels, stages = dict(Level.choices), dict(Stage.choices)
        rows = self._projects.values(
            "name",
            "code",
            "level",
            "stage",
            "total_investment",
            "annual_plan",
            "ytd_completed",
            "latest_progress",
            "latest_photo_at",
            "latest_photo_id",
            reporting_unit_name=F("reporting_unit__name"),
            responsible_unit_name=F("responsible_unit__name"),
        )
        for row in rows.iterator(chunk_size=KEY_PROJECT_CHUNK):
            yield KeyProjectLine(
                name=row["name"],
                code=row["code"],
                reporting_unit=row["reporting_unit_name"],
                responsible_unit=row["responsible_unit_name"],
                level=levels.get(row["level"], row["level"]),
                stage=stages.get(row["stage"], row["stage"]),
                total_investment=row["total_investment"],
                annual_plan=row["annual_plan"],
                ytd_completed=row["ytd_completed"],
                completion_pct=shown_pct(completion_rate_pct(row["ytd_completed"], row["annual_plan"])),
                progress=row["latest_progress"] or "",
                latest_photo=photo_note(row["latest_photo_at"], row["latest_photo_id"]),
            )


def key_project_lines(projects: QuerySet) -> KeyProjectLines:
    """``projects`` as ``selectors.bulletins.key_projects`` annotates them."""
    return KeyProjectLines(projects)


def award_lines(tables) -> tuple[AwardLine, ...]:
    """The year's awards as ``selectors.assessments.award_tables`` orders them."""
    return tuple(
        AwardLine(
            award=award.get_kind_display(),
            scope=award.group.name if award.group_id else award.indicator.name,
            place=award.place,
            unit=award.unit.name,
            prize=award.prize,
        )
        for table in tables
        for award in table.awards
    )
