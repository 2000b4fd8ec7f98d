from django.core.management.base import BaseCommand, CommandError

from audit.db_roles import app_role_grant, role_is_safe


class Command(BaseCommand):
    help = (
        "以数据表所有者身份运行：授予应用数据库角色读写业务表的权限，"
        "而审计日志和数据变更历史表只能查询和追加（无 UPDATE/DELETE/TRUNCATE）。每次 migrate 后运行。"
    )

    def add_arguments(self, parser):
        parser.add_argument("role", help="应用连接数据库所用的角色名")

    def handle(self, *args, role: str, **options) -> None:
        problems = role_is_safe(role=role)
        if problems:
            raise CommandError("；".join(problems) + "。应用角色不得是超级用户或数据表所有者。")
        app_role_grant(role=role)
        self.stdout.write(f"已为角色 {role} 设置权限：审计日志和变更历史只能查询和追加。")
