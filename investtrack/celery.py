"""The Celery application. The beat schedule lives here and nowhere else."""

import os

from celery import Celery
from celery.schedules import crontab
from django.conf import settings

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "investtrack.settings")

app = Celery("investtrack")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

app.conf.beat_schedule = {
    "daily-reminders": {"task": "reporting.tasks.send_reminders", "schedule": crontab(hour=8, minute=0)},
    "daily-draft-rankings-after-deadline": {
        "task": "reporting.tasks.draft_due_rankings",
        "schedule": crontab(hour=8, minute=30),
    },
    "weekly-dispatch": {
        "task": "reporting.tasks.send_weekly_dispatch",
        "schedule": crontab(day_of_week="mon", hour=8, minute=15),
    },
    "daily-quarter-and-year-end-assessments": {
        "task": "reporting.tasks.run_due_assessments",
        "schedule": crontab(hour=9, minute=0),
    },
    "stale-exports-marked-failed": {
        "task": "reporting.tasks.expire_stale_exports",
        "schedule": crontab(minute="*/10"),
    },
    "nightly-database-backup": {"task": "audit.tasks.backup_database", "schedule": crontab(hour=2, minute=0)},
}
if settings.AUDIT_PURGE_SCHEDULED:
    app.conf.beat_schedule["monthly-audit-log-retention-purge"] = {
        "task": "audit.tasks.purge_expired_events",
        "schedule": crontab(day_of_month=1, hour=3, minute=0),
    }
