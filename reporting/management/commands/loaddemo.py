from django.core.management.base import BaseCommand

from reporting.demo import DEMO_PASSWORD, DEMO_USERS, demo_load


class Command(BaseCommand):
    help = (
        "载入演示数据：郑州经开区2022年固定资产投资（目标分解、项目、月报、统计数据、演示用户）。可重复运行。"
    )

    def handle(self, *args, **options) -> None:
        summary = demo_load()
        self.stdout.write(
            f"演示数据就绪：责任单位 {summary.units} 个，项目 {summary.projects} 个，"
            f"项目月报 {summary.reports} 条，单位统计数 {summary.figures} 条。"
        )
        created = {user.username for user in summary.created_users}
        self.stdout.write("演示账号（用户名 / 密码 / 角色 / 单位）：")
        for user in DEMO_USERS:
            password = (
                DEMO_PASSWORD if user.username in created else f"{DEMO_PASSWORD}（如已修改则以修改后为准）"
            )
            self.stdout.write(f"  {user.username:<18} {password}  {user.role.label}  {user.unit or '—'}")
