"""The second factor moves to django-otp: each user's TOTP secret becomes a confirmed TOTP device
(same key, so the phone app keeps working), then the column goes. Passwords get a history. The
系统管理员 loses the right to change role groups: only the 安全管理员 assigns roles, on its own page."""

import base64
import binascii

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


def secrets_to_devices(apps, schema_editor):
    User = apps.get_model("accounts", "User")
    TOTPDevice = apps.get_model("otp_totp", "TOTPDevice")
    for user in User.objects.exclude(otp_secret="").only("pk", "otp_secret"):
        key = binascii.hexlify(base64.b32decode(user.otp_secret)).decode()
        TOTPDevice.objects.create(user_id=user.pk, name="身份验证器", key=key, confirmed=True)


def devices_to_secrets(apps, schema_editor):
    User = apps.get_model("accounts", "User")
    TOTPDevice = apps.get_model("otp_totp", "TOTPDevice")
    for device in TOTPDevice.objects.filter(confirmed=True):
        secret = base64.b32encode(binascii.unhexlify(device.key)).decode()
        User.objects.filter(pk=device.user_id).update(otp_secret=secret)


def system_admin_stops_changing_roles(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group = Group.objects.filter(name="系统管理员").first()
    if group is not None:
        group.permissions.remove(
            *Permission.objects.filter(content_type__app_label="auth", codename="change_group")
        )


class Migration(migrations.Migration):

    dependencies = [
        ('accounts', '0005_security_role_groups'),
        ('otp_totp', '0003_add_timestamps'),
    ]

    operations = [
        migrations.RunPython(secrets_to_devices, devices_to_secrets),
        migrations.RunPython(system_admin_stops_changing_roles, migrations.RunPython.noop),
        migrations.RemoveField(
            model_name='user',
            name='otp_secret',
        ),
        migrations.CreateModel(
            name='PasswordHistoryEntry',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('password', models.CharField(max_length=128, verbose_name='密码摘要')),
                ('created_at', models.DateTimeField(auto_now_add=True, verbose_name='设置时间')),
                ('user', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='password_history', to=settings.AUTH_USER_MODEL, verbose_name='用户')),
            ],
            options={
                'verbose_name': '历史密码',
                'verbose_name_plural': '历史密码',
                'ordering': ['-created_at', '-pk'],
                'default_permissions': (),
            },
        ),
    ]
