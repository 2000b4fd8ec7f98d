import json

from django.core.management.base import BaseCommand, CommandError

from reporting.choices import AssessmentKind
from reporting.management.commands.rank import pad
from reporting.selectors.assessments import AssessmentLine, assessment_lines
from reporting.services.assessments import (
    AssessmentError,
    GroupNotRanked,
    annual_awards_compute,
    assessment_compute,
    assessment_publish,
)
from targets.models import RankingGroup

JSON_KINDS = {
    AssessmentKind.QUARTER: "quarter",
    AssessmentKind.HALF_YEAR: "half",
    AssessmentKind.ANNUAL: "annual",
}


class Command(BaseCommand):
    help = "季度考评、半年考核、年度总评及年度奖项（综合奖、单项奖）。"

    def add_arguments(self, parser) -> None:
        parser.add_argument("--year", type=int, required=True)
        parser.add_argument("--quarter", type=int, choices=[1, 2, 3, 4], help="只计算该季度的考评")
        parser.add_argument("--half", action="store_true", help="只计算半年考核")
        parser.add_argument("--annual", action="store_true", help="只计算年度总评和奖项")
        parser.add_argument("--publish", action="store_true", help="发布所计算的考评结果")
        parser.add_argument("--format", choices=["table", "json"], default="table")

    def handle(self, *args, **options) -> None:
        year = options["year"]
        wanted = []
        if options["quarter"]:
            wanted.append((AssessmentKind.QUARTER, options["quarter"]))
        if options["half"]:
            wanted.append((AssessmentKind.HALF_YEAR, 1))
        if options["annual"]:
            wanted.append((AssessmentKind.ANNUAL, 1))
        explicit = bool(wanted)
        if not explicit:
            wanted = [(AssessmentKind.QUARTER, q) for q in range(1, 5)] + [
                (AssessmentKind.HALF_YEAR, 1),
                (AssessmentKind.ANNUAL, 1),
            ]
        groups = (
            RankingGroup.objects.filter(schemes__is_active=True).distinct().order_by("sort_order", "name")
        )
        assessments = []
        for kind, number in wanted:
            for group in groups:
                try:
                    assessments.append(assessment_compute(kind=kind, year=year, number=number, group=group))
                except GroupNotRanked as error:
                    # Rule 11: a group without figures in the period is skipped, the others go on.
                    self.stderr.write(f"（跳过）{error}")
                except AssessmentError as error:
                    if explicit:
                        raise CommandError(str(error)) from error
                    self.stderr.write(f"（跳过）{error}")
        if any(assessment.kind == AssessmentKind.ANNUAL for assessment in assessments):
            # The awards are placed before publication freezes them with the 年总评.
            annual_awards_compute(year=year)
        if options["publish"]:
            for assessment in assessments:
                assessment_publish(assessment=assessment)
        lines = assessment_lines(assessments=[assessment.pk for assessment in assessments])
        if options["format"] == "json":
            self.stdout.write(
                json.dumps([line_as_json(line) for line in lines], ensure_ascii=False, indent=2)
            )
        else:
            self.write_table(lines)

    def write_table(self, lines: list[AssessmentLine]) -> None:
        assessment = None
        for line in lines:
            if line.assessment != assessment:
                assessment = line.assessment
                self.stdout.write(
                    f"\n{assessment.title}：{assessment.group}（{assessment.get_status_display()}）"
                )
                self.stdout.write(f"名次  {pad('单位', 20)}{pad('得分', 8, right=True)}  奖励(万元)  奖项")
            row = line.row
            score = "—" if row.score is None else f"{row.score:.2f}"
            reward = f"{row.reward:,.0f}" if row.reward else (row.reward_note or "")
            rank = str(row.rank or "—")
            awards = "、".join(award.title for award in line.awards)
            self.stdout.write(
                f"{pad(rank, 4, right=True)}  {pad(row.unit.name, 20)}{pad(score, 8, right=True)}"
                f"  {pad(reward, 10)}  {awards}".rstrip()
            )


def line_as_json(line: AssessmentLine) -> dict:
    assessment, row = line.assessment, line.row
    record = {
        "kind": JSON_KINDS[assessment.kind],
        "quarter": assessment.number if assessment.kind == AssessmentKind.QUARTER else None,
        "group": assessment.group.name,
        "unit": row.unit.name,
        "score": None if row.score is None else float(row.score),
        "rank": row.rank,
        "reward": float(row.reward),
        "published": assessment.is_published,
    }
    if assessment.kind == AssessmentKind.ANNUAL:
        record["awards"] = [
            {
                "award": award.get_kind_display(),
                "indicator": award.indicator.name if award.indicator else None,
                "place": award.place,
            }
            for award in line.awards
        ]
    return record
