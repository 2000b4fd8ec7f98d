from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from demo.constants import DEMO_PASSWORD, DEMO_TODAY, DEMO_USERS
from demo.loading import demo_load


class Command(BaseCommand):
    help = (
        "载入演示数据：郑州经开区2022年固定资产投资（目标分解、项目、月报、统计数据、演示用户）。可重复运行。"
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--allow-production",
            action="store_true",
            help="在生产环境（DEBUG=false）中也载入；演示账号须在首次登录时修改密码，且不显示密码。",
        )

    def handle(self, *args, allow_production: bool = False, **options) -> None:
        # 等保2.0: no built-in account with a known password in production.
        if settings.PRODUCTION and not allow_production:
            raise CommandError(
                "生产环境（DEBUG=false）不载入带已知密码的演示账号；确需载入请加 --allow-production。"
            )
        summary = demo_load()
        self.stdout.write(
            f"演示数据就绪：责任单位 {summary.units} 个，项目 {summary.projects} 个，"
            f"项目月报 {summary.reports} 条，单位统计数 {summary.figures} 条。"
        )
        self.stdout.write(
            f"业务日期已设为演示数据所在日期 {DEMO_TODAY:%Y年%-m月%-d日}"
            "（页面、定时任务和导出都按这一天计算；manage.py clock --real 恢复真实日期）。"
        )
        if settings.PRODUCTION:
            self.stdout.write("演示账号已创建；密码不在生产环境显示，首次登录须修改密码。")
            return
        created = {user.username for user in summary.created_users}
        self.stdout.write("演示账号（用户名 / 密码 / 角色 / 单位）：")
        for user in DEMO_USERS:
            password = (
                DEMO_PASSWORD if user.username in created else f"{DEMO_PASSWORD}（如已修改则以修改后为准）"
            )
            self.stdout.write(f"  {user.username:<18} {password}  {user.role.label}  {user.unit or '—'}")
