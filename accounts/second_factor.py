"""The second factor (等保2.0 双因素认证) on django-otp.

A TOTP device per user: a code is accepted once only (django-otp keeps the last time step used,
so a code seen in one session is refused in another) and wrong codes slow the device down
(throttling) as well as counting toward the login lockout (accounts.lockout). Recovery codes for a
lost phone are django-otp static tokens: each is deleted as it is used.
"""

from __future__ import annotations

import io
from base64 import b32encode

import qrcode
import qrcode.image.svg
from django.db import transaction
from django_otp.models import Device
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

TOTP_DEVICE_NAME = "身份验证器"
RECOVERY_DEVICE_NAME = "恢复码"
RECOVERY_CODE_COUNT = 10


def has_second_factor(user) -> bool:
    return TOTPDevice.objects.filter(user=user, confirmed=True).exists()


def totp_device_pending(*, user) -> TOTPDevice:
    """The device being bound: its key waits, unconfirmed, until a code from the app is right."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("pk").first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name=TOTP_DEVICE_NAME, confirmed=False)
    return device


def totp_device_confirm(*, device: TOTPDevice, code: str) -> bool:
    """Confirms the device when ``code`` is right; it then replaces any device bound before."""
    with transaction.atomic():
        device = TOTPDevice.objects.select_for_update().get(pk=device.pk)
        if not device.verify_token(_clean(code)):
            return False
        device.confirmed = True
        device.save(update_fields=["confirmed"])
        TOTPDevice.objects.filter(user=device.user).exclude(pk=device.pk).delete()
    return True


def second_factor_verify(*, user, code: str) -> Device | None:
    """The device that accepts ``code`` (the TOTP app, or a recovery code, used up), or None.

    Each device is locked while it checks, so two sessions cannot both use one code."""
    code = _clean(code)
    with transaction.atomic():
        for model in (TOTPDevice, StaticDevice):
            for device in model.objects.select_for_update().filter(user=user, confirmed=True).order_by("pk"):
                if device.verify_token(code):
                    return device
    return None


def recovery_codes_new(*, user) -> list[str]:
    """New one-time recovery codes for the user; the previous ones stop working."""
    with transaction.atomic():
        device, _ = StaticDevice.objects.get_or_create(
            user=user, name=RECOVERY_DEVICE_NAME, defaults={"confirmed": True}
        )
        device.token_set.all().delete()
        codes = [StaticToken.random_token() for _ in range(RECOVERY_CODE_COUNT)]
        StaticToken.objects.bulk_create([StaticToken(device=device, token=code) for code in codes])
    return codes


def recovery_codes_left(*, user) -> int:
    return StaticToken.objects.filter(device__user=user, device__confirmed=True).count()


def totp_key_text(device: TOTPDevice) -> str:
    """The key as an authenticator app asks for it when typed by hand (base32, in groups of 4)."""
    key = b32encode(device.bin_key).decode().rstrip("=")
    return " ".join(key[i : i + 4] for i in range(0, len(key), 4))


def qr_code_svg(text: str) -> str:
    """``text`` as a QR code, an inline SVG drawn here: nothing is fetched or loaded at run time."""
    image = qrcode.make(text, image_factory=qrcode.image.svg.SvgPathImage, box_size=8, border=2)
    out = io.BytesIO()
    image.save(out)
    svg = out.getvalue().decode()
    return svg[svg.index("<svg") :]


def _clean(code: str) -> str:
    return (code or "").strip().replace(" ", "").lower()
