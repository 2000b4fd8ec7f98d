from __future__ import annotations

from datetime import timedelta
from functools import wraps

from django.conf import settings
from django.contrib.sessions.middleware import SessionMiddleware
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import add_never_cache_headers, patch_cache_control

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


def session_not_extended(view):
    """Marks a view whose requests are not the user's activity (a page polling for progress): they
    do not push the idle session's expiry forward, so an open page does not keep it alive."""

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        request.extends_session = False
        return view(request, *args, **kwargs)

    return wrapped


class IdleSessionMiddleware(SessionMiddleware):
    """Django's session middleware (SESSION_SAVE_EVERY_REQUEST: each request restarts the idle
    timeout), except for the requests of views marked ``session_not_extended``."""

    def process_response(self, request, response):
        if getattr(request, "extends_session", True) is False and not request.session.modified:
            return response
        return super().process_response(request, response)


class PrivateCacheMiddleware:
    """No page seen by a logged-in user and no file downloaded is kept by a browser or proxy cache
    (Cache-Control: no-store): a shared computer's next user cannot bring them back."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        user = getattr(request, "user", None)
        private = (user is not None and user.is_authenticated) or response.has_header("Content-Disposition")
        if private:
            add_never_cache_headers(response)
            patch_cache_control(response, private=True)
        return response


class ContentSecurityPolicyMiddleware:
    """Django 5.2 has no CSP of its own; one header for every response that does not set one."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        response.headers.setdefault("Content-Security-Policy", settings.CONTENT_SECURITY_POLICY)
        return response
