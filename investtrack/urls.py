from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from accounts.permissions import authenticated_view, public_view
from targets import views as target_views

admin.site.site_header = "固定资产投资管理系统"
admin.site.site_title = "固定资产投资管理系统"
admin.site.index_title = "系统管理"

urlpatterns = [
    path("", target_views.home, name="home"),
    path("login/", public_view(auth_views.LoginView.as_view()), name="login"),
    path("logout/", authenticated_view(auth_views.LogoutView.as_view()), name="logout"),
    path("admin/", admin.site.urls),
    path("projects/", include("projects.urls")),
    path("reporting/", include("reporting.urls")),
    path("targets/", include("targets.urls")),
]
