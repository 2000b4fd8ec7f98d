"""python manage.py rollover --year YYYY: close a year of the project libraries (年度结转)."""

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from projects.selectors.rollover import rollover_plan
from projects.services.rollover import year_rollover


class Command(BaseCommand):
    help = (
        "年度结转：关闭指定年度的项目库。竣工项目调出项目库，当年未开工的开工库项目留在开工库"
        "（或用 --return-unstarted 全部退回储备库），仍在库的项目生成下一年度计划投资待填报。"
    )

    def add_arguments(self, parser):
        parser.add_argument("--year", type=int, required=True, help="要结转（关闭）的年度，如 2022")
        parser.add_argument(
            "--return-unstarted",
            action="store_true",
            help="把开工库中当年未开工的项目全部退回储备库（默认留在开工库）",
        )
        parser.add_argument("--dry-run", action="store_true", help="只显示结转计划，不执行")

    def handle(self, *args, year: int, return_unstarted: bool, dry_run: bool, **options):
        plan = rollover_plan(year=year)
        self.stdout.write(f"年度结转：{plan.year}年 → {plan.new_year}年")
        self.stdout.write(f"  调出项目库的竣工项目：{len(plan.completed)} 个")
        for project in plan.completed:
            self.stdout.write(f"    {project.code}  {project.name}")
        action = "退回储备库" if return_unstarted else "留在开工库"
        self.stdout.write(f"  当年未开工的开工库项目（{action}）：{len(plan.unstarted)} 个")
        for project in plan.unstarted:
            self.stdout.write(f"    {project.code}  {project.name}")
        self.stdout.write(f"  待填报{plan.new_year}年度计划投资的项目：{plan.plans_to_ask} 个")
        if plan.refusal:
            raise CommandError(plan.refusal)
        if dry_run:
            self.stdout.write("仅显示计划（--dry-run），未执行。")
            return
        try:
            done = year_rollover(
                year=year,
                return_to_reserve=[project.pk for project in plan.unstarted] if return_unstarted else [],
                actor=None,
            )
        except ValidationError as refusal:
            raise CommandError("；".join(refusal.messages)) from None
        self.stdout.write(
            self.style.SUCCESS(
                f"{done.year}年度已结转：{done.exited_count}个竣工项目调出项目库，"
                f"{done.returned_count}个退回储备库，{done.kept_count}个留在开工库，"
                f"{done.plans_created}个项目待填报{done.year + 1}年度计划投资。"
            )
        )
