from django.urls import path

from . import views

app_name = "accounts"

urlpatterns = [
    path("password/", views.password_change, name="password_change"),
    path("otp/setup/", views.otp_setup, name="otp_setup"),
    path("otp/verify/", views.otp_verify, name="otp_verify"),
    path("otp/recovery-codes/", views.otp_recovery_codes, name="otp_recovery_codes"),
    path("security/", views.security, name="security"),
    path("security/export/", views.security_export, name="security_export"),
    path("security/unlock/", views.unlock, name="unlock"),
    path("roles/", views.roles, name="roles"),
    path("roles/<int:account_id>/", views.roles_edit, name="roles_edit"),
]
