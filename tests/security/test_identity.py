"""等保2.0 身份鉴别: password rules, lockout, forced password change, idle sessions, TOTP."""

import base64
import time
from contextlib import contextmanager
from datetime import timedelta
from unittest import mock

import pytest
from django.contrib.auth.models import Group
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.test import Client, override_settings
from django.urls import reverse
from django.utils import timezone, translation
from django_otp.oath import TOTP
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.models import User
from accounts.roles import Role
from accounts.second_factor import recovery_codes_new
from audit.models import AuditAction, AuditEvent, AuditResult
from demo.constants import DEMO_PASSWORD
from tests.base import DemoTestCase

# A key production accepts (long, varied): only for starting the settings in a subprocess.
TEST_SECRET_KEY = "k7#Qz!Vb9@mR2$wL5%pT8^xN3&jF6*hD1(sG4)yC0-k7#Qz!Vb9@mR2"

NEW_PASSWORD = "Xq7#mnbTr2"


@pytest.mark.parametrize(
    ("password", "reason"),
    [
        ("Ab1#xyz", "8 个字符"),
        ("abcdefgh1", "至少 3 类"),
        ("ABCDEFGH!", "至少 3 类"),
        ("Password1", "常见"),
        ("12345678", "至少 3 类"),
    ],
)
def test_a_weak_password_is_refused_with_a_chinese_reason(password, reason):
    with translation.override("zh-hans"), pytest.raises(ValidationError) as refused:
        validate_password(password)
    assert any(reason in message for message in refused.value.messages), refused.value.messages


def test_a_password_equal_to_the_username_is_refused():
    user = User(username="Minghu_2022a")
    with pytest.raises(ValidationError) as refused:
        validate_password("Minghu_2022a", user)
    assert "不能与用户名相同" in " ".join(refused.value.messages)


@pytest.mark.parametrize("password", ["Xq7#mnbTr2", "xq7#mnbtr2", "XQ7MNBTR2a", "qwer!ZXCV"])
def test_a_password_of_three_character_classes_is_accepted(password):
    validate_password(password, User(username="someone"))


@contextmanager
def _axes_clock(at):
    with (
        mock.patch("axes.attempts.now", return_value=at),
        mock.patch("axes.handlers.proxy.now", return_value=at),
    ):
        yield


