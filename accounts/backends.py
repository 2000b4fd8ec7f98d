from django.conf import settings
from django.contrib.auth.backends import ModelBackend


class RoleModelBackend(ModelBackend):
    """Django's backend, except that where SUPERUSER_BYPASS is off (production) a superuser's
    permissions are those of its roles, like anyone else's: the flag grants nothing by itself."""

    def _get_permissions(self, user_obj, obj, from_name):
        if not user_obj.is_superuser or settings.SUPERUSER_BYPASS:
            return super()._get_permissions(user_obj, obj, from_name)
        if not user_obj.is_active or user_obj.is_anonymous or obj is not None:
            return set()
        cache_name = f"_{from_name}_role_perm_cache"
        if not hasattr(user_obj, cache_name):
            perms = getattr(self, f"_get_{from_name}_permissions")(user_obj)
            perms = perms.values_list("content_type__app_label", "codename").order_by()
            setattr(user_obj, cache_name, {f"{app_label}.{codename}" for app_label, codename in perms})
        return getattr(user_obj, cache_name)
