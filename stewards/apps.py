from django.apps import AppConfig


class StewardsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "stewards"
    verbose_name = "项目管家现场"