class LockoutTests(DemoTestCase):
    def login(self, password, address="127.0.0.1", username="minghu_reporter"):
        return self.client.post(
            reverse("login"), {"username": username, "password": password}, REMOTE_ADDR=address
        )

    def test_five_wrong_passwords_lock_the_login_even_against_the_right_one_and_each_is_logged(self):
        for _ in range(4):
            assert "用户名或密码错误" in self.login("wrong-Password1").content.decode()
        # The fifth wrong password locks the login and says so.
        assert "账号已在本地址锁定" in self.login("wrong-Password1").content.decode()
        assert "账号已在本地址锁定" in self.login("wrong-Password1").content.decode()
        refused = self.login(DEMO_PASSWORD)
        assert refused.status_code == 429
        assert "账号已在本地址锁定" in refused.content.decode()
        assert "_auth_user_id" not in self.client.session

        events = AuditEvent.objects.filter(username="minghu_reporter").order_by("pk")
        failed = events.filter(action=AuditAction.LOGIN_FAILED, result=AuditResult.FAILURE)
        assert [e.detail["reason"] for e in failed] == ["wrong_password"] * 5 + ["account_locked"] * 2
        assert events.filter(action=AuditAction.LOCKOUT).count() == 1
        assert all(event.source_ip == "127.0.0.1" for event in events)
        assert not events.filter(action=AuditAction.LOGIN).exists()

    def test_a_lock_from_one_address_does_not_lock_the_colleague_out_from_another(self):
        for _ in range(6):
            self.login("wrong-Password1", address="203.0.113.9")
        assert self.login(DEMO_PASSWORD, address="203.0.113.9").status_code == 429
        assert self.login(DEMO_PASSWORD, address="10.1.2.3").status_code == 302

    def test_the_admin_login_is_locked_too(self):
        for _ in range(5):
            self.login("wrong-Password1")
        self.client.post(reverse("admin:login"), {"username": "minghu_reporter", "password": DEMO_PASSWORD})
        assert "_auth_user_id" not in self.client.session

    def test_a_successful_login_does_not_reset_the_count(self):
        for _ in range(4):
            self.login("wrong-Password1")
        assert self.login(DEMO_PASSWORD).status_code == 302
        self.client.post(reverse("logout"))
        assert self.login("wrong-Password1").status_code == 429
        assert self.login(DEMO_PASSWORD).status_code == 429

    def test_failures_older_than_fifteen_minutes_do_not_count(self):
        from django.conf import settings

        assert settings.LOGIN_FAILURE_LIMIT == 5
        assert timedelta(minutes=15) == settings.AXES_COOLOFF_TIME
        for _ in range(4):
            self.login("wrong-Password1")
        later = timezone.now() + timedelta(minutes=16)
        with _axes_clock(later):
            self.login("wrong-Password1")
            assert not AuditEvent.objects.filter(action=AuditAction.LOCKOUT).exists()
            assert self.login(DEMO_PASSWORD).status_code == 302

    def test_the_lock_ends_after_fifteen_minutes(self):
        for _ in range(5):
            self.login("wrong-Password1")
        assert self.login(DEMO_PASSWORD).status_code == 429
        later = timezone.now() + timedelta(minutes=16)
        with _axes_clock(later):
            assert self.login(DEMO_PASSWORD).status_code == 302

    def test_a_security_admin_unlocks_the_account_and_the_unlock_is_logged(self):
        for _ in range(5):
            self.login("wrong-Password1")
        security = User.objects.create_user("anquan", password=NEW_PASSWORD)
        security.groups.add(Group.objects.get(name=Role.SECURITY_ADMIN))
        self.client.force_login(security)
        page = self.client.get(reverse("accounts:security")).content.decode()
        assert "minghu_reporter" in page and "127.0.0.1" in page
        self.client.post(reverse("accounts:unlock"), {"username": "minghu_reporter"})
        unlock = AuditEvent.objects.get(action=AuditAction.ACCOUNT_UNLOCK)
        assert (unlock.user, unlock.object_repr) == (
            security,
            str(User.objects.get(username="minghu_reporter")),
        )
        self.client.logout()
        assert self.login(DEMO_PASSWORD).status_code == 302

    def test_a_reporter_cannot_unlock(self):
        self.client.force_login(User.objects.get(username="minghu_reporter"))
        assert self.client.post(reverse("accounts:unlock"), {"username": "x"}).status_code == 403
        assert self.client.get(reverse("accounts:security")).status_code == 403


