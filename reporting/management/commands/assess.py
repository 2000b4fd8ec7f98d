from django.core.management.base import BaseCommand, CommandError

from reporting.choices import AssessmentKind
from reporting.management.commands.rank import pad
from reporting.models import Award
from reporting.services.assessments import (
    AssessmentError,
    annual_awards_compute,
    assessment_compute,
    assessment_publish,
)
from targets.models import RankingGroup


class Command(BaseCommand):
    help = "季度考评、半年考核、年度总评及年度奖项（综合奖、单项奖）。"

    def add_arguments(self, parser) -> None:
        parser.add_argument("--year", type=int, required=True)
        parser.add_argument("--quarter", type=int, choices=[1, 2, 3, 4], help="只计算该季度的考评")
        parser.add_argument("--half", action="store_true", help="只计算半年考核")
        parser.add_argument("--annual", action="store_true", help="只计算年度总评和奖项")
        parser.add_argument("--publish", action="store_true", help="发布所计算的考评结果")

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
        for kind, number in wanted:
            for group in RankingGroup.objects.all():
                try:
                    assessment = assessment_compute(kind=kind, year=year, number=number, group=group)
                except AssessmentError as error:
                    if explicit:
                        raise CommandError(str(error)) from error
                    self.stdout.write(f"（跳过）{error}")
                    continue
                if options["publish"]:
                    assessment_publish(assessment=assessment)
                self.write_assessment(assessment)
        if options["annual"] or not explicit:
            try:
                annual_awards_compute(year=year)
            except AssessmentError as error:
                if explicit:
                    raise CommandError(str(error)) from error
                self.stdout.write(f"（跳过）{error}")
                return
            self.write_awards(year)

    def write_assessment(self, assessment) -> None:
        title = assessment.get_kind_display()
        if assessment.kind == AssessmentKind.QUARTER:
            title = f"第{assessment.number}季度考评"
        self.stdout.write(
            f"\n{assessment.year}年{title}：{assessment.group}（{assessment.get_status_display()}）"
        )
        self.stdout.write(f"名次  {pad('单位', 20)}{pad('得分', 8, right=True)}  奖励(万元)")
        for row in assessment.rows.select_related("unit").order_by("rank", "unit__sort_order"):
            score = "—" if row.score is None else f"{row.score:.2f}"
            reward = f"{row.reward:,.0f}" if row.reward else ""
            rank = str(row.rank or "—")
            self.stdout.write(
                f"{pad(rank, 4, right=True)}  {pad(row.unit.name, 20)}{pad(score, 8, right=True)}  {reward}"
            )

    def write_awards(self, year: int) -> None:
        self.stdout.write(f"\n{year}年度奖项")
        for award in Award.objects.filter(year=year).select_related("group", "indicator", "unit"):
            scope = award.group or award.indicator
            prize = f"{award.prize:,.0f}"
            self.stdout.write(
                f"  {award.get_kind_display()}（{scope}）第{award.place}名：{award.unit}  奖金{prize}万元"
            )
