"""Django's and django-axes' auth signals feed the audit log; the logic lives in the services."""

from axes.signals import user_locked_out
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver

from accounts.lockout import lockout_record, login_failure_record

from .models import AuditAction
from .services import audit_record


@receiver(user_logged_in, dispatch_uid="audit_login")
def _logged_in(sender, request, user, **kwargs):
    audit_record(request=request, actor=user, action=AuditAction.LOGIN)


@receiver(user_logged_out, dispatch_uid="audit_logout")
def _logged_out(sender, request, user, **kwargs):
    if user is not None:
        audit_record(request=request, actor=user, action=AuditAction.LOGOUT)


@receiver(user_login_failed, dispatch_uid="audit_login_failed")
def _login_failed(sender, credentials, request=None, **kwargs):
    login_failure_record(request=request, credentials=credentials)


@receiver(user_locked_out, dispatch_uid="audit_locked_out")
def _locked_out(sender, request, username=None, **kwargs):
    lockout_record(request=request, username=username)
