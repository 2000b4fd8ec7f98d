from django.urls import path

from . import views

app_name = "accounts"

urlpatterns = [
    path("password/", views.password_change, name="password_change"),
    path("otp/setup/", views.otp_setup, name="otp_setup"),
    path("otp/verify/", views.otp_verify, name="otp_verify"),
    path("security/", views.security, name="security"),
    path("security/unlock/", views.unlock, name="unlock"),
]
