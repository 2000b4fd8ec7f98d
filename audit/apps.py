from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "audit"
    verbose_name = "安全审计"

    def ready(self) -> None:
        # Django's auth signals are the only place login, logout and failed logins can be seen.
        from . import signals  # noqa: F401
