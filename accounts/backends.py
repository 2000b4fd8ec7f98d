from django.contrib.auth.backends import ModelBackend
from django.core.exceptions import PermissionDenied

from .lockout import account_locked_until


class LockoutModelBackend(ModelBackend):
    """Refuses a locked account before looking at its password, so the right password does not
    open it either (Django then reports the attempt as a failed login). The admin's login goes
    through here too."""

    def authenticate(self, request, username=None, password=None, **kwargs):
        if username is not None and account_locked_until(username=username) is not None:
            raise PermissionDenied("账号已锁定。")
        return super().authenticate(request, username=username, password=password, **kwargs)
