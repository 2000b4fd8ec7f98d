from django.contrib import admin
from django.contrib.auth.admin import GroupAdmin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.models import Group

from audit.models import AuditAction
from audit.services import audit_record

from .models import User


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
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

    def get_readonly_fields(self, request, obj=None):
        # A 系统管理员 manages accounts and roles but cannot make anyone (themselves included) a
        # superuser or give permissions beyond the roles: only a superuser can.
        if request.user.is_superuser:
            return ["password_changed_at"]
        return ["is_superuser", "user_permissions", "password_changed_at", "last_login", "date_joined"]

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        audit_record(
            request=request,
            action=AuditAction.USER_CHANGE,
            obj=form.instance,
            detail={
                "change": change,
                "fields": form.changed_data,
                "roles": sorted(form.instance.groups.values_list("name", flat=True)),
            },
        )

    def delete_model(self, request, obj):
        audit_record(request=request, action=AuditAction.USER_CHANGE, obj=obj, detail={"deleted": True})
        super().delete_model(request, obj)

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("groups")

    @admin.display(description="角色")
    def role_list(self, obj) -> str:
        return "、".join(group.name for group in obj.groups.all()) or "—"


class AuditedGroupAdmin(GroupAdmin):
    """Roles are groups: a change to one is a role change for the audit log."""

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        audit_record(
            request=request, action=AuditAction.USER_CHANGE, obj=form.instance, detail={"change": change}
        )

    def delete_model(self, request, obj):
        audit_record(request=request, action=AuditAction.USER_CHANGE, obj=obj, detail={"deleted": True})
        super().delete_model(request, obj)


admin.site.unregister(Group)
admin.site.register(Group, AuditedGroupAdmin)
