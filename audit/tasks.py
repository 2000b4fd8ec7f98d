from celery import shared_task
from django.conf import settings

from .backups import database_backup


@shared_task(acks_late=True)
def backup_database() -> str:
    return str(database_backup(output_dir=settings.BACKUP_DIR))
