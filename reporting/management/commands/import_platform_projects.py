from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from projects.imports.platform import platform_projects_import

from ._imports import actor, add_user_argument


class Command(BaseCommand):
    help = (
        "导入投资项目在线审批监管平台导出的项目列表：按项目代码匹配本系统已有项目，补填项目单位、联系人、"
        "联系电话、立项（审批、核准、备案）日期等空白信息，不覆盖已填内容，不新增项目。有任何错误则不导入。"
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("file", help="在线平台导出的 .xlsx 文件")
        add_user_argument(parser)

    def handle(self, *args, **options) -> None:
        outcome = platform_projects_import(
            source=options["file"], actor=actor(options["user"]), file_name=Path(options["file"]).name
        )
        if outcome.errors:
            for error in outcome.errors:
                self.stderr.write(error)
            raise CommandError(f"未导入：共 {outcome.error_count} 处问题，数据库未作任何修改。")
        self.stdout.write(f"匹配项目 {outcome.matched} 个，补填信息 {outcome.updated} 个。")
        if outcome.unmatched:
            self.stdout.write(f"以下 {len(outcome.unmatched)} 个本辖区项目代码尚未在本系统登记：")
            for code in outcome.unmatched:
                self.stdout.write(f"  {code}")
