"""Reads of the accounts: what the 安全管理员's pages list."""

from __future__ import annotations

from django.db.models import QuerySet

from .models import User


def accounts_with_roles() -> QuerySet[User]:
    """Every account with its unit and its roles (its groups), by username: two queries a page."""
    return User.objects.order_by("username").prefetch_related("groups").select_related("unit")
