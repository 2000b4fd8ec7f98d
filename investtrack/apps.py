from django.contrib.admin.apps import AdminConfig


class AuditedAdminConfig(AdminConfig):
    """Django's admin on investtrack.admin_site.AuditedAdminSite: read-only for frozen records,
    every change audited."""

    default_site = "investtrack.admin_site.AuditedAdminSite"
