from django.contrib.auth.management import create_permissions
from django.db import migrations

SECURITY_ROLES = {
    # 系统管理员: users and roles in the admin, nothing else.
    "系统管理员": [
        ("accounts", "user", ["view", "add", "change"]),
        ("auth", "group", ["view", "change"]),
    ],
    # 安全管理员 and 审计管理员 work on their own pages, guarded by role.
    "安全管理员": [],
    "审计管理员": [],
}


def create_security_groups(apps, schema_editor):
    # Permissions are normally created after migrating; create them now to grant them.
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for name, grants in SECURITY_ROLES.items():
        group, _ = Group.objects.get_or_create(name=name)
        for app_label, model, actions in grants:
            for action in actions:
                group.permissions.add(
                    Permission.objects.get(content_type__app_label=app_label, codename=f"{action}_{model}")
                )


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0004_user_otp_secret_user_password_changed_at"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(create_security_groups, migrations.RunPython.noop)]