@override_settings(FORCE_PASSWORD_CHANGE=True, PASSWORD_MAX_AGE_DAYS=90)
class ForcedPasswordChangeTests(DemoTestCase):
    def test_a_demo_user_must_change_the_password_at_first_login(self):
        response = self.client.post(reverse("login"), {"username": "leader", "password": DEMO_PASSWORD})
        assert response.status_code == 302
        home = self.client.get(reverse("home"))
        assert home.status_code == 302
        assert home.url.startswith(reverse("accounts:password_change"))
        # The admin is behind the same gate.
        assert self.client.get(reverse("admin:index")).url.startswith(reverse("accounts:password_change"))

        page = self.client.get(home.url).content.decode()
        assert "首次登录" in page
        refused = self.client.post(
            home.url,
            {"old_password": DEMO_PASSWORD, "new_password1": "abcdefgh", "new_password2": "abcdefgh"},
        ).content.decode()
        assert "至少 3 类" in refused

        changed = self.client.post(
            home.url + "?next=/",
            {"old_password": DEMO_PASSWORD, "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
        )
        assert changed.status_code == 302
        assert self.client.get(reverse("home")).status_code == 200
        assert AuditEvent.objects.filter(action=AuditAction.PASSWORD_CHANGE, username="leader").exists()

    def test_the_forced_change_refuses_the_current_password(self):
        self.client.post(reverse("login"), {"username": "leader", "password": DEMO_PASSWORD})
        url = reverse("accounts:password_change")
        refused = self.client.post(
            url,
            {"old_password": DEMO_PASSWORD, "new_password1": DEMO_PASSWORD, "new_password2": DEMO_PASSWORD},
        )
        assert "不能与当前密码相同" in refused.content.decode()
        assert self.client.get(reverse("home")).url.startswith(url)

    def test_a_new_password_may_not_be_any_of_the_last_five(self):
        leader = User.objects.get(username="leader")
        self.client.force_login(leader)
        url = reverse("accounts:password_change")
        passwords = [f"Hist#{n}pwXyz" for n in range(6)]
        current = DEMO_PASSWORD
        for password in passwords:
            response = self.client.post(
                url, {"old_password": current, "new_password1": password, "new_password2": password}
            )
            assert response.status_code == 302, response.content.decode()[:2000]
            current = password
        for reused in passwords[1:]:
            refused = self.client.post(
                url, {"old_password": current, "new_password1": reused, "new_password2": reused}
            )
            assert refused.status_code == 200
            assert "不能与当前密码" in refused.content.decode() or "最近 5 次" in refused.content.decode()
        # The sixth password back has left the history.
        assert (
            self.client.post(
                url, {"old_password": current, "new_password1": passwords[0], "new_password2": passwords[0]}
            ).status_code
            == 302
        )

    def test_a_password_older_than_the_maximum_age_must_be_changed(self):
        leader = User.objects.get(username="leader")
        leader.password_changed_at = timezone.now() - timedelta(days=89)
        leader.save()
        self.client.force_login(leader)
        assert self.client.get(reverse("home")).status_code == 200
        leader.password_changed_at = timezone.now() - timedelta(days=91)
        leader.save()
        assert self.client.get(reverse("home")).url.startswith(reverse("accounts:password_change"))

    def test_an_administrators_reset_forces_a_change_again(self):
        leader = User.objects.get(username="leader")
        leader.password_changed_at = timezone.now()
        leader.set_password(NEW_PASSWORD)
        assert leader.password_changed_at is None


class IdleSessionTests(DemoTestCase):
    def test_a_session_ends_after_thirty_idle_minutes_and_each_request_extends_it(self):
        from django.conf import settings

        assert settings.SESSION_COOKIE_AGE == 1800
        assert settings.SESSION_SAVE_EVERY_REQUEST
        self.client.post(reverse("login"), {"username": "leader", "password": DEMO_PASSWORD})
        assert self.client.get(reverse("home")).status_code == 200
        assert self.client.session.get_expiry_age() == 1800
        later = timezone.now() + timedelta(seconds=1801)
        with mock.patch("django.contrib.sessions.backends.db.timezone.now", return_value=later):
            response = self.client.get(reverse("home"))
        assert response.status_code == 302
        assert response.url.startswith(reverse("login"))


def _code(device: TOTPDevice, at: float | None = None) -> str:
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = time.time() if at is None else at
    return f"{totp.token():06d}"


def _wrong(device: TOTPDevice) -> str:
    return "000000" if _code(device) != "000000" else "111111"


def _bind(username: str) -> TOTPDevice:
    return TOTPDevice.objects.create(user=User.objects.get(username=username), name="app", confirmed=True)


@override_settings(OTP_REQUIRED=True)
class OtpTests(DemoTestCase):
    def login(self, username="reviewer", client=None):
        client = client or self.client
        client.post(reverse("login"), {"username": username, "password": DEMO_PASSWORD})
        return client

    def test_the_reviewer_binds_a_second_factor_from_a_qr_code_and_gets_recovery_codes(self):
        self.login()
        setup = self.client.get(reverse("home"))
        assert setup.url.startswith(reverse("accounts:otp_setup"))
        page = self.client.get(setup.url).content.decode()
        device = TOTPDevice.objects.get(user__username="reviewer", confirmed=False)
        assert "<svg" in page and "<path" in page
        assert "otpauth://totp/" in page and "secret=" in page
        key = base64.b32encode(device.bin_key).decode()
        assert key[:4] + " " + key[4:8] in page
        wrong = self.client.post(setup.url, {"code": _wrong(device)})
        assert "动态口令不正确" in wrong.content.decode()
        device.refresh_from_db()
        device.throttling_failure_count = 0
        device.throttling_failure_timestamp = None
        device.save()
        bound = self.client.post(setup.url, {"code": _code(device)})
        assert bound.status_code == 200
        codes = StaticToken.objects.filter(device__user__username="reviewer").values_list("token", flat=True)
        assert len(codes) == 10 and all(code in bound.content.decode() for code in codes)
        assert TOTPDevice.objects.get(user__username="reviewer").confirmed
        assert self.client.get(reverse("home")).status_code == 200
        actions = set(AuditEvent.objects.filter(username="reviewer").values_list("action", flat=True))
        assert AuditAction.OTP_SETUP in actions

    def test_a_secret_bound_before_keeps_working_after_the_migration(self):
        import importlib

        migration = importlib.import_module("accounts.migrations.0006_otp_devices_and_password_history")
        reviewer = User.objects.get(username="reviewer")
        secret = base64.b32encode(b"12345678901234567890").decode()

        class Rows:
            def exclude(self, **kwargs):
                return self

            def only(self, *names):
                return [type("U", (), {"pk": reviewer.pk, "otp_secret": secret})()]

        class FakeApps:
            def get_model(self, app, name):
                return type("M", (), {"objects": Rows()}) if name == "User" else TOTPDevice

        migration.secrets_to_devices(FakeApps(), None)
        device = TOTPDevice.objects.get(user=reviewer)
        assert device.confirmed and device.bin_key == b"12345678901234567890"
        # RFC 6238 appendix B: this key at T=59 gives 94287082 (8 digits; the app shows the last 6).
        assert _code(device, at=59) == "287082"

    def test_a_code_is_accepted_once_only_even_in_another_session(self):
        device = _bind("reviewer")
        code = _code(device)
        self.login()
        assert self.client.post(reverse("accounts:otp_verify"), {"code": code}).status_code == 302
        assert self.client.get(reverse("home")).status_code == 200

        other = self.login(client=Client())
        replay = other.post(reverse("accounts:otp_verify"), {"code": code})
        assert replay.status_code == 200
        assert "动态口令不正确" in replay.content.decode()
        assert other.get(reverse("home")).url.startswith(reverse("accounts:otp_verify"))

    def test_a_recovery_code_opens_the_session_once(self):
        device = _bind("reviewer")
        codes = recovery_codes_new(user=device.user)
        self.login()
        assert self.client.post(reverse("accounts:otp_verify"), {"code": codes[0]}).status_code == 302
        assert self.client.get(reverse("home")).status_code == 200
        other = self.login(client=Client())
        assert other.post(reverse("accounts:otp_verify"), {"code": codes[0]}).status_code == 200
        assert StaticToken.objects.filter(device__user=device.user).count() == 9

    def test_a_wrong_code_slows_the_device_down(self):
        device = _bind("reviewer")
        self.login()
        self.client.post(reverse("accounts:otp_verify"), {"code": _wrong(device)})
        # Throttled: even the right code is refused straight after a wrong one.
        refused = self.client.post(reverse("accounts:otp_verify"), {"code": _code(device)})
        assert refused.status_code == 200
        device.refresh_from_db()
        assert device.throttling_failure_count >= 1

    def test_five_wrong_codes_lock_the_login_and_end_the_session(self):
        device = _bind("reviewer")
        self.login()
        for _ in range(5):
            response = self.client.post(reverse("accounts:otp_verify"), {"code": _wrong(device)})
        # The session ends, and django-axes answers with the login page saying it is locked.
        assert response.status_code == 429
        assert "账号已在本地址锁定" in response.content.decode()
        assert "_auth_user_id" not in self.client.session
        assert AuditEvent.objects.filter(action=AuditAction.LOCKOUT, username="reviewer").exists()
        assert (
            self.client.post(
                reverse("login"), {"username": "reviewer", "password": DEMO_PASSWORD}
            ).status_code
            == 429
        )

    def test_wrong_codes_count_across_password_logins(self):
        device = _bind("reviewer")
        for _ in range(4):
            self.login()
            self.client.post(reverse("accounts:otp_verify"), {"code": _wrong(device)})
            self.client.post(reverse("logout"))
        # Each new password login started no fresh count: the fifth wrong code locks.
        self.login()
        response = self.client.post(reverse("accounts:otp_verify"), {"code": _wrong(device)})
        assert response.status_code == 429
        assert "_auth_user_id" not in self.client.session
        assert AuditEvent.objects.filter(action=AuditAction.LOCKOUT, username="reviewer").count() == 1

    def test_a_reporter_needs_no_second_factor(self):
        self.client.post(reverse("login"), {"username": "minghu_reporter", "password": DEMO_PASSWORD})
        assert self.client.get(reverse("home")).status_code == 200


def test_the_second_factor_is_on_by_default_in_production_and_off_in_development():
    import subprocess
    import sys

    code = "from django.conf import settings; print(settings.OTP_REQUIRED)"
    for debug, expected in (("false", "True"), ("true", "False")):
        out = subprocess.run(
            [sys.executable, "-c", f"import django; django.setup(); {code}"],
            env=_env(DEBUG=debug),
            capture_output=True,
            text=True,
            check=True,
        )
        assert out.stdout.strip() == expected


def _env(**overrides):
    import os

    env = {k: v for k, v in os.environ.items() if k not in ("OTP_REQUIRED",)}
    env.update(
        DJANGO_SETTINGS_MODULE="investtrack.settings",
        SECRET_KEY=TEST_SECRET_KEY,
        **overrides,
    )
    return env
