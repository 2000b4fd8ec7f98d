"""What the project services share: saving with the history's user, the row lock, no future dates."""

from __future__ import annotations

from datetime import date

from django.core.exceptions import ValidationError
from django.db import models

from accounts.models import User
from common import clock

from ..models import Project


def save_as(instance: models.Model, *, actor: User | None) -> None:
    instance.full_clean()
    # simple_history takes the user from the request; commands and services name it themselves.
    instance._history_user = actor
    instance.save()


def refuse_future(value: date | None, label: str) -> None:
    if value is not None and value > clock.today():
        raise ValidationError(f"{label}不能晚于今天。")


def project_locked(project: Project) -> Project:
    """Re-read the project under a row lock, so two people moving it at once cannot both succeed."""
    return Project.objects.select_for_update().get(pk=project.pk)
