from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from audit.backups import database_backup


class Command(BaseCommand):
    help = "备份数据库：PostgreSQL 用 pg_dump 自定义格式（pg_restore 恢复），SQLite 用在线备份。"

    def add_arguments(self, parser) -> None:
        parser.add_argument("--output", required=True, type=Path, help="备份文件存放目录")

    def handle(self, *args, output: Path, **options) -> None:
        try:
            target = database_backup(output_dir=output)
        except (OSError, NotImplementedError) as error:
            raise CommandError(f"备份失败：{error}") from error
        except Exception as error:  # pg_dump's own failure: show its message, not a traceback
            stderr = getattr(error, "stderr", b"") or b""
            raise CommandError(f"备份失败：{stderr.decode(errors='replace') or error}") from error
        self.stdout.write(f"已备份到 {target}")
