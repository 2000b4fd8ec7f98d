"""Django's auth signals feed the audit log and the lockout; the logic lives in the services."""

from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver

from accounts.lockout import login_failure_handle

from .models import AuditAction
from .services import audit_record


@receiver(user_logged_in, dispatch_uid="audit_login")
def _logged_in(sender, request, user, **kwargs):
    audit_record(request=request, user=user, action=AuditAction.LOGIN)


@receiver(user_logged_out, dispatch_uid="audit_logout")
def _logged_out(sender, request, user, **kwargs):
    if user is not None:
        audit_record(request=request, user=user, action=AuditAction.LOGOUT)


@receiver(user_login_failed, dispatch_uid="audit_login_failed")
def _login_failed(sender, credentials, request=None, **kwargs):
    login_failure_handle(request=request, username=str(credentials.get("username", "")))
