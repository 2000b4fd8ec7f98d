from django.contrib import admin
from django.contrib.auth.admin import GroupAdmin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.models import Group
from django.shortcuts import get_object_or_404

from audit.models import AuditAction
from audit.services import audit_record

from .models import User
from .services import account_guarded, password_reset_check, user_password_reset_record


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    """Accounts for the 系统管理员: creating, deactivating, resetting passwords. Roles are not
    assigned here, by anyone: only the 安全管理员 does it, on its own page (accounts:roles), where
    each grant and revocation is audited; nobody gains the superuser flag or loose permissions."""

    list_display = ["username", "last_name", "first_name", "unit", "role_list", "is_active", "last_login"]
    list_filter = ["groups", "unit__kind", "is_active", "is_staff"]
    search_fields = ["username", "first_name", "last_name", "unit__name"]
    list_select_related = ["unit"]
    autocomplete_fields = ["unit"]
    fieldsets = [
        *DjangoUserAdmin.fieldsets,
        ("所属单位", {"fields": ["unit", "phone"]}),
        ("密码", {"fields": ["password_changed_at"]}),
    ]
    readonly_fields = [
        "is_superuser",
        "groups",
        "user_permissions",
        "password_changed_at",
        "last_login",
        "date_joined",
    ]

    def has_change_permission(self, request, obj=None):
        allowed = super().has_change_permission(request, obj)
        return allowed and (
            obj is None or obj.pk == request.user.pk or not account_guarded(actor=request.user, user=obj)
        )

    def has_delete_permission(self, request, obj=None):
        allowed = super().has_delete_permission(request, obj)
        return allowed and (obj is None or not account_guarded(actor=request.user, user=obj))

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        audit_record(
            request=request,
            action=AuditAction.USER_CHANGE,
            obj=form.instance,
            detail={"change": change, "fields": form.changed_data},
        )

    def delete_model(self, request, obj):
        audit_record(request=request, action=AuditAction.USER_CHANGE, obj=obj, detail={"deleted": True})
        super().delete_model(request, obj)

    def user_change_password(self, request, id, form_url=""):
        account = get_object_or_404(self.get_queryset(request), pk=id)
        password_reset_check(actor=request.user, user=account)
        response = super().user_change_password(request, id, form_url)
        if request.method == "POST" and response.status_code == 302:
            user_password_reset_record(actor=request.user, user=account)
        return response

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("groups")

    @admin.display(description="角色")
    def role_list(self, obj) -> str:
        return "、".join(group.name for group in obj.groups.all()) or "—"


class ReadOnlyGroupAdmin(GroupAdmin):
    """Roles are groups fixed by the migrations: nobody changes a role's permissions here."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


admin.site.unregister(Group)
admin.site.register(Group, ReadOnlyGroupAdmin)
