from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from accounts import views as account_views
from accounts.permissions import authenticated_view
from reporting.views import home as home_views

admin.site.site_header = "固定资产投资管理系统"
admin.site.site_title = "固定资产投资管理系统"
admin.site.index_title = "系统管理"

handler400 = "common.views.bad_request"
handler403 = "audit.views.permission_denied"
handler404 = "api.pages.not_found"

urlpatterns = [
    path("", home_views.home, name="home"),
    path("login/", account_views.login_view, name="login"),
    path("logout/", authenticated_view(auth_views.LogoutView.as_view()), name="logout"),
    path("admin/", admin.site.urls),
    path("accounts/", include("accounts.urls")),
    path("api/", include("api.urls")),
    path("audit/", include("audit.urls")),
    path("projects/", include("projects.urls")),
    path("reporting/", include("reporting.urls")),
    path("stewards/", include("stewards.urls")),
    path("targets/", include("targets.urls")),
]
