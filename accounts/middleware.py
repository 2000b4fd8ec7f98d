from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone

from .roles import OTP_ROLES
from .second_factor import has_second_factor


def password_change_due(user) -> bool:
    """First login (never changed by its owner) or older than PASSWORD_MAX_AGE_DAYS."""
    if not settings.FORCE_PASSWORD_CHANGE:
        return False
    changed = user.password_changed_at
    return changed is None or changed < timezone.now() - timedelta(days=settings.PASSWORD_MAX_AGE_DAYS)


def otp_due(request) -> bool:
    user = request.user
    needs = settings.OTP_REQUIRED and any(user.has_role(role) for role in OTP_ROLES)
    return needs and not user.is_verified()


def _exempt(path: str) -> bool:
    names = ("login", "logout", "accounts:password_change", "accounts:otp_setup", "accounts:otp_verify")
    return path in {reverse(name) for name in names} or path.startswith(
        ("/" + settings.STATIC_URL.lstrip("/"), "/" + settings.MEDIA_URL.lstrip("/"))
    )


class AccountSecurityMiddleware:
    """Sends a logged-in user to change their password, then to their second factor, before any
    other page (the admin's included)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and not _exempt(request.path):
            if password_change_due(user):
                return redirect(f"{reverse('accounts:password_change')}?next={request.path}")
            if otp_due(request):
                name = "accounts:otp_verify" if has_second_factor(user) else "accounts:otp_setup"
                return redirect(f"{reverse(name)}?next={request.path}")
        return self.get_response(request)


class ContentSecurityPolicyMiddleware:
    """Django 5.2 has no CSP of its own; one header for every response that does not set one."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        response.headers.setdefault("Content-Security-Policy", settings.CONTENT_SECURITY_POLICY)
        return response
