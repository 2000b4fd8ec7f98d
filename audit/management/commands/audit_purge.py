from django.conf import settings
from django.core.management.base import BaseCommand

from audit.services import audit_purge


class Command(BaseCommand):
    help = "删除超过保存期（AUDIT_RETENTION_DAYS，不少于180天）的审计日志，其余不动。"

    def handle(self, *args, **options) -> None:
        deleted = audit_purge()
        self.stdout.write(f"已删除超过 {settings.AUDIT_RETENTION_DAYS} 天的审计事件 {deleted} 条。")
