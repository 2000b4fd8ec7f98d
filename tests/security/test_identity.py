"""等保2.0 身份鉴别: password rules, lockout, forced password change, idle sessions, TOTP."""

from datetime import timedelta
from unittest import mock

import pytest
from django.contrib.auth.models import Group
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone, translation

from accounts.models import User
from accounts.roles import Role
from accounts.totp import totp_code, totp_secret_new, totp_verify
from audit.models import AuditAction, AuditEvent, AuditResult
from reporting.demo import DEMO_PASSWORD
from tests.base import DemoTestCase

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


class LockoutTests(DemoTestCase):
    def login(self, password):
        return self.client.post(reverse("login"), {"username": "minghu_reporter", "password": password})

    def test_six_wrong_passwords_lock_the_account_even_against_the_right_one_and_each_is_logged(self):
        for _ in range(4):
            assert "用户名或密码错误" in self.login("wrong-Password1").content.decode()
        # The fifth wrong password locks the account and says so.
        assert "账号已锁定" in self.login("wrong-Password1").content.decode()
        assert "账号已锁定" in self.login("wrong-Password1").content.decode()
        refused = self.login(DEMO_PASSWORD)
        assert refused.status_code == 200
        assert "账号已锁定" in refused.content.decode()
        assert "_auth_user_id" not in self.client.session

        events = AuditEvent.objects.filter(username="minghu_reporter").order_by("pk")
        failed = events.filter(action=AuditAction.LOGIN_FAILED, result=AuditResult.FAILURE)
        assert failed.count() == 7
        assert [e.detail["reason"] for e in failed] == ["wrong_password"] * 5 + ["account_locked"] * 2
        assert events.filter(action=AuditAction.LOCKOUT).count() == 1
        assert all(event.source_ip == "127.0.0.1" for event in events)
        assert not events.filter(action=AuditAction.LOGIN).exists()

    def test_the_admin_login_is_locked_too(self):
        for _ in range(5):
            self.login("wrong-Password1")
        response = self.client.post(
            reverse("admin:login"), {"username": "minghu_reporter", "password": DEMO_PASSWORD}
        )
        assert "_auth_user_id" not in self.client.session
        assert response.status_code == 200

    def test_failures_older_than_the_window_do_not_count(self):
        for _ in range(4):
            self.login("wrong-Password1")
        later = timezone.now() + timedelta(minutes=16)
        with mock.patch("accounts.lockout.timezone.now", return_value=later):
            self.login("wrong-Password1")
            assert not AuditEvent.objects.filter(action=AuditAction.LOCKOUT).exists()

    @override_settings(LOCKOUT_MINUTES=30)
    def test_the_lock_ends_after_the_configured_time(self):
        for _ in range(5):
            self.login("wrong-Password1")
        later = timezone.now() + timedelta(minutes=31)
        with mock.patch("accounts.lockout.timezone.now", return_value=later):
            assert self.login(DEMO_PASSWORD).status_code == 302

    def test_a_security_admin_unlocks_the_account_and_the_unlock_is_logged(self):
        for _ in range(5):
            self.login("wrong-Password1")
        security = User.objects.create_user("anquan", password=NEW_PASSWORD)
        security.groups.add(Group.objects.get(name=Role.SECURITY_ADMIN))
        self.client.force_login(security)
        page = self.client.get(reverse("accounts:security")).content.decode()
        assert "minghu_reporter" in page
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


def test_a_totp_code_is_accepted_in_its_step_and_the_neighbours_only():
    secret = totp_secret_new()
    now = 1_700_000_000
    assert totp_verify(secret=secret, code=totp_code(secret=secret, at=now), at=now)
    assert totp_verify(secret=secret, code=totp_code(secret=secret, at=now - 30), at=now)
    assert not totp_verify(secret=secret, code=totp_code(secret=secret, at=now - 90), at=now)
    assert not totp_verify(secret=secret, code="abcdef", at=now)


def test_the_rfc_6238_sample_secret_gives_the_published_code():
    # RFC 6238 appendix B: ASCII "12345678901234567890", T=59 -> 94287082 (8 digits; we show 6).
    secret = "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ"
    assert totp_code(secret=secret, at=59) == "287082"


@override_settings(OTP_REQUIRED=True)
class OtpTests(DemoTestCase):
    def test_the_reviewer_binds_and_then_verifies_a_second_factor(self):
        self.client.post(reverse("login"), {"username": "reviewer", "password": DEMO_PASSWORD})
        setup = self.client.get(reverse("home"))
        assert setup.url.startswith(reverse("accounts:otp_setup"))
        page = self.client.get(setup.url).content.decode()
        secret = self.client.session["otp_pending_secret"]
        assert secret in page and "otpauth://totp/" in page
        wrong = self.client.post(
            setup.url, {"code": "000000" if totp_code(secret=secret) != "000000" else "1"}
        )
        assert "动态口令不正确" in wrong.content.decode()
        assert self.client.post(setup.url, {"code": totp_code(secret=secret)}).status_code == 302
        assert self.client.get(reverse("home")).status_code == 200

        self.client.post(reverse("logout"))
        self.client.post(reverse("login"), {"username": "reviewer", "password": DEMO_PASSWORD})
        verify = self.client.get(reverse("home"))
        assert verify.url.startswith(reverse("accounts:otp_verify"))
        self.client.post(
            verify.url, {"code": totp_code(secret=User.objects.get(username="reviewer").otp_secret)}
        )
        assert self.client.get(reverse("home")).status_code == 200
        actions = set(AuditEvent.objects.filter(username="reviewer").values_list("action", flat=True))
        assert {AuditAction.OTP_SETUP, AuditAction.OTP_VERIFY} <= actions

    def test_five_wrong_codes_lock_the_account_and_end_the_session(self):
        reviewer = User.objects.get(username="reviewer")
        reviewer.otp_secret = totp_secret_new()
        reviewer.save()
        self.client.post(reverse("login"), {"username": "reviewer", "password": DEMO_PASSWORD})
        wrong = "000000" if totp_code(secret=reviewer.otp_secret) != "000000" else "111111"
        for _ in range(5):
            response = self.client.post(reverse("accounts:otp_verify"), {"code": wrong})
        assert response.url == reverse("login")
        assert "_auth_user_id" not in self.client.session
        assert AuditEvent.objects.filter(action=AuditAction.LOCKOUT, username="reviewer").exists()

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
    env.update(DJANGO_SETTINGS_MODULE="investtrack.settings", SECRET_KEY="x" * 60, **overrides)
    return env
