"""Password rules of 等保2.0 level 3 (身份鉴别: 口令复杂度), with Chinese messages."""

import string

from django.contrib.auth import password_validation
from django.core.exceptions import ValidationError

CLASSES = (
    ("大写字母", set(string.ascii_uppercase)),
    ("小写字母", set(string.ascii_lowercase)),
    ("数字", set(string.digits)),
)


class CharacterClassValidator:
    """At least ``min_classes`` of: upper case, lower case, digits, symbols (anything else)."""

    def __init__(self, min_classes: int = 3):
        self.min_classes = min_classes

    def validate(self, password, user=None):
        used = sum(1 for _name, chars in CLASSES if any(c in chars for c in password))
        known = set().union(*(chars for _name, chars in CLASSES))
        used += any(c not in known for c in password)
        if used < self.min_classes:
            raise ValidationError(self.get_help_text(), code="password_too_simple")

    def get_help_text(self):
        return f"密码须包含大写字母、小写字母、数字、符号中的至少 {self.min_classes} 类。"


class NotUsernameValidator:
    """The password may not be the username, in any case or reversed."""

    def validate(self, password, user=None):
        username = (getattr(user, "username", "") or "").lower()
        if username and password.lower() in (username, username[::-1]):
            raise ValidationError("密码不能与用户名相同。", code="password_is_username")

    def get_help_text(self):
        return "密码不能与用户名相同。"


class MinimumLengthValidator(password_validation.MinimumLengthValidator):
    """Django's, with the Chinese message its zh-hans catalogue lacks for this plural form."""

    def get_error_message(self):
        return f"密码太短，至少包含 {self.min_length} 个字符。"

    def get_help_text(self):
        return f"密码至少包含 {self.min_length} 个字符。"


class PasswordHistoryValidator:
    """The new password is not the current one nor one of the last PASSWORD_HISTORY_COUNT; each
    password set is added to the history."""

    def validate(self, password, user=None):
        from .services import password_history_check

        password_history_check(user=user, password=password)

    def password_changed(self, password, user=None):
        from .services import password_history_record

        if user is not None:
            password_history_record(user=user)

    def get_help_text(self):
        from django.conf import settings

        return f"新密码不能与当前密码及最近 {settings.PASSWORD_HISTORY_COUNT} 次使用过的密码相同。"
