from datetime import date

from django.core.management.base import BaseCommand, CommandError

from common.clock import clock_set, fixed_today, today


class Command(BaseCommand):
    help = "查看或设置系统业务日期（演示、培训环境用）；生产环境使用真实日期。"

    def add_arguments(self, parser) -> None:
        group = parser.add_mutually_exclusive_group()
        group.add_argument("--set", metavar="YYYY-MM-DD", help="将业务日期固定为该日")
        group.add_argument("--real", action="store_true", help="恢复使用真实日期")

    def handle(self, *args, **options) -> None:
        if options["set"]:
            try:
                on = date.fromisoformat(options["set"])
            except ValueError as error:
                raise CommandError(f"日期格式应为 YYYY-MM-DD：{options['set']}") from error
            clock_set(on=on, reason="clock 命令设置")
        elif options["real"]:
            clock_set(on=None)
        fixed = fixed_today()
        kind = "固定日期" if fixed else "真实日期"
        self.stdout.write(f"业务日期：{today():%Y-%m-%d}（{kind}）")
