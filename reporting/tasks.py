"""Celery tasks: each takes plain values, calls one service and is safe to run twice."""

from celery import shared_task

from accounts.models import User
from common import clock
from common.periods import Period

from .services import exports, publication, rankings, schedule


@shared_task(acks_late=True)
def rank_period(year: int, month: int) -> int:
    return len(rankings.period_rank(period=Period(year, month)).runs)


@shared_task(acks_late=True)
def publish_period(year: int, month: int, user_id: int | None = None) -> int:
    actor = User.objects.filter(pk=user_id).first() if user_id else None
    return len(publication.period_publish(period=Period(year, month), actor=actor).runs)


@shared_task(acks_late=True)
def send_reminders() -> int:
    return schedule.reminders_send(today=clock.today())


@shared_task(acks_late=True)
def draft_due_rankings() -> int:
    return len(schedule.rankings_draft_due(today=clock.today()))


@shared_task(acks_late=True)
def run_due_assessments() -> int:
    return len(schedule.assessments_due(today=clock.today()))


@shared_task(acks_late=True)
def run_export(export_id: int) -> bool:
    return exports.export_run(export_id=export_id)


@shared_task(acks_late=True)
def expire_stale_exports() -> int:
    return exports.exports_expire_stale()


@shared_task(acks_late=True)
def send_weekly_dispatch() -> int:
    return schedule.weekly_dispatch_send(today=clock.today())
