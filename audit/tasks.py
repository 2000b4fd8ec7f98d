from celery import shared_task
from django.conf import settings

from .backups import database_backup
from .services import audit_purge


@shared_task(acks_late=True)
def backup_database() -> str:
    return str(database_backup(output_dir=settings.BACKUP_DIR))


@shared_task(acks_late=True)
def purge_expired_events() -> int:
    return audit_purge()
